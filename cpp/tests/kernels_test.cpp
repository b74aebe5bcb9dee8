// Kernel tests: fast GEMM vs reference on odd shapes, determinism, the (ISA, weight format) kernel table, and the
// element-wise kernels vs formulas.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <random>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "common/error.h"
#include "kernels/activations.h"
#include "kernels/attention.h"
#include "kernels/feed_forward.h"
#include "kernels/gated_activation.h"
#include "kernels/gemm.h"
#include "kernels/gemm_kernels.h"
#include "kernels/layernorm.h"
#include "kernels/softmax.h"
#include "kernels/packed_weights.h"
#include "kernels/weight_format.h"
#include "runtime/cpu_features.h"
#include "runtime/thread_pool.h"
#include "amx_tile_model.h"
#include "test_support.h"

namespace ce {
namespace {

std::vector<float> random_vec(size_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-scale, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

PackedLinear random_linear(int n, int k, uint32_t seed) {
  return pack_linear(random_vec(static_cast<size_t>(n) * k, seed), random_vec(n, seed + 1), n, k);
}

// |fast - ref| must stay within fp32 rounding of the products' magnitude; a wrong index or a lost term
// gives errors of the order of the sum itself.
void expect_gemm_close(const PackedLinear& l, const std::vector<float>& x, size_t m, const std::vector<float>& got,
                       const std::vector<float>& ref) {
  const size_t n = l.out_features, k = l.in_features;
  for (size_t r = 0; r < m; ++r) {
    for (size_t c = 0; c < n; ++c) {
      double mag = std::fabs(l.bias[c]);
      for (size_t kk = 0; kk < k; ++kk) mag += std::fabs(double(x[r * k + kk]) * packed_weight(l, c, kk));
      const double tol = 1e-6 * std::sqrt(double(k)) * mag + 1e-7;
      ASSERT_NEAR(got[r * n + c], ref[r * n + c], tol) << "M=" << m << " N=" << n << " K=" << k << " at (" << r
                                                        << "," << c << ")";
    }
  }
}

TEST(Gemm, FastMatchesReferenceOnOddShapes) {
  ThreadPool pool(2);
  const std::vector<std::tuple<size_t, int, int>> shapes = {
      {1, 1, 1},      {3, 7, 17},     {7, 17, 3},     {17, 64, 65},    {64, 65, 64},   {65, 129, 7},
      {129, 383, 64}, {1, 384, 384},  {7, 385, 383},  {17, 1536, 384}, {65, 384, 1536}, {3, 1, 385},
      {129, 3, 129},  {6, 16, 1},     {12, 32, 5},    {5, 15, 2},
  };
  for (const auto& [m, n, k] : shapes) {
    const PackedLinear l = random_linear(n, k, static_cast<uint32_t>(m * 131 + n * 7 + k));
    const auto x = random_vec(m * k, static_cast<uint32_t>(m + n + k));
    std::vector<float> ref(m * n), fast(m * n, NAN), fast_pool(m * n, NAN);
    linear_reference(l, x.data(), m, ref.data());
    linear_forward(l, x.data(), m, fast.data(), nullptr);
    linear_forward(l, x.data(), m, fast_pool.data(), &pool);
    expect_gemm_close(l, x, m, fast, ref);
    ASSERT_EQ(0, std::memcmp(fast.data(), fast_pool.data(), fast.size() * sizeof(float)));
  }
}

TEST(Gemm, ReferenceIsPlainDotProductPlusBias) {
  // 2x3 weights, hand-computed: y = x W^T + b.
  const PackedLinear l = pack_linear({1, 2, 3, 4, 5, 6}, {0.5f, -1.0f}, 2, 3);
  const float x[3] = {1, 0, -1};
  float y[2];
  linear_reference(l, x, 1, y);
  EXPECT_FLOAT_EQ(y[0], 1 - 3 + 0.5f);
  EXPECT_FLOAT_EQ(y[1], 4 - 6 - 1.0f);
  float yf[2];
  linear_forward(l, x, 1, yf, nullptr);
  EXPECT_FLOAT_EQ(yf[0], y[0]);
  EXPECT_FLOAT_EQ(yf[1], y[1]);
}

TEST(Gemm, RowResultIsBitwiseIndependentOfRowCountAndThreads) {
  const int n = 385, k = 129;
  const PackedLinear l = random_linear(n, k, 5);
  const size_t m = 131;
  const auto x = random_vec(m * k, 6);
  std::vector<float> all(m * n);
  linear_forward(l, x.data(), m, all.data(), nullptr);
  for (int threads : {1, 2, 3, 5}) {
    ThreadPool pool(threads);
    std::vector<float> again(m * n);
    linear_forward(l, x.data(), m, again.data(), &pool);
    ASSERT_EQ(0, std::memcmp(all.data(), again.data(), all.size() * sizeof(float))) << threads << " threads";
  }
  // Any sub-range of rows, alone, gives the same bits as inside the big call.
  for (const auto& [begin, count] : std::vector<std::pair<size_t, size_t>>{{0, 1}, {5, 1}, {7, 3}, {60, 49}, {130, 1}}) {
    std::vector<float> part(count * n);
    linear_forward(l, x.data() + begin * k, count, part.data(), nullptr);
    ASSERT_EQ(0, std::memcmp(part.data(), all.data() + begin * n, part.size() * sizeof(float)))
        << "rows [" << begin << "," << begin + count << ")";
  }
}

// The fused bias+GELU store gives the bits of a plain GEMM followed by the GELU pass, on column tails
// (n % 16 != 0), row tails, one and several threads; and stays close to the reference kernels.
TEST(Gemm, FusedGeluEpilogueMatchesSeparatePass) {
  ThreadPool pool(3);
  for (const auto& [m, n, k] : std::vector<std::tuple<size_t, int, int>>{
           {1, 1, 1}, {3, 7, 17}, {17, 37, 65}, {29, 1536, 384}, {65, 129, 7}, {131, 385, 129}}) {
    const PackedLinear l = random_linear(n, k, static_cast<uint32_t>(m * 31 + n + k));
    const auto x = random_vec(m * k, static_cast<uint32_t>(m + 2 * n + k), 2.0f);
    std::vector<float> separate(m * n), fused(m * n, NAN), fused_pool(m * n, NAN), ref(m * n);
    linear_forward(l, x.data(), m, separate.data(), nullptr);
    hidden_activation(HiddenActivation::GeluErf, separate.data(), separate.size(), nullptr);
    linear_forward(l, x.data(), m, fused.data(), nullptr, GemmEpilogue::BiasGeluErf);
    linear_forward(l, x.data(), m, fused_pool.data(), &pool, GemmEpilogue::BiasGeluErf);
    ASSERT_EQ(0, std::memcmp(separate.data(), fused.data(), fused.size() * sizeof(float))) << m << "x" << n << "x" << k;
    ASSERT_EQ(0, std::memcmp(fused.data(), fused_pool.data(), fused.size() * sizeof(float))) << m << "x" << n;
    linear_reference(l, x.data(), m, ref.data());
    hidden_activation_reference(HiddenActivation::GeluErf, ref.data(), ref.size());
    for (size_t i = 0; i < ref.size(); ++i) ASSERT_NEAR(fused[i], ref[i], 1e-5 * (1 + std::fabs(ref[i]))) << i;
  }
}

// The fused residual store gives the bits of a plain GEMM followed by y += residual, on row and column tails
// and with threads.
TEST(Gemm, FusedResidualEpilogueMatchesSeparateAdd) {
  ThreadPool pool(3);
  for (const auto& [m, n, k] : std::vector<std::tuple<size_t, int, int>>{
           {1, 1, 1}, {3, 7, 17}, {17, 37, 65}, {29, 384, 1536}, {65, 129, 7}, {131, 385, 129}}) {
    const PackedLinear l = random_linear(n, k, static_cast<uint32_t>(m * 17 + n + 3 * k));
    const auto x = random_vec(m * k, static_cast<uint32_t>(m + 3 * n + k));
    const auto res = random_vec(m * n, static_cast<uint32_t>(m + n + 5 * k), 4.0f);
    std::vector<float> separate(m * n), fused(m * n, NAN), fused_pool(m * n, NAN);
    linear_forward(l, x.data(), m, separate.data(), nullptr);
    for (size_t i = 0; i < separate.size(); ++i) separate[i] += res[i];
    linear_forward(l, x.data(), m, fused.data(), nullptr, GemmEpilogue::BiasResidual, res.data());
    linear_forward(l, x.data(), m, fused_pool.data(), &pool, GemmEpilogue::BiasResidual, res.data());
    ASSERT_EQ(0, std::memcmp(separate.data(), fused.data(), fused.size() * sizeof(float))) << m << "x" << n << "x" << k;
    ASSERT_EQ(0, std::memcmp(fused.data(), fused_pool.data(), fused.size() * sizeof(float))) << m << "x" << n;
  }
  const PackedLinear l = random_linear(3, 2, 1);
  const float x[2] = {1, 2};
  float y[3];
  EXPECT_THROW(linear_forward(l, x, 1, y, nullptr, GemmEpilogue::BiasResidual, nullptr), Error);
}

// The fused feed-forward driver (both GEMMs per row range, the intermediate in thread scratch) gives the bits of
// the two separate GEMMs (activation epilogue or pass, then the residual epilogue), in every weight format and mixed
// ones, for each activation, on row counts around the task size, alone and on pools; feed_forward_fuses only
// chooses, so the fused path is checked on row counts it would hand to the separate GEMMs as well.
TEST(Gemm, FusedFeedForwardMatchesTwoGemms) {
  const int hidden = 40, mid = 150;  // column tails in both GEMMs
  const auto w_up = random_vec(static_cast<size_t>(mid) * hidden, 71), w_down = random_vec(static_cast<size_t>(hidden) * mid, 72);
  ThreadPool pool2(2), pool3(3);
  const std::vector<std::pair<WeightFormat, WeightFormat>> formats = {{WeightFormat::F32, WeightFormat::F32},
                                                                      {WeightFormat::BF16, WeightFormat::BF16},
                                                                      {WeightFormat::I8, WeightFormat::I8},
                                                                      {WeightFormat::I8, WeightFormat::F32}};
  for (const auto& [up_format, down_format] : formats) {
    const PackedLinear up = pack_linear(w_up, random_vec(mid, 73), mid, hidden, up_format);
    const PackedLinear down = pack_linear(w_down, random_vec(hidden, 74), hidden, mid, down_format);
    const size_t task = linear_task_rows(up);
    for (HiddenActivation act : {HiddenActivation::GeluErf, HiddenActivation::GeluTanh, HiddenActivation::Relu}) {
      for (size_t m : {size_t{1}, task - 1, task, task + 1, 5 * task + 3, 17 * task}) {
        const auto x = random_vec(m * hidden, static_cast<uint32_t>(m + 3), 2.0f);
        std::vector<float> inter(m * mid), separate(m * hidden);
        if (act == HiddenActivation::GeluErf) {
          linear_forward(up, x.data(), m, inter.data(), &pool2, GemmEpilogue::BiasGeluErf);
        } else {
          linear_forward(up, x.data(), m, inter.data(), &pool2);
          hidden_activation(act, inter.data(), inter.size(), &pool2);
        }
        linear_forward(down, inter.data(), m, separate.data(), &pool2, GemmEpilogue::BiasResidual, x.data());
        // And with the LayerNorm that follows in a post-norm layer, applied per task.
        std::vector<float> normed = separate;
        const auto gamma = random_vec(hidden, 75), beta = random_vec(hidden, 76);
        const LayerNormParams norm{gamma.data(), beta.data(), 1e-12f};
        layer_norm(normed.data(), m, hidden, gamma.data(), beta.data(), norm.eps, nullptr);
        for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), &pool2, &pool3}) {
          std::vector<float> fused(m * hidden, NAN), fused_norm(m * hidden, NAN);
          feed_forward_fused(up, down, act, false, x.data(), x.data(), m, fused.data(), nullptr, pool);
          ASSERT_EQ(0, std::memcmp(fused.data(), separate.data(), fused.size() * sizeof(float)))
              << weight_format_name(up_format) << "/" << weight_format_name(down_format) << " act "
              << static_cast<int>(act) << " rows " << m << " threads " << (pool ? pool->size() : 1);
          feed_forward_fused(up, down, act, false, x.data(), x.data(), m, fused_norm.data(), &norm, pool);
          ASSERT_EQ(0, std::memcmp(fused_norm.data(), normed.data(), normed.size() * sizeof(float)))
              << "with LayerNorm: " << weight_format_name(up_format) << " act " << static_cast<int>(act) << " rows "
              << m << " threads " << (pool ? pool->size() : 1);
        }
      }
    }
    // Gated (GeGLU): the up projection's [input | gate] rows, act(input) * gate into the down projection.
    const PackedLinear up2 = pack_linear(random_vec(static_cast<size_t>(2 * mid) * hidden, 77), random_vec(2 * mid, 78),
                                         2 * mid, hidden, up_format);
    for (size_t m : {size_t{1}, task + 1, 9 * task + 5}) {
      const auto x = random_vec(m * hidden, static_cast<uint32_t>(m + 9), 2.0f);
      std::vector<float> wide(m * 2 * mid), gated(m * mid), separate(m * hidden);
      linear_forward(up2, x.data(), m, wide.data(), &pool2);
      gated_activation(HiddenActivation::GeluTanh, wide.data(), m, mid, gated.data(), &pool2);
      linear_forward(down, gated.data(), m, separate.data(), &pool2, GemmEpilogue::BiasResidual, x.data());
      for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), &pool3}) {
        std::vector<float> fused(m * hidden, NAN);
        feed_forward_fused(up2, down, HiddenActivation::GeluTanh, true, x.data(), x.data(), m, fused.data(), nullptr,
                           pool);
        ASSERT_EQ(0, std::memcmp(fused.data(), separate.data(), fused.size() * sizeof(float)))
            << "gated " << weight_format_name(up_format) << " rows " << m;
      }
    }
    EXPECT_THROW(feed_forward_fused(up, down, HiddenActivation::GeluTanh, true, nullptr, nullptr, 1, nullptr, nullptr,
                                    nullptr),
                 Error);
    // One thread always fuses; a pool fuses once every thread has 4 row ranges.
    EXPECT_TRUE(feed_forward_fuses(up, 1, nullptr));
    EXPECT_FALSE(feed_forward_fuses(up, 7 * task, &pool2));
    EXPECT_TRUE(feed_forward_fuses(up, 8 * task, &pool2));
  }
}

