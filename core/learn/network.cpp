// The networks, the shared training loop and prediction of every Phasewise classifier.

#include "learn/network.h"

#include <torch/cuda.h>
#include <torch/optim/adam.h>
#include <torch/serialize.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <sstream>

#include "learn/calibration.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace phasewise::core {
namespace {
namespace F = torch::nn::functional;

// The negative log-likelihood of `labels` under softmax(logits / T(x)), T(x) = exp(log_t) x
// (1 + slope x d(x)); d undefined: one temperature.
// T(x) = t x (1 + slope x d(x)) per row of `logits`; d undefined or slope 0: t for every row.
torch::Tensor rowTemperatures(const torch::Tensor& logits, double t, double slope, const torch::Tensor& d) {
  const torch::Tensor base = torch::full({logits.size(0)}, t, logits.options());
  return d.defined() && slope > 0 ? base * (1.0 + slope * d) : base;
}

double calibratedNll(const torch::Tensor& logits, const torch::Tensor& labels, const torch::Tensor& d, double log_t,
                     double slope) {
  return F::cross_entropy(logits / rowTemperatures(logits, std::exp(log_t), slope, d).unsqueeze(1), labels)
      .item<double>();
}

// Golden-section search of the temperature minimising the negative log-likelihood at `slope`,
// in [0.005, 20]: a network stopped early may have logits so close together (four phases all
// right at a validation loss of 0.5) that its best temperature lies below 0.05.
std::pair<double, double> bestTemperature(const torch::Tensor& logits, const torch::Tensor& labels,
                                          const torch::Tensor& d, double slope) {
  auto nll = [&](double log_t) { return calibratedNll(logits, labels, d, log_t, slope); };
  double a = std::log(0.005), b = std::log(20.0);
  const double g = 0.5 * (std::sqrt(5.0) - 1.0);
  double c = b - g * (b - a), e = a + g * (b - a);
  for (int i = 0; i < 40; ++i) {
    if (nll(c) < nll(e))
      b = e;
    else
      a = c;
    c = b - g * (b - a);
    e = a + g * (b - a);
  }
  const double log_t = 0.5 * (a + b);
  return {std::exp(log_t), nll(log_t)};
}

struct FittedCalibration {
  double temperature = 1.0, slope = 0.0;
  double one_temperature = 1.0;  // the best at slope 0
  torch::Tensor class_factor;    // per class, >= 1 (ClassifierNetwork::class_temperature)
};

// Per class, a factor >= 1 on the fitted per-input temperatures (learn/calibration.h).
torch::Tensor classFactors(const torch::Tensor& logits, const torch::Tensor& labels, const torch::Tensor& t) {
  const torch::Tensor l = logits.to(torch::kCPU).to(torch::kFloat32).contiguous();
  const torch::Tensor y = labels.to(torch::kCPU).to(torch::kInt64).contiguous();
  const torch::Tensor tt = t.to(torch::kCPU).to(torch::kFloat64).contiguous();
  const auto count = static_cast<std::size_t>(l.size(0)), classes = static_cast<std::size_t>(l.size(1));
  std::vector<int> label(count);
  for (std::size_t i = 0; i < count; ++i) label[i] = static_cast<int>(y.data_ptr<std::int64_t>()[i]);
  const std::vector<double> factor =
      fitClassTemperatureFactors(std::vector<float>(l.data_ptr<float>(), l.data_ptr<float>() + count * classes), label,
                                 std::vector<double>(tt.data_ptr<double>(), tt.data_ptr<double>() + count), classes);
  return torch::tensor(std::vector<float>(factor.begin(), factor.end()));
}

// Temperature scaling by the negative log-likelihood; with `d` (each input's distance to its
// top-1's prototype), also the slope of the temperature in that distance, the best of a grid
// of slopes in units of the median distance (0 among them, so a slope is only taken where it
// fits the calibration inputs better than one temperature).
FittedCalibration fitCalibration(const torch::Tensor& logits, const torch::Tensor& labels, const torch::Tensor& d,
                                 bool per_class) {
  FittedCalibration best;
  double best_nll = std::numeric_limits<double>::infinity();
  const double median = d.defined() && d.numel() > 0 ? d.median().item<double>() : 0.0;
  std::vector<double> slopes{0.0};
  if (median > 0)
    for (double s : {0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0}) slopes.push_back(s / median);
  for (double slope : slopes) {
    const auto [t, nll] = bestTemperature(logits, labels, d, slope);
    if (slope == 0.0) best.one_temperature = t;
    if (nll < best_nll) {
      best_nll = nll;
      best.temperature = t;
      best.slope = slope;
    }
  }
  // The factors at the fitted temperature, which is not refitted after them: refitted in turn,
  // it fell for the phases never confused and gave back most of the gain (seeds 1-3: wrong
  // top-1s above 0.99 on the harder candidates 2, 0, 2 against 0, 0, 1; README).
  if (per_class)
    best.class_factor = classFactors(logits, labels, rowTemperatures(logits, best.temperature, best.slope, d));
  return best;
}

// Logits of every input of a set (evaluation mode, in chunks).
torch::Tensor logitsOf(ClassifierNetwork& n, const LabelledSet& set, torch::Tensor* features = nullptr) {
  torch::NoGradGuard no_grad;
  n.net->eval();
  std::vector<std::size_t> order(set.count);
  std::iota(order.begin(), order.end(), 0);
  std::vector<torch::Tensor> chunks, feature_chunks;
  for (std::size_t b = 0; b < set.count; b += 512) {
    torch::Tensor h;
    chunks.push_back(n.net->forward(
        batchOf(set.inputs, order, b, std::min(set.count, b + 512), n.input_shape, n.device), features ? &h : nullptr));
    if (features) feature_chunks.push_back(h);
  }
  if (features) *features = torch::cat(feature_chunks);
  return torch::cat(chunks);
}

torch::Tensor labelsOf(const LabelledSet& set, const torch::Device& device) {
  return torch::tensor(
             std::vector<std::int64_t>(set.labels.begin(), set.labels.begin() + static_cast<std::ptrdiff_t>(set.count)))
      .to(device);
}

// The mean embedding of each class (classes without inputs: zero).
torch::Tensor classPrototypes(ClassifierNetwork& n, const LabelledSet& set, std::size_t classes) {
  torch::Tensor features;
  (void)logitsOf(n, set, &features);
  const torch::Tensor labels = labelsOf(set, n.device);
  torch::Tensor sums = torch::zeros({static_cast<std::int64_t>(classes), features.size(1)}, features.options());
  sums.index_add_(0, labels, features);
  const torch::Tensor counts = torch::zeros({static_cast<std::int64_t>(classes)}, features.options())
                                   .index_add_(0, labels, torch::ones_like(labels, features.options()));
  return sums / counts.clamp_min(1).unsqueeze(1);
}

// |h - p_c|^2 / |p_c|^2 per row, c the class of each row: how far an embedding lies from the
// prototype of the phase it is (or is named as).
torch::Tensor prototypeDistance(const torch::Tensor& features, const torch::Tensor& prototypes,
                                const torch::Tensor& classes) {
  const torch::Tensor p = prototypes.index_select(0, classes);
  return (features - p).pow(2).sum(1) / p.pow(2).sum(1).clamp_min(1e-12);
}

// The open-set reference: the distances of the inputs the classifier names rightly (to their
// own prototype, which is the top-1's), sorted; `d`: each input's distance to its top-1's.
torch::Tensor openSetReference(const torch::Tensor& logits, const torch::Tensor& labels, const torch::Tensor& d) {
  const torch::Tensor right = logits.argmax(1) == labels;
  return std::get<0>(d.index({right}).to(torch::kCPU).to(torch::kFloat32).sort());
}

std::int64_t product(const std::vector<std::int64_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
}
}  // namespace

