// The int8 precision's smoothing (SmoothQuant, Xiao et al. 2023): per-token int8 activations lose most where a few
// input channels are always far larger than the rest (LayerNorm's outlier channels in BERT-like encoders): those
// channels alone set every token's scale, and the others keep a handful of levels. Dividing each input channel by
// s_j and multiplying the weights' column j by s_j leaves the product unchanged and moves part of the outliers'
// range into the weights, which are quantised per output channel and absorb it. s_j = sqrt(max|x_j| / max|W_:j|)
// (migration strength 0.5), with max|x_j| measured on a synthetic batch of token ids run through the fp32 model at
// load: the outlier channels are a property of the weights, not of the text (tools/precision/smoothing_study.py:
// on minilm-ce the synthetic batch's factors moved int8 logits less than factors taken from the evaluation texts).
// Scores stay a function of the pair alone: the factors are fixed at load, and each row is still quantised alone.
#pragma once

#include "model/precision.h"

namespace ce {

class SequenceClassifier;
class ThreadPool;

// Packs, in place, every Linear layer of `model` whose role `plan` gives I8 as smoothed int8
// (pack_linear_i8_smoothed). The model must have been loaded with those layers in F32 (the plan
// plan.with_format_replaced(I8, F32)): their fp32 weights are read back, and a calibration forward pass on
// `pool` measures each layer's input channels. Layers the pass does not reach are packed as plain int8.
// Layers over one input (a layer's query, key and value) get the same factors, so they still share one
// quantisation of their input. Deterministic: the same model gives the same factors and the same bits.
void quantize_int8_layers_smoothed(SequenceClassifier& model, const PrecisionPlan& plan, ThreadPool* pool);

}  // namespace ce
