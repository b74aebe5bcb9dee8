// Linear layers: the plain reference kernel and the blocked, threaded driver that runs a micro-kernel.
#include "kernels/gemm.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "common/aligned_vector.h"
#include "common/error.h"
#include "kernels/gemm_convert.h"
#include "kernels/gemm_kernels.h"
#include "kernels/gelu_vec16.h"
#include "kernels/gemm_layout.h"
#include "kernels/isa_variants.h"
#include "kernels/vec16.h"
#include "runtime/thread_pool.h"

// Vec16 values pass between always-inlined helpers only; GCC's note about the AVX-512 vector ABI is moot.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ce {

namespace {

// The layer's per-channel input multipliers (smoothed I8), or null.
const float* input_multipliers(const PackedLinear& layer) {
  return layer.input_multipliers.empty() ? nullptr : layer.input_multipliers.data();
}

// Depth of one F32 k block (kGemmKBlock, 256): a 14-row activation block (14 KB) stays in L1 while the task's
// weight slice (kPanelsPerChunk panels x 256 x 64 B = 256 KB) stays in L2 and every row block of the task streams
// over it. Sizes chosen by bench/gemm_bench and bench/model_bench on a Xeon with AVX-512 (48 KB L1d, 2 MB L2 per
// core); 48 panels per chunk measured the same within noise. The converted formats use their kernel's k_block.
constexpr int kKBlock = kGemmKBlock;
// Weight panels per chunk of a task (even, so two-panel kernels never straddle chunks).
constexpr size_t kPanelsPerChunk = 16;
// Rows per task: 4 row blocks (56 rows for the 14-row AVX-512 kernel), but about 64 rows for the 32-row AMX
// blocks: a task's rows are its converted activations and, in feed_forward_fused, its intermediate rows
// (64 x 1536 floats, 384 KB), kept within L2 (128 rows measured the same on MiniLM, with twice the scratch).
size_t task_rows(const GemmKernel& kern) {
  const size_t mr = static_cast<size_t>(kern.mr);
  return mr * std::max<size_t>(1, std::min<size_t>(4, 64 / mr));
}

// Rows of x converted for a converted-format kernel: row-major with row stride kp (the padded k), bf16 or int8;
// for int8 each row's scale and zero point (quantize_row_i8). Row 0 here is the first row of the range converted.
// Written once by convert_rows_into, then only read by the tasks.
struct ConvertedRows {
  void* data = nullptr;
  float* scales = nullptr;
  int32_t* zeros = nullptr;
};

// Buffers for rows converted once and read by several tasks; sized by reserve() before any thread writes them.
struct ConvertedBuffers {
  AlignedVector<int8_t> i8;
  AlignedVector<uint16_t> bf16;
  std::vector<float> scales;
  std::vector<int32_t> zeros;

