// The phase classifier: network, training (with validation, early stopping, checkpoints and
// temperature scaling), prediction, and its file format.

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

// Golden-section search of the temperature minimising the validation negative log-likelihood.
double fitTemperature(const torch::Tensor& logits, const torch::Tensor& labels) {
  auto nll = [&](double log_t) {
    return torch::nn::functional::cross_entropy(logits / std::exp(log_t), labels).item<double>();
  };
  double a = std::log(0.05), b = std::log(20.0);
  const double g = 0.5 * (std::sqrt(5.0) - 1.0);
  double c = b - g * (b - a), d = a + g * (b - a);
  for (int i = 0; i < 40; ++i) {
    if (nll(c) < nll(d))
      b = d;
    else
      a = c;
    c = b - g * (b - a);
    d = a + g * (b - a);
  }
  return std::exp(0.5 * (a + b));
}

torch::Tensor batchOf(const std::vector<float>& patterns, const std::vector<std::size_t>& order, std::size_t begin,
                      std::size_t end, std::size_t points, const torch::Device& device) {
  torch::Tensor x = torch::empty({static_cast<std::int64_t>(end - begin), 1, static_cast<std::int64_t>(points)});
  float* dst = x.data_ptr<float>();
  for (std::size_t i = begin; i < end; ++i)
    std::copy_n(patterns.data() + order[i] * points, points, dst + (i - begin) * points);
  return x.to(device);
}

void writeArchive(const PhaseClassifier::Network& n, torch::serialize::OutputArchive& archive) {
  archive.write("format", stringTensor(kMagic));
  archive.write("version", torch::tensor(kFileVersion));
  std::string names;
  for (const std::string& s : n.names) names += s + '\n';
  archive.write("phase_names", stringTensor(names));
  archive.write("grid", doubles(n.grid.values));
  archive.write("grid_kind", torch::tensor(static_cast<std::int64_t>(n.grid.spec.kind)));
  archive.write("grid_unit", torch::tensor(static_cast<std::int64_t>(n.grid.spec.unit)));
  archive.write("wavelength", torch::full({}, n.grid.wavelength_angstrom.value_or(std::nan("")), torch::kFloat64));
  archive.write("temperature", torch::full({}, n.temperature, torch::kFloat64));
  archive.write("channels", torch::tensor(static_cast<std::int64_t>(n.settings.channels)));
  const ClassifierSettings& s = n.settings;
  archive.write("training", stringTensor("patterns_per_phase=" + std::to_string(s.patterns_per_phase) + " epochs=" +
                                         std::to_string(s.epochs) + " batch=" + std::to_string(s.batch_size) +
                                         " lr=" + std::to_string(s.learning_rate) + " seed=" + std::to_string(s.seed) +
                                         " radiation=" + s.radiation));
  torch::serialize::OutputArchive weights;
  n.net->save(weights);
  archive.write("network", weights);
}
}  // namespace

torch::Device deviceFrom(const std::string& name) {
  try {
    torch::Device device(name);
    if (device.is_cuda() && !torch::cuda::is_available())
      throw Error("device '" + name + "' asked for, but no CUDA device is available to this LibTorch");
    return device;
  } catch (const c10::Error&) {
    throw Error("unknown compute device '" + name + "' (expected cpu or cuda[:N])");
  }
}

ConvNetImpl::ConvNetImpl(int points, int channels, int phases) {
  using torch::nn::Conv1dOptions;
  c1 = register_module("c1", torch::nn::Conv1d(Conv1dOptions(1, channels, 9).padding(4)));
  c2 = register_module("c2", torch::nn::Conv1d(Conv1dOptions(channels, 2 * channels, 9).padding(4)));
  c3 = register_module("c3", torch::nn::Conv1d(Conv1dOptions(2 * channels, 2 * channels, 9).padding(4)));
  c4 = register_module("c4", torch::nn::Conv1d(Conv1dOptions(2 * channels, 2 * channels, 9).padding(4)));
  flat = 2 * channels * (points / 16);
  hidden = register_module("hidden", torch::nn::Linear(flat, 128));
  out = register_module("out", torch::nn::Linear(128, phases));
  dropout = register_module("dropout", torch::nn::Dropout(0.3));
}

