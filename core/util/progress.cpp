#include "util/progress.h"

#include "util/error.h"

namespace phasewise::core {

void reportProgress(const ProgressCallback& progress, double fraction, std::string_view stage) {
  if (progress && !progress(fraction, stage)) throw CancelledError();
}

}  // namespace phasewise::core
