// The only translation unit of the decomposition that includes LibTorch.
#include "decompose/nmf.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

#include "util/error.h"
#include "util/idle_cores.h"
#include "util/parallel.h"

namespace phasewise::core {
namespace {
constexpr double kEps = 1e-10;

at::Device parseDevice(const std::string& name) {
  try {
    at::Device device(name);
    if (device.is_cuda() && !at::hasCUDA())
      throw Error("device '" + name + "' asked for, but this LibTorch has no CUDA");
    return device;
  } catch (const c10::Error&) {
    throw Error("unknown compute device '" + name + "' (expected cpu or cuda[:N])");
  }
}

// NNDSVD (Boutsidis & Gallopoulos 2008) on a randomized truncated SVD.
void nndsvd(const at::Tensor& x, int k, std::uint64_t seed, at::Tensor& h, at::Tensor& w) {
  const auto n = x.size(0), m = x.size(1);
  const int64_t rank = std::min<int64_t>({static_cast<int64_t>(k) + 10, n, m});
  at::Generator generator = at::detail::createCPUGenerator(seed);
  at::Tensor omega = at::randn({m, rank}, generator, at::TensorOptions().dtype(at::kFloat)).to(x.device());
  at::Tensor y = at::mm(x, omega);
  for (int power = 0; power < 2; ++power) y = at::mm(x, at::mm(x.t(), std::get<0>(at::linalg_qr(y))));
  at::Tensor q = std::get<0>(at::linalg_qr(y));
  auto [u_small, s, vt] = at::linalg_svd(at::mm(q.t(), x), false);
  at::Tensor u = at::mm(q, u_small);
  h = at::zeros({n, k}, x.options());
  w = at::zeros({k, m}, x.options());
  for (int j = 0; j < k && j < rank; ++j) {
    at::Tensor uj = u.select(1, j), vj = vt.select(0, j);
    if (j == 0) {
      h.select(1, 0).copy_(at::sqrt(s[0]) * at::abs(uj));
      w.select(0, 0).copy_(at::sqrt(s[0]) * at::abs(vj));
      continue;
    }
    at::Tensor up = at::clamp_min(uj, 0), un = at::clamp_min(-uj, 0);
    at::Tensor vp = at::clamp_min(vj, 0), vn = at::clamp_min(-vj, 0);
    const double mp = at::norm(up).item<double>() * at::norm(vp).item<double>();
    const double mn = at::norm(un).item<double>() * at::norm(vn).item<double>();
    const bool positive = mp >= mn;
    const double scale = std::sqrt(s[j].item<double>() * (positive ? mp : mn));
    at::Tensor a = positive ? up : un, b = positive ? vp : vn;
    const double na = at::norm(a).item<double>(), nb = at::norm(b).item<double>();
    if (na > 0 && nb > 0) {
      h.select(1, j).copy_(scale * a / na);
      w.select(0, j).copy_(scale * b / nb);
    }
  }
  // Zeros never move under multiplicative updates: fill them with a small average value.
  const double fill = x.mean().item<double>() / 100.0;
  h.masked_fill_(h < kEps, fill);
  w.masked_fill_(w < kEps, fill);
}

double lossOf(const at::Tensor& x, const at::Tensor& h, const at::Tensor& w, NmfLoss loss, double sparsity) {
  const at::Tensor model = at::mm(h, w);
  double value;
  if (loss == NmfLoss::Frobenius) {
    value = 0.5 * at::sum(at::pow(x - model, 2)).item<double>();
  } else {
    const at::Tensor m = at::clamp_min(model, kEps);
    value = at::sum(x * at::log(at::clamp_min(x, kEps) / m) - x + m).item<double>();
  }
  return value + sparsity * at::sum(h).item<double>();
}
}  // namespace

unsigned setComputeThreads(unsigned threads) {
  // Automatic: the cores free now, so that a core another process holds does not stall the pool.
  const unsigned count = threads ? workerThreads(threads) : idleCores();
  at::set_num_threads(static_cast<int>(count));
  return count;
}

NmfResult nmf(const std::vector<float>& x_data, std::size_t n, std::size_t m, const NmfOptions& options,
              const ProgressCallback& progress) {
  const int k = options.components;
  if (k < 1) throw Error("NMF needs at least one component");
  if (x_data.size() != n * m || n == 0 || m == 0) throw Error("NMF input has the wrong size");
  setComputeThreads(options.threads);
  const at::Device device = parseDevice(options.device);
  const auto f32 = at::TensorOptions().dtype(at::kFloat);
  at::Tensor x =
      at::from_blob(const_cast<float*>(x_data.data()), {static_cast<int64_t>(n), static_cast<int64_t>(m)}, f32)
          .to(device, false, true);
  if (at::min(x).item<float>() < 0) throw Error("NMF needs non-negative data");
  at::Tensor h, w;
  if (!options.initial_h.empty() && !options.initial_w.empty()) {
    if (options.initial_h.size() != n * static_cast<std::size_t>(k) ||
        options.initial_w.size() != static_cast<std::size_t>(k) * m)
      throw Error("NMF starting point has the wrong size");
    h = at::from_blob(const_cast<float*>(options.initial_h.data()), {static_cast<int64_t>(n), k}, f32)
            .to(device, false, true);
    w = at::from_blob(const_cast<float*>(options.initial_w.data()), {k, static_cast<int64_t>(m)}, f32)
            .to(device, false, true);
    h = at::clamp_min(h, kEps);
    if (options.update_w) w = at::clamp_min(w, kEps);
  } else {
    nndsvd(x, k, options.seed, h, w);
  }
  at::Tensor mask;
  if (!options.h_mask.empty()) {
    mask = at::from_blob(const_cast<float*>(options.h_mask.data()), {static_cast<int64_t>(n), k}, f32)
               .to(device, false, true);
    h = h * mask;
  }
  NmfResult result;
  double previous = lossOf(x, h, w, options.loss, options.sparsity);
  result.loss.push_back(previous);
  for (int it = 1; it <= options.max_iterations; ++it) {
    if (options.loss == NmfLoss::Frobenius) {
      h = h * at::mm(x, w.t()) / (at::mm(h, at::mm(w, w.t())) + options.sparsity + kEps);
      if (mask.defined()) h = h * mask;
      if (options.update_w) w = w * at::mm(h.t(), x) / (at::mm(at::mm(h.t(), h), w) + kEps);
    } else {
      at::Tensor ratio = x / (at::mm(h, w) + kEps);
      h = h * at::mm(ratio, w.t()) / (at::sum(w, 1).unsqueeze(0) + options.sparsity + kEps);
      if (mask.defined()) h = h * mask;
      if (options.update_w) {
        ratio = x / (at::mm(h, w) + kEps);
        w = w * at::mm(h.t(), ratio) / (at::sum(h, 0).unsqueeze(1) + kEps);
      }
    }
    result.iterations = it;
    if (it % 10 == 0 || it == options.max_iterations) {
      const double current = lossOf(x, h, w, options.loss, options.sparsity);
      result.loss.push_back(current);
      reportProgress(progress, static_cast<double>(it) / options.max_iterations, "NMF");
      if (std::abs(previous - current) <= options.tolerance * std::max(std::abs(previous), 1e-30)) break;
      previous = current;
    }
  }
  h = h.contiguous().to(at::kCPU);
  w = w.contiguous().to(at::kCPU);
  result.h.assign(h.data_ptr<float>(), h.data_ptr<float>() + h.numel());
  result.w.assign(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
  return result;
}

}  // namespace phasewise::core
