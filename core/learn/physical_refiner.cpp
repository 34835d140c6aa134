#include "learn/physical_refiner.h"

#include <torch/optim/adam.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "model/bernstein.h"
#include "util/error.h"

namespace phasewise::core {
namespace {
constexpr int kDiffusionSteps = 8;   // explicit heat steps of the broadening (stable for dt <= 0.5)
constexpr int kStrainSearch = 13;    // strains tried by the coarse search, over [-max, max]
constexpr int kEnvelopeRounds = 40;  // clip-and-refit rounds of the background under the peaks

torch::Tensor normalised(const torch::Tensor& pattern) {
  return pattern / std::get<0>(pattern.max(1, true)).clamp_min(1e-12);
}

}  // namespace

PhysicalRefiner::PhysicalRefiner(const torch::Tensor& x, const std::vector<double>& q,
                                 const PhysicalEditSettings& settings, const torch::Tensor& ideals)
    : settings_(settings), q_values_(q) {
  if (x.dim() != 2 || x.size(1) != static_cast<std::int64_t>(q.size()))
    throw Error("the physical refiner needs 1-D patterns on the classifier's grid");
  if (q.size() < 8 || !std::is_sorted(q.begin(), q.end()) || !(q.front() > 0))
    throw Error("the physical refiner needs an increasing grid of positive Q");
  if (!(settings.max_strain >= 0 && settings.max_strain < 0.5)) throw Error("the strain bound must be in [0, 0.5)");
  if (!(settings.max_broadening >= 0 && settings.max_broadening <= 20))
    throw Error("the broadening bound must be in [0, 20] points");
  if (settings.background_terms < 1 || settings.background_terms > 12)
    throw Error("the background needs 1 to 12 polynomial terms");
  if (!(settings.strain_cost >= 0) || !(settings.broadening_cost >= 0) || !(settings.learning_rate > 0))
    throw Error("edit costs must be non-negative and the learning rate positive");
  if (ideals.defined() && (ideals.dim() != 2 || ideals.size(1) != x.size(1)))
    throw Error("the ideal patterns do not match the candidates' grid");
  x_ = x.to(torch::kCPU, torch::kFloat32).contiguous();
  total_ = x_.sum(1, true).clamp_min(1e-12);
  const auto m = x_.size(1), count = x_.size(0);
  q_ = torch::from_blob(const_cast<double*>(q.data()), {m}, torch::kFloat64).to(torch::kFloat32).clone();
  basis_ = torch::from_blob(bernsteinBasis(settings.background_terms, static_cast<std::size_t>(m)).data(),
                            {settings.background_terms, m}, torch::kFloat32)
               .clone();
  segment_ = torch::zeros({count, m}, torch::kInt64);
  for (std::int64_t i = 0; i < count; ++i) {
    const PeakSegmentation s =
        segmentPeaks(x_.data_ptr<float>() + i * m, static_cast<std::size_t>(m), settings.min_peak_prominence);
    std::copy(s.segment.begin(), s.segment.end(), segment_.data_ptr<std::int64_t>() + i * m);
    peak_points_.push_back(s.maxima);
    peaks_ = std::max(peaks_, static_cast<std::int64_t>(s.maxima.size()));
  }
  // Everything follows the patterns' device.
  x_ = x_.to(x.device());
  total_ = total_.to(x.device());
  q_ = q_.to(x.device());
  basis_ = basis_.to(x.device());
  segment_ = segment_.to(x.device());
  if (ideals.defined()) ideals_ = ideals.to(x.device(), torch::kFloat32);
}

torch::Tensor PhysicalRefiner::warp(const torch::Tensor& pattern, const torch::Tensor& strain) const {
  // R(Q) = pattern(Q (1 + strain)), linear interpolation, zero outside the grid.
  const auto m = q_.size(0);
  const torch::Tensor target = q_.unsqueeze(0) * (1 + strain);
  const torch::Tensor hi = torch::searchsorted(q_, target.detach()).clamp(1, m - 1);
  const torch::Tensor lo = hi - 1;
  const torch::Tensor q_lo = q_.index_select(0, lo.flatten()).view_as(target);
  const torch::Tensor q_hi = q_.index_select(0, hi.flatten()).view_as(target);
  const torch::Tensor f = ((target - q_lo) / (q_hi - q_lo)).clamp(0, 1);
  const torch::Tensor inside = ((target >= q_[0]) & (target <= q_[m - 1])).to(pattern.dtype());
  return (pattern.gather(1, lo) * (1 - f) + pattern.gather(1, hi) * f) * inside;
}

torch::Tensor PhysicalRefiner::broaden(const torch::Tensor& pattern, const torch::Tensor& broadening) const {
  // Heat diffusion for time T adds a Gaussian of variance 2T (points^2); T is linear in the
  // parameter so that its gradient does not vanish at no broadening.
  const double max_time = 0.5 * settings_.max_broadening * settings_.max_broadening;
  if (max_time <= 0) return pattern;
  const torch::Tensor dt = broadening * (max_time / kDiffusionSteps);
  torch::Tensor y = pattern;
  const auto m = pattern.size(1);
  for (int step = 0; step < kDiffusionSteps; ++step) {
    const torch::Tensor left = torch::cat({y.slice(1, 0, 1), y.slice(1, 0, m - 1)}, 1);
    const torch::Tensor right = torch::cat({y.slice(1, 1, m), y.slice(1, m - 1, m)}, 1);
    y = y + dt * (left - 2 * y + right);
  }
  return y;
}

torch::Tensor PhysicalRefiner::peakFloors(const torch::Tensor& reference) const {
  const auto count = x_.size(0);
  if (!settings_.keep_target_peaks || !ideals_.defined() || !reference.defined())
    return torch::zeros({count, peaks_}, x_.options());
  torch::NoGradGuard no_grad;
  // Align the reference over the strain range (cosine), then allow a few points' tolerance.
  const torch::Tensor r = ideals_.index_select(0, reference);
  const double range = std::max(settings_.max_strain, 0.03);
  torch::Tensor best = r, best_cosine = torch::full({count}, -1.0, x_.options());
  const torch::Tensor x_norm = x_.norm(2, 1).clamp_min(1e-12);
  for (int k = 0; k <= 40; ++k) {
    const torch::Tensor shifted = warp(r, torch::full({count, 1}, range * (-1.0 + k / 20.0), x_.options()));
    const torch::Tensor cosine = (shifted * x_).sum(1) / (shifted.norm(2, 1).clamp_min(1e-12) * x_norm);
    const torch::Tensor better = cosine > best_cosine;
    best = torch::where(better.unsqueeze(1), shifted, best);
    best_cosine = torch::where(better, cosine, best_cosine);
  }
  torch::Tensor tolerant = torch::max_pool1d(best.unsqueeze(1), 7, 1, 3).squeeze(1);
  tolerant = (tolerant / std::get<0>(tolerant.max(1, true)).clamp_min(1e-12)).to(torch::kCPU).contiguous();
  // A peak is supported as far as the reference, at the peak's maximum, reaches a third of its
  // height, both as shares of their pattern's strongest peak. Heights, not areas: a candidate's
  // segments hold the background between peaks and its peaks are often broader than the ideal
  // (a decomposition averages shifted samples), and an area comparison took a phase's own
  // strongest peaks away (Fe-Ni-Cu: NiO's 111 kept at 47 %, hematite's 012 at 35 %).
  const torch::Tensor x = x_.to(torch::kCPU).contiguous();
  const torch::Tensor segment = segment_.to(torch::kCPU).contiguous();
  torch::Tensor share = torch::ones({count, peaks_}, torch::kFloat32);
  const auto m = x.size(1);
  for (std::int64_t i = 0; i < count; ++i) {
    const float* xi = x.data_ptr<float>() + i * m;
    const float* ti = tolerant.data_ptr<float>() + i * m;
    const std::int64_t* si = segment.data_ptr<std::int64_t>() + i * m;
    const std::vector<std::size_t>& maxima = peak_points_[static_cast<std::size_t>(i)];
    // Net height of each peak: above the lowest point of its segment (its valleys).
    std::vector<float> valley(maxima.size(), std::numeric_limits<float>::max());
    for (std::int64_t j = 0; j < m; ++j)
      if (si[j] >= 0 && static_cast<std::size_t>(si[j]) < maxima.size())
        valley[static_cast<std::size_t>(si[j])] = std::min(valley[static_cast<std::size_t>(si[j])], xi[j]);
    std::vector<float> net(maxima.size());
    float strongest = 0;
    for (std::size_t p = 0; p < maxima.size(); ++p) {
      net[p] = std::max(0.0F, xi[maxima[p]] - valley[p]);
      strongest = std::max(strongest, net[p]);
    }
    float* out = share.data_ptr<float>() + i * peaks_;
    for (std::size_t p = 0; p < maxima.size(); ++p)
      out[p] = net[p] > 0 ? std::min(1.0F, 3 * ti[maxima[p]] * strongest / net[p]) : 1.0F;
  }
  return share.to(x_.device());
}

PhysicalRefiner::Edited PhysicalRefiner::edit(const PhysicalSolution& s) const {
  Edited e;
  e.base = torch::relu(x_ - s.background.matmul(basis_));
  const torch::Tensor keep = s.mask.gather(1, segment_);
  const torch::Tensor masked = e.base * keep;
  const torch::Tensor removed = 1 - masked.sum(1, true) / total_;
  e.pattern = warp(broaden(masked, s.broadening), s.strain * settings_.max_strain);
  e.change = (removed + settings_.strain_cost * settings_.max_strain * s.strain.abs() +
              settings_.broadening_cost * s.broadening)
                 .squeeze(1);
  return e;
}

PhysicalSolution PhysicalRefiner::solve(const Evaluation& evaluation, const torch::Tensor& reference, double lambda,
                                        int steps, const ProgressCallback& progress, double from, double span) const {
  const auto count = x_.size(0);
  const auto options = x_.options();
  PhysicalSolution s;
  s.broadening = torch::zeros({count, 1}, options);
  s.background = torch::zeros({count, settings_.background_terms}, options);
  s.strain = torch::zeros({count, 1}, options);
  s.floor = peakFloors(reference);
  s.reference = reference;
  // The projection keeps what the target explains, and a smooth background is not a phase's.
  if (!settings_.restore) s.background = lowerEnvelope();
  // Start from what the reference explains (unexplained peaks taken away); the classifier
  // and the cost of removal then decide what comes back.
  s.mask = s.floor.clone();
  // Gradients see a peak's neighbourhood only: start from the best of a coarse strain search.
  if (settings_.max_strain > 0) {
    torch::NoGradGuard no_grad;
    torch::Tensor best_cost;
    for (int k = 0; k < kStrainSearch; ++k) {
      const double e = -1.0 + 2.0 * k / (kStrainSearch - 1);
      const torch::Tensor strain = torch::full({count, 1}, e, options);
      const torch::Tensor cost = evaluation(normalised(warp(x_, strain * settings_.max_strain))) +
                                 lambda * settings_.strain_cost * settings_.max_strain * std::abs(e);
      if (k == 0) {
        best_cost = cost;
        s.strain = strain;
      } else {
        s.strain = torch::where((cost < best_cost).unsqueeze(1), strain, s.strain);
        best_cost = torch::minimum(cost, best_cost);
      }
    }
  }
  std::vector<torch::Tensor> parameters{s.mask, s.strain, s.broadening};
  if (settings_.restore) parameters.push_back(s.background);
  for (auto& p : parameters) p.set_requires_grad(true);
  torch::optim::Adam optimizer(parameters, torch::optim::AdamOptions(settings_.learning_rate));
  for (int step = 0; step < steps; ++step) {
    // The step size decays linearly to zero, so that the edits settle.
    const double lr = settings_.learning_rate * (1.0 - static_cast<double>(step) / steps);
    for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    optimizer.zero_grad();
    const Edited e = edit(s);
    (evaluation(normalised(e.pattern)) + lambda * e.change).sum().backward();
    optimizer.step();
    {
      // Projection onto the bounds: peaks kept in [0, 1] of their height, strain and
      // broadening within their limits, background non-negative.
      torch::NoGradGuard no_grad;
      s.mask.copy_(settings_.restore ? torch::maximum(s.mask.clamp_max(1), s.floor) : s.floor);
      s.strain.clamp_(-1, 1);
      s.broadening.clamp_(0, 1);
      s.background.clamp_(0, 1);
    }
    if (step % 10 == 0) reportProgress(progress, from + span * static_cast<double>(step) / steps, "refining");
  }
  for (auto& p : parameters) p.set_requires_grad(false);
  torch::NoGradGuard no_grad;
  const Edited e = edit(s);
  s.cost = evaluation(normalised(e.pattern)) + lambda * e.change;
  return s;
}

torch::Tensor PhysicalRefiner::lowerEnvelope() const {
  // Least squares on the background polynomials, then the data clipped to the fit, again: the
  // peaks sink below the curve round by round and what stays is the smooth floor beneath them.
  torch::NoGradGuard no_grad;
  const auto terms = basis_.size(0);
  const torch::Tensor gram = basis_.matmul(basis_.t()) + 1e-9 * torch::eye(terms, basis_.options());
  const torch::Tensor solve = torch::inverse(gram);
  torch::Tensor y = x_.clone(), coefficients;
  for (int round = 0; round < kEnvelopeRounds; ++round) {
    coefficients = y.matmul(basis_.t()).matmul(solve).clamp(0, 1);
    y = torch::minimum(y, coefficients.matmul(basis_));
  }
  return coefficients;
}

torch::Tensor PhysicalRefiner::apply(const PhysicalSolution& s) const {
  torch::NoGradGuard no_grad;
  return normalised(edit(s).pattern);
}

void PhysicalRefiner::keepCheaper(PhysicalSolution& best, const PhysicalSolution& candidate) {
  torch::NoGradGuard no_grad;
  const torch::Tensor better = (candidate.cost < best.cost).unsqueeze(1);
  best.mask = torch::where(better, candidate.mask, best.mask);
  best.strain = torch::where(better, candidate.strain, best.strain);
  best.broadening = torch::where(better, candidate.broadening, best.broadening);
  best.background = torch::where(better, candidate.background, best.background);
  best.floor = torch::where(better, candidate.floor, best.floor);
  if (best.reference.defined() && candidate.reference.defined())
    best.reference = torch::where(better.squeeze(1), candidate.reference, best.reference);
  best.cost = torch::minimum(candidate.cost, best.cost);
}

std::vector<PhysicalEdit> PhysicalRefiner::describe(const PhysicalSolution& s) const {
  torch::NoGradGuard no_grad;
  const Edited e = edit(s);
  const auto count = x_.size(0), m = x_.size(1);
  // Intensity each peak loses to the mask, as a share of the candidate's.
  const torch::Tensor lost = (e.base * (1 - s.mask.gather(1, segment_)) / total_).to(torch::kCPU).contiguous();
  const torch::Tensor background_share = (1 - e.base.sum(1, true) / total_).to(torch::kCPU).contiguous();
  const torch::Tensor mask = s.mask.to(torch::kCPU).contiguous();
  const torch::Tensor strain = s.strain.to(torch::kCPU).contiguous();
  const torch::Tensor broadening = s.broadening.to(torch::kCPU).contiguous();
  const torch::Tensor segment = segment_.to(torch::kCPU).contiguous();
  std::vector<PhysicalEdit> out(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    PhysicalEdit& edit = out[static_cast<std::size_t>(i)];
    edit.applied = true;
    if (s.reference.defined()) edit.target = static_cast<int>(s.reference[i].item<std::int64_t>());
    // An empty candidate has nothing to remove (the share would read 100 % against a zero total).
    if (!(x_[i].sum().item<double>() > 0)) continue;
    edit.background_fraction = std::max(0.0, static_cast<double>(background_share[i][0].item<float>()));
    edit.strain = settings_.max_strain * strain[i][0].item<float>();
    edit.broadening = settings_.max_broadening * std::sqrt(static_cast<double>(broadening[i][0].item<float>()));
    const std::vector<std::size_t>& maxima = peak_points_[static_cast<std::size_t>(i)];
    std::vector<double> share(maxima.size(), 0.0);
    const float* l = lost.data_ptr<float>() + i * m;
    const std::int64_t* seg = segment.data_ptr<std::int64_t>() + i * m;
    // A pattern without peaks (all zero, or flat) has no segments to credit.
    for (std::int64_t j = 0; j < m; ++j)
      if (seg[j] >= 0 && static_cast<std::size_t>(seg[j]) < share.size())
        share[static_cast<std::size_t>(seg[j])] += l[j];
    double removed = edit.background_fraction;
    for (std::size_t p = 0; p < maxima.size(); ++p) {
      removed += share[p];
      if (share[p] < 0.01) continue;
      edit.peaks.push_back({q_values_[maxima[p]], share[p], mask[i][static_cast<std::int64_t>(p)].item<float>()});
    }
    edit.removed_fraction = removed;
  }
  return out;
}

}  // namespace phasewise::core
