// Whole-model benchmark of the C++ core (a tool, not a test): load time, resident memory, and predict latency
// on synthetic workloads shaped like bench/workloads.mjs (token counts matter for speed, the words do not).
// Usage: model_bench <model_dir> <threads> <reps> [workload...]   (workloads: single32 berlin10 ms100 b32x128)
// Prints one JSON object per line; times are medians over `reps` calls after one warm-up call.
// CE_BENCH_GAP_MS=N sleeps N ms before each timed call (latency after idle: the pool's threads asleep and, on a
// shared VM, the core's clock and caches cold), like `npm run bench`'s --settle-ms.
// CE_BENCH_PRECISION=fp32|bf16|int8 loads the model at that precision (default fp32).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "api/cross_encoder.h"

namespace {

// CPU time of the whole process: with one thread, the call's own work without the time other processes
// held the core (the machine may be shared), unlike wall time.
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return 1e3 * double(ts.tv_sec) + 1e-6 * double(ts.tv_nsec);
}

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// VmRSS / VmHWM of this process in MB (Linux).
double proc_status_mb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::atof(line.c_str() + std::string(key).size()) / 1024.0;
  return 0.0;
}

const char* kText =
    "Berlin is the capital and largest city of Germany by both area and population. Its more than 3.8 million "
    "inhabitants make it the most populous city of the European Union. The city is also one of the states of "
    "Germany and is the third smallest state in the country by area. Berlin is surrounded by the state of "
    "Brandenburg, and Brandenburg's capital Potsdam is nearby. The urban area of Berlin has a population of over "
    "4.5 million and is therefore the most populous urban area in Germany. The Berlin-Brandenburg capital region "
    "has around 6.2 million inhabitants and is Germany's second-largest metropolitan region after the Rhine-Ruhr "
    "region, as well as the fifth-biggest metropolitan region by GDP in the European Union. This package provides "
    "a server for voice over internet protocol calls with encryption, conferencing and a plugin interface.";

// The longest word prefix of kText (rotated by `shift` words) whose pair with `query` has <= `tokens` tokens.
ce::TextPair make_pair(const ce::CrossEncoderModel& m, const std::string& query, size_t tokens, size_t shift) {
  std::vector<std::string> words;
  std::string w;
  for (const char* p = kText;; ++p) {
    if (*p == ' ' || *p == '\0') {
      if (!w.empty()) words.push_back(w);
      w.clear();
      if (*p == '\0') break;
    } else {
      w += *p;
    }
  }
  std::rotate(words.begin(), words.begin() + static_cast<long>(shift % words.size()), words.end());
  std::string best = words[0], cur;
  for (const auto& word : words) {
    const std::string next = cur.empty() ? word : cur + " " + word;
    if (m.tokenize(query, next).input_ids.size() > tokens) break;
    cur = next;
    best = cur;
  }
  return {query, best};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: model_bench <model_dir> <threads> <reps> [workload...]\n");
    return 2;
  }
  const int threads = std::atoi(argv[2]), reps = std::atoi(argv[3]);
  const char* gap_env = std::getenv("CE_BENCH_GAP_MS");
  const int gap_ms = gap_env != nullptr ? std::atoi(gap_env) : 0;
  std::vector<std::string> names;
  for (int i = 4; i < argc; ++i) names.push_back(argv[i]);
  if (names.empty()) names = {"single32", "berlin10", "ms100", "b32x128"};

  const double rss0 = proc_status_mb("VmRSS:");
  const double t0 = now_ms(), c0 = cpu_ms();
  ce::LoadOptions opt;
  opt.threads = threads;
  if (const char* precision = std::getenv("CE_BENCH_PRECISION")) {
    const auto parsed = ce::precision_from_name(precision);
    if (!parsed) {
      std::fprintf(stderr, "CE_BENCH_PRECISION: expected fp32, bf16 or int8, got %s\n", precision);
      return 2;
    }
    opt.precision = *parsed;
  }
  const auto model = ce::CrossEncoderModel::load(argv[1], opt);
  const double load_ms = now_ms() - t0, load_cpu_ms = cpu_ms() - c0;
  std::printf("{\"threads\":%d,\"load_ms\":%.1f,\"load_cpu_ms\":%.1f,\"rss_before_mb\":%.1f,\"rss_after_load_mb\":%.1f,"
              "\"hwm_after_load_mb\":%.1f}\n",
              threads, load_ms, load_cpu_ms, rss0, proc_status_mb("VmRSS:"), proc_status_mb("VmHWM:"));

  for (const std::string& name : names) {
    std::vector<ce::TextPair> pairs;
    if (name == "single32") {
      pairs.push_back(make_pair(*model, "How many people live in Berlin?", 32, 0));
    } else if (name == "berlin10") {
      for (size_t i = 0; i < 10; ++i) pairs.push_back(make_pair(*model, "How many people live in Berlin?", 24 + 3 * i, 7 * i));
    } else if (name == "ms100") {
      for (size_t i = 0; i < 100; ++i)
        pairs.push_back(make_pair(*model, "which package provides a server for voice over IP calls", 60 + (i * 37) % 71, 5 * i));
    } else if (name == "b32x128") {
      for (size_t i = 0; i < 32; ++i) pairs.push_back(make_pair(*model, "what does this package do", 128, 3 * i));
    } else {
      std::fprintf(stderr, "unknown workload %s\n", name.c_str());
      return 2;
    }
    size_t tokens = 0;
    for (const auto& p : pairs) tokens += model->tokenize(p.a, p.b).input_ids.size();
    std::vector<float> scores = model->predict(pairs, ce::Activation::Default, 32, nullptr);  // warm-up
    std::vector<double> times, cpu;
    for (int r = 0; r < reps; ++r) {
      if (gap_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(gap_ms));
      const double s = now_ms(), c = cpu_ms();
      scores = model->predict(pairs, ce::Activation::Default, 32, nullptr);
      times.push_back(now_ms() - s);
      cpu.push_back(cpu_ms() - c);
    }
    std::sort(times.begin(), times.end());
    std::sort(cpu.begin(), cpu.end());
    std::printf("{\"workload\":\"%s\",\"threads\":%d,\"pairs\":%zu,\"tokens\":%zu,\"median_ms\":%.3f,\"min_ms\":%.3f,"
                "\"cpu_ms\":%.3f,\"score0\":%.7f,\"hwm_mb\":%.1f}\n",
                name.c_str(), threads, pairs.size(), tokens, times[times.size() / 2], times[0], cpu[cpu.size() / 2],
                scores[0],
                proc_status_mb("VmHWM:"));
  }
  return 0;
}
