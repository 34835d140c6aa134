#pragma once
// LibTorch internals shared by classifier.cpp and refiner.cpp only (never included elsewhere).

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>

#include <string>
#include <vector>

#include "learn/classifier.h"

namespace phasewise::core {

// Conv(9) + ReLU + MaxPool(2), four times (c, 2c, 2c, 2c channels), then a 128-wide hidden
// layer (the "features" the refiner can compare) and the phase logits.
struct ConvNetImpl : torch::nn::Module {
  ConvNetImpl(int points, int channels, int phases);
  // Logits (batch x phases); `features` receives the hidden layer when not null.
  torch::Tensor forward(const torch::Tensor& x, torch::Tensor* features = nullptr);

  torch::nn::Conv1d c1{nullptr}, c2{nullptr}, c3{nullptr}, c4{nullptr};
  torch::nn::Linear hidden{nullptr}, out{nullptr};
  torch::nn::Dropout dropout{nullptr};
  int flat = 0;
};
TORCH_MODULE(ConvNet);

struct PhaseClassifier::Network {
  ConvNet net{nullptr};
  std::vector<std::string> names;
  Axis grid;
  double temperature = 1.0;
  ClassifierSettings settings;
  torch::Device device{torch::kCPU};
};

torch::Device deviceFrom(const std::string& name);

}  // namespace phasewise::core
