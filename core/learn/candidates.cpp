#include "learn/candidates.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "simulate/radiation.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::core {

Candidates candidatesFromDecomposition(const DecompositionResult& d, const std::string& source) {
  Candidates c;
  c.axis = d.axis;
  c.patterns = d.bases;
  c.source = source;
  for (int i = 0; i < d.phases; ++i) c.labels.push_back("phase " + std::to_string(i + 1));
  return c;
}

Candidates candidatesFromLibrary(const Library& library, const std::string& source) {
  Candidates c;
  c.axis = library.axis;
  c.patterns = library.intensities;
  c.source = source;
  c.elements = library.elements;
  for (std::size_t s = 0; s < library.samples; ++s) c.labels.push_back("sample " + std::to_string(s + 1));
  return c;
}

std::vector<float> prepareCandidates(const PhaseClassifier& classifier, const Candidates& c) {
  const std::size_t m = c.axis.values.size();
  if (m == 0 || c.patterns.size() != c.count() * m) throw Error("the candidates do not match their axis");
  std::vector<float> out;
  out.reserve(c.count() * classifier.points());
  for (std::size_t i = 0; i < c.count(); ++i) {
    const std::vector<float> one = classifier.prepare(c.axis, c.patterns.data() + i * m);
    out.insert(out.end(), one.begin(), one.end());
  }
  return out;
}

std::string peakWidthWarning(const PhaseClassifier& classifier, const Candidates& candidates) {
  constexpr double kTolerance = 1.5;
  Library lib;
  lib.axis = candidates.axis;
  lib.samples = candidates.count();
  lib.intensities = candidates.patterns;
  if (lib.intensities.size() != lib.samples * lib.axis.size()) return {};
  const auto width = classifier.settings().peakWidthOf(lib);
  if (!width) return {};
  const auto [low, high] = classifier.settings().peakWidths();
  const bool broad = width->two_theta_deg > kTolerance * high, narrow = width->two_theta_deg < low / kTolerance;
  if (!broad && !narrow) return {};
  std::ostringstream text;
  text << std::fixed << std::setprecision(2) << "the patterns' peaks (median FWHM " << width->two_theta_deg
       << " deg 2-theta of " << Radiation::parse(classifier.settings().radiation).name << ") are "
       << (broad ? "broader" : "narrower") << " than those the classifier was trained on (" << low << "-" << high
       << " deg): its open-set score may call their phases unknown however right the names; train on their "
          "widths (phasewise-cli train --fwhm-like FILE, or the Train dialog's peak width)";
  return text.str();
}

std::string describe(const RefinementSettings& s, const PhaseClassifier& classifier) {
  std::ostringstream text;
  text << "lambda " << s.lambda << ", ";
  if (const auto out = std::count(s.allowed_classes.begin(), s.allowed_classes.end(), 0); out > 0)
    text << out << " of " << s.allowed_classes.size() << " phases ruled out by the library's elements, ";
  switch (s.loss) {
    case EvaluationLoss::Entropy:
      text << "entropy";
      break;
    case EvaluationLoss::Targeted:
      text << "targeted to "
           << (s.target >= 0 && static_cast<std::size_t>(s.target) < classifier.phaseNames().size()
                   ? classifier.phaseNames()[static_cast<std::size_t>(s.target)]
                   : std::string("per-candidate targets"));
      break;
    case EvaluationLoss::BestTarget:
      text << "best of " << s.candidate_targets << " targets";
      break;
    case EvaluationLoss::Prototype:
      text << "prototype distance";
      break;
  }
  if (s.refiner == RefinerKind::Physical) {
    text << ", physical refiner (strain <= " << 100 * s.physical.max_strain
         << " %, broadening <= " << s.physical.max_broadening << " points"
         << (s.physical.keep_target_peaks ? ", target's peaks kept" : "")
         << (s.physical.restore ? "" : ", projection: only what the target explains") << ", " << s.steps << " steps";
    return text.str();
  }
  text << ", " << (s.discrepancy == Discrepancy::L1 ? "L1" : s.discrepancy == Discrepancy::L2 ? "L2" : "features");
  if (s.sparse_changes) text << " (proximal)";
  text << ", " << (s.mode == RefinementMode::PerPattern ? "per pattern" : "amortised") << ", " << s.steps << " steps";
  return text.str();
}

