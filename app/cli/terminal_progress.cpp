#include "terminal_progress.h"

#include <algorithm>
#include <iostream>
#include <string>

namespace phasewise::cli {

TerminalProgress::~TerminalProgress() {
  if (widest_ > 0) std::cerr << "\r" << std::string(widest_, ' ') << "\r" << std::flush;
}

core::ProgressCallback TerminalProgress::callback() {
  return [this](double fraction, std::string_view stage) {
    const int percent = static_cast<int>(fraction * 100);
    if (!quiet_ && percent != last_percent_) {
      const std::string line = std::string(stage) + " " + std::to_string(percent) + " %";
      // Pad over the end of a longer earlier line.
      std::cerr << "\r" << line << std::string(widest_ > line.size() ? widest_ - line.size() : 0, ' ') << std::flush;
      widest_ = std::max(widest_, line.size());
      last_percent_ = percent;
    }
    return true;
  };
}

}  // namespace phasewise::cli