void saveArchive(torch::serialize::OutputArchive& archive, const std::filesystem::path& path) {
  std::ostringstream bytes;
  archive.save_to(bytes);
  const std::string data = std::move(bytes).str();
  writeStreamAtomically(
      path, [&](std::ostream& out) { out.write(data.data(), static_cast<std::streamsize>(data.size())); }, true);
}

std::string torchReason(const std::exception& e) {
  const std::string message = e.what();
  const std::size_t begin = message.find_first_not_of(" \n\r\t");
  if (begin == std::string::npos) return "no reason given";
  const std::size_t end = message.find('\n', begin);
  return message.substr(begin, std::min<std::size_t>(160, end == std::string::npos ? end : end - begin));
}

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

void ClassifierNetwork::install(std::shared_ptr<ClassifierModule> module, std::vector<std::int64_t> shape,
                                std::vector<std::string> class_names, const std::string& device_name) {
  device = deviceFrom(device_name);
  net = std::move(module);
  net->to(device);
  input_shape = std::move(shape);
  names = std::move(class_names);
}

ConvNet1d::ConvNet1d(int points, int channels, int classes) {
  using torch::nn::Conv1dOptions;
  c1 = register_module("c1", torch::nn::Conv1d(Conv1dOptions(1, channels, 9).padding(4)));
  c2 = register_module("c2", torch::nn::Conv1d(Conv1dOptions(channels, 2 * channels, 9).padding(4)));
  c3 = register_module("c3", torch::nn::Conv1d(Conv1dOptions(2 * channels, 2 * channels, 9).padding(4)));
  c4 = register_module("c4", torch::nn::Conv1d(Conv1dOptions(2 * channels, 2 * channels, 9).padding(4)));
  hidden = register_module("hidden", torch::nn::Linear(2 * channels * (points / 16), 128));
  out = register_module("out", torch::nn::Linear(128, classes));
  dropout = register_module("dropout", torch::nn::Dropout(0.3));
}