  // Room for `rows` rows of `kern`'s conversion of `layer`'s input; the view of row 0.
  ConvertedRows reserve(const GemmKernel& kern, const PackedLinear& layer, size_t rows) {
    const size_t kp = gemm_padded_k(kern.format, static_cast<size_t>(layer.in_features));
    if (kern.format == WeightFormat::I8) {
      i8.resize(rows * kp);
      scales.resize(rows);
      zeros.resize(rows);
      return {i8.data(), scales.data(), zeros.data()};
    }
    bf16.resize(rows * kp);
    return {bf16.data(), nullptr, nullptr};
  }
};

// Aligned to cache lines: the AMX kernels load the converted rows and the accumulators as tiles of 64-byte rows.
struct Scratch {
  AlignedVector<float> a;    // the task's rows packed once for all of k: [row block][k block][kc][mr]
  AlignedVector<float> acc;  // one panel chunk's accumulators, one mr x (16*panels) tile after another
  // BF16 and I8: the task's rows converted once (row-major, padded k; the I8 rows' scales and zeros, from
  // quantize_row_i8), int32 sums, and one dequantised tile.
  ConvertedBuffers converted;
  AlignedVector<int32_t> acc_i32;
  AlignedVector<float> dequantized;
};

// y[r][c] = tile[r][c] + bias[c] for `rows` x `cols`, then, with a residual (row stride ldy), + res[r][c]: the
// add that add_layer_norm would do, in that order (same bits), while the tile is in cache. One rounding per
// add, so the result is the same however the loop is vectorised; built per ISA because the library is built for
// baseline x86-64, where this loop ran as SSE with spills and cost as much as packing the activations.
__attribute__((always_inline)) inline void add_bias_store_body(const float* __restrict tile, size_t ldt,
                                                              const float* __restrict bias,
                                                              const float* __restrict res, float* __restrict y,
                                                              size_t ldy, size_t rows, size_t cols) {
  for (size_t r = 0; r < rows; ++r) {
    const float* __restrict t = tile + r * ldt;
    float* __restrict yr = y + r * ldy;
    if (res == nullptr) {
      for (size_t c = 0; c < cols; ++c) yr[c] = t[c] + bias[c];
    } else {
      const float* __restrict rr = res + r * ldy;
      for (size_t c = 0; c < cols; ++c) yr[c] = (t[c] + bias[c]) + rr[c];
    }
  }
}

// y[r][c] = gelu_erf(tile[r][c] + bias[c]): the same add as add_bias_store, then the activation kernel's
// 16-wide GELU (a column tail goes through a zero-padded block, as the activation kernel's tail does), so the
// bits equal a bias store followed by hidden_activation, without writing and re-reading the output.
__attribute__((always_inline)) inline void add_bias_gelu_store_body(const float* __restrict tile, size_t ldt,
                                                                   const float* __restrict bias, float* __restrict y,
                                                                   size_t ldy, size_t rows, size_t cols) {
  for (size_t r = 0; r < rows; ++r) {
    const float* __restrict t = tile + r * ldt;
    float* __restrict yr = y + r * ldy;
    size_t c = 0;
    for (; c + kVecLanes <= cols; c += kVecLanes)
      store_vec16(yr + c, gelu_erf_vec16(load_vec16(t + c) + load_vec16(bias + c)));
    if (c < cols) {
      float block[kVecLanes] = {};
      for (size_t j = 0; j < cols - c; ++j) block[j] = t[c + j] + bias[c + j];
      store_vec16(block, gelu_erf_vec16(load_vec16(block)));
      std::memcpy(yr + c, block, (cols - c) * sizeof(float));
    }
  }
}

// Both stores once per ISA, chosen at run time (isa_variants.h).
CE_ISA_VARIANTS(add_bias_store,
                (const float* tile, size_t ldt, const float* bias, const float* res, float* y, size_t ldy, size_t rows,
                 size_t cols),
                (tile, ldt, bias, res, y, ldy, rows, cols))
CE_ISA_VARIANTS(add_bias_gelu_store,
                (const float* tile, size_t ldt, const float* bias, float* y, size_t ldy, size_t rows, size_t cols),
                (tile, ldt, bias, y, ldy, rows, cols))

// Packs rows [row0, row0 + valid) of x (row stride k) k-major in blocks of kKBlock: block kb holds
// a[(kb*kKBlock + kk) * mr + r]; rows past `valid` are zero so a full-height kernel computes zeros there.
void pack_rows(const float* x, size_t k, size_t row0, size_t valid, size_t mr, float* dst) {
  for (size_t r = 0; r < mr; ++r) {
    float* d = dst + r;
    if (r < valid) {
      const float* src = x + (row0 + r) * k;
      for (size_t kk = 0; kk < k; ++kk) d[kk * mr] = src[kk];
    } else {
      for (size_t kk = 0; kk < k; ++kk) d[kk * mr] = 0.0f;
    }
  }
}

// y[row0 + r][c0..c1) from a tile of sums (row stride ldt): + bias, then the epilogue, while it is in cache.
void store_tile(const PackedLinear& layer, const float* t, size_t ldt, float* y, size_t row0, size_t valid,
                size_t c0, size_t c1, GemmEpilogue epilogue, const float* residual) {
  const size_t n = static_cast<size_t>(layer.out_features);
  if (epilogue == GemmEpilogue::BiasGeluErf) {
    add_bias_gelu_store(t, ldt, layer.bias.data() + c0, y + row0 * n + c0, n, valid, c1 - c0);
  } else {
    const float* res = epilogue == GemmEpilogue::BiasResidual ? residual + row0 * n + c0 : nullptr;
    add_bias_store(t, ldt, layer.bias.data() + c0, res, y + row0 * n + c0, n, valid, c1 - c0);
  }
}

// Where the kernel tiles of one panel chunk land in y (n columns): tile (rb, g) is row block rb (rows from
// row0(rb), valid(rb) of them) by panel group g (columns [c0(g), c1(g)); empty past out_features).
struct ChunkTiles {
  size_t n, r0, r1, mr, c0p, c1p, np, tile_cols;
  size_t row0(size_t rb) const { return r0 + rb * mr; }
  size_t valid(size_t rb) const { return std::min(mr, r1 - row0(rb)); }
  size_t c0(size_t g) const { return (c0p + g * np) * kGemmNR; }
  size_t c1(size_t g) const { return std::min(n, std::min(c1p * kGemmNR, c0(g) + tile_cols)); }
};

// Requests the lines of y that tile (rb, g) will be stored to (for writing), and of the residual it will add,
// before the tile's kernel runs. They are usually out of L2 (y and the residual are whole-batch buffers, last
// touched an op or an attention pass ago), and the stores stalled on those misses (a tenth of an int8 forward
// in the store pass, most of it on the residual add); the kernel's thousand-odd cycles hide them.
void prefetch_tile_outputs(const ChunkTiles& tiles, size_t rb, size_t g, const float* y, const float* residual) {
  const size_t c0 = tiles.c0(g), c1 = tiles.c1(g), row0 = tiles.row0(rb);
  for (size_t r = 0; r < tiles.valid(rb) && c0 < c1; ++r) {
    const size_t at = (row0 + r) * tiles.n;
    for (size_t c = c0; c < c1; c += 16) {
      __builtin_prefetch(y + at + c, 1, 3);
      if (residual != nullptr) __builtin_prefetch(residual + at + c, 0, 3);
    }
  }
}

// Rows [r0, r1) x panels [p0, p1). The rows are packed once; the panels are done in chunks that fit L2.
// k blocks continue each element's chain in order, so neither blocking nor tiling changes any bits.
void run_task(const GemmKernel& kern, const PackedLinear& layer, const float* x, float* y, size_t r0, size_t r1,
              size_t p0, size_t p1, GemmEpilogue epilogue, const float* residual, Scratch& s) {
  const size_t n = static_cast<size_t>(layer.out_features), k = static_cast<size_t>(layer.in_features);
  const size_t mr = static_cast<size_t>(kern.mr), np = static_cast<size_t>(kern.panels);
  const size_t tile_cols = np * kGemmNR, tile = mr * tile_cols;
  const size_t row_blocks = (r1 - r0 + mr - 1) / mr;
  const bool direct = kern.run_direct != nullptr;
  if (!direct) {
    s.a.resize(row_blocks * mr * k);
    for (size_t rb = 0; rb < row_blocks; ++rb) {
      const size_t row0 = r0 + rb * mr;
      pack_rows(x, k, row0, std::min(mr, r1 - row0), mr, s.a.data() + rb * mr * k);
    }
  }
  // The micro-kernel reads the weights in its format; the driver only steps through panels and k blocks.
  const auto* packed = static_cast<const std::byte*>(layer.packed.data());
  const size_t k_step_bytes = kGemmNR * weight_format_traits(kern.format).bytes_per_element;
  for (size_t c0p = p0; c0p < p1; c0p += kPanelsPerChunk) {
    const size_t c1p = std::min(p1, c0p + kPanelsPerChunk);
    const size_t groups = (c1p - c0p + np - 1) / np;
    s.acc.resize(row_blocks * groups * tile);
    const ChunkTiles tiles{n, r0, r1, mr, c0p, c1p, np, tile_cols};
    const float* tile_residual = epilogue == GemmEpilogue::BiasResidual ? residual : nullptr;
    for (size_t k0 = 0; k0 < k; k0 += kKBlock) {
      const size_t kc = std::min<size_t>(kKBlock, k - k0);
      const bool last_k_block = k0 + kc >= k;
      for (size_t rb = 0; rb < row_blocks; ++rb) {
        const size_t valid = tiles.valid(rb);
        const float* a = direct ? x + (r0 + rb * mr) * k + k0 : s.a.data() + rb * mr * k + k0 * mr;
        for (size_t g = 0; g < groups; ++g) {
          const size_t p = c0p + g * np;
          const std::byte* b0 = packed + (p * k + k0) * k_step_bytes;
          const std::byte* b1 = (np == 2 && p + 1 < c1p) ? packed + ((p + 1) * k + k0) * k_step_bytes : nullptr;
          float* acc = s.acc.data() + (rb * groups + g) * tile;
          if (last_k_block) prefetch_tile_outputs(tiles, rb, g, y, tile_residual);
          if (direct) {
            kern.run_direct(a, k, b0, b1, static_cast<int>(kc), acc, tile_cols, k0 > 0, static_cast<int>(valid));
          } else {
            kern.run(a, b0, b1, static_cast<int>(kc), acc, tile_cols, k0 > 0);
          }
          // y = sum + bias, the reference's order, right after the tile's last k block while its sums are in
          // L1 (a tile's outputs depend on its sums alone: the order changes no bits); columns past
          // out_features (panel padding) are dropped.
          if (last_k_block && tiles.c0(g) < tiles.c1(g))
            store_tile(layer, acc, tile_cols, y, tiles.row0(rb), valid, tiles.c0(g), tiles.c1(g), epilogue,
                       residual);
        }
      }
    }
  }
}

// Converts rows [r0, r1) of x (row stride k) for `kern` into dst (row r0 at dst; row stride kp, the padded k),
// and for int8 each row's scale and zero point into scales / zeros, each row alone: its bytes, scale and zero
// point depend on that row only, so who converts it, and with which other rows, changes no bits.
void convert_rows_into(const GemmKernel& kern, const PackedLinear& layer, const float* x, size_t r0, size_t r1,
                       const ConvertedRows& dst) {
  const size_t k = static_cast<size_t>(layer.in_features), kp = gemm_padded_k(kern.format, k);
  if (kern.format == WeightFormat::I8) {
    auto* rows = static_cast<int8_t*>(dst.data);
    for (size_t r = 0; r < r1 - r0; ++r) {
      // The row after next, requested now: the input usually comes from L3 (written by the previous op for the
      // whole batch), and a row's three passes (multiply, range, quantise) are short enough that the misses of
      // the first showed as a third of the conversion's time.
      if (r + 2 < r1 - r0) {
        const float* ahead = x + (r0 + r + 2) * k;
        for (size_t i = 0; i < k; i += 16) __builtin_prefetch(ahead + i, 0, 3);
      }
      const QuantizedRow q = quantize_row_i8(x + (r0 + r) * k, k, kp, rows + r * kp, kern.unsigned_activations,
                                             input_multipliers(layer));
      dst.scales[r] = q.scale;
      dst.zeros[r] = q.zero;
    }
  } else {
    round_rows_to_bf16(x + r0 * k, k, r1 - r0, static_cast<uint16_t*>(dst.data), kp);
  }
}

// The view of row `r` of converted rows (row stride kp, one byte or one bf16 per element).
ConvertedRows converted_from(const ConvertedRows& rows, const GemmKernel& kern, size_t kp, size_t r) {
  if (kern.format == WeightFormat::I8)
    return {static_cast<int8_t*>(rows.data) + r * kp, rows.scales + r, rows.zeros + r};
  return {static_cast<uint16_t*>(rows.data) + r * kp, nullptr, nullptr};
}

// The converted formats: the task's rows are rounded to bf16 or quantised to int8 once (a row's values depend
// on that row alone), then the same chunk / k block / row block / panel loops as run_task, with sums in fp32
// (BF16) or int32 (I8: dequantised, biased and stored in one pass, or for GELU dequantised per row into a float
// tile before the shared store).
// `converted`: rows [r0, r1) of x already converted for this kernel (by the caller, once for every task over
// those rows, or by this thread for another layer over the same input: linear_forward_shared_input); otherwise
// the task converts them into its scratch.
void run_converted_task(const GemmKernel& kern, const PackedLinear& layer, const float* x, float* y, size_t r0,
                        size_t r1, size_t p0, size_t p1, GemmEpilogue epilogue, const float* residual, Scratch& s,
                        const ConvertedRows* converted = nullptr) {
  const size_t n = static_cast<size_t>(layer.out_features), k = static_cast<size_t>(layer.in_features);
  const bool i8 = kern.format == WeightFormat::I8;
  const size_t kp = gemm_padded_k(kern.format, k), rows = r1 - r0, k_block = static_cast<size_t>(kern.k_block);
  const size_t mr = static_cast<size_t>(kern.mr), np = static_cast<size_t>(kern.panels);
  const size_t tile_cols = np * kGemmNR, tile = mr * tile_cols;
  const size_t row_blocks = (rows + mr - 1) / mr;
  ConvertedRows a_rows;
  if (converted != nullptr) {
    a_rows = *converted;
  } else {
    a_rows = s.converted.reserve(kern, layer, rows);
    convert_rows_into(kern, layer, x, r0, r1, a_rows);
  }
  const void* a_all = a_rows.data;
  const size_t a_bytes = i8 ? 1 : sizeof(uint16_t);
  const auto* packed = static_cast<const std::byte*>(layer.packed.data());
  const size_t k_step_bytes = kGemmNR * weight_format_traits(kern.format).bytes_per_element;
  for (size_t c0p = p0; c0p < p1; c0p += kPanelsPerChunk) {
    const size_t c1p = std::min(p1, c0p + kPanelsPerChunk);
    const size_t groups = (c1p - c0p + np - 1) / np;
    if (i8) {
      s.acc_i32.resize(row_blocks * groups * tile);
      s.dequantized.resize(tile);
    } else {
      s.acc.resize(row_blocks * groups * tile);
    }
    const ChunkTiles tiles{n, r0, r1, mr, c0p, c1p, np, tile_cols};
    const float* tile_residual = epilogue == GemmEpilogue::BiasResidual ? residual : nullptr;
    // Tile (rb, g)'s outputs from its sums (acc), as run_task stores them: right after the tile's last k block.
    auto store_group = [&](size_t rb, size_t g, const void* acc) {
      const size_t row0 = tiles.row0(rb), valid = tiles.valid(rb), c0 = tiles.c0(g), c1 = tiles.c1(g);
      if (c1 <= c0) return;
      if (!i8) {
        store_tile(layer, static_cast<const float*>(acc), tile_cols, y, row0, valid, c0, c1, epilogue, residual);
        return;
      }
      const auto* sums = static_cast<const int32_t*>(acc);
      if (epilogue != GemmEpilogue::BiasGeluErf) {
        // Dequantise, add the bias (and residual) and store in one pass; GELU goes through the float tile.
        dequantize_i8_bias_store(sums, tile_cols, layer.column_sums.data() + c0, a_rows.zeros + (row0 - r0),
                                 a_rows.scales + (row0 - r0), layer.channel_scales.data() + c0,
                                 layer.bias.data() + c0, tile_residual ? tile_residual + row0 * n + c0 : nullptr,
                                 valid, c1 - c0, y + row0 * n + c0, n);
        return;
      }
      dequantize_i8_rows(sums, tile_cols, layer.column_sums.data() + c0, a_rows.zeros + (row0 - r0),
                         a_rows.scales + (row0 - r0), layer.channel_scales.data() + c0, valid, c1 - c0,
                         s.dequantized.data(), tile_cols);
      store_tile(layer, s.dequantized.data(), tile_cols, y, row0, valid, c0, c1, epilogue, residual);
    };
    for (size_t k0 = 0; k0 < kp; k0 += k_block) {
      const size_t kc = std::min<size_t>(k_block, kp - k0);
      const bool last_k_block = k0 + kc >= kp;
      for (size_t rb = 0; rb < row_blocks; ++rb) {
        const void* a = static_cast<const std::byte*>(a_all) + ((rb * mr) * kp + k0) * a_bytes;
        for (size_t g = 0; g < groups; ++g) {
          const size_t p = c0p + g * np;
          const std::byte* b0 = packed + (p * kp + k0) * k_step_bytes;
          const std::byte* b1 = (np == 2 && p + 1 < c1p) ? packed + ((p + 1) * kp + k0) * k_step_bytes : nullptr;
          void* acc = i8 ? static_cast<void*>(s.acc_i32.data() + (rb * groups + g) * tile)
                         : static_cast<void*>(s.acc.data() + (rb * groups + g) * tile);
          if (last_k_block) prefetch_tile_outputs(tiles, rb, g, y, tile_residual);
          kern.run_converted(a, kp, b0, b1, static_cast<int>(kc), acc, tile_cols, k0 > 0,
                             static_cast<int>(tiles.valid(rb)));
          if (last_k_block) store_group(rb, g, acc);
        }
      }
    }
  }
}

// Whether `row_tasks` row ranges alone keep `threads` threads busy (4 each): then each task spans every column;
// fewer, and linear_forward splits the columns too. The one rule for every driver here and in feed_forward.h.
bool row_tasks_fill_threads(size_t row_tasks, size_t threads) { return threads <= 1 || row_tasks >= 4 * threads; }

size_t thread_count(const ThreadPool* pool) { return pool == nullptr ? 1 : static_cast<size_t>(pool->size()); }

// What every driver entry checks of a kernel and a layer before running them.
void check_kernel_and_layer(const GemmKernel& kern, const PackedLinear& layer) {
  if (layer.packed.empty()) throw Error(ErrorCode::Internal, "linear_forward: layer was not packed with pack_linear");
  if (kern.format != layer.format())
    throw Error(ErrorCode::Internal, std::string("linear_forward: a ") + weight_format_name(kern.format) +
                                         " kernel was given " + weight_format_name(layer.format()) + " weights");
  const bool converted = kern.format != WeightFormat::F32;
  if (converted ? kern.run_converted == nullptr : kern.run == nullptr)
    throw Error(ErrorCode::Internal, std::string("linear_forward: kernel ") + kern.name + " has no entry point");
  if (converted && (kern.k_block <= 0 || kern.k_block % 64 != 0))
    throw Error(ErrorCode::Internal, std::string("linear_forward: kernel ") + kern.name + " has a k block of " +
                                         std::to_string(kern.k_block) + ", not a positive multiple of 64");
  if (kern.format == WeightFormat::I8 &&
      (layer.channel_scales.size() != static_cast<size_t>(layer.out_features) ||
       layer.column_sums.size() < gemm_panel_count(layer.out_features) * kGemmNR))
    throw Error(ErrorCode::Internal, "linear_forward: i8 layer without its channel scales (not from pack_linear)");
}

// How a layer's panels are split among the tasks over one row range: `count` tasks of `per_task` panels each
// (even, so two-panel kernels never straddle tasks; the last task may have fewer).
struct PanelSplit {
  size_t per_task;
  size_t count;
};

// Tall inputs: one task per row range over all columns, so each row is converted or packed once. Short ones (a
// single pair, the [CLS] rows) have too few row ranges to keep every thread busy: the columns are split too, into
// even panel counts, about 4 tasks per thread. Tiling never changes a result's bits (see gemm_layout.h).
PanelSplit split_panels(size_t panels, size_t row_tasks, size_t threads) {
  size_t count = 1;
  if (!row_tasks_fill_threads(row_tasks, threads)) {
    const size_t want = (4 * threads + row_tasks - 1) / row_tasks;
    count = std::max<size_t>(1, std::min(want, panels / 2));
  }
  size_t per_task = (panels + count - 1) / count;
  per_task += per_task % 2;
  return {per_task, (panels + per_task - 1) / per_task};
}

// Task t of a layer's row_tasks x split.count tasks: its rows [r0, r1) and panels [p0, p1).
struct TaskRange {
  size_t r0, r1, p0, p1;
};
TaskRange task_range(size_t t, const PanelSplit& split, size_t rows_per_task, size_t rows, size_t panels) {
  const size_t rt = t / split.count, pt = t % split.count;
  const size_t r0 = rt * rows_per_task, p0 = pt * split.per_task;
  return {r0, std::min(rows, r0 + rows_per_task), p0, std::min(panels, p0 + split.per_task)};
}

// Runs body(begin, end) over [0, n) on the pool, or on this thread when there is no pool to share it with.
void run_tasks(ThreadPool* pool, size_t n, const std::function<void(size_t, size_t)>& body) {
  if (pool == nullptr || pool->size() <= 1 || n <= 1) {
    body(0, n);
  } else {
    pool->parallel_for(n, 1, body);
  }
}

// Converts rows [0, rows) of x once for tasks that split a row range's columns: each such task converting its own
// copy repeated the conversion per task (a single MiniLM pair at 2 threads spent more time quantising than in the
// int8 kernel, and ran no faster than on 1 thread). Rows are spread over the pool; the buffers are this thread's.
ConvertedRows convert_shared(const GemmKernel& kern, const PackedLinear& layer, const float* x, size_t rows,
                             ThreadPool* pool) {
  thread_local ConvertedBuffers buffers;  // the calling thread's: tasks on other threads only read it
  const ConvertedRows all = buffers.reserve(kern, layer, rows);
  const size_t kp = gemm_padded_k(kern.format, static_cast<size_t>(layer.in_features));
  run_tasks(pool, rows, [&](size_t begin, size_t end) {
    convert_rows_into(kern, layer, x, begin, end, converted_from(all, kern, kp, begin));
  });
  return all;
}

}  // namespace

