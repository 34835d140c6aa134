#include "small_cifs.h"

#include <string>

#include "test_support.h"

namespace phasewise::test {
namespace {

std::string cubicCif(const std::string& name, double a, const std::string& group, const std::string& element) {
  const std::string length = std::to_string(a);
  return "data_" + name + "\n_chemical_formula_sum '" + element + "'\n_cell_length_a " + length + "\n_cell_length_b " +
         length + "\n_cell_length_c " + length +
         "\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n_symmetry_space_group_name_H-M '" + group +
         "'\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n"
         "_atom_site_fract_z\n" +
         element + "1 " + element + " 0 0 0\n";
}

}  // namespace

void writeSmallCifFolder(const std::filesystem::path& dir) {
  writeText(dir / "copper.cif", cubicCif("copper", 3.6149, "F m -3 m", "Cu"));
  writeText(dir / "iron.cif", cubicCif("iron", 2.8665, "I m -3 m", "Fe"));
  writeText(dir / "rutile.cif",
            "data_rutile\n_chemical_formula_sum 'Ti O2'\n_cell_length_a 4.5937\n_cell_length_b 4.5937\n"
            "_cell_length_c 2.9581\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
            "_symmetry_space_group_name_H-M 'P 42/m n m'\nloop_\n_atom_site_label\n_atom_site_type_symbol\n"
            "_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nTi Ti4+ 0 0 0\nO O2- 0.3048 0.3048 0\n");
  // Cell lengths that are not numbers, and no atoms: a CIF no one can simulate.
  writeText(dir / "broken.cif", "data_broken\n_cell_length_a abc\n_cell_length_b 3\n");
  writeText(dir / "notes.md", "not a phase\n");
}

}  // namespace phasewise::test