torch::Tensor ConvNet1d::forward(const torch::Tensor& x, torch::Tensor* features) {
  torch::Tensor h = F::max_pool1d(torch::relu(c1(x)), F::MaxPool1dFuncOptions(2));
  h = F::max_pool1d(torch::relu(c2(h)), F::MaxPool1dFuncOptions(2));
  h = F::max_pool1d(torch::relu(c3(h)), F::MaxPool1dFuncOptions(2));
  h = F::max_pool1d(torch::relu(c4(h)), F::MaxPool1dFuncOptions(2));
  h = torch::relu(hidden(h.flatten(1)));
  if (features) *features = h;
  return out(dropout(h));
}

ConvNet2d::ConvNet2d(int height, int width, int channels, int classes) {
  using torch::nn::Conv2dOptions;
  c1 = register_module("c1", torch::nn::Conv2d(Conv2dOptions(1, channels, 3).padding(1)));
  c2 = register_module("c2", torch::nn::Conv2d(Conv2dOptions(channels, 2 * channels, 3).padding(1)));
  c3 = register_module("c3", torch::nn::Conv2d(Conv2dOptions(2 * channels, 2 * channels, 3).padding(1)));
  hidden = register_module("hidden", torch::nn::Linear(2 * channels * (height / 4) * (width / 4), 128));
  out = register_module("out", torch::nn::Linear(128, classes));
  dropout = register_module("dropout", torch::nn::Dropout(0.3));
}

torch::Tensor ConvNet2d::forward(const torch::Tensor& x, torch::Tensor* features) {
  torch::Tensor h = torch::relu(c1(x));
  h = F::max_pool2d(torch::relu(c2(h)), F::MaxPool2dFuncOptions(2));
  h = F::max_pool2d(torch::relu(c3(h)), F::MaxPool2dFuncOptions(2));
  h = torch::relu(hidden(h.flatten(1)));
  if (features) *features = h;
  return out(dropout(h));
}