void linear_forward_with(const GemmKernel& kern, const PackedLinear& layer, const float* x, size_t rows, float* y,
                         ThreadPool* pool, GemmEpilogue epilogue, const float* residual, const LayerNormParams* norm) {
  if (rows == 0) return;
  if (epilogue == GemmEpilogue::BiasResidual && residual == nullptr)
    throw Error(ErrorCode::Internal, "linear_forward: BiasResidual needs a residual");
  check_kernel_and_layer(kern, layer);
  const bool converted = kern.format != WeightFormat::F32;
  const size_t panels = gemm_panel_count(layer.out_features), n = static_cast<size_t>(layer.out_features);
  const size_t threads = thread_count(pool);
  const size_t rows_per_task = task_rows(kern);
  const size_t row_tasks = (rows + rows_per_task - 1) / rows_per_task;
  const PanelSplit split = split_panels(panels, row_tasks, threads);
  const size_t tasks = row_tasks * split.count;
  // Tasks sharing their rows on several threads read them converted once.
  const bool shared_rows = converted && split.count > 1 && threads > 1;
  const ConvertedRows all = shared_rows ? convert_shared(kern, layer, x, rows, pool) : ConvertedRows{};
  const size_t kp = gemm_padded_k(kern.format, static_cast<size_t>(layer.in_features));
  // A task that writes whole rows normalises them before they leave its cache.
  const bool norm_in_task = norm != nullptr && split.count == 1;
  auto body = [&](size_t begin, size_t end) {
    thread_local Scratch scratch;
    for (size_t t = begin; t < end; ++t) {
      const auto [r0, r1, p0, p1] = task_range(t, split, rows_per_task, rows, panels);
      if (converted) {
        const ConvertedRows mine = shared_rows ? converted_from(all, kern, kp, r0) : ConvertedRows{};
        run_converted_task(kern, layer, x, y, r0, r1, p0, p1, epilogue, residual, scratch,
                           shared_rows ? &mine : nullptr);
      } else {
        run_task(kern, layer, x, y, r0, r1, p0, p1, epilogue, residual, scratch);
      }
      if (norm_in_task) layer_norm(y + r0 * n, r1 - r0, n, norm->gamma, norm->beta, norm->eps, nullptr);
    }
  };
  run_tasks(pool, tasks, body);
  if (norm != nullptr && !norm_in_task) layer_norm(y, rows, n, norm->gamma, norm->beta, norm->eps, pool);
}