torch::Tensor ConvNetImpl::forward(const torch::Tensor& x, torch::Tensor* features) {
  namespace F = torch::nn::functional;
  torch::Tensor h = F::max_pool1d(torch::relu(c1(x)), F::MaxPool1dFuncOptions(2));
  h = F::max_pool1d(torch::relu(c2(h)), F::MaxPool1dFuncOptions(2));
  h = F::max_pool1d(torch::relu(c3(h)), F::MaxPool1dFuncOptions(2));
  h = F::max_pool1d(torch::relu(c4(h)), F::MaxPool1dFuncOptions(2));
  h = torch::relu(hidden(h.flatten(1)));
  if (features) *features = h;
  return out(dropout(h));
}

PhaseClassifier::PhaseClassifier() = default;
PhaseClassifier::~PhaseClassifier() = default;
PhaseClassifier::PhaseClassifier(PhaseClassifier&&) noexcept = default;
PhaseClassifier& PhaseClassifier::operator=(PhaseClassifier&&) noexcept = default;

PhaseClassifier::Network& PhaseClassifier::network() const {
  if (!net_) throw Error("the classifier is empty (train or load one first)");
  return *net_;
}
const std::vector<std::string>& PhaseClassifier::phaseNames() const { return network().names; }
const Axis& PhaseClassifier::grid() const { return network().grid; }
std::size_t PhaseClassifier::points() const { return network().grid.values.size(); }
double PhaseClassifier::temperature() const { return network().temperature; }
const ClassifierSettings& PhaseClassifier::settings() const { return network().settings; }