torch::Tensor batchOf(const std::vector<float>& inputs, const std::vector<std::size_t>& order, std::size_t begin,
                      std::size_t end, const std::vector<std::int64_t>& input_shape, const torch::Device& device) {
  const auto size = static_cast<std::size_t>(product(input_shape));
  std::vector<std::int64_t> shape{static_cast<std::int64_t>(end - begin)};
  shape.insert(shape.end(), input_shape.begin(), input_shape.end());
  torch::Tensor x = torch::empty(shape);
  float* dst = x.data_ptr<float>();
  for (std::size_t i = begin; i < end; ++i)
    std::copy_n(inputs.data() + order[i] * size, size, dst + (i - begin) * size);
  return x.to(device);
}

namespace {

// Resuming an interrupted run: weights, optimiser state and the epoch it had finished.
int resumeFromCheckpoint(ClassifierNetwork& n, torch::optim::Adam& optimizer, const std::filesystem::path& checkpoint) {
  std::error_code ec;
  if (checkpoint.empty() || !std::filesystem::exists(checkpoint, ec)) return 1;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(checkpoint.string());
    torch::serialize::InputArchive weights, state;
    archive.read("network", weights);
    n.net->load(weights);
    archive.read("optimizer", state);
    optimizer.load(state);
    torch::Tensor epoch;
    archive.read("epoch", epoch);
    return static_cast<int>(epoch.item<std::int64_t>()) + 1;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw FormatError(checkpoint.string(), 0, "", "is not a checkpoint of this training run (" + torchReason(e) + ")");
  }
}

void saveCheckpoint(ClassifierNetwork& n, torch::optim::Adam& optimizer, int epoch,
                    const std::filesystem::path& checkpoint) {
  torch::serialize::OutputArchive archive, weights, state;
  n.net->save(weights);
  optimizer.save(state);
  archive.write("network", weights);
  archive.write("optimizer", state);
  archive.write("epoch", torch::tensor(static_cast<std::int64_t>(epoch)));
  saveArchive(archive, checkpoint);
}

torch::Tensor validationLogits(ClassifierNetwork& n, const LabelledSet& validation) {
  torch::NoGradGuard no_grad;
  n.net->eval();
  std::vector<std::size_t> order(validation.count);
  std::iota(order.begin(), order.end(), 0);
  std::vector<torch::Tensor> chunks;
  for (std::size_t b = 0; b < validation.count; b += 512)
    chunks.push_back(n.net->forward(
        batchOf(validation.inputs, order, b, std::min(validation.count, b + 512), n.input_shape, n.device)));
  return torch::cat(chunks);
}

// One pass over the training set in a shuffled order (the epoch seeds the shuffle); the mean
// batch loss.
double trainEpoch(ClassifierNetwork& n, torch::optim::Adam& optimizer, const LabelledSet& train,
                  const torch::Tensor& train_labels, const TrainingLoop& loop, int epoch,
                  std::vector<std::size_t>& order, const ProgressCallback& progress) {
  std::mt19937_64 shuffle(loop.seed * 7919 + static_cast<std::uint64_t>(epoch));
  std::shuffle(order.begin(), order.end(), shuffle);
  n.net->train();
  double loss_sum = 0;
  std::size_t batches = 0;
  const auto batch = static_cast<std::size_t>(std::max(1, loop.batch_size));
  for (std::size_t b = 0; b < train.count; b += batch) {
    const std::size_t end = std::min(train.count, b + batch);
    const torch::Tensor x = batchOf(train.inputs, order, b, end, n.input_shape, n.device);
    std::vector<std::int64_t> idx(order.begin() + static_cast<std::ptrdiff_t>(b),
                                  order.begin() + static_cast<std::ptrdiff_t>(end));
    const torch::Tensor y = train_labels.index_select(0, torch::tensor(idx)).to(n.device);
    optimizer.zero_grad();
    const torch::Tensor loss = F::cross_entropy(n.net->forward(x), y);
    loss.backward();
    optimizer.step();
    loss_sum += loss.item<double>();
    ++batches;
    const double done = (static_cast<double>(epoch - 1) + static_cast<double>(end) / train.count) / loop.epochs;
    reportProgress(progress, done, "training");
  }
  return loss_sum / std::max<std::size_t>(batches, 1);
}