// A LayerNorm given to linear_forward gives the bits of linear_forward then layer_norm: in the tasks (tall inputs,
// each task writes whole rows) and as a pass after the GEMM (short inputs, whose tasks split columns).
TEST(Gemm, LayerNormInTheTasksMatchesSeparatePass) {
  ThreadPool pool(3);
  for (WeightFormat format : {WeightFormat::F32, WeightFormat::BF16, WeightFormat::I8}) {
    for (const auto& [m, n, k] : std::vector<std::tuple<size_t, int, int>>{
             {1, 37, 65}, {5, 384, 384}, {57, 40, 33}, {300, 129, 77}, {600, 384, 384}}) {
      const PackedLinear l = pack_linear(random_vec(static_cast<size_t>(n) * k, static_cast<uint32_t>(n + k)),
                                         random_vec(n, 3), n, k, format);
      const auto x = random_vec(m * k, static_cast<uint32_t>(m + n), 2.0f);
      const auto res = random_vec(m * n, static_cast<uint32_t>(m * 3 + k), 3.0f);
      const auto gamma = random_vec(n, 4), beta = random_vec(n, 5);
      const LayerNormParams norm{gamma.data(), beta.data(), 1e-5f};
      for (ThreadPool* p : {static_cast<ThreadPool*>(nullptr), &pool}) {
        std::vector<float> separate(m * n), fused(m * n, NAN);
        linear_forward(l, x.data(), m, separate.data(), p, GemmEpilogue::BiasResidual, res.data());
        layer_norm(separate.data(), m, n, gamma.data(), beta.data(), norm.eps, p);
        linear_forward(l, x.data(), m, fused.data(), p, GemmEpilogue::BiasResidual, res.data(), &norm);
        ASSERT_EQ(0, std::memcmp(separate.data(), fused.data(), fused.size() * sizeof(float)))
            << weight_format_name(format) << " " << m << "x" << n << "x" << k << (p ? " pool" : "");
      }
    }
  }
}

