// The phase classifier: a 1-D network trained on simulated, augmented patterns of a phase
// library (through the shared training loop of learn/network.cpp), pattern preparation onto
// its grid, and its file format.

#include "learn/classifier.h"

#include <torch/cuda.h>
#include <torch/optim/adam.h>
#include <torch/serialize.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <random>

#include "decompose/nmf.h"
#include "learn/network.h"
#include "model/resample.h"
#include "simulate/radiation.h"
#include "simulate/stick_tables.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace phasewise::core {
namespace {
constexpr std::int64_t kFileVersion = 1;
constexpr char kMagic[] = "phasewise-classifier";

torch::Tensor stringTensor(const std::string& text) {
  torch::Tensor t = torch::empty({static_cast<std::int64_t>(text.size())}, torch::kUInt8);
  std::copy(text.begin(), text.end(), t.data_ptr<std::uint8_t>());
  return t;
}
std::string tensorString(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kCPU).contiguous();
  const auto* p = c.data_ptr<std::uint8_t>();
  return {p, p + c.numel()};
}
torch::Tensor doubles(const std::vector<double>& v) {
  // from_blob keeps every bit (torch::tensor() from a list can round through float).
  return torch::from_blob(const_cast<double*>(v.data()), {static_cast<std::int64_t>(v.size())}, torch::kFloat64)
      .clone();
}

// One entry per line. A list without its final newline (a damaged file) used to wrap the search
// position round to 0 and loop forever.
std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void writeArchive(const PhaseClassifier::Network& n, torch::serialize::OutputArchive& archive) {
  archive.write("format", stringTensor(kMagic));
  archive.write("version", torch::tensor(kFileVersion));
  std::string names;
  for (const std::string& s : n.names) names += s + '\n';
  archive.write("phase_names", stringTensor(names));
  std::string formulas;
  for (const std::string& s : n.formulas) formulas += s + '\n';
  archive.write("phase_formulas", stringTensor(formulas));
  archive.write("grid", doubles(n.grid.values));
  archive.write("grid_kind", torch::tensor(static_cast<std::int64_t>(n.grid.spec.kind)));
  archive.write("grid_unit", torch::tensor(static_cast<std::int64_t>(n.grid.spec.unit)));
  archive.write("wavelength", torch::full({}, n.grid.wavelength_angstrom.value_or(std::nan("")), torch::kFloat64));
  archive.write("temperature", torch::full({}, n.temperature, torch::kFloat64));
  archive.write("temperature_slope", torch::full({}, n.temperature_slope, torch::kFloat64));
  archive.write("one_temperature", torch::full({}, n.one_temperature, torch::kFloat64));
  archive.write("channels", torch::tensor(static_cast<std::int64_t>(n.settings.channels)));
  if (n.class_temperature.defined()) archive.write("class_temperature", n.class_temperature.to(torch::kCPU));
  if (n.prototypes.defined()) archive.write("prototypes", n.prototypes.to(torch::kCPU));
  if (n.ideals.defined()) archive.write("ideals", n.ideals.to(torch::kCPU));
  if (n.open_set_distances.defined()) archive.write("open_set_distances", n.open_set_distances.to(torch::kCPU));
  const ClassifierSettings& s = n.settings;
  archive.write("peak_widths", doubles({s.peakWidths().first, s.peakWidths().second}));
  archive.write("training",
                stringTensor("patterns_per_phase=" + std::to_string(s.patterns_per_phase) +
                             " epochs=" + std::to_string(s.epochs) + " batch=" + std::to_string(s.batch_size) +
                             " lr=" + std::to_string(s.learning_rate) + " seed=" + std::to_string(s.seed) +
                             " radiation=" + s.radiation + " candidate_share=" + std::to_string(s.candidate_share) +
                             " calibrated_on=" + (s.calibrate_on_candidates ? "candidates" : "ideal") +
                             " stick_texture=" + stickTextureName(s.augmentation.stick_march_dollase) +
                             " strain=" + std::to_string(s.augmentation.strain)));
  torch::serialize::OutputArchive weights;
  n.net->save(weights);
  archive.write("network", weights);
}
}  // namespace