// The ten most frequent (truth, guess) confusions on the validation set.
void summariseConfusions(const torch::Tensor& logits, const LabelledSet& validation,
                         const std::vector<std::string>& class_names, TrainingReport& r) {
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
    r.confusions.emplace_back(class_names.at(static_cast<std::size_t>(ranked[i].second.first)),
                              class_names.at(static_cast<std::size_t>(ranked[i].second.second)), ranked[i].first);
}

}  // namespace

namespace {
// A first epoch that learnt nothing. Either the network died: every unit of a plain ReLU network
// switched off (one large early step can do it), so that it answers every input with its last
// layer's bias, the same logits whatever the input, and no gradient reaches the layers below to
// bring it back. Or it blew up: steps too large for the loss surface threw the logits far out
// (training loss 1e6 after one epoch), and the network guesses no better than chance while
// being confidently wrong (validation loss over twice a uniform guess's ln C; it was 47,800 for
// 4 classes). Which of the two a given rate causes depends on the CPU's rounding: the same start
// died on one machine and blew up on another, and only the first was caught. A network at
// chance with a loss near ln C is merely slow (a small library takes a few steps per epoch),
// and keeps training.
bool learntNothing(const torch::Tensor& logits, double accuracy, double validation_loss) {
  if (logits.size(0) <= 1) return false;
  if (logits.std(0).max().item<double>() <= 1e-6) return true;
  const auto classes = static_cast<double>(logits.size(1));
  return classes > 1 && accuracy <= 1.5 / classes && !(validation_loss <= 2 * std::log(classes));
}
}  // namespace

