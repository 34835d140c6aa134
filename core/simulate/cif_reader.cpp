// The one translation unit that includes gemmi's CIF parser (it is heavy to compile).
#define GEMMI_WRITE_IMPLEMENTATION
#include <gemmi/sprintf.hpp>
#undef GEMMI_WRITE_IMPLEMENTATION

#include <gemmi/cif.hpp>
#include <gemmi/symmetry.hpp>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <set>

#include "simulate/cif_reader.h"

#include <gemmi/version.hpp>
#include "util/elements.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::core {
namespace {
namespace cif = gemmi::cif;

// "12.345(6)" -> 12.345; '?' and '.' are missing.
bool cifNumber(const std::string& raw, double& value) {
  std::string text = cif::as_string(raw);
  if (text.empty() || text == "?" || text == ".") return false;
  const auto paren = text.find('(');
  if (paren != std::string::npos) text = text.substr(0, paren);
  return parseNumber(text, value);
}

const std::string* firstValue(cif::Block& block, std::initializer_list<const char*> tags) {
  for (const char* tag : tags)
    if (const std::string* v = block.find_value(tag)) return v;
  return nullptr;
}

// "Fe3+" -> (Fe, +3); "O2-" -> (O, -2); "FeT" (a label) -> Fe; "Ow1" -> O.
bool splitSymbol(const std::string& raw, std::string& element, int& charge) {
  std::string letters;
  std::size_t i = 0;
  while (i < raw.size() && std::isalpha(static_cast<unsigned char>(raw[i])) && letters.size() < 2) letters += raw[i++];
  if (letters.empty()) return false;
  letters[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(letters[0])));
  if (letters.size() == 2) letters[1] = static_cast<char>(std::tolower(static_cast<unsigned char>(letters[1])));
  if (letters.size() == 2 && isElementSymbol(letters)) {
    element = letters;
  } else if (isElementSymbol(letters.substr(0, 1))) {
    element = letters.substr(0, 1);
    i = 1;
  } else {
    return false;
  }
  charge = 0;
  const std::string rest = raw.substr(std::min(i, raw.size()));
  if (!rest.empty() && (rest.back() == '+' || rest.back() == '-')) {
    const int sign = rest.back() == '+' ? 1 : -1;
    const std::string digits = rest.substr(0, rest.size() - 1);
    if (digits.empty())
      charge = sign;
    else if (digits.size() == 1 && std::isdigit(static_cast<unsigned char>(digits[0])))
      charge = sign * (digits[0] - '0');
  }
  return true;
}

SymmetryOperation fromGemmi(const gemmi::Op& op) {
  SymmetryOperation out;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) out.rotation[i][j] = op.rot[i][j] / gemmi::Op::DEN;
    out.translation[i] = static_cast<double>(op.tran[i]) / gemmi::Op::DEN;
  }
  return out;
}

// The first block with atom sites (files from databases have one).
cif::Block& atomBlock(cif::Document& doc, const std::string& name) {
  for (cif::Block& b : doc.blocks)
    if (b.find_values("_atom_site_fract_x")) return b;
  throw FormatError(name, 0, "_atom_site_fract_x", "the file has no block with fractional atom coordinates");
}

void readNames(cif::Block& block, const std::string& name, CrystalStructure& s) {
  // A useful name: the mineral or common name, else a block name that means something,
  // else the file's stem ("global" and bare database numbers say nothing).
  const bool block_name_useful =
      !block.name.empty() && block.name != "global" && block.name.find_first_not_of("0123456789") != std::string::npos;
  s.name = block_name_useful ? block.name : std::filesystem::path(name).stem().string();
  s.source = name;
  if (const std::string* f = firstValue(block, {"_chemical_formula_sum", "_chemical_formula_structural"}))
    s.formula = cif::as_string(*f);
  if (const std::string* mineral = firstValue(block, {"_chemical_name_mineral", "_chemical_name_common"}))
    if (!cif::as_string(*mineral).empty() && cif::as_string(*mineral) != "?") s.name = cif::as_string(*mineral);
}

