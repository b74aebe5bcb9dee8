// Kernels ModernBERT added: sliding-window attention, RoPE, GeGLU gating (fast vs reference vs an independent
// double-precision formula, and the bitwise properties the batch invariance of the models relies on).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "common/error.h"
#include "kernels/activations.h"
#include "kernels/attention.h"
#include "kernels/gated_activation.h"
#include "kernels/rotary.h"
#include "runtime/thread_pool.h"
#include "tests/test_support.h"

namespace ce {
namespace {

std::vector<float> random_vec(size_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-scale, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// Attention of one query row (token t of the sequence starting at row s0, len tokens) in double, keys |t-j| <= w.
std::vector<double> attention_in_double(const std::vector<float>& q, const std::vector<float>& k,
                                        const std::vector<float>& v, size_t hidden, size_t heads, size_t head,
                                        size_t s0, size_t len, size_t t, size_t w) {
  const size_t hd = hidden / heads, col = head * hd;
  const size_t j0 = t > w ? t - w : 0, j1 = std::min(len, t + w + 1);
  std::vector<double> p(j1 - j0);
  double mx = -1e300, z = 0;
  for (size_t j = j0; j < j1; ++j) {
    double dot = 0;
    for (size_t d = 0; d < hd; ++d) dot += double(q[(s0 + t) * hidden + col + d]) * k[(s0 + j) * hidden + col + d];
    p[j - j0] = dot / std::sqrt(double(hd));
    mx = std::max(mx, p[j - j0]);
  }
  for (auto& x : p) z += (x = std::exp(x - mx));
  std::vector<double> out(hd, 0.0);
  for (size_t d = 0; d < hd; ++d)
    for (size_t j = j0; j < j1; ++j) out[d] += p[j - j0] / z * v[(s0 + j) * hidden + col + d];
  return out;
}

struct WindowCase {
  size_t hidden, heads;
  std::vector<int32_t> offsets;
};

TEST(AttentionWindow, FastAndReferenceMatchTheFormula) {
  // head_dim 16 (whole vectors) and 12 (padded); sequences shorter than, around and far longer than the window.
  for (const WindowCase& wc : {WindowCase{32, 2, {0, 1, 6, 23, 40, 140}}, WindowCase{24, 2, {0, 3, 70, 71, 171}}}) {
    const size_t rows = static_cast<size_t>(wc.offsets.back());
    const auto q = random_vec(rows * wc.hidden, 30, 2.0f), k = random_vec(rows * wc.hidden, 31, 2.0f),
               v = random_vec(rows * wc.hidden, 32);
    for (size_t window : {size_t{0}, size_t{1}, size_t{5}, size_t{8}, size_t{17}}) {
      SCOPED_TRACE("hidden " + std::to_string(wc.hidden) + " window " + std::to_string(window));
      AttentionLayout layout{&wc.offsets, &wc.offsets, wc.hidden, wc.heads};
      layout.window = window;
      std::vector<float> ref(rows * wc.hidden), fast(rows * wc.hidden);
      attention_reference(layout, q.data(), k.data(), v.data(), ref.data());
      ThreadPool pool(2);
      attention_forward(layout, q.data(), k.data(), v.data(), fast.data(), &pool);
      for (size_t i = 0; i < ref.size(); ++i) ASSERT_NEAR(fast[i], ref[i], 2e-6) << i;
      const size_t hd = wc.hidden / wc.heads;
      for (size_t s = 0; s + 1 < wc.offsets.size(); ++s) {
        const size_t s0 = wc.offsets[s], len = wc.offsets[s + 1] - wc.offsets[s];
        for (size_t t : {size_t{0}, len / 2, len - 1}) {
          const auto want = attention_in_double(q, k, v, wc.hidden, wc.heads, 1, s0, len, t, window);
          for (size_t d = 0; d < hd; ++d) ASSERT_NEAR(ref[(s0 + t) * wc.hidden + hd + d], want[d], 2e-6);
        }
      }
    }
  }
}

TEST(AttentionWindow, AWindowCoveringTheSequenceIsBitwiseFullAttention) {
  const size_t hidden = 32, heads = 2;
  const std::vector<int32_t> offsets = {0, 9, 50, 77};
  const size_t rows = 77;
  const auto q = random_vec(rows * hidden, 40, 2.0f), k = random_vec(rows * hidden, 41, 2.0f),
             v = random_vec(rows * hidden, 42);
  AttentionLayout full{&offsets, &offsets, hidden, heads};
  AttentionLayout wide = full;
  wide.window = 41;  // the longest sequence has 41 tokens: every key is within reach of every query
  std::vector<float> a(rows * hidden), b(rows * hidden);
  attention_forward(full, q.data(), k.data(), v.data(), a.data(), nullptr);
  attention_forward(wide, q.data(), k.data(), v.data(), b.data(), nullptr);
  ASSERT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float)));
  attention_reference(full, q.data(), k.data(), v.data(), a.data());
  attention_reference(wide, q.data(), k.data(), v.data(), b.data());
  ASSERT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float)));
}