void trainNetwork(ClassifierNetwork& n, const LabelledSet& train, const LabelledSet& validation,
                  const TrainingLoop& loop, const std::vector<std::string>& class_names, TrainingReport& r,
                  const ProgressCallback& progress, const LabelledSet* calibration) {
  if (train.count == 0 || validation.count == 0) throw Error("training needs training and validation inputs");
  // The starting weights, kept for a restart (learntNothing) from the same start at half the rate.
  std::vector<torch::Tensor> initial;
  for (const auto& p : n.net->parameters()) initial.push_back(p.detach().clone());
  const torch::Tensor train_labels = torch::tensor(c10::ArrayRef<std::int32_t>(train.labels), torch::kInt64);
  const torch::Tensor validation_labels =
      torch::tensor(c10::ArrayRef<std::int32_t>(validation.labels), torch::kInt64).to(n.device);
  r = TrainingReport{};
  r.learning_rate = loop.learning_rate;
  std::vector<torch::Tensor> best;
  for (;;) {
    torch::optim::Adam optimizer(n.net->parameters(), torch::optim::AdamOptions(r.learning_rate));
    const int first_epoch = resumeFromCheckpoint(n, optimizer, loop.checkpoint);
    std::vector<std::size_t> order(train.count);
    std::iota(order.begin(), order.end(), 0);
    double best_accuracy = -1, best_loss = std::numeric_limits<double>::infinity(), train_seconds = 0;
    int stale = 0;
    std::size_t trained = 0;
    bool restart = false;
    for (int epoch = first_epoch; epoch <= loop.epochs; ++epoch) {
      const auto epoch_start = std::chrono::steady_clock::now();
      const double mean_loss = trainEpoch(n, optimizer, train, train_labels, loop, epoch, order, progress);
      train_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
      trained += train.count;
      const torch::Tensor logits = validationLogits(n, validation);
      const double accuracy = (logits.argmax(1) == validation_labels).to(torch::kFloat64).mean().item<double>();
      const double validation_loss = F::cross_entropy(logits, validation_labels).item<double>();
      r.train_loss.push_back(mean_loss);
      r.validation_accuracy.push_back(accuracy);
      r.validation_loss.push_back(validation_loss);
      r.epochs_run = epoch;
      // A fresh run (not one resumed from a checkpoint) that did not learn starts again.
      if (epoch == 1 && r.restarts < 3 && learntNothing(logits, accuracy, validation_loss)) {
        restart = true;
        break;
      }
      // The best epoch: the most accurate on validation, and among equally accurate ones the
      // lowest validation loss. Accuracy alone stopped at the first epoch that classified an easy
      // validation set right, with logits so close that no temperature could make them confident.
      if (accuracy > best_accuracy || (accuracy == best_accuracy && validation_loss < best_loss)) {
        best_accuracy = accuracy;
        best_loss = validation_loss;
        r.best_epoch = epoch;
        stale = 0;
        best.clear();
        for (const auto& p : n.net->parameters()) best.push_back(p.detach().clone());
      } else if (++stale >= loop.patience) {
        break;
      }
      if (!loop.checkpoint.empty()) saveCheckpoint(n, optimizer, epoch, loop.checkpoint);
    }
    if (!restart) {
      r.best_validation_accuracy = best_accuracy;
      r.patterns_per_second = train_seconds > 0 ? static_cast<double>(trained) / train_seconds : 0.0;
      break;
    }
    torch::NoGradGuard no_grad;
    auto params = n.net->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(initial[i]);
    ++r.restarts;
    r.learning_rate /= 2;
    r.train_loss.clear();
    r.validation_accuracy.clear();
    r.validation_loss.clear();
  }
  if (!best.empty()) {
    torch::NoGradGuard no_grad;
    auto params = n.net->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(best[i]);
  }
  // Prototypes and the confusion summary on the validation set, calibration on the
  // calibration set when there is one.
  const torch::Tensor logits = validationLogits(n, validation);
  n.prototypes = classPrototypes(n, validation, class_names.size());
  {
    const bool on_candidates = calibration && calibration->count > 0;
    const LabelledSet& set = on_candidates ? *calibration : validation;
    torch::Tensor features;
    const torch::Tensor set_logits = logitsOf(n, set, &features);
    const torch::Tensor d = prototypeDistance(features, n.prototypes, set_logits.argmax(1));
    const torch::Tensor labels = labelsOf(set, n.device);
    const FittedCalibration fitted = fitCalibration(set_logits, labels, d, loop.class_temperatures);
    n.temperature = fitted.temperature;
    n.temperature_slope = fitted.slope;
    n.one_temperature = fitted.one_temperature;
    n.class_temperature = fitted.class_factor.defined() ? fitted.class_factor.to(n.device) : torch::Tensor();
    r.calibrated_on =
        (on_candidates ? "candidate-like patterns (" : "validation patterns (") + std::to_string(set.count) + ")";
    n.open_set_distances = openSetReference(set_logits, labels, d);
  }
  if (n.open_set_distances.numel() == 0) n.open_set_distances = torch::Tensor();
  summariseConfusions(logits, validation, class_names, r);
  r.temperature = n.temperature;
  r.temperature_slope = n.temperature_slope;
  if (n.class_temperature.defined()) {
    const torch::Tensor g = n.class_temperature.to(torch::kCPU).contiguous();
    for (std::size_t c = 0; c < class_names.size(); ++c) {
      const double factor = g.data_ptr<float>()[c];
      r.classes_less_sure += factor > 1.01;
      if (factor > r.largest_class_factor) {
        r.largest_class_factor = factor;
        r.least_sure_class = class_names[c];
      }
    }
  }
  n.net->eval();
}

std::vector<std::int64_t> RefinableClassifier::inputShape() const { return network().input_shape; }
std::size_t RefinableClassifier::inputSize() const { return static_cast<std::size_t>(product(inputShape())); }
std::size_t RefinableClassifier::classCount() const { return network().names.size(); }
const std::vector<std::string>& RefinableClassifier::classNames() const { return network().names; }
double RefinableClassifier::temperature() const { return network().temperature; }
bool RefinableClassifier::hasPrototypes() const { return network().prototypes.defined(); }
bool RefinableClassifier::hasOpenSetScore() const {
  const ClassifierNetwork& n = network();
  return n.prototypes.defined() && n.open_set_distances.defined();
}