// Layers over one input with the rows converted once give each layer's own linear_forward bits: every format, tall
// inputs (each row task converts once for every layer), short ones (converted once, then every layer's column
// tasks in one pass; fp32: one call per layer), pools, different output widths, and layers of different formats
// (no sharing).
TEST(Gemm, SharedInputLayersMatchOneCallEach) {
  ThreadPool pool(3);
  const int k = 70;
  for (const auto& formats : std::vector<std::vector<WeightFormat>>{{WeightFormat::F32, WeightFormat::F32, WeightFormat::F32},
                                                                    {WeightFormat::BF16, WeightFormat::BF16},
                                                                    {WeightFormat::I8, WeightFormat::I8, WeightFormat::I8},
                                                                    {WeightFormat::I8, WeightFormat::F32}}) {
    std::vector<PackedLinear> layers;
    for (size_t i = 0; i < formats.size(); ++i) {
      const int n = 33 + 16 * static_cast<int>(i);
      layers.push_back(pack_linear(random_vec(static_cast<size_t>(n) * k, static_cast<uint32_t>(90 + i)),
                                   random_vec(n, static_cast<uint32_t>(95 + i)), n, k, formats[i]));
    }
    std::vector<const PackedLinear*> ptrs;
    for (const auto& l : layers) ptrs.push_back(&l);
    for (size_t m : {size_t{1}, size_t{30}, size_t{500}}) {
      const auto x = random_vec(m * k, static_cast<uint32_t>(m), 2.0f);
      for (ThreadPool* p : {static_cast<ThreadPool*>(nullptr), &pool}) {
        std::vector<std::vector<float>> shared(layers.size());
        std::vector<float*> outs;
        for (size_t i = 0; i < layers.size(); ++i) {
          shared[i].assign(m * static_cast<size_t>(layers[i].out_features), NAN);
          outs.push_back(shared[i].data());
        }
        linear_forward_shared_input(ptrs.data(), outs.data(), layers.size(), x.data(), m, p);
        for (size_t i = 0; i < layers.size(); ++i) {
          std::vector<float> alone(shared[i].size());
          linear_forward(layers[i], x.data(), m, alone.data(), p);
          ASSERT_EQ(0, std::memcmp(alone.data(), shared[i].data(), alone.size() * sizeof(float)))
              << weight_format_name(formats[i]) << " layer " << i << " rows " << m << (p ? " pool" : "");
        }
      }
    }
  }
}

TEST(Gemm, PackRejectsBadShapes) {
  EXPECT_THROW(pack_linear({1, 2, 3}, {}, 2, 2), Error);
  EXPECT_THROW(pack_linear({1, 2, 3, 4}, {1, 2, 3}, 2, 2), Error);
  EXPECT_THROW(pack_linear({}, {}, 0, 2), Error);
  try {
    pack_linear({1, 2, 3}, {}, 2, 2);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
  }
  const PackedLinear nobias = pack_linear({1, 2}, {}, 1, 2);
  ASSERT_EQ(nobias.bias.size(), 1u);
  EXPECT_EQ(nobias.bias[0], 0.0f);
}