PhaseClassifier PhaseClassifier::train(const PhaseLibrary& library, const ClassifierSettings& settings,
                                       TrainingReport* report, const ProgressCallback& progress) {
  const auto started = std::chrono::steady_clock::now();
  const std::size_t points = settings.grid.values.size();
  if (points < 32) throw Error("the classifier grid needs at least 32 points");
  if (library.size() < 2) throw Error("a classifier needs at least two phases");
  if (settings.patterns_per_phase < 1 || settings.validation_per_phase < 1)
    throw Error("ask for training and validation patterns");
  checkAxisValues(settings.grid.values, "classifier grid");
  setComputeThreads(settings.threads);
  torch::manual_seed(settings.seed);
  PhaseClassifier classifier;
  classifier.net_ = std::make_unique<Network>();
  Network& n = *classifier.net_;
  n.settings = settings;
  n.grid = settings.grid;
  n.device = deviceFrom(settings.device);
  for (const ReferencePhase& p : library.phases) n.names.push_back(p.name);
  const int phases = static_cast<int>(library.size());
  n.net = ConvNet(static_cast<int>(points), settings.channels, phases);
  n.net->to(n.device);

  reportProgress(progress, 0.0, "simulating training patterns");
  const TrainingSetGenerator generator(library, settings.grid, Radiation::parse(settings.radiation),
                                       settings.augmentation);
  const TrainingSet train_set = generator.generate(settings.patterns_per_phase, settings.seed, settings.threads);
  const TrainingSet validation =
      generator.generate(settings.validation_per_phase, settings.seed + 1000003, settings.threads);

  torch::optim::Adam optimizer(n.net->parameters(), torch::optim::AdamOptions(settings.learning_rate));
  int first_epoch = 1;
  std::error_code ec;
  if (!settings.checkpoint.empty() && std::filesystem::exists(settings.checkpoint, ec)) {
    try {
      torch::serialize::InputArchive archive;
      archive.load_from(settings.checkpoint.string());
      torch::serialize::InputArchive weights, state;
      archive.read("network", weights);
      n.net->load(weights);
      archive.read("optimizer", state);
      optimizer.load(state);
      torch::Tensor epoch;
      archive.read("epoch", epoch);
      first_epoch = static_cast<int>(epoch.item<std::int64_t>()) + 1;
    } catch (const c10::Error& e) {
      throw FormatError(settings.checkpoint.string(), 0, "",
                        "is not a checkpoint of this training run (" + std::string(e.what()).substr(0, 120) + ")");
    }
  }
  std::vector<std::size_t> order(train_set.count);
  std::iota(order.begin(), order.end(), 0);
  std::vector<std::size_t> validation_order(validation.count);
  std::iota(validation_order.begin(), validation_order.end(), 0);
  const torch::Tensor train_labels = torch::tensor(c10::ArrayRef<std::int32_t>(train_set.labels), torch::kInt64);
  const torch::Tensor validation_labels =
      torch::tensor(c10::ArrayRef<std::int32_t>(validation.labels), torch::kInt64).to(n.device);
  TrainingReport local;
  TrainingReport& r = report ? *report : local;
  r = TrainingReport{};
  std::vector<torch::Tensor> best;
  double best_accuracy = -1;
  int stale = 0;
  double train_seconds = 0;
  std::size_t trained = 0;
  auto validationLogits = [&] {
    torch::NoGradGuard no_grad;
    n.net->eval();
    std::vector<torch::Tensor> chunks;
    for (std::size_t b = 0; b < validation.count; b += 512)
      chunks.push_back(n.net->forward(
          batchOf(validation.patterns, validation_order, b, std::min(validation.count, b + 512), points, n.device)));
    return torch::cat(chunks);
  };
  const int total_epochs = settings.epochs;
  for (int epoch = first_epoch; epoch <= total_epochs; ++epoch) {
    std::mt19937_64 shuffle(settings.seed * 7919 + static_cast<std::uint64_t>(epoch));
    std::shuffle(order.begin(), order.end(), shuffle);
    n.net->train();
    double loss_sum = 0;
    std::size_t batches = 0;
    const auto epoch_start = std::chrono::steady_clock::now();
    for (std::size_t b = 0; b < train_set.count; b += static_cast<std::size_t>(settings.batch_size)) {
      const std::size_t end = std::min(train_set.count, b + static_cast<std::size_t>(settings.batch_size));
      const torch::Tensor x = batchOf(train_set.patterns, order, b, end, points, n.device);
      std::vector<std::int64_t> idx(order.begin() + static_cast<std::ptrdiff_t>(b),
                                    order.begin() + static_cast<std::ptrdiff_t>(end));
      const torch::Tensor y = train_labels.index_select(0, torch::tensor(idx)).to(n.device);
      optimizer.zero_grad();
      const torch::Tensor loss = torch::nn::functional::cross_entropy(n.net->forward(x), y);
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>();
      ++batches;
      const double done = (static_cast<double>(epoch - 1) + static_cast<double>(end) / train_set.count) / total_epochs;
      reportProgress(progress, done, "training");
    }
    train_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
    trained += train_set.count;
    const torch::Tensor logits = validationLogits();
    const double accuracy = (logits.argmax(1) == validation_labels).to(torch::kFloat64).mean().item<double>();
    r.train_loss.push_back(loss_sum / std::max<std::size_t>(batches, 1));
    r.validation_accuracy.push_back(accuracy);
    r.epochs_run = epoch;
    if (accuracy > best_accuracy) {
      best_accuracy = accuracy;
      r.best_epoch = epoch;
      stale = 0;
      best.clear();
      for (const auto& p : n.net->parameters()) best.push_back(p.detach().clone());
    } else if (++stale >= settings.patience) {
      break;
    }
    if (!settings.checkpoint.empty()) {
      torch::serialize::OutputArchive archive, weights, state;
      n.net->save(weights);
      optimizer.save(state);
      archive.write("network", weights);
      archive.write("optimizer", state);
      archive.write("epoch", torch::tensor(static_cast<std::int64_t>(epoch)));
      AtomicFile file(settings.checkpoint);
      archive.save_to(file.temporaryPath().string());
      file.commit();
    }
  }
  if (!best.empty()) {
    torch::NoGradGuard no_grad;
    auto params = n.net->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(best[i]);
  }
  // Calibration and the confusion summary on the validation set.
  const torch::Tensor logits = validationLogits();
  n.temperature = fitTemperature(logits, validation_labels);
  const torch::Tensor predicted = logits.argmax(1).to(torch::kCPU);
  std::map<std::pair<int, int>, int> confusions;
  for (std::size_t i = 0; i < validation.count; ++i) {
    const int truth = validation.labels[i],
              guess = static_cast<int>(predicted[static_cast<std::int64_t>(i)].item<std::int64_t>());
    if (truth != guess) ++confusions[{truth, guess}];
  }
  std::vector<std::pair<int, std::pair<int, int>>> ranked;
  for (const auto& [pair, count] : confusions) ranked.push_back({count, pair});
  std::sort(ranked.rbegin(), ranked.rend());
  for (std::size_t i = 0; i < ranked.size() && i < 10; ++i)
    r.confusions.emplace_back(n.names[static_cast<std::size_t>(ranked[i].second.first)],
                              n.names[static_cast<std::size_t>(ranked[i].second.second)], ranked[i].first);
  r.best_validation_accuracy = best_accuracy;
  r.temperature = n.temperature;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  r.patterns_per_second = train_seconds > 0 ? static_cast<double>(trained) / train_seconds : 0.0;
  n.net->eval();
  return classifier;
}

