#include "project_document.h"

namespace phasewise::gui {

ProjectDocument::ProjectDocument(QObject* parent) : QObject(parent) {}

void ProjectDocument::setLibrary(core::Library library, const QString& file_name) {
  library_ = std::move(library);
  file_name_ = file_name;
  decomposition_.reset();
  selected_ = library_.samples > 0 ? 0 : -1;
  emit libraryChanged();
  emit decompositionChanged();
  emit selectionChanged(selected_);
}

void ProjectDocument::setDecomposition(core::DecompositionResult result) {
  decomposition_ = std::move(result);
  emit decompositionChanged();
}

void ProjectDocument::setSelectedSample(int sample) {
  if (sample == selected_ || sample < 0 || static_cast<std::size_t>(sample) >= library_.samples) return;
  selected_ = sample;
  emit selectionChanged(sample);
}

}  // namespace phasewise::gui
