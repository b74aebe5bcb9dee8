// GEMM throughput per kernel and weight format (GFLOP/s, one thread, CPU time) on MiniLM's Linear shapes, with the
// ratio to the same ISA's fp32 kernel, plus the peak of each dot-product instruction this CPU runs (AMX tiles,
// VDPBF16PS, VPDPBUSD, fp32 FMA) and of the AMX kernels' k step with its operand tiles in L1. A tool, not a test:
// timings vary by host and load.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "kernels/gemm.h"
#include "kernels/gemm_kernels.h"
#include "runtime/cpu_features.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "kernels/x86/amx_tiles.h"
#endif

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// Fastest of repeated calls over `budget` seconds of this thread's CPU time (the minimum is the least disturbed
// figure on a shared machine).
template <class F>
double best_seconds(F&& f, double budget) {
  f();  // warm: caches, thread-local scratch
  double best = 1e30;
  const double start = thread_cpu_seconds();
  int calls = 0;
  while (calls < 3 || thread_cpu_seconds() - start < budget) {
    const double t0 = thread_cpu_seconds();
    f();
    best = std::min(best, thread_cpu_seconds() - t0);
    ++calls;
  }
  return best;
}

double gemm_gflops(const ce::GemmKernel& kern, const ce::PackedLinear& layer, const std::vector<float>& x, size_t m,
                   std::vector<float>& y, double budget) {
  const double s = best_seconds([&] { ce::linear_forward_with(kern, layer, x.data(), m, y.data(), nullptr); }, budget);
  return 2.0 * double(m) * layer.out_features * layer.in_features / s * 1e-9;
}

#if defined(__x86_64__)
// Peak of one dot-product instruction: `kChains` independent accumulators (enough to hide latency), operands in
// registers, one thread. Returns GFLOP/s (int8: GOP/s), counting a multiply and an add per element product.
constexpr int kChains = 12;
constexpr long kIterations = 20'000'000;

__attribute__((target("avx512f"))) double peak_fp32_fma() {
  __m512 acc[kChains];
  for (auto& a : acc) a = _mm512_set1_ps(0.0f);
  const __m512 x = _mm512_set1_ps(1e-9f), w = _mm512_set1_ps(1.0f);
  const double t0 = thread_cpu_seconds();
  for (long i = 0; i < kIterations; ++i)
    for (auto& a : acc) a = _mm512_fmadd_ps(x, w, a);
  const double s = thread_cpu_seconds() - t0;
  float sink = 0;
  for (auto& a : acc) sink += _mm512_reduce_add_ps(a);
  std::printf("%s", sink == 12345.0f ? " " : "");
  return 2.0 * 16 * kChains * double(kIterations) / s * 1e-9;
}

__attribute__((target("avx512f,avx512bf16"))) double peak_vdpbf16ps() {
  __m512 acc[kChains];
  for (auto& a : acc) a = _mm512_set1_ps(0.0f);
  const __m512i x = _mm512_set1_epi32(0x3F803F80), w = _mm512_set1_epi32(0x30003000);
  const double t0 = thread_cpu_seconds();
  for (long i = 0; i < kIterations; ++i)
    for (auto& a : acc) a = _mm512_dpbf16_ps(a, (__m512bh)x, (__m512bh)w);
  const double s = thread_cpu_seconds() - t0;
  float sink = 0;
  for (auto& a : acc) sink += _mm512_reduce_add_ps(a);
  std::printf("%s", sink == 12345.0f ? " " : "");
  return 2.0 * 32 * kChains * double(kIterations) / s * 1e-9;
}

__attribute__((target("avx512f,avx512vnni"))) double peak_vpdpbusd() {
  __m512i acc[kChains];
  for (auto& a : acc) a = _mm512_setzero_si512();
  const __m512i x = _mm512_set1_epi8(1), w = _mm512_set1_epi8(1);
  const double t0 = thread_cpu_seconds();
  for (long i = 0; i < kIterations; ++i)
    for (auto& a : acc) a = _mm512_dpbusd_epi32(a, x, w);
  const double s = thread_cpu_seconds() - t0;
  int sink = 0;
  for (auto& a : acc) sink += _mm512_reduce_add_epi32(a);
  std::printf("%s", sink == 12345 ? " " : "");
  return 2.0 * 64 * kChains * double(kIterations) / s * 1e-9;
}

// The 2 x 2 block's four accumulator tiles (C 0-3) cleared.
CE_AMX_PROGRAM_TARGET void zero_accumulators() {
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
}