TEST(AttentionWindow, RowsAreBitwiseIndependentOfBatchThreadsAndQuerySubsets) {
  const size_t hidden = 32, heads = 2;
  const std::vector<int32_t> offsets = {0, 130, 133, 300};
  const size_t rows = 300;
  const auto q = random_vec(rows * hidden, 50, 2.0f), k = random_vec(rows * hidden, 51, 2.0f),
             v = random_vec(rows * hidden, 52);
  AttentionLayout layout{&offsets, &offsets, hidden, heads};
  layout.window = 6;
  std::vector<float> batched(rows * hidden);
  attention_forward(layout, q.data(), k.data(), v.data(), batched.data(), nullptr);
  for (int threads : {2, 3}) {
    ThreadPool pool(threads);
    std::vector<float> again(rows * hidden);
    attention_forward(layout, q.data(), k.data(), v.data(), again.data(), &pool);
    ASSERT_EQ(0, std::memcmp(again.data(), batched.data(), again.size() * sizeof(float))) << threads;
  }
  // Each sequence alone.
  for (size_t s = 0; s + 1 < offsets.size(); ++s) {
    const size_t s0 = offsets[s], n = offsets[s + 1] - offsets[s];
    const std::vector<int32_t> one = {0, static_cast<int32_t>(n)};
    AttentionLayout alone_layout{&one, &one, hidden, heads};
    alone_layout.window = layout.window;
    std::vector<float> alone(n * hidden);
    attention_forward(alone_layout, q.data() + s0 * hidden, k.data() + s0 * hidden, v.data() + s0 * hidden,
                      alone.data(), nullptr);
    ASSERT_EQ(0, std::memcmp(alone.data(), batched.data() + s0 * hidden, alone.size() * sizeof(float))) << s;
  }
  // Only the first row of each sequence as queries: token 0's window, the same bits as in the full run.
  const std::vector<int32_t> firsts = {0, 1, 2, 3};
  std::vector<float> q_first(3 * hidden), out_first(3 * hidden);
  for (size_t s = 0; s < 3; ++s) std::copy_n(q.data() + offsets[s] * hidden, hidden, q_first.data() + s * hidden);
  AttentionLayout first_layout{&firsts, &offsets, hidden, heads};
  first_layout.window = layout.window;
  attention_forward(first_layout, q_first.data(), k.data(), v.data(), out_first.data(), nullptr);
  for (size_t s = 0; s < 3; ++s)
    ASSERT_EQ(0, std::memcmp(out_first.data() + s * hidden, batched.data() + offsets[s] * hidden,
                             hidden * sizeof(float)))
        << s;
}

TEST(Rotary, MatchesTheRotateHalfFormulaWithPositionsPerSequence) {
  const size_t hidden = 24, hd = 12;
  const std::vector<int32_t> offsets = {0, 5, 6, 40};
  const auto x0 = random_vec(40 * hidden, 60, 3.0f);
  const double theta = 10000.0;
  const RotaryTable table(theta, hd, 35);
  std::vector<float> x = x0;
  ThreadPool pool(2);
  apply_rotary(table, x.data(), offsets, hidden, &pool);
  std::vector<float> serial = x0;
  apply_rotary(table, serial.data(), offsets, hidden, nullptr);
  ASSERT_EQ(0, std::memcmp(x.data(), serial.data(), x.size() * sizeof(float)));
  for (size_t s = 0; s + 1 < offsets.size(); ++s) {
    for (int32_t r = offsets[s]; r < offsets[s + 1]; ++r) {
      const double pos = r - offsets[s];
      for (size_t h = 0; h < hidden / hd; ++h) {
        const float* in = x0.data() + r * hidden + h * hd;
        const float* got = x.data() + r * hidden + h * hd;
        for (size_t i = 0; i < hd; ++i) {
          const size_t f = i % (hd / 2);
          const double angle = pos / std::pow(theta, 2.0 * f / hd);
          const double rotated = i < hd / 2 ? -double(in[i + hd / 2]) : double(in[i - hd / 2]);
          const double want = in[i] * std::cos(angle) + rotated * std::sin(angle);
          ASSERT_NEAR(got[i], want, 1e-5 * (1 + pos / 8)) << "row " << r << " dim " << i;
        }
      }
    }
  }
  // Position 0 is the identity.
  for (size_t c = 0; c < hidden; ++c) EXPECT_EQ(x[c], x0[c]);
}

TEST(Rotary, RejectsBadTables) {
  test::expect_error([] { RotaryTable(10000.0, 7, 4); }, ErrorCode::InvalidArgument, {"head_dim 7"});
  test::expect_error([] { RotaryTable(0.0, 8, 4); }, ErrorCode::InvalidArgument, {"theta"});
  test::expect_error([] { RotaryTable(std::nan(""), 8, 4); }, ErrorCode::InvalidArgument, {"theta"});
}

TEST(GatedActivation, FastMatchesReferenceAndTheFormula) {
  const size_t rows = 37, width = 45;
  for (auto act : {HiddenActivation::GeluErf, HiddenActivation::GeluTanh, HiddenActivation::Relu}) {
    const auto x0 = random_vec(rows * 2 * width, 70, 4.0f);
    std::vector<float> xr = x0, xf = x0, ref(rows * width), fast(rows * width);
    gated_activation_reference(act, xr.data(), rows, width, ref.data());
    ThreadPool pool(2);
    gated_activation(act, xf.data(), rows, width, fast.data(), &pool);
    for (size_t r = 0; r < rows; ++r) {
      for (size_t i = 0; i < width; ++i) {
        const float in = x0[r * 2 * width + i], gate = x0[r * 2 * width + width + i];
        const float a = act == HiddenActivation::GeluErf ? gelu_erf(in)
                        : act == HiddenActivation::GeluTanh ? gelu_tanh(in) : relu(in);
        ASSERT_EQ(ref[r * width + i], a * gate);
        ASSERT_NEAR(fast[r * width + i], ref[r * width + i], 1e-5 * std::max(1.0f, std::fabs(ref[r * width + i])));
      }
    }
  }
}

}  // namespace
}  // namespace ce