TEST(LayerNorm, MatchesFormula) {
  const size_t rows = 5, width = 37;
  auto x = random_vec(rows * width, 11, 3.0f);
  for (size_t i = 0; i < width; ++i) x[i] += 100.0f;  // offset row: the variance must not cancel badly
  const auto g = random_vec(width, 12), b = random_vec(width, 13);
  auto fast = x, ref = x;
  ThreadPool pool(2);
  layer_norm(fast.data(), rows, width, g.data(), b.data(), 1e-12f, &pool);
  layer_norm_reference(ref.data(), rows, width, g.data(), b.data(), 1e-12f);
  for (size_t r = 0; r < rows; ++r) {
    double mean = 0, var = 0;
    for (size_t i = 0; i < width; ++i) mean += x[r * width + i];
    mean /= width;
    for (size_t i = 0; i < width; ++i) var += (x[r * width + i] - mean) * (x[r * width + i] - mean);
    var /= width;
    for (size_t i = 0; i < width; ++i) {
      const double want = (x[r * width + i] - mean) / std::sqrt(var + 1e-12) * g[i] + b[i];
      EXPECT_NEAR(ref[r * width + i], want, 1e-5);
      EXPECT_EQ(fast[r * width + i], ref[r * width + i]);
    }
  }
  // Fused residual add.
  auto y = random_vec(width, 14), res = random_vec(width, 15);
  std::vector<float> sum(width, 0.0f);
  for (size_t i = 0; i < width; ++i) sum[i] = y[i] + res[i];
  add_layer_norm(y.data(), res.data(), 1, width, g.data(), b.data(), 1e-5f, nullptr);
  layer_norm_reference(sum.data(), 1, width, g.data(), b.data(), 1e-5f);
  for (size_t i = 0; i < width; ++i) EXPECT_EQ(y[i], sum[i]);
}

TEST(Activations, MatchFormulas) {
  std::vector<float> xs;
  for (int i = -80; i <= 80; ++i) xs.push_back(i * 0.125f);
  for (float x : xs) {
    const double d = x;
    EXPECT_NEAR(gelu_erf(x), 0.5 * d * (1 + std::erf(d / std::sqrt(2.0))), 2e-6);
    EXPECT_NEAR(gelu_tanh(x), 0.5 * d * (1 + std::tanh(std::sqrt(2.0 / M_PI) * (d + 0.044715 * d * d * d))), 2e-6);
    EXPECT_EQ(relu(x), x > 0 ? x : 0.0f);
  }
  ThreadPool pool(2);
  for (auto act : {HiddenActivation::GeluErf, HiddenActivation::GeluTanh, HiddenActivation::Relu}) {
    auto big = random_vec(100000, 16, 6.0f);
    big[0] = 0.0f;
    big[1] = -30.0f;  // exp underflow region
    big[2] = 30.0f;
    big[3] = -1e-8f;
    const auto input = big;
    auto ref = big;
    hidden_activation(act, big.data(), big.size(), &pool);
    hidden_activation_reference(act, ref.data(), ref.size());
    if (act == HiddenActivation::GeluErf) {
      // The fast path's erf approximation: well inside the 1e-4 logits budget.
      for (size_t i = 0; i < big.size(); ++i)
        ASSERT_NEAR(big[i], ref[i], 1e-6 * std::max(1.0f, std::fabs(input[i]))) << "x = " << input[i];
    } else {
      ASSERT_EQ(0, std::memcmp(big.data(), ref.data(), big.size() * sizeof(float)));
    }
    // An element's value does not depend on where it sits in the call (vector body vs tail, chunking).
    for (size_t offset : {1u, 3u, 17u, 99u}) {
      std::vector<float> part(input.begin() + offset, input.begin() + offset + 37);
      hidden_activation(act, part.data(), part.size(), nullptr);
      ASSERT_EQ(0, std::memcmp(part.data(), big.data() + offset, part.size() * sizeof(float))) << offset;
    }
  }
  std::vector<float> t = {-2.0f, 0.0f, 0.5f};
  tanh_inplace(t.data(), t.size());
  EXPECT_FLOAT_EQ(t[0], std::tanh(-2.0f));
  EXPECT_FLOAT_EQ(t[2], std::tanh(0.5f));
}

TEST(Softmax, MatchesFormulaAndSurvivesLargeValues) {
  std::vector<float> v = {1.0f, 2.0f, 3.0f, 1000.0f, 1001.0f, 999.0f};
  softmax_rows(v.data(), 2, 3);
  const double e = std::exp(1.0), z = 1 + e + e * e;
  EXPECT_NEAR(v[0], 1 / z, 1e-7);
  EXPECT_NEAR(v[1], e / z, 1e-7);
  EXPECT_NEAR(v[2], e * e / z, 1e-7);
  EXPECT_NEAR(v[3], e / z, 1e-7);  // 1000 is the middle value of row 2
  EXPECT_NEAR(v[4], e * e / z, 1e-7);
  EXPECT_NEAR(v[5], 1 / z, 1e-7);
}

TEST(Attention, FastMatchesReferenceAndHandlesQuerySubsets) {
  const size_t hidden = 24, heads = 3;
  const std::vector<int32_t> offsets = {0, 1, 6, 17, 50};
  const size_t rows = offsets.back();
  const auto q = random_vec(rows * hidden, 20, 2.0f), k = random_vec(rows * hidden, 21, 2.0f),
             v = random_vec(rows * hidden, 22);
  const AttentionLayout full{&offsets, &offsets, hidden, heads};
  std::vector<float> ref(rows * hidden), fast(rows * hidden);
  attention_reference(full, q.data(), k.data(), v.data(), ref.data());
  ThreadPool pool(2);
  attention_forward(full, q.data(), k.data(), v.data(), fast.data(), &pool);
  for (size_t i = 0; i < ref.size(); ++i) ASSERT_NEAR(fast[i], ref[i], 1e-5) << i;

  // Independent check of one element: sequence 2, head 1, its first query row.
  {
    const size_t hd = hidden / heads, s0 = 6, len = 11, col = hd;
    std::vector<double> sc(len);
    double mx = -1e30, z = 0;
    for (size_t j = 0; j < len; ++j) {
      double dot = 0;
      for (size_t d = 0; d < hd; ++d) dot += double(q[s0 * hidden + col + d]) * k[(s0 + j) * hidden + col + d];
      sc[j] = dot / std::sqrt(double(hd));
      mx = std::max(mx, sc[j]);
    }
    for (auto& s : sc) z += (s = std::exp(s - mx));
    for (size_t d = 0; d < hd; ++d) {
      double o = 0;
      for (size_t j = 0; j < len; ++j) o += sc[j] / z * v[(s0 + j) * hidden + col + d];
      EXPECT_NEAR(ref[s0 * hidden + col + d], o, 1e-5);
    }
  }

  // Only the first row of each sequence as queries (the last-layer [CLS] shortcut).
  const std::vector<int32_t> q_off = {0, 1, 2, 3, 4};
  std::vector<float> q_cls(4 * hidden);
  for (size_t s = 0; s < 4; ++s) std::copy_n(q.data() + offsets[s] * hidden, hidden, q_cls.data() + s * hidden);
  std::vector<float> cls_out(4 * hidden);
  attention_forward({&q_off, &offsets, hidden, heads}, q_cls.data(), k.data(), v.data(), cls_out.data(), nullptr);
  for (size_t s = 0; s < 4; ++s)
    for (size_t c = 0; c < hidden; ++c)
      ASSERT_EQ(cls_out[s * hidden + c], fast[offsets[s] * hidden + c]) << "sequence " << s;
}

