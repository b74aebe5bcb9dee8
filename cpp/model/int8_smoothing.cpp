// Calibration and requantisation of the int8 layers (int8_smoothing.h): an op set that records each Linear
// layer's input channel maxima while the fast fp32 ops compute, then SmoothQuant factors per input.
#include "model/int8_smoothing.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/error.h"
#include "kernels/gemm.h"
#include "model/ops.h"
#include "model/sequence_classifier.h"

namespace ce {
namespace {

// SmoothQuant's migration strength: the share of an input channel's range moved into the weights.
constexpr double kMigrationStrength = 0.5;
// The calibration batch: sequences x tokens of seeded pseudo-random ids, 512 tokens (a MiniLM pass: ~0.1 s on 2
// threads). The outlier channels show on every token; the sequence count matters for the last layer, which (as in
// inference) computes only each sequence's [CLS] row: 4 sequences of 64 gave factors from 4 rows there and moved
// one tiny fixture's int8 logits 6x more than 16 of 32 do (precision_families_test).
constexpr size_t kCalibrationSequences = 16;
constexpr size_t kCalibrationTokens = 32;

// Per input: the channel maxima of |x| over every row the layers saw, and the layers that read it.
struct RecordedInput {
  std::vector<float> abs_max;
  std::vector<const PackedLinear*> layers;
};

struct Recorder {
  std::vector<RecordedInput> inputs;
  std::unordered_map<const PackedLinear*, size_t> input_of;

  void record(const PackedLinear* const* layers, size_t count, const float* x, size_t rows) {
    if (count == 0) return;
    const size_t width = static_cast<size_t>(layers[0]->in_features);
    // A layer called again (another chunk of rows) adds to its input's record; else the layers open a new one.
    auto found = input_of.find(layers[0]);
    size_t index = found != input_of.end() ? found->second : inputs.size();
    if (index == inputs.size()) {
      inputs.push_back({std::vector<float>(width, 0.0f), {}});
      for (size_t i = 0; i < count; ++i)
        if (input_of.emplace(layers[i], index).second) inputs[index].layers.push_back(layers[i]);
    }
    std::vector<float>& m = inputs[index].abs_max;
    for (size_t r = 0; r < rows; ++r)
      for (size_t j = 0; j < width; ++j) m[j] = std::max(m[j], std::fabs(x[r * width + j]));
  }
};

// The calibration pass runs its ops on the calling thread (the fast ops parallelise inside), so the recorder is
// reachable from the op set's plain function pointers through this thread's slot.
thread_local Recorder* t_recorder = nullptr;

void record(const PackedLinear& layer, const float* x, size_t rows) {
  const PackedLinear* one = &layer;
  t_recorder->record(&one, 1, x, rows);
}

void calibrating_linear(const PackedLinear& l, const float* x, size_t rows, float* y, ThreadPool* pool) {
  record(l, x, rows);
  kFastOps.linear(l, x, rows, y, pool);
}

void calibrating_linear_shared_input(const PackedLinear* const* layers, float* const* ys, size_t count,
                                     const float* x, size_t rows, ThreadPool* pool) {
  t_recorder->record(layers, count, x, rows);
  kFastOps.linear_shared_input(layers, ys, count, x, rows, pool);
}

void calibrating_linear_activation(const PackedLinear& l, const float* x, size_t rows, float* y,
                                   HiddenActivation act, ThreadPool* pool) {
  record(l, x, rows);
  kFastOps.linear_activation(l, x, rows, y, act, pool);
}

void calibrating_linear_residual(const PackedLinear& l, const float* x, const float* residual, size_t rows, float* y,
                                 ThreadPool* pool) {
  record(l, x, rows);
  kFastOps.linear_residual(l, x, residual, rows, y, pool);
}

void calibrating_linear_residual_norm(const PackedLinear& l, const float* x, const float* residual, size_t rows,
                                      float* y, const LayerNormParams& norm, ThreadPool* pool) {
  record(l, x, rows);
  kFastOps.linear_residual_norm(l, x, residual, rows, y, norm, pool);
}

// The block as two GEMMs with the intermediate activations materialised, so the down projection's input is seen.
void calibrating_feed_forward(const PackedLinear& up, const PackedLinear& down, HiddenActivation act, bool gated,
                              const float* x, const float* residual, size_t rows, float* y,
                              const LayerNormParams* norm, ScratchBuffer& intermediate, ThreadPool* pool) {
  const size_t wide = static_cast<size_t>(up.out_features), mid = static_cast<size_t>(down.in_features);
  float* inter = intermediate.get(rows * (wide + (gated ? mid : 0)));
  float* down_input = gated ? inter + rows * wide : inter;
  record(up, x, rows);
  if (gated) {
    kFastOps.linear(up, x, rows, inter, pool);
    kFastOps.gated_activation(act, inter, rows, mid, down_input, pool);
  } else {
    kFastOps.linear_activation(up, x, rows, inter, act, pool);
  }
  record(down, down_input, rows);
  if (norm != nullptr) {
    kFastOps.linear_residual_norm(down, down_input, residual, rows, y, *norm, pool);
  } else {
    kFastOps.linear_residual(down, down_input, residual, rows, y, pool);
  }
}

const OpsTable kCalibrationOps = [] {
  OpsTable t = kFastOps;
  t.name = "int8-calibration";
  t.linear = calibrating_linear;
  t.linear_shared_input = calibrating_linear_shared_input;
  t.linear_activation = calibrating_linear_activation;
  t.linear_residual = calibrating_linear_residual;
  t.linear_residual_norm = calibrating_linear_residual_norm;
  t.feed_forward = calibrating_feed_forward;
  return t;
}();

PackedBatch calibration_batch(const ModelInfo& info) {
  const size_t tokens = std::min(kCalibrationTokens, info.max_sequence_length);
  PackedBatch batch;
  batch.seq_offsets.push_back(0);
  uint64_t state = 0x9E3779B97F4A7C15ull;  // a fixed seed: the same model always gets the same factors
  for (size_t s = 0; s < kCalibrationSequences; ++s) {
    for (size_t t = 0; t < tokens; ++t) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;  // Knuth's MMIX LCG
      batch.input_ids.push_back(static_cast<int32_t>((state >> 33) % info.vocab_size));
      batch.token_type_ids.push_back(0);
    }
    batch.seq_offsets.push_back(static_cast<int32_t>(batch.input_ids.size()));
  }
  return batch;
}

// An F32 layer's weights back in PyTorch's [out][in] layout.
std::vector<float> unpacked_f32(const PackedLinear& l) {
  const size_t n = static_cast<size_t>(l.out_features), k = static_cast<size_t>(l.in_features);
  std::vector<float> w(n * k);
  for (size_t o = 0; o < n; ++o)
    for (size_t i = 0; i < k; ++i) w[o * k + i] = packed_weight(l, o, i);
  return w;
}

// s_j = sqrt(max|x_j| / max|W_:j|) over every layer reading the input; 1 where either side is zero or the ratio
// is not a usable finite positive float (the factors then leave that channel as it was).
std::vector<float> smoothing_factors(const RecordedInput& input,
                                     const std::unordered_map<const PackedLinear*, std::vector<float>>& weights) {
  const size_t k = input.abs_max.size();
  std::vector<float> w_max(k, 0.0f);
  for (const PackedLinear* l : input.layers) {
    if (weights.count(l) == 0) continue;
    const std::vector<float>& w = weights.at(l);
    for (size_t o = 0; o < static_cast<size_t>(l->out_features); ++o)
      for (size_t j = 0; j < k; ++j) w_max[j] = std::max(w_max[j], std::fabs(w[o * k + j]));
  }
  std::vector<float> s(k, 1.0f);
  for (size_t j = 0; j < k; ++j) {
    const double a = input.abs_max[j], w = w_max[j];
    if (!(a > 0.0) || !(w > 0.0) || !std::isfinite(a) || !std::isfinite(w)) continue;
    const auto f = static_cast<float>(std::pow(a, kMigrationStrength) / std::pow(w, 1.0 - kMigrationStrength));
    if (f > 0.0f && std::isfinite(f) && std::isfinite(1.0f / f)) s[j] = f;
  }
  return s;
}

}  // namespace

