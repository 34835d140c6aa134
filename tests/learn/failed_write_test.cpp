// Fault injection for every writer: a write that fails half-way keeps the earlier file and
// says so. The disk "fills up" in a child process whose files may not grow beyond a few
// kilobytes (RLIMIT_FSIZE: the kernel refuses the write with EFBIG part-way through, as a
// full disk refuses it with ENOSPC), so the writer really is interrupted mid-file; the parent
// then checks the earlier file byte for byte and that no temporary was left beside it.

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <functional>
#include <iterator>

#include "builtin_formats.h"
#include "decompose/decomposer.h"
#include "example/synthetic_library.h"
#include "format_hdf5/phase_library_file.h"
#include "format_hdf5/project_file.h"
#include "format_instance/solution_format.h"
#include "io/npy.h"
#include "io/registry.h"
#include "learn/candidates.h"
#include "learn_fixtures.h"
#include "simulate/example_phases.h"
#include "test_support.h"

namespace phasewise::test {
namespace {
namespace fs = std::filesystem;
using namespace core;

constexpr rlim_t kDiskLeft = 4096;  // bytes a file may reach before the "disk is full"

std::string bytesOf(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

struct FailedWrite {
  bool failed = false;  // the writer threw, as it should
  std::string message;  // what it said
  std::string ending;   // how the child ended, for the failure message
};

// Runs `write` in a child process with the disk full after kDiskLeft bytes per file.
FailedWrite writeWithFullDisk(const std::function<void()>& write) {
  int channel[2];
  if (pipe(channel) != 0) return {false, "pipe failed"};
  const pid_t child = fork();
  if (child == 0) {
    close(channel[0]);
    std::signal(SIGXFSZ, SIG_IGN);  // a failed write, not a killed process
    const rlimit limit{kDiskLeft, kDiskLeft};
    setrlimit(RLIMIT_FSIZE, &limit);
    std::string said;
    int status = 0;
    try {
      write();
    } catch (const std::exception& e) {
      said = e.what();
      status = 1;
    }
    [[maybe_unused]] const auto sent = ::write(channel[1], said.data(), said.size());
    close(channel[1]);
    _exit(status);  // no test-framework clean-up in the child
  }
  close(channel[1]);
  FailedWrite result;
  char buffer[4096];
  for (ssize_t n; (n = read(channel[0], buffer, sizeof buffer)) > 0;) result.message.append(buffer, buffer + n);
  close(channel[0]);
  int status = 0;
  waitpid(child, &status, 0);
  result.failed = WIFEXITED(status) && WEXITSTATUS(status) == 1;
  result.ending =
      WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status)) : "signal " + std::to_string(WTERMSIG(status));
  return result;
}

// Writes a small good file with `write_small`, then a large one over it on a full disk:
// the write must fail with a message, the good file must be as it was, nothing else left.
void expectEarlierFileKept(const std::string& what, const fs::path& path, const std::function<void()>& write_small,
                           const std::function<void()>& write_large) {
  SCOPED_TRACE(what);
  write_small();
  ASSERT_TRUE(fs::exists(path));
  const std::string before = bytesOf(path);
  const FailedWrite outcome = writeWithFullDisk(write_large);
  EXPECT_TRUE(outcome.failed) << "the interrupted write was not reported as an error (" << outcome.ending << ")";
  EXPECT_FALSE(outcome.message.empty());
  EXPECT_NE(outcome.message.find(path.filename().string()), std::string::npos)
      << "the message names the file: " << outcome.message;
  EXPECT_TRUE(bytesOf(path) == before) << "the earlier file was damaged";
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(path.parent_path())) files += entry.path() == path ? 1 : 100;
  EXPECT_EQ(files, 1U) << "a temporary was left behind";
}

Library smallLibrary() {
  SyntheticLibrarySpec spec;
  spec.grid_divisions = 2;
  spec.points = 64;
  return makeSyntheticLibrary(spec).library;
}
Library largeLibrary() { return makeSyntheticLibrary(SyntheticLibrarySpec{}).library; }

// The record and its candidates `times` over, one after another: a larger export.
void repeat(RefinementRecord& record, Candidates& candidates, int times) {
  const RefinementRecord one_record = record;
  const Candidates one_candidates = candidates;
  const auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
  for (int k = 1; k < times; ++k) {
    append(record.refined, one_record.refined);
    append(record.done, one_record.done);
    append(candidates.patterns, one_candidates.patterns);
    append(candidates.labels, one_candidates.labels);
  }
}

