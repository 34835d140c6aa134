#pragma once
// Non-negative matrix factorisation X ~ H W (X: n x m, H: n x k, W: k x m) by multiplicative
// updates for the Frobenius or Kullback-Leibler loss, started from NNDSVD (deterministic:
// a randomized SVD with a fixed seed). Dense maths on LibTorch tensors, kept behind this
// header: nothing outside core/decompose sees torch.

#include <cstdint>
#include <string>
#include <vector>

#include "decompose/decomposition.h"
#include "util/progress.h"

namespace phasewise::core {

struct NmfOptions {
  int components = 6;
  NmfLoss loss = NmfLoss::Frobenius;
  int max_iterations = 500;
  double tolerance = 1e-4;  // relative change of the loss between checks (every 10 iterations)
  double sparsity = 0.0;    // L1 penalty on H
  std::uint64_t seed = 1;
  unsigned threads = 0;
  std::string device = "cpu";
  // Optional starting point (n x k and k x m); NNDSVD when empty.
  std::vector<float> initial_h, initial_w;
  // Optional mask (n x k) of allowed activations: zero entries stay zero (Gibbs subsets).
  std::vector<float> h_mask;
  bool update_w = true;  // false: W is held fixed (seeded / frozen phases)
};

struct NmfResult {
  std::vector<float> h;  // n x k
  std::vector<float> w;  // k x m
  int iterations = 0;
  std::vector<double> loss;  // at each check
};

[[nodiscard]] NmfResult nmf(const std::vector<float>& x, std::size_t n, std::size_t m, const NmfOptions& options,
                            const ProgressCallback& progress = nullptr);

// Sets LibTorch's intra-op thread count (0: the cores free now, util/idle_cores.h); returns the
// count in use.
unsigned setComputeThreads(unsigned threads);

}  // namespace phasewise::core
