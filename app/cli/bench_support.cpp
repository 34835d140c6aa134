#include "bench_support.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace phasewise::cli {

std::string runCapturing(const std::string& command, bool* succeeded) {
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  if (!pipe) {
    if (succeeded) *succeeded = false;
    return output;
  }
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = pclose(pipe);
  if (succeeded) *succeeded = status == 0;
  return output;
}

std::uint64_t procStatusBytes(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      std::istringstream fields(line.substr(key.size() + 1));
      std::uint64_t kib = 0;
      fields >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

}  // namespace phasewise::cli