void quantize_int8_layers_smoothed(SequenceClassifier& model, const PrecisionPlan& plan, ThreadPool* pool) {
  // The layers still to requantise, F32 until then (the caller loaded them so).
  std::unordered_set<const PackedLinear*> pending;
  for (const LinearLayerFormat& f : model.linear_layer_formats()) {
    if (plan.format_for(f.role) != WeightFormat::I8) continue;
    if (f.format != WeightFormat::F32 || f.layer == nullptr)
      throw Error(ErrorCode::Internal, "int8 smoothing: layer " + f.name + " was not loaded in f32");
    pending.insert(f.layer);
  }
  if (pending.empty()) return;

  Recorder recorder;
  {
    struct Installed {  // the recorder is reachable from the op set only during the pass, even if it throws
      explicit Installed(Recorder* r) { t_recorder = r; }
      ~Installed() { t_recorder = nullptr; }
    } installed(&recorder);
    const PackedBatch batch = calibration_batch(model.info());
    std::vector<float> logits(batch.num_sequences() * static_cast<size_t>(model.info().num_labels));
    model.forward_with(Ops::with_table(kCalibrationOps, pool), batch, logits.data(), nullptr);
  }

  // The model owns its layers (they are not const objects); it lists them read-only.
  auto requantise = [](const PackedLinear* l, const float* weight, const std::vector<float>* factors) {
    PackedLinear& layer = const_cast<PackedLinear&>(*l);
    layer = factors ? pack_linear_i8_smoothed(weight, layer.bias, layer.out_features, layer.in_features, *factors)
                    : pack_linear(weight, layer.bias, layer.out_features, layer.in_features, WeightFormat::I8);
  };
  // One input at a time, so only its layers' fp32 weights are unpacked at once: every layer reading the input
  // contributes its columns to the factors (a peer an override packed in another format has no fp32 weights left
  // and does not take part); the pending ones among them are requantised with them.
  for (const RecordedInput& input : recorder.inputs) {
    if (std::none_of(input.layers.begin(), input.layers.end(), [&](auto* l) { return pending.count(l) > 0; }))
      continue;
    std::unordered_map<const PackedLinear*, std::vector<float>> weights;
    for (const PackedLinear* l : input.layers)
      if (l->format() == WeightFormat::F32) weights.emplace(l, unpacked_f32(*l));
    const std::vector<float> s = smoothing_factors(input, weights);
    for (const PackedLinear* l : input.layers)
      if (pending.erase(l) > 0) requantise(l, weights.at(l).data(), &s);
  }
  // Layers the calibration pass did not reach: plain int8.
  for (const PackedLinear* l : pending) requantise(l, unpacked_f32(*l).data(), nullptr);
}

}  // namespace ce
