#pragma once
// What imitation refinement needs from a classifier, whatever its input is: a trained network
// with calibrated probabilities over inputs of one fixed shape (a 1-D diffraction pattern, a
// 2-D image). The phase classifier and the image classifier both are one; the refiner and its
// losses are written once against this interface. This header is free of LibTorch.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace phasewise::core {

struct Prediction {
  std::vector<int> top;            // class indices, most probable first
  std::vector<float> probability;  // matching probabilities (calibrated)
  float entropy = 0.0F;            // of the full distribution, in nats
  // Open-set score of the top-1: the share of in-library candidate-like patterns (the
  // calibration set, top-1 right) whose embedding lies farther from their phase's prototype
  // than this input's lies from its top-1's. Near 0: unlike anything the classifier was
  // trained to name, whatever its probability. Absent for classifiers saved without it.
  std::optional<float> typicality;
  // Whether the top-1 should be reported as "unknown" (typicality below the threshold).
  [[nodiscard]] bool unknown(double threshold = kUnknownBelow) const { return typicality && *typicality < threshold; }
  // The rejection threshold: by construction, this share of in-library candidates is refused.
  static constexpr double kUnknownBelow = 0.05;
};

struct TrainingReport {
  int epochs_run = 0;
  int best_epoch = 0;
  std::vector<double> train_loss;
  std::vector<double> validation_accuracy;
  std::vector<double> validation_loss;  // mean cross-entropy at temperature 1
  double best_validation_accuracy = 0.0;
  double temperature = 1.0;
  // The temperature's growth with the distance to the top-1's prototype (learn/network.h;
  // 0: one temperature for every input).
  double temperature_slope = 0.0;
  // Phases whose temperature the calibration raised (learn/calibration.h,
  // fitClassTemperatureFactors): how many, and the largest factor with its phase.
  std::size_t classes_less_sure = 0;
  double largest_class_factor = 1.0;
  std::string least_sure_class;
  std::string calibrated_on;  // which patterns the temperature was fitted on
  double seconds = 0.0;
  double patterns_per_second = 0.0;  // training throughput (forward + backward)
  // Compute threads used. Automatic counts follow the cores free at the start, and a network
  // trained on another count differs slightly (sums in another order): `--threads N` repeats it
  // on the same kind of CPU (oneDNN picks its kernels by instruction set).
  unsigned threads = 0;
  // Fresh starts after a first epoch that learnt nothing (the network died: the same logits for
  // every input; or it blew up: validation at chance, loss over twice a uniform guess's), each
  // from the same weights at half the learning rate, and the rate the network was trained at.
  int restarts = 0;
  double learning_rate = 0.0;
  // The most frequent confusions on validation: (true, predicted, count).
  std::vector<std::tuple<std::string, std::string, int>> confusions;
};

struct ClassifierNetwork;  // LibTorch internals (learn/network.h)

class RefinableClassifier {
 public:
  RefinableClassifier() = default;
  virtual ~RefinableClassifier() = default;
  RefinableClassifier(const RefinableClassifier&) = delete;
  RefinableClassifier& operator=(const RefinableClassifier&) = delete;
  RefinableClassifier(RefinableClassifier&&) noexcept = default;
  RefinableClassifier& operator=(RefinableClassifier&&) noexcept = default;

  // Shape of one input, channels first: {1, points} for a pattern, {1, height, width} for an image.
  [[nodiscard]] std::vector<std::int64_t> inputShape() const;
  [[nodiscard]] std::size_t inputSize() const;  // values per input
  [[nodiscard]] std::size_t classCount() const;
  [[nodiscard]] const std::vector<std::string>& classNames() const;
  [[nodiscard]] double temperature() const;
  // Positions of a 1-D diffraction input in Q (nm^-1), increasing; empty where the input is
  // not a diffraction pattern (images). The physical refiner's strain works on these.
  [[nodiscard]] virtual std::vector<double> inputQ() const { return {}; }
  // Whether class prototypes (mean embeddings of ideal inputs) are known (prototype loss).
  [[nodiscard]] bool hasPrototypes() const;
  // Whether predictions carry an open-set score (Prediction::typicality).
  [[nodiscard]] bool hasOpenSetScore() const;

  // The temperature's growth with the distance to the top-1's prototype (0: one temperature).
  [[nodiscard]] double temperatureSlope() const;
  // Per class, the factor on the per-input temperature of inputs named that class (>= 1;
  // learn/calibration.h, fitClassTemperatureFactors); empty for classifiers saved without.
  [[nodiscard]] std::vector<double> classTemperatureFactors() const;

  // How predict() scales the logits: the fitted per-input temperature, or its one temperature
  // alone (to measure what the per-input part buys).
  enum class Temperature { PerInput, One };
  // Inputs in row-major order (count x inputSize()); calibrated top-k per input. `allowed`: one
  // entry per class, 0 for a class ruled out for these inputs (e.g. a phase holding an element
  // the library does not, learn/class_chemistry.h), as a prior of zero would rule it out: the
  // others' probabilities renormalised. Empty: every class. Throws Error for a size other than
  // classCount() or when no class is allowed.
  [[nodiscard]] std::vector<Prediction> predict(const std::vector<float>& inputs, int top_k = 3,
                                                Temperature temperature = Temperature::PerInput,
                                                const std::vector<char>& allowed = {}) const;

  // Throws Error when the classifier is empty (not trained or loaded).
  [[nodiscard]] virtual ClassifierNetwork& network() const = 0;
};

// The LibTorch version the classifiers run on ("1.13.0"), for About boxes and reports.
[[nodiscard]] std::string torchVersion();

// Entropy (nats) of a probability vector.
[[nodiscard]] float entropyOf(const std::vector<float>& probabilities);

}  // namespace phasewise::core