void linear_forward_shared_input(const PackedLinear* const* layers, float* const* ys, size_t count, const float* x,
                                 size_t rows, ThreadPool* pool) {
  if (rows == 0 || count == 0) return;
  const WeightFormat format = layers[0]->format();
  bool shared = true;
  for (size_t i = 1; i < count; ++i)
    shared = shared && layers[i]->format() == format && layers[i]->in_features == layers[0]->in_features &&
             layers[i]->input_multipliers == layers[0]->input_multipliers;  // the converted rows are the same
  const GemmKernel& kern = active_gemm_kernel(format);
  const size_t rows_per_task = task_rows(kern);
  const size_t row_tasks = (rows + rows_per_task - 1) / rows_per_task;
  const size_t threads = thread_count(pool);
  const bool converted = kern.format != WeightFormat::F32;
  const bool short_input = !row_tasks_fill_threads(row_tasks, threads);
  // Mixed layers cannot share converted rows, and fp32 short inputs split each layer's columns (linear_forward):
  // one call per layer.
  if (!shared || (short_input && !converted)) {
    for (size_t i = 0; i < count; ++i) linear_forward(*layers[i], x, rows, ys[i], pool);
    return;
  }
  for (size_t i = 0; i < count; ++i) check_kernel_and_layer(kern, *layers[i]);
  const size_t kp = gemm_padded_k(kern.format, static_cast<size_t>(layers[0]->in_features));
  if (short_input) {
    // Converted once for every layer, then every layer's column tasks in one pass over the pool.
    const ConvertedRows all = convert_shared(kern, *layers[0], x, rows, pool);
    std::vector<PanelSplit> splits(count);
    std::vector<size_t> first_task(count + 1, 0);
    for (size_t i = 0; i < count; ++i) {
      splits[i] = split_panels(gemm_panel_count(layers[i]->out_features), row_tasks, threads);
      first_task[i + 1] = first_task[i] + row_tasks * splits[i].count;
    }
    run_tasks(pool, first_task[count], [&](size_t begin, size_t end) {
      thread_local Scratch scratch;
      for (size_t t = begin; t < end; ++t) {
        const size_t i = static_cast<size_t>(std::upper_bound(first_task.begin(), first_task.end(), t) -
                                             first_task.begin()) - 1;
        const auto [r0, r1, p0, p1] = task_range(t - first_task[i], splits[i], rows_per_task, rows,
                                                 gemm_panel_count(layers[i]->out_features));
        const ConvertedRows mine = converted_from(all, kern, kp, r0);
        run_converted_task(kern, *layers[i], x, ys[i], r0, r1, p0, p1, GemmEpilogue::Bias, nullptr, scratch, &mine);
      }
    });
    return;
  }
  run_tasks(pool, row_tasks, [&](size_t begin, size_t end) {
    thread_local Scratch scratch;
    for (size_t t = begin; t < end; ++t) {
      const size_t r0 = t * rows_per_task, r1 = std::min(rows, r0 + rows_per_task);
      // The first layer's task converts the rows into its scratch; the others read them there.
      ConvertedRows mine;
      if (converted) {
        mine = scratch.converted.reserve(kern, *layers[0], r1 - r0);
        convert_rows_into(kern, *layers[0], x, r0, r1, mine);
      }
      for (size_t i = 0; i < count; ++i) {
        const size_t panels = gemm_panel_count(layers[i]->out_features);
        if (converted) {
          run_converted_task(kern, *layers[i], x, ys[i], r0, r1, 0, panels, GemmEpilogue::Bias, nullptr, scratch,
                             &mine);
        } else {
          run_task(kern, *layers[i], x, ys[i], r0, r1, 0, panels, GemmEpilogue::Bias, nullptr, scratch);
        }
      }
    }
  });
}

size_t linear_task_rows(const PackedLinear& layer) {
  return task_rows(active_gemm_kernel(layer.format()));
}

bool linear_tasks_span_rows(const PackedLinear& layer, size_t rows, const ThreadPool* pool) {
  const size_t task_rows = linear_task_rows(layer);
  return row_tasks_fill_threads((rows + task_rows - 1) / task_rows, thread_count(pool));
}

void linear_forward(const PackedLinear& layer, const float* x, size_t rows, float* y, ThreadPool* pool,
                    GemmEpilogue epilogue, const float* residual, const LayerNormParams* norm) {
  linear_forward_with(active_gemm_kernel(layer.format()), layer, x, rows, y, pool, epilogue, residual, norm);
}

}  // namespace ce