void ClassifierSettings::setPeakWidths(double fwhm_min_deg, double fwhm_max_deg) {
  if (!(fwhm_min_deg > 0 && fwhm_max_deg >= fwhm_min_deg && fwhm_max_deg <= 45))
    throw Error("the peak width range must be 0 < FWHM min <= FWHM max <= 45 degrees 2-theta");
  const double base = std::sqrt(std::max(augmentation.profile.w, 1e-12));
  augmentation.width_scale_min = imperfection.width_scale_min = fwhm_min_deg / base;
  augmentation.width_scale_max = imperfection.width_scale_max = fwhm_max_deg / base;
}

void ClassifierSettings::setStickMarchDollase(bool march_dollase) {
  augmentation.stick_march_dollase = imperfection.stick_march_dollase = march_dollase;
}

void ClassifierSettings::setLatticeStrain(double strain) {
  if (!(strain >= 0 && strain <= 0.2)) throw Error("the training's lattice strain must be in [0, 0.2]");
  augmentation.strain = imperfection.strain = strain;
}

void ClassifierSettings::setPeakWidthsLike(double measured_fwhm_deg) {
  const AugmentationSettings defaults;
  setPeakWidths(defaults.width_scale_min * measured_fwhm_deg, defaults.width_scale_max * measured_fwhm_deg);
}

std::optional<PeakWidth> ClassifierSettings::peakWidthOf(const Library& data) const {
  return medianPeakWidth(data, Radiation::parse(radiation).primaryWavelength());
}

std::optional<PeakWidth> ClassifierSettings::setPeakWidthsLike(const Library& data) {
  const auto width = peakWidthOf(data);
  if (width) setPeakWidthsLike(width->two_theta_deg);
  return width;
}

std::pair<double, double> ClassifierSettings::peakWidths() const {
  const double base = std::sqrt(std::max(augmentation.profile.w, 1e-12));
  return {augmentation.width_scale_min * base, augmentation.width_scale_max * base};
}

PhaseClassifier::PhaseClassifier() = default;
PhaseClassifier::~PhaseClassifier() = default;
PhaseClassifier::PhaseClassifier(PhaseClassifier&&) noexcept = default;
PhaseClassifier& PhaseClassifier::operator=(PhaseClassifier&&) noexcept = default;

PhaseClassifier::Network& PhaseClassifier::phaseNetwork() const {
  if (!net_) throw Error("the classifier is empty (train or load one first)");
  return *net_;
}
ClassifierNetwork& PhaseClassifier::network() const { return phaseNetwork(); }
const std::vector<std::string>& PhaseClassifier::phaseNames() const { return classNames(); }
const std::vector<std::string>& PhaseClassifier::phaseFormulas() const { return phaseNetwork().formulas; }
const Axis& PhaseClassifier::grid() const { return phaseNetwork().grid; }
std::size_t PhaseClassifier::points() const { return phaseNetwork().grid.values.size(); }
const ClassifierSettings& PhaseClassifier::settings() const { return phaseNetwork().settings; }

std::vector<double> PhaseClassifier::inputQ() const {
  const Axis& g = grid();
  if (g.spec.kind == AxisKind::TwoTheta && !g.wavelength_angstrom) return {};
  return convertAxis(g, {AxisKind::Q, AxisUnit::InverseNanometre}).values;
}

namespace {
// Every phase's ideal pattern on the grid (no augmentation), maximum 1: phases x points.
torch::Tensor idealPatterns(const PhaseLibrary& library, const ClassifierSettings& settings) {
  const TrainingSetGenerator ideal(library, settings.grid, Radiation::parse(settings.radiation),
                                   AugmentationSettings::none());
  const auto points = static_cast<std::int64_t>(settings.grid.values.size());
  torch::Tensor out = torch::zeros({static_cast<std::int64_t>(library.size()), points});
  for (std::size_t p = 0; p < library.size(); ++p)
    ideal.augment(p, 0, settings.seed, out.data_ptr<float>() + static_cast<std::int64_t>(p) * points);
  return out;
}

// Corrupts a random `share` of a training set like decomposed candidates (contaminants drawn
// from the clean set, of other phases), keeping every label. Deterministic for a seed.
void corruptShare(TrainingSet& set, double share, const ImperfectionSettings& imperfection, std::uint64_t seed) {
  if (share <= 0 || set.count < 2) return;
  const std::size_t m = set.grid.values.size();
  const std::vector<float> clean = set.patterns;
  std::mt19937_64 rng(seed * 104729 + 17);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (std::size_t i = 0; i < set.count; ++i) {
    if (uniform(rng) >= share) continue;
    const int wanted = imperfection.contaminants_min +
                       static_cast<int>(rng() % static_cast<std::uint64_t>(imperfection.contaminants_max -
                                                                           imperfection.contaminants_min + 1));
    std::vector<const float*> others;
    for (int tries = 0; static_cast<int>(others.size()) < wanted && tries < 50; ++tries) {
      const std::size_t j = static_cast<std::size_t>(rng() % set.count);
      if (set.labels[j] != set.labels[i]) others.push_back(clean.data() + j * m);
    }
    corruptLikeCandidate(set.patterns.data() + i * m, m, others, imperfection, rng);
  }
}
}  // namespace