RefinementRecord identifyCandidates(const PhaseClassifier& classifier, const Candidates& candidates,
                                    const std::string& classifier_description, int top_k,
                                    const std::vector<char>& allowed) {
  RefinementRecord record;
  record.class_names = classifier.phaseNames();
  record.grid = classifier.grid();
  record.classifier = classifier_description;
  record.description = "identified, not refined";
  if (const auto out = std::count(allowed.begin(), allowed.end(), 0); out > 0)
    record.description += "; " + std::to_string(out) + " of " + std::to_string(allowed.size()) +
                          " phases ruled out by the library's elements";
  const std::vector<float> x = prepareCandidates(classifier, candidates);
  const std::vector<Prediction> predictions =
      classifier.predict(x, top_k, RefinableClassifier::Temperature::PerInput, allowed);
  const std::size_t m = classifier.points();
  for (std::size_t i = 0; i < candidates.count(); ++i) {
    RefinedPattern p;
    p.pattern.assign(x.begin() + static_cast<std::ptrdiff_t>(i * m),
                     x.begin() + static_cast<std::ptrdiff_t>((i + 1) * m));
    p.before = p.after = predictions[i];
    record.refined.push_back(std::move(p));
    record.done.push_back(0);
  }
  return record;
}

void mergeRefinement(RefinementRecord& record, const std::vector<std::size_t>& indices,
                     const std::vector<RefinedPattern>& refined, const RefinementSettings& settings,
                     const PhaseClassifier& classifier) {
  if (indices.size() != refined.size()) throw Error("one index per refined candidate expected");
  for (std::size_t i = 0; i < indices.size(); ++i) {
    if (indices[i] >= record.count()) throw Error("a refined candidate is not in the record");
    record.refined[indices[i]] = refined[i];
    record.done[indices[i]] = 1;
  }
  record.settings = settings;
  record.description = describe(settings, classifier);
}

RefinementRecord recordRefinement(const PhaseClassifier& classifier, std::vector<RefinedPattern> refined,
                                  const RefinementSettings& settings, const std::string& classifier_description) {
  RefinementRecord record;
  record.class_names = classifier.phaseNames();
  record.grid = classifier.grid();
  record.classifier = classifier_description;
  record.done.assign(refined.size(), 1);
  record.refined = std::move(refined);
  record.settings = settings;
  record.description = describe(settings, classifier);
  return record;
}

Library refinedLibrary(const RefinementRecord& record, const Candidates& candidates) {
  if (record.count() != candidates.count()) throw Error("the refinement does not match the candidates");
  const bool any = std::any_of(record.done.begin(), record.done.end(), [](char d) { return d != 0; });
  Library out;
  out.name = "Phasewise refined patterns";
  out.axis = record.grid;
  out.metadata["source"] = candidates.source;
  out.metadata["classifier"] = record.classifier;
  out.metadata["refinement"] = record.description;
  auto& meta = out.sample_metadata;
  const auto name = [&](int top) { return record.class_names.at(static_cast<std::size_t>(top)); };
  for (std::size_t i = 0; i < record.count(); ++i) {
    if (any && !record.done[i]) continue;
    const RefinedPattern& r = record.refined[i];
    if (r.pattern.size() != out.axis.values.size()) throw Error("a refined pattern does not match its grid");
    out.intensities.insert(out.intensities.end(), r.pattern.begin(), r.pattern.end());
    out.provenance.push_back({candidates.source, static_cast<std::int64_t>(i)});
    meta["name"].push_back("refined_" + std::to_string(out.samples + 1));
    meta["candidate"].push_back(candidates.labels[i]);
    meta["identity_before"].push_back(name(r.before.top.front()));
    meta["probability_before"].push_back(formatNumber(r.before.probability.front()));
    meta["identity_after"].push_back(name(r.after.top.front()));
    meta["probability_after"].push_back(formatNumber(r.after.probability.front()));
    // Open-set verdict: "unknown" where the classifier refuses its own top-1, "" without a score.
    const auto verdict = [](const Prediction& p) { return p.typicality ? (p.unknown() ? "unknown" : "named") : ""; };
    meta["open_set_before"].push_back(verdict(r.before));
    meta["open_set_after"].push_back(verdict(r.after));
    meta["relative_change"].push_back(formatNumber(r.relative_change));
    meta["edit"].push_back(r.edit.applied ? r.edit.describe() : "");
    ++out.samples;
  }
  if (out.samples == 0) throw Error("there are no refined patterns to export");
  return out;
}

}  // namespace phasewise::core
