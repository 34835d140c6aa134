#pragma once
// The open project as the GUI sees it: the core's plain data (library, latest decomposition)
// wrapped in a QObject that announces coarse changes. Views read from it; controllers write.

#include <QObject>

#include <optional>

#include "decompose/decomposition.h"
#include "model/library.h"

namespace phasewise::gui {

class ProjectDocument : public QObject {
  Q_OBJECT

 public:
  explicit ProjectDocument(QObject* parent = nullptr);

  [[nodiscard]] bool hasLibrary() const { return library_.samples > 0; }
  [[nodiscard]] const core::Library& library() const { return library_; }
  [[nodiscard]] const std::optional<core::DecompositionResult>& decomposition() const { return decomposition_; }
  [[nodiscard]] int selectedSample() const { return selected_; }
  [[nodiscard]] const QString& fileName() const { return file_name_; }

  void setLibrary(core::Library library, const QString& file_name);
  void setDecomposition(core::DecompositionResult result);
  void setSelectedSample(int sample);

 signals:
  void libraryChanged();
  void decompositionChanged();
  void selectionChanged(int sample);

 private:
  core::Library library_;
  std::optional<core::DecompositionResult> decomposition_;
  int selected_ = -1;
  QString file_name_;
};

}  // namespace phasewise::gui