PhaseClassifier PhaseClassifier::train(const PhaseLibrary& library, const ClassifierSettings& settings,
                                       TrainingReport* report, const ProgressCallback& progress) {
  const auto started = std::chrono::steady_clock::now();
  const std::size_t points = settings.grid.values.size();
  if (points < 32) throw Error("the classifier grid needs at least 32 points");
  if (library.size() < 2) throw Error("a classifier needs at least two phases");
  if (settings.patterns_per_phase < 1 || settings.validation_per_phase < 1)
    throw Error("ask for training and validation patterns");
  checkAxisValues(settings.grid.values, "classifier grid");
  // The network depends on the thread count (sums in another order), so the report says it.
  const unsigned threads = setComputeThreads(settings.threads);
  torch::manual_seed(settings.seed);
  PhaseClassifier classifier;
  classifier.net_ = std::make_unique<Network>();
  Network& n = *classifier.net_;
  n.settings = settings;
  n.grid = settings.grid;
  std::vector<std::string> names;
  for (const ReferencePhase& p : library.phases) {
    names.push_back(p.name);
    n.formulas.push_back(p.formula.empty() ? formulaFromPhaseName(p.name) : p.formula);
  }
  const int classes = static_cast<int>(names.size());  // before `names` is moved below
  n.install(std::make_shared<ConvNet1d>(static_cast<int>(points), settings.channels, classes),
            {1, static_cast<std::int64_t>(points)}, std::move(names), settings.device);

  reportProgress(progress, 0.0, "simulating training patterns");
  const TrainingSetGenerator generator(library, settings.grid, Radiation::parse(settings.radiation),
                                       settings.augmentation);
  TrainingSet train_set = generator.generate(settings.patterns_per_phase, settings.seed, settings.threads);
  const TrainingSet validation =
      generator.generate(settings.validation_per_phase, settings.seed + 1000003, settings.threads);

  if (!(settings.candidate_share >= 0 && settings.candidate_share <= 1))
    throw Error("the share of candidate-like training patterns must be in [0, 1]");
  if (!(settings.heavier_calibration_share >= 0 && settings.heavier_calibration_share <= 4))
    throw Error("the share of heavier calibration candidates must be in [0, 4]");
  corruptShare(train_set, settings.candidate_share, settings.imperfection, settings.seed);
  ImperfectSet calibration;
  if (settings.calibrate_on_candidates &&
      library.size() > static_cast<std::size_t>(settings.imperfection.contaminants_max)) {
    reportProgress(progress, 0.0, "simulating candidate-like calibration patterns");
    const std::size_t count = std::min<std::size_t>(library.size() * settings.validation_per_phase, 6000);
    calibration = makeImperfectCandidates(library, settings.grid, settings.radiation, count, settings.seed + 7777,
                                          settings.imperfection);
    const auto heavier_count =
        static_cast<std::size_t>(std::lround(settings.heavier_calibration_share * static_cast<double>(count)));
    ImperfectionSettings heavier = settings.imperfection;
    heavier.contaminants_min = settings.imperfection.contaminants_max + 1;
    heavier.contaminants_max = settings.imperfection.contaminants_max + 2;
    heavier.strain = std::max(heavier.strain, 0.03);
    if (heavier_count > 0 && library.size() > static_cast<std::size_t>(heavier.contaminants_max)) {
      const ImperfectSet more = makeImperfectCandidates(library, settings.grid, settings.radiation, heavier_count,
                                                        settings.seed + 8888, heavier);
      calibration.patterns.insert(calibration.patterns.end(), more.patterns.begin(), more.patterns.end());
      calibration.pure.insert(calibration.pure.end(), more.pure.begin(), more.pure.end());
      calibration.labels.insert(calibration.labels.end(), more.labels.begin(), more.labels.end());
      calibration.count += more.count;
    }
  }
  const std::vector<std::int32_t> calibration_labels(calibration.labels.begin(), calibration.labels.end());
  const LabelledSet calibration_set{calibration.patterns, calibration_labels, calibration.count};

  n.ideals = idealPatterns(library, settings).to(n.device);

  TrainingReport local;
  TrainingReport& r = report ? *report : local;
  const TrainingLoop loop{settings.epochs, settings.patience,   settings.batch_size,        settings.learning_rate,
                          settings.seed,   settings.checkpoint, settings.class_temperatures};
  trainNetwork(n, {train_set.patterns, train_set.labels, train_set.count},
               {validation.patterns, validation.labels, validation.count}, loop, n.names, r, progress,
               calibration.count ? &calibration_set : nullptr);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  r.threads = threads;
  return classifier;
}

