#include "builtin_formats.h"

#include <memory>

#include "format_chi/chi_format.h"
#include "format_csv/csv_format.h"
#include "format_folder/folder_format.h"
#include "format_hdf5/hdf5_format.h"
#include "format_hdf5/nexus_format.h"
#include "format_instance/instance_format.h"
#include "format_npy_folder/npy_folder_format.h"
#include "format_xrdml/xrdml_format.h"
#include "format_xy/xy_format.h"
#include "format_xylib/xylib_format.h"
#include "io/registry.h"

namespace phasewise::plugins {

void registerBuiltinFormats(core::FormatRegistry& registry) {
  registry.addReader(std::make_unique<Hdf5Reader>());
  registry.addReader(std::make_unique<NexusReader>());
  registry.addReader(std::make_unique<InstanceReader>());
  registry.addReader(std::make_unique<NpyFolderReader>());
  registry.addReader(std::make_unique<FolderReader>(registry));
  registry.addReader(std::make_unique<XrdmlReader>());
  registry.addReader(std::make_unique<ChiReader>());
  registry.addReader(std::make_unique<CsvReader>());
  registry.addReader(std::make_unique<XyReader>());
  registry.addReader(std::make_unique<XylibReader>());

  registry.addWriter(std::make_unique<Hdf5Writer>());
  registry.addWriter(std::make_unique<InstanceWriter>());
  registry.addWriter(std::make_unique<CsvWriter>());
  registry.addWriter(std::make_unique<XyWriter>());
}

}  // namespace phasewise::plugins