// The bf16 attention heads a test runs (AttentionLayout::bf16_heads): the automatic choice; the vector head
// (VDPBF16PS where this CPU has AVX512-BF16 at the AVX-512 level, else fp32 FMAs over the rounded operands;
// ctest's forced_* runs cover the latter); the tile head on the AMX tile model (every CPU); and the tile head on
// the AMX hardware where it runs (GemmAmxHardware in gemm_precision_test says where it did not).
std::vector<std::pair<std::string, AttentionLayout>> bf16_attention_heads(AttentionLayout base) {
  std::vector<std::pair<std::string, AttentionLayout>> out;
  base.bf16_heads = Bf16AttentionHeads::Auto;
  out.emplace_back("auto", base);
  base.bf16_heads = Bf16AttentionHeads::Vector;
  out.emplace_back("vector", base);
  base.bf16_heads = Bf16AttentionHeads::Tiles;
  base.bf16_tile_kernel = &amx_model::kBf16;
  out.emplace_back("tiles on the tile model", base);
  for (const GemmKernel* k : compiled_gemm_kernels())
    if (k->format == WeightFormat::BF16 && k->needs.has(CpuCapability::AmxTile) && gemm_kernel_runnable(*k)) {
      base.bf16_tile_kernel = k;
      out.emplace_back(std::string("tiles on ") + k->name, base);
    }
  return out;
}

// Head dims of whole vector pairs (32, 64), a pair and a tail (48, 80), and key counts around the 32-key pairs
// the score loop steps by on AVX-512 (1, 17, 33, 129): the fast loops against the reference, and a sequence alone
// bitwise equal to the same sequence in the batch (as the query rows of the other sequences change nothing).
TEST(Attention, WideHeadsMatchReferenceAcrossVectorPairsAndTails) {
  const std::vector<int32_t> offsets = {0, 1, 18, 51, 180};
  const size_t rows = static_cast<size_t>(offsets.back()), heads = 2;
  ThreadPool pool(2);
  for (size_t hd : {size_t{32}, size_t{48}, size_t{64}, size_t{80}}) {
    SCOPED_TRACE("head_dim " + std::to_string(hd));
    const size_t hidden = heads * hd;
    const auto q = random_vec(rows * hidden, 40, 2.0f), k = random_vec(rows * hidden, 41, 2.0f),
               v = random_vec(rows * hidden, 42);
    const AttentionLayout layout{&offsets, &offsets, hidden, heads};
    std::vector<float> ref(rows * hidden), fast(rows * hidden, NAN);
    attention_reference(layout, q.data(), k.data(), v.data(), ref.data());
    attention_forward(layout, q.data(), k.data(), v.data(), fast.data(), &pool);
    for (size_t i = 0; i < ref.size(); ++i) ASSERT_NEAR(fast[i], ref[i], 1e-5 * (1.0 + std::fabs(ref[i]))) << i;
    for (size_t s = 0; s + 1 < offsets.size(); ++s) {
      const size_t r0 = static_cast<size_t>(offsets[s]), n = static_cast<size_t>(offsets[s + 1]) - r0;
      const std::vector<int32_t> one = {0, static_cast<int32_t>(n)};
      std::vector<float> alone(n * hidden, NAN);
      attention_forward({&one, &one, hidden, heads}, q.data() + r0 * hidden, k.data() + r0 * hidden,
                        v.data() + r0 * hidden, alone.data(), nullptr);
      ASSERT_EQ(0, std::memcmp(alone.data(), fast.data() + r0 * hidden, alone.size() * sizeof(float)))
          << "sequence " << s;
    }
  }
}

// bf16 matmuls (the bf16 and int8 precisions): every head (bf16_attention_heads) against the reference on the same
// rounded operands. They differ in the order of the adds within a pair and in exp's last bits, which can move a
// probability across a bf16 rounding boundary: one bf16 step (2^-8 relative) on a few probabilities; and the tile
// head rounds the unnormalised exponentials and divides after the P.V product, where the reference rounds the
// probabilities: each weight within a bf16 step of the reference's either way. So the bound is a fraction of a bf16
// step times max |v|. Also checked: the bf16 reference is attention
// (close to fp32 within bf16's precision), and the query-subset shortcut and any grouping give the same bits.
TEST(Attention, Bf16MatmulsMatchTheirReference) {
  struct Shape {
    size_t hidden, heads;
  };
  // head_dim 8, 32 (MiniLM), 12 and 7 (padded; odd pairs its last dimension with zero), 64 (BERT-base).
  for (const Shape& shape : {Shape{24, 3}, Shape{64, 2}, Shape{36, 3}, Shape{21, 3}, Shape{128, 2}}) {
    for (size_t window : {kNoAttentionWindow, size_t{0}, size_t{5}, size_t{17}}) {
      SCOPED_TRACE("hidden " + std::to_string(shape.hidden) + " heads " + std::to_string(shape.heads) + " window " +
                   (window == kNoAttentionWindow ? std::string("none") : std::to_string(window)));
      const std::vector<int32_t> offsets = {0, 1, 6, 17, 50, 200};
      const size_t rows = static_cast<size_t>(offsets.back()), hidden = shape.hidden;
      const auto q = random_vec(rows * hidden, 30, 2.0f), k = random_vec(rows * hidden, 31, 2.0f),
                 v = random_vec(rows * hidden, 32);
      AttentionLayout base{&offsets, &offsets, hidden, shape.heads};
      base.window = window;
      std::vector<float> ref32(rows * hidden), ref(rows * hidden);
      attention_reference(base, q.data(), k.data(), v.data(), ref32.data());
      base.bf16_matmuls = true;
      attention_reference(base, q.data(), k.data(), v.data(), ref.data());
      float vmax = 0.0f;
      for (float x : v) vmax = std::max(vmax, std::fabs(x));
      double from_fp32 = 0.0;
      for (size_t i = 0; i < ref.size(); ++i) from_fp32 = std::max(from_fp32, std::fabs(double(ref[i]) - ref32[i]));
      EXPECT_LE(from_fp32, 5e-2 * vmax) << "bf16 reference vs fp32 reference";
      EXPECT_GT(from_fp32, 0.0) << "bf16 matmuls changed nothing: the operands were not rounded";
      for (const auto& [name, layout] : bf16_attention_heads(base)) {
        SCOPED_TRACE("head: " + name);
        std::vector<float> fast(rows * hidden, NAN), alone(rows * hidden, NAN);
        ThreadPool pool(2);
        attention_forward(layout, q.data(), k.data(), v.data(), fast.data(), &pool);
        double worst = 0.0;
        for (size_t i = 0; i < ref.size(); ++i) worst = std::max(worst, std::fabs(double(fast[i]) - ref[i]));
        EXPECT_LE(worst, 4e-3 * vmax) << "fast vs reference, bf16 matmuls";
        // Each sequence alone gives the same bits as in the batch (and on one thread).
        for (size_t s = 0; s + 1 < offsets.size(); ++s) {
          const std::vector<int32_t> one = {0, offsets[s + 1] - offsets[s]};
          AttentionLayout single = layout;
          single.q_offsets = single.kv_offsets = &one;
          const size_t at = static_cast<size_t>(offsets[s]) * hidden;
          attention_forward(single, q.data() + at, k.data() + at, v.data() + at, alone.data() + at, nullptr);
        }
        ASSERT_EQ(0, std::memcmp(alone.data(), fast.data(), fast.size() * sizeof(float))) << "batch vs alone";
        // Only each sequence's first row as a query (the last layer's [CLS] shortcut): the same bits as its row.
        const std::vector<int32_t> q_off = {0, 1, 2, 3, 4, 5};
        std::vector<float> q_cls(5 * hidden), cls_out(5 * hidden);
        for (size_t s = 0; s < 5; ++s)
          std::copy_n(q.data() + offsets[s] * hidden, hidden, q_cls.data() + s * hidden);
        AttentionLayout cls = layout;
        cls.q_offsets = &q_off;
        attention_forward(cls, q_cls.data(), k.data(), v.data(), cls_out.data(), &pool);
        for (size_t s = 0; s < 5; ++s) {
          const float* row = fast.data() + static_cast<size_t>(offsets[s]) * hidden;
          ASSERT_EQ(0, std::memcmp(cls_out.data() + s * hidden, row, hidden * sizeof(float))) << "sequence " << s;
        }
      }
    }
  }
}