// AMX: the kernels' 2 x 2 block (C tiles 0-3 accumulate A tiles 4, 5 x B tiles 6, 7) with no loads in the loop:
// the tile unit's peak.
CE_AMX_PROGRAM_TARGET double peak_amx(bool int8) {
  ce::amx::configure_this_thread();
  alignas(64) static uint8_t zeros[16 * 64] = {};
  _tile_loadd(4, zeros, 64);
  _tile_loadd(5, zeros, 64);
  _tile_loadd(6, zeros, 64);
  _tile_loadd(7, zeros, 64);
  zero_accumulators();
  constexpr long kTileIterations = 1'000'000;
  const double t0 = thread_cpu_seconds();
  for (long i = 0; i < kTileIterations; ++i) {
    if (int8) {
      _tile_dpbssd(0, 4, 6);
      _tile_dpbssd(1, 4, 7);
      _tile_dpbssd(2, 5, 6);
      _tile_dpbssd(3, 5, 7);
    } else {
      _tile_dpbf16ps(0, 4, 6);
      _tile_dpbf16ps(1, 4, 7);
      _tile_dpbf16ps(2, 5, 6);
      _tile_dpbf16ps(3, 5, 7);
    }
  }
  const double s = thread_cpu_seconds() - t0;
  // One op: 16 rows x 16 columns x (32 bf16 | 64 int8) products.
  return 2.0 * 4 * 16 * 16 * (int8 ? 64 : 32) * double(kTileIterations) / s * 1e-9;
}

// The 2 x 2 program's k step with its four operand tiles loaded from L1 (four 1 KB tiles, stride 64), bf16: the four
// TILELOADDs alone, or with the four TDPBF16PS, in GFLOP/s of the dot products the step holds. The GEMM kernel
// cannot beat the second figure; where it is well below the peak, the loads set the pace.
CE_AMX_PROGRAM_TARGET double amx_step_from_l1(bool with_dots) {
  ce::amx::configure_this_thread();
  alignas(64) static uint8_t operands[4][16 * 64] = {};
  zero_accumulators();
  constexpr long kSteps = 1'000'000;
  const double t0 = thread_cpu_seconds();
  for (long i = 0; i < kSteps; ++i) {
    _tile_loadd(4, operands[0], 64);
    _tile_loadd(6, operands[2], 64);
    if (with_dots) _tile_dpbf16ps(0, 4, 6);
    _tile_loadd(7, operands[3], 64);
    if (with_dots) _tile_dpbf16ps(1, 4, 7);
    _tile_loadd(5, operands[1], 64);
    if (with_dots) {
      _tile_dpbf16ps(2, 5, 6);
      _tile_dpbf16ps(3, 5, 7);
    }
  }
  const double s = thread_cpu_seconds() - t0;
  return 2.0 * 4 * 16 * 16 * 32 * double(kSteps) / s * 1e-9;
}
#endif

void print_peaks() {
#if defined(__x86_64__)
  const ce::CpuFeatures& f = ce::cpu_features();
  std::printf("Instruction peaks, one thread (registers only):\n");
  if (f.has(ce::CpuCapability::Avx512f)) std::printf("  fp32 FMA (zmm)      %8.1f GFLOP/s\n", peak_fp32_fma());
  if (f.has(ce::CpuCapability::Avx512Bf16)) std::printf("  VDPBF16PS (zmm)     %8.1f GFLOP/s\n", peak_vdpbf16ps());
  if (f.has(ce::CpuCapability::Avx512Vnni)) std::printf("  VPDPBUSD (zmm)      %8.1f GOP/s\n", peak_vpdpbusd());
  if (ce::amx_tile_data_permitted()) {
    if (f.has(ce::CpuCapability::AmxBf16)) std::printf("  AMX TDPBF16PS       %8.1f GFLOP/s\n", peak_amx(false));
    if (f.has(ce::CpuCapability::AmxInt8)) std::printf("  AMX TDPBSSD         %8.1f GOP/s\n", peak_amx(true));
    if (f.has(ce::CpuCapability::AmxBf16)) {
      std::printf("  AMX bf16 2x2 step, operands from L1: 4 TILELOADDs alone %.1f, with the 4 TDPBF16PS %.1f"
                  " GFLOP/s-equivalent\n",
                  amx_step_from_l1(false), amx_step_from_l1(true));
    }
  } else {
    std::printf("  AMX: not available on this CPU/OS (no peak)\n");
  }
#endif
}