const FormatRegistry& formats() {
  static const FormatRegistry* registry = [] {
    auto* made = new FormatRegistry();  // lives as long as the test process
    plugins::registerBuiltinFormats(*made);
    return made;
  }();
  return *registry;
}

TEST(FailedWriteTest, LibraryWritersKeepTheEarlierFile) {
  for (const std::string name : {"library.h5", "library.csv", "instance.txt"}) {
    const fs::path path = freshTempDir() / name;
    const std::string id = name == "instance.txt" ? "instance" : formats().writerFor(path).id();
    expectEarlierFileKept(
        name, path, [&] { formats().writer(id).write(smallLibrary(), path); },
        [&] { formats().writer(id).write(largeLibrary(), path); });
  }
}

TEST(FailedWriteTest, ProjectsPhaseLibrariesSolutionsAndArraysKeepTheEarlierFile) {
  DecompositionSettings settings;
  settings.phases = 4;
  settings.max_iterations = 20;
  const Library large = largeLibrary();
  const DecompositionResult decomposition = decompose(large, settings);
  const fs::path project = freshTempDir() / "project.h5";
  expectEarlierFileKept(
      "project", project,
      [&] {
        plugins::writeProject({smallLibrary(), std::nullopt, std::nullopt, std::nullopt}, project);
      },
      [&] {
        plugins::writeProject({large, std::nullopt, decomposition, std::nullopt}, project);
      });

  const SyntheticLibrary example = makeSyntheticLibrary(SyntheticLibrarySpec{});
  const fs::path phases = freshTempDir() / "phases.h5";
  expectEarlierFileKept(
      "phase library", phases, [&] { plugins::writePhaseLibraryFile(fourPhases(), phases); },
      [&] { plugins::writePhaseLibraryFile(exampleReferencePhases(example), phases); });

  const fs::path solution = freshTempDir() / "solution.txt";
  const std::vector<std::string> names{"a", "b", "c", "d"};
  DecompositionSettings quick = settings;
  quick.max_iterations = 5;
  const DecompositionResult small_decomposition = decompose(smallLibrary(), quick);
  expectEarlierFileKept(
      "solution", solution, [&] { plugins::writeSolution(small_decomposition, names, solution); },
      [&] { plugins::writeSolution(decomposition, names, solution); });

  const fs::path npy = freshTempDir() / "array.npy";
  const std::vector<double> few(8, 1.0), many(100000, 2.0);
  expectEarlierFileKept(
      "npy", npy, [&] { writeNpy(npy, NpyWriteSpec{}, {few.size()}, few); },
      [&] { writeNpy(npy, NpyWriteSpec{}, {many.size()}, many); });
}

TEST(FailedWriteTest, ClassifiersAndRefinedExportsKeepTheEarlierFile) {
  const fs::path classifier = freshTempDir() / "classifier.pt";
  ClassifierSettings wide = quickSettings();
  wide.channels = 32;
  wide.epochs = 1;
  wide.patterns_per_phase = 8;
  wide.validation_per_phase = 4;
  const PhaseClassifier large = PhaseClassifier::train(fourPhases(), wide);
  // A classifier is far larger than the limit: the "small" earlier file is a text placeholder.
  expectEarlierFileKept(
      "classifier", classifier, [&] { writeText(classifier, "an earlier classifier\n"); },
      [&] { large.save(classifier); });

  SyntheticLibrarySpec spec;
  spec.grid_divisions = 8;
  const SyntheticLibrary example = makeSyntheticLibrary(spec);
  DecompositionSettings settings;
  settings.phases = 4;
  settings.max_iterations = 20;
  const Candidates candidates = candidatesFromDecomposition(decompose(example.library, settings), "example.h5");
  const RefinementRecord record = identifyCandidates(trained(), candidates, "test classifier");
  RefinementRecord one = record;
  std::fill(one.done.begin(), one.done.end(), 0);
  one.done[0] = 1;
  RefinementRecord all = record;
  std::fill(all.done.begin(), all.done.end(), 1);
  for (const std::string name : {"refined.csv", "refined.h5"}) {
    const fs::path path = freshTempDir() / name;
    expectEarlierFileKept(
        name, path, [&] { formats().writerFor(path).write(refinedLibrary(one, candidates), path); },
        [&] {
          // Many copies of the patterns: well past the limit.
          RefinementRecord many = all;
          Candidates many_candidates = candidates;
          repeat(many, many_candidates, 9);
          formats().writerFor(path).write(refinedLibrary(many, many_candidates), path);
        });
  }
}

}  // namespace
}  // namespace phasewise::test
