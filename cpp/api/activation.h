// What is applied to a model's logits: the one list of activations shared by the core, the binding and lib/.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace ce {

// C++ enumerator and the name the JS API uses (the addon exports the names; lib/ types are checked against
// them). Default = the model's own (sentence-transformers rules), resolved at load.
#define CE_ACTIVATIONS(X)      \
  X(Default, "default")        \
  X(Identity, "identity")      \
  X(Sigmoid, "sigmoid")        \
  X(Softmax, "softmax")        \
  X(Tanh, "tanh")

enum class Activation {
#define CE_ACTIVATION_ENUMERATOR(name, text) name,
  CE_ACTIVATIONS(CE_ACTIVATION_ENUMERATOR)
#undef CE_ACTIVATION_ENUMERATOR
};

const char* activation_name(Activation activation);
// The activation called `name` ("sigmoid", ...), or nullopt.
std::optional<Activation> activation_from_name(std::string_view name);

// Applies `activation` in place to rows of `num_labels` logits (fp32, as torch computes it). Default must be
// resolved first (ce::Error InvalidArgument otherwise).
void apply_activation(Activation activation, int num_labels, float* values, size_t rows);

}  // namespace ce
