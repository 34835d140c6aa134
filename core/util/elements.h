#pragma once
// Chemical element symbols, for recognising element names in file and folder names.

#include <string>
#include <string_view>
#include <vector>

namespace phasewise::core {

[[nodiscard]] bool isElementSymbol(std::string_view symbol);

// A list of element symbols as a person types it ("Ni, Zn La" or "Ni,Zn,La"); throws Error
// naming the first token that is not a symbol (symbols are case-sensitive: "Co", not "CO").
[[nodiscard]] std::vector<std::string> parseElementSymbols(std::string_view text);

// Element symbols among the '-' or '_' separated tokens of a name such as "Bi-Cu-V-307".
[[nodiscard]] std::vector<std::string> elementsInName(std::string_view name);

}  // namespace phasewise::core