void readCell(cif::Block& block, const std::string& name, CifResult& result) {
  CrystalStructure& s = result.structure;
  const char* cell_tags[6] = {"_cell_length_a",    "_cell_length_b",   "_cell_length_c",
                              "_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma"};
  double cell[6] = {0, 0, 0, 90, 90, 90};
  for (int i = 0; i < 6; ++i) {
    const std::string* v = block.find_value(cell_tags[i]);
    if (!v || !cifNumber(*v, cell[i])) {
      if (i < 3) throw FormatError(name, 0, cell_tags[i], "missing or not a number: a unit cell is required");
      result.warnings.push_back(std::string(cell_tags[i]) + " missing; 90 degrees assumed");
    }
  }
  for (int i = 0; i < 6; ++i)
    // Lengths above 1,000 A are no crystal's (they gave an empty pattern, not an error).
    if (!(cell[i] > 0) || (i >= 3 && cell[i] >= 180) || (i < 3 && cell[i] > 1000))
      throw FormatError(name, 0, cell_tags[i], "value " + formatNumber(cell[i]) + " is not a valid cell parameter");
  s.cell = {cell[0], cell[1], cell[2], cell[3], cell[4], cell[5]};
  if (!(s.cell.volume() > 1e-6)) throw FormatError(name, 0, "_cell_angle_alpha", "the cell angles give no volume");
}

void readSymmetry(cif::Block& block, const std::string& name, CifResult& result) {
  CrystalStructure& s = result.structure;
  // Symmetry: the operators in the file are authoritative (they fix the setting); the H-M
  // symbol is used only when there are none.
  if (const std::string* hm = firstValue(block, {"_space_group_name_H-M_alt", "_symmetry_space_group_name_H-M"}))
    s.space_group = cif::as_string(*hm);
  if (const std::string* number = firstValue(block, {"_space_group_IT_number", "_symmetry_Int_Tables_number"})) {
    double v = 0;
    if (cifNumber(*number, v)) s.space_group_number = static_cast<int>(v);
  }
  std::vector<gemmi::Op> ops;
  cif::Column triplets = block.find_values("_space_group_symop_operation_xyz");
  if (!triplets) triplets = block.find_values("_symmetry_equiv_pos_as_xyz");
  if (triplets) {
    for (const std::string& t : triplets) {
      try {
        ops.push_back(gemmi::parse_triplet(cif::as_string(t)));
      } catch (const std::exception& e) {
        throw FormatError(name, 0, "_space_group_symop_operation_xyz",
                          "'" + cif::as_string(t) + "' is not a symmetry operator: " + e.what());
      }
    }
  } else if (!s.space_group.empty()) {
    const gemmi::SpaceGroup* sg = gemmi::find_spacegroup_by_name(s.space_group, s.cell.alpha, s.cell.gamma);
    if (!sg)
      throw FormatError(
          name, 0, "_symmetry_space_group_name_H-M",
          "space group '" + s.space_group + "' is not recognised and the file lists no symmetry operators");
    for (const gemmi::Op& op : sg->operations()) ops.push_back(op);
  } else {
    result.warnings.push_back("no space group and no symmetry operators: the structure is treated as P1");
    ops.push_back(gemmi::Op::identity());
  }
  // Name the space group from the operators (this also checks they form a group).
  gemmi::GroupOps group = gemmi::split_centering_vectors(ops);
  if (const gemmi::SpaceGroup* sg = gemmi::find_spacegroup_by_ops(group)) {
    if (s.space_group.empty()) s.space_group = sg->hm;
    if (s.space_group_number == 0) s.space_group_number = sg->number;
  } else if (s.space_group_number == 0 && !s.space_group.empty()) {
    if (const gemmi::SpaceGroup* named = gemmi::find_spacegroup_by_name(s.space_group, s.cell.alpha, s.cell.gamma))
      s.space_group_number = named->number;
  }
  bool has_identity = false;
  for (const gemmi::Op& op : ops) {
    s.operations.push_back(fromGemmi(op));
    has_identity = has_identity || op == gemmi::Op::identity();
  }
  if (!has_identity)
    throw FormatError(name, 0, "_space_group_symop_operation_xyz", "the operators do not include x,y,z");
}