double RefinableClassifier::temperatureSlope() const { return network().temperature_slope; }

std::vector<double> RefinableClassifier::classTemperatureFactors() const {
  const ClassifierNetwork& n = network();
  if (!n.class_temperature.defined()) return {};
  const torch::Tensor g = n.class_temperature.to(torch::kCPU).to(torch::kFloat64).contiguous();
  return {g.data_ptr<double>(), g.data_ptr<double>() + g.numel()};
}

torch::Tensor classOffsets(const ClassifierNetwork& n, const std::vector<char>& allowed) {
  if (allowed.empty()) return {};
  if (allowed.size() != n.names.size())
    throw Error("the allowed classes have " + std::to_string(allowed.size()) + " entries for " +
                std::to_string(n.names.size()) + " classes");
  if (std::count(allowed.begin(), allowed.end(), 0) == static_cast<std::ptrdiff_t>(allowed.size()))
    throw Error("every class of the classifier is ruled out");
  std::vector<float> offsets(allowed.size());
  for (std::size_t c = 0; c < allowed.size(); ++c) offsets[c] = allowed[c] ? 0.0F : -1e4F;
  return torch::tensor(offsets).to(n.device);
}

std::vector<Prediction> RefinableClassifier::predict(const std::vector<float>& inputs, int top_k,
                                                     Temperature temperature, const std::vector<char>& allowed) const {
  ClassifierNetwork& n = network();
  const torch::Tensor offsets = classOffsets(n, allowed);
  const std::size_t m = inputSize();
  if (inputs.size() % m != 0)
    throw Error("inputs do not match the classifier's input of " + std::to_string(m) + " values");
  const std::size_t count = inputs.size() / m;
  torch::NoGradGuard no_grad;
  n.net->eval();
  std::vector<Prediction> out;
  out.reserve(count);
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  for (std::size_t b = 0; b < count; b += 256) {
    const std::size_t end = std::min(count, b + 256);
    torch::Tensor h;
    torch::Tensor logits = n.net->forward(batchOf(inputs, order, b, end, n.input_shape, n.device), &h);
    if (offsets.defined()) logits = logits + offsets;
    // Each input's distance to its top-1's prototype: the per-input temperature and typicality.
    const torch::Tensor d =
        n.prototypes.defined() ? prototypeDistance(h, n.prototypes, logits.argmax(1)) : torch::Tensor();
    const bool per_input = temperature == Temperature::PerInput &&
                           ((n.temperature_slope > 0 && d.defined()) || n.class_temperature.defined());
    torch::Tensor t = per_input ? rowTemperatures(logits, n.temperature, n.temperature_slope, d)
                                : rowTemperatures(logits, n.one_temperature, 0.0, torch::Tensor());
    if (per_input && n.class_temperature.defined()) t = t * n.class_temperature.index_select(0, logits.argmax(1));
    const torch::Tensor probs = torch::softmax(logits / t.unsqueeze(1), 1).to(torch::kCPU).contiguous();
    // Typicality: the share of the reference distances above each input's distance.
    torch::Tensor typical;
    if (hasOpenSetScore()) {
      const torch::Tensor below =
          torch::searchsorted(n.open_set_distances, d.to(torch::kCPU).to(torch::kFloat32), false, true);
      typical = (1.0 - below.to(torch::kFloat32) / static_cast<float>(n.open_set_distances.numel())).contiguous();
    }
    for (std::size_t i = 0; i < end - b; ++i) {
      const float* row = probs.data_ptr<float>() + i * n.names.size();
      std::vector<float> p(row, row + n.names.size());
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
      if (typical.defined()) pred.typicality = typical.data_ptr<float>()[i];
      out.push_back(std::move(pred));
    }
  }
  return out;
}

std::string torchVersion() {
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
}

float entropyOf(const std::vector<float>& probabilities) {
  double h = 0;
  for (float p : probabilities)
    if (p > 0) h -= p * std::log(static_cast<double>(p));
  return static_cast<float>(h);
}

}  // namespace phasewise::core