// ---- Per-ISA GEMM micro-kernels (every kernel this CPU can run, not only the one linear_forward picked) ----

// The F32 kernels this CPU runs (the tests compare them with the F32 reference; gemm_precision_test checks the
// BF16 and I8 ones).
std::vector<const GemmKernel*> runnable_kernels() {
  std::vector<const GemmKernel*> out;
  for (const GemmKernel* k : compiled_gemm_kernels())
    if (k->format == WeightFormat::F32 && gemm_kernel_runnable(*k)) out.push_back(k);
  return out;
}

TEST(GemmIsa, DetectionAgreesWithCompilerRuntime) {
  EXPECT_TRUE(isa_supported(Isa::Portable));
  ASSERT_NE(gemm_kernel_for(Isa::Portable, WeightFormat::F32), nullptr);
  ASSERT_NE(gemm_kernel_for(best_isa(), WeightFormat::F32), nullptr)
      << "best ISA " << isa_name(best_isa()) << " has no kernel";
#if defined(__x86_64__) && defined(__GNUC__)
  // GCC's own CPUID/XGETBV probe (libgcc) is an independent implementation of the same question.
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = __builtin_cpu_supports("avx512f");
  EXPECT_EQ(cpu_features().has(CpuCapability::Avx2) && cpu_features().has(CpuCapability::Fma), avx2);
  EXPECT_EQ(cpu_features().has(CpuCapability::Avx512f), avx512);
  // A level the CPU lacks falls back to the nearest one it runs (portable at the bottom).
  EXPECT_EQ(gemm_kernel_for(Isa::Avx2, WeightFormat::F32)->isa == Isa::Avx2, avx2);
  EXPECT_EQ(gemm_kernel_for(Isa::Avx512, WeightFormat::F32)->isa == Isa::Avx512, avx512 && avx2);
  EXPECT_EQ(gemm_kernel_for(Isa::Neon, WeightFormat::F32)->isa, Isa::Portable);
  EXPECT_EQ(best_isa(), avx512 && avx2 ? Isa::Avx512 : avx2 ? Isa::Avx2 : Isa::Portable);
#elif defined(__aarch64__)
  EXPECT_TRUE(cpu_features().has(CpuCapability::Asimd));
  EXPECT_EQ(best_isa(), Isa::Neon);
  EXPECT_EQ(gemm_kernel_for(Isa::Avx2, WeightFormat::F32)->isa, Isa::Portable);
#endif
  for (const GemmKernel* k : runnable_kernels()) {
    EXPECT_GE(k->mr, 1);
    EXPECT_TRUE(k->panels == 1 || k->panels == 2) << isa_name(k->isa);
  }
}

TEST(GemmIsa, ForceIsaEnvironmentVariable) {
  const char* saved = std::getenv("CE_FORCE_ISA");
  const std::string saved_value = saved ? saved : "";
  ::setenv("CE_FORCE_ISA", "portable", 1);
  EXPECT_EQ(requested_isa(), Isa::Portable);
  ::setenv("CE_FORCE_ISA", isa_name(best_isa()), 1);
  EXPECT_EQ(requested_isa(), best_isa());
  ::setenv("CE_FORCE_ISA", "sse9", 1);
  try {
    requested_isa();
    ADD_FAILURE() << "unknown ISA name accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("CE_FORCE_ISA"), std::string::npos) << e.what();
  }
  // An ISA the CPU lacks must be refused (running it would be an illegal instruction).
  for (Isa isa : {Isa::Avx2, Isa::Avx512, Isa::Neon}) {
    if (isa_supported(isa)) continue;
    ::setenv("CE_FORCE_ISA", isa_name(isa), 1);
    EXPECT_THROW(requested_isa(), Error) << isa_name(isa);
  }
  ::unsetenv("CE_FORCE_ISA");
  EXPECT_EQ(requested_isa(), best_isa());
  if (saved) ::setenv("CE_FORCE_ISA", saved_value.c_str(), 1);
  // linear_forward is exactly the active kernel.
  const PackedLinear l = random_linear(37, 29, 3);
  const auto x = random_vec(11 * 29, 4);
  std::vector<float> a(11 * 37), b(11 * 37);
  linear_forward(l, x.data(), 11, a.data(), nullptr);
  linear_forward_with(active_gemm_kernel(WeightFormat::F32), l, x.data(), 11, b.data(), nullptr);
  EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float)));
}

// ---- Weight formats, their storage, and the (ISA, format) kernel table ----

TEST(WeightFormat, TraitsTable) {
  const WeightFormatTraits& f32 = weight_format_traits(WeightFormat::F32);
  EXPECT_EQ(f32.format, WeightFormat::F32);
  EXPECT_STREQ(f32.name, "f32");
  EXPECT_EQ(f32.bytes_per_element, sizeof(float));
  EXPECT_FALSE(f32.channel_scales);
  std::set<std::string> names;
  for (size_t i = 0; i < kWeightFormatCount; ++i) {
    const auto format = static_cast<WeightFormat>(i);
    const WeightFormatTraits& t = weight_format_traits(format);
    EXPECT_EQ(t.format, format) << "row " << i << " describes another format";
    EXPECT_STREQ(weight_format_name(format), t.name);
    EXPECT_GT(t.bytes_per_element, 0u) << t.name;
    EXPECT_TRUE(names.insert(t.name).second) << "two formats named " << t.name;
  }
}

