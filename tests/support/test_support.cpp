#include "test_support.h"

#include <cstdlib>
#include <fstream>

#include "test_paths.h"

namespace phasewise::test {

std::filesystem::path sharedDataDir() {
  std::error_code ec;
  if (const char* env = std::getenv("PHASEWISE_DATA_DIR"); env && *env) {
    return std::filesystem::is_directory(env, ec) ? std::filesystem::path(env) : std::filesystem::path();
  }
  const std::filesystem::path dir = PHASEWISE_SHARED_DATA_DIR;
  return std::filesystem::is_directory(dir, ec) ? std::filesystem::canonical(dir) : std::filesystem::path();
}

std::filesystem::path freshTempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const char* base_env = std::getenv("PHASEWISE_TEST_TMP");
  const std::filesystem::path base = base_env && *base_env ? std::filesystem::path(base_env)
                                                           : std::filesystem::temp_directory_path() / "phasewise-tests";
  std::filesystem::path dir = base / (std::string(info->test_suite_name()) + "." + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void writeText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace phasewise::test
