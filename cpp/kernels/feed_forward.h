// The transformer feed-forward block as one driver: y = (act(x W1^T + b1) W2^T + b2) + residual, both GEMMs run
// per range of rows so the intermediate activations (4x wider than the hidden state) never leave the core's cache.
#pragma once

#include <cstddef>

#include "kernels/activations.h"
#include "kernels/gemm.h"

namespace ce {

class ThreadPool;

// Whether feed_forward_fused serves `rows` rows on this pool: when there are enough row ranges to keep every
// thread busy (4 per thread, the GEMM driver's own bar before it splits columns instead). Fewer rows (a single
// short pair, the [CLS] rows of the last layer) run as two linear_forward calls, which split columns.
bool feed_forward_fuses(const PackedLinear& up, size_t rows, const ThreadPool* pool);

// Throws ce::Error(Internal) unless down takes up's output width (half of it, gated): every feed-forward path
// checks its layers with this.
void check_feed_forward_widths(const PackedLinear& up, const PackedLinear& down, bool gated);

// y = (act(x up^T + b_up) down^T + b_down) + residual (x, residual and y with row strides up.in_features,
// down.out_features and down.out_features; residual may be x). Each task takes linear_task_rows(up) rows and runs
// the up projection (GELU in its store, any other activation right after), then the down projection with the
// residual in its store, its intermediate rows in the thread's own scratch (MiniLM: 56 x 1536 floats, 344 KB, in
// L2) instead of a rows x 1536 matrix written to memory and read back (int8 pass, 1 thread: 9% of its time). The
// same bits as linear_forward with the activation epilogue and then with the residual epilogue: every element is
// computed by the same instructions whatever the row range (gemm.h).
// Gated (GeGLU, ModernBERT): the up projection gives [input | gate] rows of 2 x down.in_features and the down
// projection takes act(input) * gate (gated_activation's bits). With `norm`, the task then LayerNorms its output
// rows while they are in cache (layer_norm's bits).
void feed_forward_fused(const PackedLinear& up, const PackedLinear& down, HiddenActivation act, bool gated,
                        const float* x, const float* residual, size_t rows, float* y, const LayerNormParams* norm,
                        ThreadPool* pool);

}  // namespace ce