TEST(WeightFormat, UnknownFormatIsATypedError) {
  // A value outside the enumeration (an unchecked cast from a file or caller) must never reach a kernel.
  const auto bogus = static_cast<WeightFormat>(kWeightFormatCount + 7);
  EXPECT_STREQ(weight_format_name(bogus), "unknown");
  test::expect_error([&] { weight_format_traits(bogus); }, ErrorCode::InvalidArgument,
                     {"unknown weight format", "f32"});
  test::expect_error([&] { pack_linear({1, 2, 3, 4}, {}, 2, 2, bogus); }, ErrorCode::InvalidArgument,
                     {"unknown weight format"});
  test::expect_error([&] { packed_weights_bytes(bogus, 2, 2); }, ErrorCode::InvalidArgument,
                     {"unknown weight format"});
  test::expect_error([&] { PackedWeights(bogus, 64); }, ErrorCode::InvalidArgument, {"unknown weight format"});
  test::expect_error([&] { active_gemm_kernel(bogus); }, ErrorCode::InvalidArgument, {"unknown weight format"});
  for (Isa isa : {Isa::Portable, Isa::Avx2, Isa::Avx512, Isa::Neon}) EXPECT_EQ(gemm_kernel_for(isa, bogus), nullptr);
}

TEST(PackedWeights, AlignedZeroedAndReadInTheirFormat) {
  const PackedWeights none;
  EXPECT_TRUE(none.empty());
  test::expect_error([&] { none.f32(); }, ErrorCode::Internal, {"empty", "f32"});
  const size_t count = 1000;
  const PackedWeights w(WeightFormat::F32, count * sizeof(float));
  EXPECT_EQ(w.format(), WeightFormat::F32);
  EXPECT_EQ(w.size_bytes(), count * sizeof(float));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(w.data()) % PackedWeights::kAlignment, 0u);
  for (size_t i = 0; i < count; ++i) ASSERT_EQ(w.f32()[i], 0.0f) << i;
  // A packed layer holds exactly packed_weights_bytes(), W[o][i] in the panel layout and zero padding columns.
  const int n = 17, k = 5;
  const std::vector<float> weight = random_vec(static_cast<size_t>(n) * k, 31);
  const PackedLinear l = pack_linear(weight, {}, n, k);
  EXPECT_EQ(l.format(), WeightFormat::F32);
  EXPECT_TRUE(l.channel_scales.empty());
  EXPECT_EQ(l.packed.size_bytes(), packed_weights_bytes(WeightFormat::F32, n, k));
  EXPECT_EQ(l.packed.size_bytes(), 2u * k * 16 * sizeof(float));  // two 16-column panels
  for (int o = 0; o < n; ++o)
    for (int i = 0; i < k; ++i) ASSERT_EQ(packed_weight(l, o, i), weight[static_cast<size_t>(o) * k + i]);
  for (size_t kk = 0; kk < static_cast<size_t>(k); ++kk)
    for (size_t j = 1; j < 16; ++j) ASSERT_EQ(l.packed.f32()[(k + kk) * 16 + j], 0.0f) << "padding column " << 16 + j;
  EXPECT_EQ(packed_weights_bytes(WeightFormat::F32, 0, 5), 0u);
}

TEST(GemmKernelTable, LookupByIsaAndFormat) {
  const Isa isas[] = {Isa::Portable, Isa::Avx2, Isa::Avx512, Isa::Neon};
  std::set<std::string> names;
  for (const GemmKernel* k : compiled_gemm_kernels()) {
    SCOPED_TRACE(k->name);
    EXPECT_TRUE(names.insert(k->name).second) << "two kernels named " << k->name;
    // F32 kernels take fp32 activations; the converted formats' take the driver's bf16 / int8 rows.
    EXPECT_EQ(k->run != nullptr, k->format == WeightFormat::F32);
    EXPECT_EQ(k->run_converted != nullptr, k->format != WeightFormat::F32);
    EXPECT_TRUE(!k->unsigned_activations || k->format == WeightFormat::I8);
    EXPECT_GE(k->mr, 1);
    EXPECT_TRUE(k->panels == 1 || k->panels == 2);
    const uint32_t needs = k->needs.capabilities;
    const bool runnable = isa_supported(k->isa) && (cpu_features().capabilities & needs) == needs &&
                          (!k->needs.has(CpuCapability::AmxTile) || amx_tile_data_permitted());
    EXPECT_EQ(gemm_kernel_runnable(*k), runnable);
  }
  // Every format has a portable kernel, so every format runs at every level on every CPU; the choice is the
  // first runnable kernel of that format in the table whose level is at most the requested one.
  for (size_t f = 0; f < kWeightFormatCount; ++f) {
    const auto format = static_cast<WeightFormat>(f);
    for (Isa isa : isas) {
      const GemmKernel* chosen = gemm_kernel_for(isa, format);
      ASSERT_NE(chosen, nullptr) << weight_format_name(format) << " at " << isa_name(isa);
      EXPECT_EQ(chosen->format, format);
      EXPECT_TRUE(gemm_kernel_runnable(*chosen)) << chosen->name;
      EXPECT_TRUE(chosen->isa == Isa::Portable || chosen->isa == isa ||
                  (chosen->isa == Isa::Avx2 && isa == Isa::Avx512))
          << chosen->name << " chosen at " << isa_name(isa);
      for (const GemmKernel* k : compiled_gemm_kernels()) {
        if (k == chosen) break;
        const bool within = k->isa == isa || (k->isa == Isa::Avx2 && isa == Isa::Avx512);
        EXPECT_FALSE(k->format == format && within && gemm_kernel_runnable(*k))
            << k->name << " is listed before " << chosen->name << " and runs here";
      }
    }
    EXPECT_EQ(gemm_kernel_for(Isa::Portable, format)->isa, Isa::Portable);
    // The active kernel of each format is the choice at the requested ISA, and its name is reported.
    EXPECT_EQ(&active_gemm_kernel(format), gemm_kernel_for(requested_isa(), format));
    EXPECT_STREQ(gemm_kernel_name(format), active_gemm_kernel(format).name);
  }
  EXPECT_EQ(active_gemm_kernel(WeightFormat::F32).isa, requested_isa());
}