void PhaseClassifier::save(const std::filesystem::path& path) const {
  const Network& n = network();
  torch::serialize::OutputArchive archive;
  writeArchive(n, archive);
  AtomicFile file(path);
  archive.save_to(file.temporaryPath().string());
  file.commit();
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
    std::size_t start = 0;
    while (start < names.size()) {
      const std::size_t end = names.find('\n', start);
      n.names.push_back(names.substr(start, end - start));
      start = end + 1;
    }
    t = get("grid").to(torch::kFloat64).contiguous();
    n.grid.values.assign(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
    n.grid.spec.kind = static_cast<AxisKind>(get("grid_kind").item<std::int64_t>());
    n.grid.spec.unit = static_cast<AxisUnit>(get("grid_unit").item<std::int64_t>());
    const double wavelength = get("wavelength").item<double>();
    if (!std::isnan(wavelength)) n.grid.wavelength_angstrom = wavelength;
    n.temperature = get("temperature").item<double>();
    n.settings.channels = static_cast<int>(get("channels").item<std::int64_t>());
    n.settings.grid = n.grid;
    if (n.names.size() < 2 || n.grid.values.size() < 32 || n.settings.channels < 1 || n.settings.channels > 1024)
      throw FormatError(file, 0, "", "holds an inconsistent classifier description");
    n.device = deviceFrom(device);
    n.net = ConvNet(static_cast<int>(n.grid.values.size()), n.settings.channels, static_cast<int>(n.names.size()));
    torch::serialize::InputArchive weights;
    archive.read("network", weights);
    n.net->load(weights);
    n.net->to(n.device);
    n.net->eval();
  } catch (const c10::Error& e) {
    throw FormatError(file, 0, "",
                      "is damaged or not a Phasewise classifier (" + std::string(e.what()).substr(0, 160) + ")");
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

std::vector<Prediction> PhaseClassifier::predict(const std::vector<float>& patterns, int top_k) const {
  Network& n = network();
  const std::size_t m = points();
  if (patterns.size() % m != 0)
    throw Error("patterns do not match the classifier's grid of " + std::to_string(m) + " points");
  const std::size_t count = patterns.size() / m;
  torch::NoGradGuard no_grad;
  n.net->eval();
  std::vector<Prediction> out;
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  for (std::size_t b = 0; b < count; b += 256) {
    const std::size_t end = std::min(count, b + 256);
    const torch::Tensor probs =
        torch::softmax(n.net->forward(batchOf(patterns, order, b, end, m, n.device)) / n.temperature, 1)
            .to(torch::kCPU);
    for (std::size_t i = 0; i < end - b; ++i) {
      const torch::Tensor row = probs[static_cast<std::int64_t>(i)];
      std::vector<float> p(row.data_ptr<float>(), row.data_ptr<float>() + row.numel());
      Prediction pred;
      pred.entropy = entropyOf(p);
      std::vector<int> idx(p.size());
      std::iota(idx.begin(), idx.end(), 0);
      const int k = std::min<int>(top_k, static_cast<int>(p.size()));
      std::partial_sort(idx.begin(), idx.begin() + k, idx.end(),
                        [&](int a, int c) { return p[static_cast<std::size_t>(a)] > p[static_cast<std::size_t>(c)]; });
      for (int j = 0; j < k; ++j) {
        pred.top.push_back(idx[static_cast<std::size_t>(j)]);
        pred.probability.push_back(p[static_cast<std::size_t>(idx[static_cast<std::size_t>(j)])]);
      }
      out.push_back(std::move(pred));
    }
  }
  return out;
}

float entropyOf(const std::vector<float>& probabilities) {
  double h = 0;
  for (float p : probabilities)
    if (p > 0) h -= p * std::log(static_cast<double>(p));
  return static_cast<float>(h);
}

}  // namespace phasewise::core
