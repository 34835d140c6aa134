// The image classifier: a 2-D network (learn/network.h) trained by the shared loop.

#include "learn/image_classifier.h"

#include <chrono>

#include "decompose/nmf.h"
#include "learn/network.h"
#include "util/error.h"

namespace phasewise::core {
namespace {
void checkSet(const LabelledImages& set, const char* what, std::size_t classes) {
  if (set.height < 4 || set.width < 4 || set.height % 4 != 0 || set.width % 4 != 0)
    throw Error(std::string(what) + " images must be at least 4 x 4 pixels, in multiples of 4");
  if (set.count() == 0) throw Error(std::string("no ") + what + " images");
  if (set.pixels.size() != set.count() * set.imageSize())
    throw Error(std::string(what) + " images: " + std::to_string(set.pixels.size()) + " pixels for " +
                std::to_string(set.count()) + " labels");
  for (std::int32_t label : set.labels)
    if (label < 0 || static_cast<std::size_t>(label) >= classes)
      throw Error(std::string(what) + " images: label " + std::to_string(label) + " has no class name");
}
}  // namespace

ImageClassifier::ImageClassifier() = default;
ImageClassifier::~ImageClassifier() = default;
ImageClassifier::ImageClassifier(ImageClassifier&&) noexcept = default;
ImageClassifier& ImageClassifier::operator=(ImageClassifier&&) noexcept = default;

ClassifierNetwork& ImageClassifier::network() const {
  if (!net_) throw Error("the image classifier is empty (train one first)");
  return *net_;
}

ImageClassifier ImageClassifier::train(const LabelledImages& train, const LabelledImages& validation,
                                       const std::vector<std::string>& class_names,
                                       const ImageClassifierSettings& settings, TrainingReport* report,
                                       const ProgressCallback& progress) {
  const auto started = std::chrono::steady_clock::now();
  if (class_names.size() < 2) throw Error("a classifier needs at least two classes");
  checkSet(train, "training", class_names.size());
  checkSet(validation, "validation", class_names.size());
  if (train.height != validation.height || train.width != validation.width)
    throw Error("training and validation images differ in size");
  if (settings.channels < 1 || settings.channels > 1024) throw Error("channels must be 1 to 1024");
  setComputeThreads(settings.threads);
  torch::manual_seed(settings.seed);
  ImageClassifier classifier;
  classifier.net_ = std::make_unique<ClassifierNetwork>();
  ClassifierNetwork& n = *classifier.net_;
  n.install(
      std::make_shared<ConvNet2d>(train.height, train.width, settings.channels, static_cast<int>(class_names.size())),
      {1, train.height, train.width}, class_names, settings.device);
  TrainingReport local;
  TrainingReport& r = report ? *report : local;
  const TrainingLoop loop{settings.epochs,        settings.patience, settings.batch_size,
                          settings.learning_rate, settings.seed,     {}};
  trainNetwork(n, {train.pixels, train.labels, train.count()},
               {validation.pixels, validation.labels, validation.count()}, loop, n.names, r, progress);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return classifier;
}

}  // namespace phasewise::core