TEST(GemmKernelTable, KernelForAnotherFormatIsRefused) {
  const PackedLinear l = random_linear(5, 3, 9);
  const auto x = random_vec(2 * 3, 10);
  std::vector<float> y(2 * 5);
  GemmKernel other = active_gemm_kernel(WeightFormat::F32);
  other.format = static_cast<WeightFormat>(kWeightFormatCount);  // stands in for any format the layer is not in
  test::expect_error([&] { linear_forward_with(other, l, x.data(), 2, y.data(), nullptr); }, ErrorCode::Internal,
                     {"f32 weights"});
  const PackedLinear unpacked;
  test::expect_error([&] { linear_forward(unpacked, x.data(), 2, y.data(), nullptr); }, ErrorCode::Internal,
                     {"not packed"});
}

TEST(GemmIsa, EveryKernelMatchesReferenceOnOddShapes) {
  // Each size appears on each axis (M, N, K) once; the others rotate through the list, covering register-tile,
  // panel, k-block (256) and task tails.
  const size_t sizes[] = {1, 2, 3, 7, 13, 17, 31, 33, 64, 65, 127, 128, 129, 383, 384, 385, 1536, 1537};
  const size_t count = sizeof(sizes) / sizeof(sizes[0]);
  std::vector<std::tuple<size_t, size_t, size_t>> shapes;
  for (size_t i = 0; i < count; ++i) {
    const size_t a = sizes[(i * 5 + 3) % count], b = sizes[(i * 7 + 11) % count];
    shapes.emplace_back(sizes[i], a, b);
    shapes.emplace_back(a, sizes[i], b);
    shapes.emplace_back(a, b, sizes[i]);
  }
  const auto kernels = runnable_kernels();
  ThreadPool pool(2);
  for (const auto& [m, n, k] : shapes) {
    const PackedLinear l = random_linear(static_cast<int>(n), static_cast<int>(k), static_cast<uint32_t>(m * 31 + n * 7 + k));
    const auto x = random_vec(m * k, static_cast<uint32_t>(m * 3 + n + k * 5));
    std::vector<float> ref(m * n);
    linear_reference(l, x.data(), m, ref.data());
    std::vector<std::vector<float>> got;
    for (const GemmKernel* kern : kernels) {
      std::vector<float> y(m * n, NAN), y2(m * n, NAN);
      linear_forward_with(*kern, l, x.data(), m, y.data(), nullptr);
      linear_forward_with(*kern, l, x.data(), m, y2.data(), &pool);
      ASSERT_EQ(0, std::memcmp(y.data(), y2.data(), y.size() * sizeof(float)))
          << isa_name(kern->isa) << " M=" << m << " N=" << n << " K=" << k << ": threads changed bits";
      got.push_back(std::move(y));
    }
    // One magnitude pass per shape, shared by all kernels (it costs as much as the reference).
    for (size_t r = 0; r < m; ++r) {
      for (size_t c = 0; c < n; ++c) {
        double mag = std::fabs(l.bias[c]);
        for (size_t kk = 0; kk < k; ++kk) mag += std::fabs(double(x[r * k + kk]) * packed_weight(l, c, kk));
        const double tol = 1e-6 * std::sqrt(double(k)) * mag + 1e-7;
        for (size_t i = 0; i < kernels.size(); ++i)
          ASSERT_NEAR(got[i][r * n + c], ref[r * n + c], tol)
              << isa_name(kernels[i]->isa) << " M=" << m << " N=" << n << " K=" << k << " at (" << r << "," << c << ")";
      }
    }
  }
}

TEST(GemmIsa, EveryKernelIsBitwiseDeterministic) {
  // K > 256 crosses a k block; N = 16*37+5 leaves a partial panel and an odd panel count; M spans tasks.
  const int n = 597, k = 300;
  const size_t m = 131;
  std::vector<float> w = random_vec(static_cast<size_t>(n) * k, 21), b = random_vec(n, 22);
  const PackedLinear l = pack_linear(w, b, n, k);
  // The first 35 output columns as a layer of their own: a column's bits must not depend on N either.
  const int n_small = 35;
  const PackedLinear l_small = pack_linear(std::vector<float>(w.begin(), w.begin() + static_cast<size_t>(n_small) * k),
                                           std::vector<float>(b.begin(), b.begin() + n_small), n_small, k);
  const auto x = random_vec(m * k, 23);
  for (const GemmKernel* kern : runnable_kernels()) {
    SCOPED_TRACE(isa_name(kern->isa));
    std::vector<float> all(m * n);
    linear_forward_with(*kern, l, x.data(), m, all.data(), nullptr);
    for (int threads : {1, 2, 3, 5}) {
      ThreadPool pool(threads);
      std::vector<float> again(m * n, NAN);
      linear_forward_with(*kern, l, x.data(), m, again.data(), &pool);
      ASSERT_EQ(0, std::memcmp(all.data(), again.data(), all.size() * sizeof(float))) << threads << " threads";
    }
    for (const auto& [begin, rows] : std::vector<std::pair<size_t, size_t>>{
             {0, 1}, {5, 1}, {7, 3}, {13, 15}, {14, 14}, {60, 57}, {100, 31}, {130, 1}}) {
      std::vector<float> part(rows * n, NAN);
      linear_forward_with(*kern, l, x.data() + begin * k, rows, part.data(), nullptr);
      ASSERT_EQ(0, std::memcmp(part.data(), all.data() + begin * n, part.size() * sizeof(float)))
          << "rows [" << begin << "," << begin + rows << ")";
    }
    // A kernel that reads activations in place must give the bits of its packed path.
    if (kern->run_direct != nullptr) {
      GemmKernel packed_path = *kern;
      packed_path.run_direct = nullptr;
      std::vector<float> packed_y(m * n, NAN);
      linear_forward_with(packed_path, l, x.data(), m, packed_y.data(), nullptr);
      ASSERT_EQ(0, std::memcmp(packed_y.data(), all.data(), all.size() * sizeof(float))) << "packed vs direct";
    }
    // Every row-tail height, alone and split over a pool by columns.
    for (size_t rows = 1; rows <= 2 * static_cast<size_t>(kern->mr) + 1; ++rows) {
      ThreadPool pool(2);
      for (ThreadPool* p : {static_cast<ThreadPool*>(nullptr), &pool}) {
        std::vector<float> part(rows * n, NAN);
        linear_forward_with(*kern, l, x.data() + 3 * k, rows, part.data(), p);
        ASSERT_EQ(0, std::memcmp(part.data(), all.data() + 3 * n, part.size() * sizeof(float)))
            << "rows [3," << 3 + rows << ") pool " << (p != nullptr);
      }
    }
    std::vector<float> narrow(m * n_small, NAN);
    linear_forward_with(*kern, l_small, x.data(), m, narrow.data(), nullptr);
    for (size_t r = 0; r < m; ++r)
      ASSERT_EQ(0, std::memcmp(narrow.data() + r * n_small, all.data() + r * n, n_small * sizeof(float))) << "row " << r;
  }
}

}  // namespace
}  // namespace ce
