// Element-wise activations of BERT: GELU (erf and tanh forms), ReLU, tanh; applied in place.
#pragma once

#include <cstddef>

namespace ce {

// The feed-forward activation of an encoder layer (config.json "hidden_act").
enum class HiddenActivation { GeluErf, GeluTanh, Relu };

class ThreadPool;

float gelu_erf(float x);   // 0.5 x (1 + erf(x / sqrt 2)), torch's default "gelu"
float gelu_tanh(float x);  // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), "gelu_new"/"gelu_pytorch_tanh"
inline float relu(float x) { return x > 0.0f ? x : 0.0f; }

// Applies the hidden activation to n values in place (reference: one thread).
void hidden_activation_reference(HiddenActivation act, float* x, size_t n);
// Fast: split over the pool; GeluErf uses a vectorised erf approximation (|gelu error| < 1e-6 * max(1, |x|)),
// the others are the same per element. Each element's result depends only on its value (deterministic).
void hidden_activation(HiddenActivation act, float* x, size_t n, ThreadPool* pool);

// tanh in place (the pooler's activation).
void tanh_inplace(float* x, size_t n);

}  // namespace ce
