#pragma once
// Progress of a long command on stderr: "stage NN %" rewritten in place while it runs, the
// line cleared when it ends (also on an exception), nothing at all with --quiet.

#include <cstddef>

#include "util/progress.h"

namespace phasewise::cli {

class TerminalProgress {
 public:
  explicit TerminalProgress(bool quiet) : quiet_(quiet) {}
  ~TerminalProgress();
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  // The callback to hand to the core; valid while this object lives. Never asks to stop.
  [[nodiscard]] core::ProgressCallback callback();

 private:
  bool quiet_;
  int last_percent_ = -1;
  std::size_t widest_ = 0;  // of the lines written, to clear them
};

}  // namespace phasewise::cli