// Each bf16/int8 micro-kernel alone, called back to back on one k block that stays in L1 (mr rows x 256 values of
// k, its panels, one accumulator tile): what the kernel's own instructions reach, without the driver's conversion,
// packing order, epilogue or cache misses. Far above the GEMM figures means the time goes outside the kernel.
void print_micro_kernels(bool all, double budget) {
  std::printf("\nMicro-kernels alone (L1-resident, kc = %d, accumulate):\n%-14s %-6s %4s %6s %9s\n", ce::kGemmKBlock,
              "kernel", "format", "mr", "panels", "GFLOP/s");
  for (const ce::GemmKernel* kern : ce::compiled_gemm_kernels()) {
    if (kern->run_converted == nullptr || !ce::gemm_kernel_runnable(*kern) || (!all && kern->isa == ce::Isa::Portable))
      continue;
    const size_t kc = ce::kGemmKBlock, mr = static_cast<size_t>(kern->mr), cols = 16 * static_cast<size_t>(kern->panels);
    const size_t elem = kern->format == ce::WeightFormat::I8 ? 1 : 2;
    // 0x3f bytes: bf16 0x3f3f (~0.75) and int8 63, finite and normal; int32 sums may wrap, which costs nothing.
    std::vector<uint8_t> a(mr * kc * elem, 0x3f), b(2 * kc * 16 * elem + 64, 0x3f);
    std::vector<float> acc(mr * cols);  // int32 for I8: same size
    const void* b1 = kern->panels == 2 ? b.data() + kc * 16 * elem : nullptr;
    long calls = 0;
    const double t0 = thread_cpu_seconds();
    double s = 0;
    do {
      for (int i = 0; i < 1000; ++i)
        kern->run_converted(a.data(), kc, b.data(), b1, static_cast<int>(kc), acc.data(), cols, true, static_cast<int>(mr));
      calls += 1000;
      s = thread_cpu_seconds() - t0;
    } while (s < budget);
    std::printf("%-14s %-6s %4zu %6d %9.1f\n", kern->name, ce::weight_format_name(kern->format), mr, kern->panels,
                2.0 * double(mr) * double(cols) * double(kc) * double(calls) / s * 1e-9);
  }
}

}  // namespace

// Usage: gemm_precision_bench [all] [seconds-per-point]   (all: the portable kernels too)
int main(int argc, char** argv) {
  bool all = false;
  double budget = 0.3;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "all")
      all = true;
    else
      budget = std::atof(argv[i]);
  }
  print_peaks();
  print_micro_kernels(all, budget);
  std::printf("\nActive kernels: f32 %s, bf16 %s, i8 %s\n", ce::gemm_kernel_name(ce::WeightFormat::F32),
              ce::gemm_kernel_name(ce::WeightFormat::BF16), ce::gemm_kernel_name(ce::WeightFormat::I8));
  struct Shape { int n, k; };
  const Shape shapes[] = {{384, 384}, {1536, 384}, {384, 1536}};
  const size_t rows[] = {128, 512, 2048, 4096};
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::printf("\n%-14s %-6s %5s %5s %5s %9s %8s\n", "kernel", "format", "M", "N", "K", "GFLOP/s", "vs f32");
  for (const Shape& sh : shapes) {
    std::vector<float> w(static_cast<size_t>(sh.n) * sh.k), b(sh.n);
    for (auto& v : w) v = dist(rng);
    for (auto& v : b) v = dist(rng);
    const ce::PackedLinear layers[] = {ce::pack_linear(w, b, sh.n, sh.k, ce::WeightFormat::F32),
                                       ce::pack_linear(w, b, sh.n, sh.k, ce::WeightFormat::BF16),
                                       ce::pack_linear(w, b, sh.n, sh.k, ce::WeightFormat::I8)};
    for (size_t m : rows) {
      std::vector<float> x(m * sh.k), y(m * sh.n);
      for (auto& v : x) v = dist(rng);
      double f32_of_isa[8] = {};  // by ce::Isa: the fp32 kernel's figure at this shape, for the ratio
      for (const ce::GemmKernel* kern : ce::compiled_gemm_kernels()) {
        if (!ce::gemm_kernel_runnable(*kern) || (!all && kern->isa == ce::Isa::Portable)) continue;
        const ce::PackedLinear& layer = layers[static_cast<size_t>(kern->format)];
        const double g = gemm_gflops(*kern, layer, x, m, y, budget);
        if (kern->format == ce::WeightFormat::F32) f32_of_isa[static_cast<int>(kern->isa)] = g;
        const double base = f32_of_isa[static_cast<int>(kern->isa)];
        std::printf("%-14s %-6s %5zu %5d %5d %9.1f %7.2fx\n", kern->name, ce::weight_format_name(kern->format), m,
                    sh.n, sh.k, g, base > 0 ? g / base : 0.0);
      }
    }
  }
  return 0;
}
