#pragma once
// Registers every file format that ships with Phasewise. Called explicitly by the CLI, the
// GUI and the tests (no static initialisers a linker could drop).

namespace phasewise::core {
class FormatRegistry;
}

namespace phasewise::plugins {

void registerBuiltinFormats(core::FormatRegistry& registry);

}  // namespace phasewise::plugins
