#pragma once
// A classifier of small single-channel images (2-D convolutions), trained on labelled images
// by the same loop as the phase classifier and refinable by the same refiner. Used by the
// digits demonstration of imitation refinement. This header is free of LibTorch.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "learn/refinable_classifier.h"
#include "util/progress.h"

namespace phasewise::core {

// count images of height x width, row-major, values in [0, 1], with a class label each.
struct LabelledImages {
  int height = 0, width = 0;
  std::vector<float> pixels;
  std::vector<std::int32_t> labels;
  [[nodiscard]] std::size_t count() const { return labels.size(); }
  [[nodiscard]] std::size_t imageSize() const { return static_cast<std::size_t>(height) * width; }
  // Image i's pixels (imageSize() values).
  [[nodiscard]] const float* image(std::size_t i) const { return pixels.data() + i * imageSize(); }
};

struct ImageClassifierSettings {
  int epochs = 15;
  int patience = 4;
  int batch_size = 128;
  double learning_rate = 2e-3;
  int channels = 32;  // width of the first convolution (doubles once)
  std::uint64_t seed = 1;
  unsigned threads = 0;
  std::string device = "cpu";
};

class ImageClassifier : public RefinableClassifier {
 public:
  ImageClassifier();
  ~ImageClassifier() override;
  ImageClassifier(ImageClassifier&&) noexcept;
  ImageClassifier& operator=(ImageClassifier&&) noexcept;

  // Trains on `train`, choosing the epoch and the temperature on `validation`. Throws Error for
  // inconsistent sets (sizes, labels outside the class names), CancelledError on cancel.
  static ImageClassifier train(const LabelledImages& train, const LabelledImages& validation,
                               const std::vector<std::string>& class_names, const ImageClassifierSettings& settings,
                               TrainingReport* report = nullptr, const ProgressCallback& progress = nullptr);

  [[nodiscard]] ClassifierNetwork& network() const override;

 private:
  std::unique_ptr<ClassifierNetwork> net_;
};

}  // namespace phasewise::core
