#pragma once
// The /refinement group of a project file (docs/file-format.md): class names, grid, the
// refined candidate patterns, top guesses and probabilities before and after, change, and
// the settings in words.

#include <hdf5.h>

#include <string>

#include "format_hdf5/hdf5_handles.h"
#include "learn/refinement_record.h"

namespace phasewise::plugins {

void writeRefinementGroup(hid_t file, const core::RefinementRecord& record);
[[nodiscard]] core::RefinementRecord readRefinementGroup(hid_t file, const h5::Reader& reader);

}  // namespace phasewise::plugins