void PhaseClassifier::save(const std::filesystem::path& path) const {
  const Network& n = phaseNetwork();
  torch::serialize::OutputArchive archive;
  writeArchive(n, archive);
  saveArchive(archive, path);
}

PhaseClassifier PhaseClassifier::load(const std::filesystem::path& path, const std::string& device) {
  const std::string file = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw FormatError(file, 0, "", "does not exist");
  PhaseClassifier classifier;
  classifier.net_ = std::make_unique<Network>();
  Network& n = *classifier.net_;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(file);
    // A fresh tensor for every key: reading into a defined tensor would keep its old dtype.
    auto get = [&](const char* key) {
      torch::Tensor t;
      if (!archive.try_read(key, t)) throw FormatError(file, 0, key, "is missing from the classifier file");
      return t;
    };
    torch::Tensor t;
    if (!archive.try_read("format", t) || tensorString(t) != kMagic)
      throw FormatError(file, 0, "format", "not a Phasewise classifier");
    const std::int64_t version = get("version").item<std::int64_t>();
    if (version > kFileVersion)
      throw FormatError(file, 0, "version", "written by a newer Phasewise (version " + std::to_string(version) + ")");
    const std::string names = tensorString(get("phase_names"));
    n.names = lines(names);
    // Formulas came later: older files read them from the names.
    if (archive.try_read("phase_formulas", t)) {
      n.formulas = lines(tensorString(t));
      if (n.formulas.size() != n.names.size())
        throw FormatError(file, 0, "phase_formulas", "do not match the classifier's phases");
    } else {
      for (const std::string& name : n.names) n.formulas.push_back(formulaFromPhaseName(name));
    }
    t = get("grid").to(torch::kFloat64).contiguous();
    n.grid.values.assign(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
    n.grid.spec.kind = static_cast<AxisKind>(get("grid_kind").item<std::int64_t>());
    n.grid.spec.unit = static_cast<AxisUnit>(get("grid_unit").item<std::int64_t>());
    const double wavelength = get("wavelength").item<double>();
    if (!std::isnan(wavelength)) n.grid.wavelength_angstrom = wavelength;
    n.temperature = get("temperature").item<double>();
    if (!(n.temperature > 0) || !std::isfinite(n.temperature))
      throw FormatError(file, 0, "temperature", "must be a positive number");
    // The distance-dependent temperature came later: older files have one temperature.
    torch::Tensor slope;
    if (archive.try_read("temperature_slope", slope)) {
      if (slope.numel() != 1 || !(slope.item<double>() >= 0) || !std::isfinite(slope.item<double>()))
        throw FormatError(file, 0, "temperature_slope", "must be a non-negative number");
      n.temperature_slope = slope.item<double>();
    }
    n.one_temperature = n.temperature;
    torch::Tensor one;
    if (archive.try_read("one_temperature", one)) {
      if (one.numel() != 1 || !(one.item<double>() > 0) || !std::isfinite(one.item<double>()))
        throw FormatError(file, 0, "one_temperature", "must be a positive number");
      n.one_temperature = one.item<double>();
    }
    n.settings.channels = static_cast<int>(get("channels").item<std::int64_t>());
    n.settings.grid = n.grid;
    if (n.names.size() < 2 || n.grid.values.size() < 32 || n.settings.channels < 1 || n.settings.channels > 1024)
      throw FormatError(file, 0, "", "holds an inconsistent classifier description");
    const auto points = static_cast<std::int64_t>(n.grid.values.size());
    n.install(
        std::make_shared<ConvNet1d>(static_cast<int>(points), n.settings.channels, static_cast<int>(n.names.size())),
        {1, points}, n.names, device);
    torch::serialize::InputArchive weights;
    archive.read("network", weights);
    n.net->load(weights);
    // Prototypes came later (absent from older files); the prototype loss needs them.
    torch::Tensor prototypes;
    if (archive.try_read("prototypes", prototypes)) {
      if (prototypes.dim() != 2 || prototypes.size(0) != static_cast<std::int64_t>(n.names.size()) ||
          !torch::isfinite(prototypes).all().item<bool>())
        throw FormatError(file, 0, "prototypes", "do not match the classifier's phases");
      n.prototypes = prototypes.to(torch::kFloat32).to(n.device);
    }
    // Per-class temperature factors came later still (absent: none).
    torch::Tensor factors;
    if (archive.try_read("class_temperature", factors)) {
      if (factors.dim() != 1 || factors.numel() != static_cast<std::int64_t>(n.names.size()) ||
          !torch::isfinite(factors).all().item<bool>() || (factors < 1.0).any().item<bool>())
        throw FormatError(file, 0, "class_temperature", "must be one factor of at least 1 per phase");
      n.class_temperature = factors.to(torch::kFloat32).to(n.device);
    }
    // The open-set reference came later still.
    torch::Tensor distances;
    if (archive.try_read("open_set_distances", distances)) {
      if (distances.dim() != 1 || distances.numel() == 0 || !torch::isfinite(distances).all().item<bool>() ||
          (distances < 0).any().item<bool>())
        throw FormatError(file, 0, "open_set_distances", "must be a non-empty list of finite distances");
      n.open_set_distances = std::get<0>(distances.to(torch::kFloat32).sort());
    }
    // The training's peak widths (FWHM, degrees 2-theta): files from before they could be
    // chosen were all trained at the default.
    torch::Tensor widths;
    if (archive.try_read("peak_widths", widths)) {
      if (widths.numel() != 2 || !torch::isfinite(widths).all().item<bool>())
        throw FormatError(file, 0, "peak_widths", "must be two finite widths");
      const torch::Tensor w = widths.to(torch::kFloat64).contiguous();
      try {
        n.settings.setPeakWidths(w.data_ptr<double>()[0], w.data_ptr<double>()[1]);
      } catch (const Error& e) {
        throw FormatError(file, 0, "peak_widths", e.what());
      }
    }
    torch::Tensor ideals;
    if (archive.try_read("ideals", ideals)) {
      if (ideals.dim() != 2 || ideals.size(0) != static_cast<std::int64_t>(n.names.size()) ||
          ideals.size(1) != points || !torch::isfinite(ideals).all().item<bool>())
        throw FormatError(file, 0, "ideals", "do not match the classifier's phases and grid");
      n.ideals = ideals.to(torch::kFloat32).to(n.device);
    }
    n.net->to(n.device);
    n.net->eval();
  } catch (const Error&) {
    throw;  // already says what is wrong
  } catch (const std::exception& e) {
    // LibTorch's own errors (c10::Error, and the TorchScript type errors of a damaged module
    // description, which are not c10::Errors): their first line, without the C++ trace.
    throw FormatError(file, 0, "", "is damaged or not a Phasewise classifier (" + torchReason(e) + ")");
  }
  return classifier;
}

std::vector<float> PhaseClassifier::prepare(const Axis& axis, const float* pattern) const {
  const Axis& g = grid();
  Axis source = axis;
  if (!source.wavelength_angstrom) source.wavelength_angstrom = g.wavelength_angstrom;  // Q -> Q needs none
  const Axis on_spec = convertAxis(source, g.spec);
  std::vector<double> x = on_spec.values;
  std::vector<float> y(pattern, pattern + axis.values.size());
  if (x.size() > 1 && x.front() > x.back()) {
    std::reverse(x.begin(), x.end());
    std::reverse(y.begin(), y.end());
  }
  std::vector<float> out = interpolateOrZero(x, y.data(), g.values);
  const float top = out.empty() ? 0.0F : *std::max_element(out.begin(), out.end());
  if (top > 0)
    for (float& v : out) v /= top;
  return out;
}

std::vector<float> PhaseClassifier::prepare(const Library& library) const {
  std::vector<float> out;
  out.reserve(library.samples * points());
  for (std::size_t s = 0; s < library.samples; ++s) {
    const std::vector<float> one = prepare(library.axis, library.pattern(s));
    out.insert(out.end(), one.begin(), one.end());
  }
  return out;
}

}  // namespace phasewise::core
