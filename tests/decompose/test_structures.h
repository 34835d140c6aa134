#pragma once
// Small crystal structures built in code, for tests that need phases from structures (weight
// fractions need Z M V).

#include <string>

#include "simulate/crystal_structure.h"

namespace phasewise::test {

// One atom of `element` in a primitive cubic cell of edge `a` (Angstrom), space group P 1.
inline core::CrystalStructure primitiveCubic(const std::string& element, double a) {
  core::CrystalStructure s;
  s.name = element;
  s.cell = {a, a, a, 90, 90, 90};
  s.space_group = "P 1";
  s.space_group_number = 1;
  core::SymmetryOperation identity;
  identity.rotation = {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  s.operations = {identity};
  core::AtomSite site;
  site.label = element;
  site.element = element;
  site.b_iso = 0.5;
  s.sites = {site};
  return s;
}

}  // namespace phasewise::test