void readSites(cif::Block& block, const std::string& name, CrystalStructure& s) {
  cif::Table atoms = block.find("_atom_site_", {"label", "?type_symbol", "fract_x", "fract_y", "fract_z", "?occupancy",
                                                "?U_iso_or_equiv", "?B_iso_or_equiv"});
  if (!atoms.ok() || atoms.length() == 0)
    throw FormatError(name, 0, "_atom_site_label", "the file lists no atom sites");
  for (auto row : atoms) {
    AtomSite site;
    site.label = row.str(0);
    const std::string symbol = row.has(1) ? row.str(1) : site.label;
    if (!splitSymbol(symbol, site.element, site.charge) && !splitSymbol(site.label, site.element, site.charge))
      throw FormatError(name, 0, "_atom_site_type_symbol",
                        "site '" + site.label + "': '" + symbol + "' names no element");
    for (int i = 0; i < 3; ++i)
      if (!cifNumber(row[2 + i], site.fract[i]))
        throw FormatError(name, 0, "_atom_site_fract", "site '" + site.label + "' has no numeric coordinate");
    double value = 0;
    if (row.has(5) && cifNumber(row[5], value)) {
      if (!(value >= 0.0 && value <= 1.0 + 1e-6))
        throw FormatError(name, 0, "_atom_site_occupancy",
                          "site '" + site.label + "' has occupancy " + formatNumber(value));
      site.occupancy = value;
    }
    if (row.has(6) && cifNumber(row[6], value)) {
      site.b_iso = 8.0 * M_PI * M_PI * value;
      site.b_from_file = true;
    } else if (row.has(7) && cifNumber(row[7], value)) {
      site.b_iso = value;
      site.b_from_file = true;
    }
    s.sites.push_back(site);
  }
}

CifResult fromDocument(cif::Document& doc, const std::string& name) {
  CifResult result;
  cif::Block& block = atomBlock(doc, name);
  readNames(block, name, result.structure);
  readCell(block, name, result);
  readSymmetry(block, name, result);
  readSites(block, name, result.structure);
  return result;
}

CifResult parse(const char* data, std::size_t size, const std::string& name) {
  cif::Document doc;
  try {
    tao::pegtl::memory_input<> in(data, size, name);
    doc.source = name;
    cif::parse_input(doc, in);
    cif::check_for_missing_values(doc);
  } catch (const std::exception& e) {
    throw FormatError(name, 0, "CIF", e.what());
  }
  // Strict CIF forbids repeated tags; some databases write them. The first value wins.
  std::vector<std::string> duplicates;
  for (const cif::Block& b : doc.blocks) {
    std::set<std::string> seen;
    for (const cif::Item& item : b.items)
      if (item.type == cif::ItemType::Pair && !seen.insert(gemmi::to_lower(item.pair[0])).second)
        duplicates.push_back(item.pair[0]);
  }
  CifResult result = fromDocument(doc, name);
  for (const std::string& tag : duplicates)
    result.warnings.push_back("tag " + tag + " appears more than once; the first value was used");
  return result;
}
}  // namespace

CifResult readCif(const std::filesystem::path& path) {
  const std::string text = readWholeFile(path, 64ULL << 20);
  if (trim(text).empty()) throw FormatError(path.string(), 0, "", "is empty");
  return parse(text.data(), text.size(), path.string());
}

CifResult readCifText(const std::string& text, const std::string& name) {
  return parse(text.data(), text.size(), name);
}

std::string gemmiVersion() { return GEMMI_VERSION; }

}  // namespace phasewise::core
