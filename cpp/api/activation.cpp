// Activation names and the fp32 activations applied to logits.
#include "api/activation.h"

#include <cmath>

#include "common/error.h"
#include "kernels/softmax.h"

namespace ce {

const char* activation_name(Activation activation) {
  switch (activation) {
#define CE_ACTIVATION_CASE(name, text) \
  case Activation::name:               \
    return text;
    CE_ACTIVATIONS(CE_ACTIVATION_CASE)
#undef CE_ACTIVATION_CASE
  }
  return "default";
}

std::optional<Activation> activation_from_name(std::string_view name) {
#define CE_ACTIVATION_MATCH(enumerator, text) \
  if (name == text) return Activation::enumerator;
  CE_ACTIVATIONS(CE_ACTIVATION_MATCH)
#undef CE_ACTIVATION_MATCH
  return std::nullopt;
}

void apply_activation(Activation activation, int num_labels, float* values, size_t rows) {
  if (num_labels < 1) throw Error(ErrorCode::InvalidArgument, "apply_activation: num_labels must be >= 1");
  const size_t count = rows * static_cast<size_t>(num_labels);
  switch (activation) {
    case Activation::Default:
      throw Error(ErrorCode::InvalidArgument,
                  "apply_activation: Activation::Default must be resolved to the model's activation first");
    case Activation::Identity:
      return;
    case Activation::Sigmoid:
      for (size_t i = 0; i < count; ++i) values[i] = 1.0f / (1.0f + std::exp(-values[i]));
      return;
    case Activation::Tanh:
      for (size_t i = 0; i < count; ++i) values[i] = std::tanh(values[i]);
      return;
    case Activation::Softmax:
      softmax_rows(values, rows, static_cast<size_t>(num_labels));
      return;
  }
}

}  // namespace ce
