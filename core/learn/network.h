#pragma once
// LibTorch internals shared by the classifiers and the refiner (learn/*.cpp only; never
// included by anything outside core/learn).

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "learn/classifier.h"
#include "learn/refinable_classifier.h"
#include "util/progress.h"

namespace phasewise::core {

// A classifier network: logits for a batch, and its last hidden layer (the "features" the
// refiner's feature discrepancy compares) on request.
struct ClassifierModule : torch::nn::Module {
  virtual torch::Tensor forward(const torch::Tensor& x, torch::Tensor* features) = 0;
  torch::Tensor forward(const torch::Tensor& x) { return forward(x, nullptr); }
};

// A trained network with what prediction and refinement need around it.
struct ClassifierNetwork {
  ClassifierNetwork() = default;
  virtual ~ClassifierNetwork() = default;
  ClassifierNetwork(const ClassifierNetwork&) = delete;
  ClassifierNetwork& operator=(const ClassifierNetwork&) = delete;

  // Puts `module` on the device named (throws Error for an unknown or absent device) and
  // records what it takes and tells apart.
  void install(std::shared_ptr<ClassifierModule> module, std::vector<std::int64_t> shape,
               std::vector<std::string> class_names, const std::string& device_name);

  std::shared_ptr<ClassifierModule> net;
  std::vector<std::int64_t> input_shape;  // one input, channels first
  std::vector<std::string> names;         // one per class
  double temperature = 1.0;
  // Per-input calibration: the temperature grows with how far the input's embedding lies from
  // its top-1's prototype, T(x) = temperature x (1 + temperature_slope x d(x)), d the relative
  // squared distance of prototypeDistance. A candidate far from every ideal pattern (heavy
  // contamination, strain, broad peaks) is less sure than one near its phase, at the same
  // logits; one temperature cannot say both (measured in the README). 0: one temperature.
  double temperature_slope = 0.0;
  // The best single temperature on the same calibration inputs (the fit at slope 0), for
  // predictions asked at one temperature (RefinableClassifier::Temperature::One).
  double one_temperature = 1.0;
  // Per class (1-D, classes; undefined: none), a factor >= 1 on the per-input temperature of
  // inputs whose top-1 is that class: phases the calibration candidates show to be confused
  // with a near-twin (an isostructural Al/Fe pair, a series a few per cent apart in lattice,
  // which the training's strain range makes hard to tell apart) are less sure than the rest
  // at the same logits. Fitted class by class on the calibration inputs named that class.
  torch::Tensor class_temperature;
  // Class prototypes: the mean feature-layer embedding of each class' ideal validation inputs
  // (classes x features), for the prototype loss; undefined for classifiers saved without.
  torch::Tensor prototypes;
  // The open-set reference: relative squared distances |h - p|^2 / |p|^2 of candidate-like
  // calibration inputs (top-1 right) to their class prototype, sorted (1-D); undefined for
  // classifiers saved without.
  torch::Tensor open_set_distances;
  // Each class' ideal input (classes x input size; diffraction classifiers only): the physical
  // refiner prices removing a peak by whether the target phase's ideal pattern has it.
  torch::Tensor ideals;
  torch::Device device{torch::kCPU};
};

// What ruling classes out adds to the logits (RefinableClassifier::predict's `allowed`): per
// class 0, or -1e4 for a class ruled out (finite, so that p log p stays 0 where -inf gives NaN);
// undefined when `allowed` is empty. Throws Error for a size other than the class count or when
// nothing is allowed.
[[nodiscard]] torch::Tensor classOffsets(const ClassifierNetwork& n, const std::vector<char>& allowed);

// 1-D: Conv(9) + ReLU + MaxPool(2), four times (c, 2c, 2c, 2c channels), then a 128-wide
// hidden layer and the phase logits.
struct ConvNet1d : ClassifierModule {
  ConvNet1d(int points, int channels, int classes);
  using ClassifierModule::forward;
  torch::Tensor forward(const torch::Tensor& x, torch::Tensor* features) override;

  torch::nn::Conv1d c1{nullptr}, c2{nullptr}, c3{nullptr}, c4{nullptr};
  torch::nn::Linear hidden{nullptr}, out{nullptr};
  torch::nn::Dropout dropout{nullptr};
};

// 2-D, for small images: Conv(3x3) c, Conv(3x3) 2c + MaxPool(2), Conv(3x3) 2c + MaxPool(2),
// then a 128-wide hidden layer and the class logits. Height and width divisible by 4.
struct ConvNet2d : ClassifierModule {
  ConvNet2d(int height, int width, int channels, int classes);
  using ClassifierModule::forward;
  torch::Tensor forward(const torch::Tensor& x, torch::Tensor* features) override;

  torch::nn::Conv2d c1{nullptr}, c2{nullptr}, c3{nullptr};
  torch::nn::Linear hidden{nullptr}, out{nullptr};
  torch::nn::Dropout dropout{nullptr};
};

struct PhaseClassifier::Network : ClassifierNetwork {
  Axis grid;
  ClassifierSettings settings;
  std::vector<std::string> formulas;  // per class: the phase's formula, "" where unknown
};

torch::Device deviceFrom(const std::string& name);

// What a LibTorch exception says, for a user: its first non-empty line (no C++ trace), at
// most 160 characters.
std::string torchReason(const std::exception& e);

// Writes an archive atomically. It is serialised in memory first: LibTorch's file writer
// aborts the process (an exception from a destructor) when the disk fills up mid-file.
void saveArchive(torch::serialize::OutputArchive& archive, const std::filesystem::path& path);

// Rows `order[begin..end)` of a row-major set of inputs as a batch (end-begin x input_shape).
torch::Tensor batchOf(const std::vector<float>& inputs, const std::vector<std::size_t>& order, std::size_t begin,
                      std::size_t end, const std::vector<std::int64_t>& input_shape, const torch::Device& device);

struct LabelledSet {
  const std::vector<float>& inputs;  // count x input size
  const std::vector<std::int32_t>& labels;
  std::size_t count = 0;
};

struct TrainingLoop {
  int epochs = 12;
  int patience = 3;
  int batch_size = 128;
  double learning_rate = 2e-3;
  std::uint64_t seed = 1;
  std::filesystem::path checkpoint;  // saved after every epoch and resumed from when present
  // Per-class temperature factors (ClassifierNetwork::class_temperature) fitted with the
  // temperature.
  bool class_temperatures = false;
};

// The training loop both classifiers share: Adam on cross-entropy, validation accuracy after
// every epoch, early stopping that keeps the best epoch's weights, checkpoints with resume,
// then the class prototypes and the confusion summary on the validation set and temperature
// scaling on `calibration` (inputs like those the classifier will meet, e.g. imperfect
// candidates) or, without one, on the validation set. Throws CancelledError when progress
// asks to stop.
void trainNetwork(ClassifierNetwork& n, const LabelledSet& train, const LabelledSet& validation,
                  const TrainingLoop& loop, const std::vector<std::string>& class_names, TrainingReport& report,
                  const ProgressCallback& progress, const LabelledSet* calibration = nullptr);

}  // namespace phasewise::core
