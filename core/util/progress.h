#pragma once
// The core's one way of reporting progress on long work: a callback that receives the
// fraction done (0..1) and a short stage label, and returns false to ask for cancellation.

#include <functional>
#include <string_view>

namespace phasewise::core {

using ProgressCallback = std::function<bool(double fraction, std::string_view stage)>;

// Calls the callback if there is one; throws CancelledError when it returns false.
void reportProgress(const ProgressCallback& progress, double fraction, std::string_view stage);

}  // namespace phasewise::core
