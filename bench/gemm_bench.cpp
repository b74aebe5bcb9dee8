// GEMM throughput benchmark (GFLOP/s) for BERT-sized Linear layers; a tool, not a test (timings vary by host).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <ctime>
#include <vector>

#include "kernels/gemm.h"
#include "kernels/gemm_kernels.h"
#include "runtime/thread_pool.h"

namespace {

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// GFLOP/s of linear_forward on m rows against a ring of `layers` distinct weight matrices, each call on the
// next one. layers = 1: the weights stay in cache between calls. Many: each call meets its weights cold, as a
// forward pass streams every layer's weights once per call (what a single short pair sees).
double bench(size_t m, int n, int k, int threads, int layers) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<ce::PackedLinear> ring;
  for (int l = 0; l < layers; ++l) {
    std::vector<float> w(static_cast<size_t>(n) * k), b(n);
    for (auto& v : w) v = dist(rng);
    for (auto& v : b) v = dist(rng);
    ring.push_back(ce::pack_linear(std::move(w), std::move(b), n, k));
  }
  std::vector<float> x(m * k), y(m * n);
  for (auto& v : x) v = dist(rng);
  ce::ThreadPool pool(threads);
  ce::ThreadPool* p = threads > 1 ? &pool : nullptr;
  for (const auto& layer : ring) ce::linear_forward(layer, x.data(), m, y.data(), p);  // warm pool threads
  // Fastest sample over ~1.5 s: the machine may be shared, and the minimum is the least-disturbed figure.
  double best = 1e30;
  size_t next = 0;
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 1.5) {
    // One thread: its own CPU time, which excludes time other processes held the core. Several: wall time.
    // A whole ring per sample, so every sample sees every matrix once.
    const double t0 = threads > 1 ? wall_seconds() : thread_cpu_seconds();
    for (int l = 0; l < layers; ++l) ce::linear_forward(ring[(next + l) % ring.size()], x.data(), m, y.data(), p);
    best = std::min(best, (threads > 1 ? wall_seconds() : thread_cpu_seconds()) - t0);
    ++next;
  }
  return 2.0 * double(m) * n * k * layers / best * 1e-9;
}

}  // namespace

// Usage: gemm_bench [cold]   (cold: only the few-row shapes with weights from beyond L2)
int main(int argc, char** argv) {
  const bool cold_only = argc > 1 && std::string(argv[1]) == "cold";
  std::printf("GEMM kernel: %s (CE_FORCE_ISA selects another)\n",
              ce::isa_name(ce::active_gemm_kernel(ce::WeightFormat::F32).isa));
  struct Shape { size_t m; int n, k; };
  const Shape shapes[] = {{512, 1536, 384}, {512, 384, 1536}, {512, 384, 384}, {32, 1536, 384}};
  if (!cold_only)
    for (const Shape& s : shapes)
      for (int threads : {1, 2})
        std::printf("M=%zu N=%d K=%d threads=%d: %.1f GFLOP/s\n", s.m, s.n, s.k, threads,
                    bench(s.m, s.n, s.k, threads, 1));
  // 24 matrices: 14 MB (384 x 384) to 54 MB, more than L2, like MiniLM's 42 MB of encoder weights.
  for (const Shape& s : {Shape{32, 1536, 384}, Shape{32, 384, 1536}, Shape{32, 384, 384}, Shape{1, 1536, 384}})
    for (int threads : {1, 2})
      std::printf("M=%zu N=%d K=%d threads=%d, weights from beyond L2: %.1f GFLOP/s\n", s.m, s.n, s.k, threads,
                  bench(s.m, s.n, s.k, threads, 24));
  return 0;
}
