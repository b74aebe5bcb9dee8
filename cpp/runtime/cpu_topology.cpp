// physical_core_count(): physical cores among the CPUs this process may run on, from Linux sysfs topology
// (macOS: the kernel's hw.physicalcpu); the cgroup CPU quota that caps the default thread count; the size of
// the last-level cache.
#if defined(__linux__)
#include <sched.h>
#elif defined(__APPLE__)
#include <sys/sysctl.h>
#endif

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "runtime/thread_pool.h"

namespace ce {

namespace {

#if defined(__linux__)
bool read_int(const std::string& path, long* out) {
  std::ifstream in(path);
  return static_cast<bool>(in >> *out);
}
#endif

#if defined(__linux__)
// "32768K" / "1M" / "512" as sysfs writes cache sizes; 0 when unreadable.
size_t parse_cache_size(const std::string& text) {
  size_t pos = 0;
  unsigned long long value = 0;
  try {
    value = std::stoull(text, &pos);
  } catch (...) {
    return 0;
  }
  const char unit = pos < text.size() ? text[pos] : '\0';
  if (unit == 'K') return static_cast<size_t>(value) << 10;
  if (unit == 'M') return static_cast<size_t>(value) << 20;
  if (unit == 'G') return static_cast<size_t>(value) << 30;
  return static_cast<size_t>(value);
}
#endif

int hardware_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

}  // namespace

// The largest data or unified cache level of cpu0 (sysfs), or macOS's hw.l3cachesize; none when unknown.
std::optional<size_t> last_level_cache_bytes() {
#if defined(__linux__)
  long best_level = 0;
  size_t best_bytes = 0;
  for (int index = 0; index < 16; ++index) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
    long level = 0;
    if (!read_int(dir + "level", &level)) break;
    std::ifstream type_file(dir + "type"), size_file(dir + "size");
    std::string type, size;
    if (!(type_file >> type) || !(size_file >> size) || type == "Instruction") continue;
    const size_t bytes = parse_cache_size(size);
    if (bytes > 0 && level > best_level) {
      best_level = level;
      best_bytes = bytes;
    }
  }
  if (best_bytes > 0) return best_bytes;
  return std::nullopt;
#elif defined(__APPLE__)
  int64_t bytes = 0;
  size_t length = sizeof bytes;
  if (sysctlbyname("hw.l3cachesize", &bytes, &length, nullptr, 0) == 0 && bytes > 0) return static_cast<size_t>(bytes);
  return std::nullopt;
#else
  return std::nullopt;
#endif
}

// Hyper-threads share a core's FMA units, so a GEMM-bound pool gains little from them while contending for
// cache; count (package, core) pairs instead. core_id is only unique within a package, hence the pair.
int physical_core_count() {
#if defined(__APPLE__)
  int physical = 0;
  size_t size = sizeof physical;
  if (sysctlbyname("hw.physicalcpu", &physical, &size, nullptr, 0) == 0 && physical > 0) return physical;
  return hardware_threads();
#elif !defined(__linux__)
  return hardware_threads();
#else
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return hardware_threads();
  const int allowed_count = CPU_COUNT(&allowed);
  if (allowed_count <= 0) return hardware_threads();

  std::set<std::pair<long, long>> cores;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &allowed)) continue;
    const std::string dir = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
    long package = 0, core = 0;
    // Without topology (some containers and non-Linux-like sysfs) every allowed CPU counts as a core.
    if (!read_int(dir + "physical_package_id", &package) || !read_int(dir + "core_id", &core)) return allowed_count;
    cores.insert({package, core});
  }
  return cores.empty() ? 1 : static_cast<int>(cores.size());
#endif
}

std::optional<int> cgroup_cpu_limit(const std::string& cpu_max_path) {
  std::ifstream in(cpu_max_path);
  std::string quota;
  long long period = 0;
  if (!(in >> quota >> period) || quota == "max" || period <= 0) return std::nullopt;
  long long quota_us = 0;
  try {
    size_t used = 0;
    quota_us = std::stoll(quota, &used);
    if (used != quota.size()) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (quota_us <= 0) return std::nullopt;
  const long long cpus = (quota_us + period - 1) / period;
  return static_cast<int>(std::clamp<long long>(cpus, 1, 1 << 16));
}

int default_thread_count() {
  const int cores = physical_core_count();
  const std::optional<int> quota = cgroup_cpu_limit();
  return quota ? std::max(1, std::min(cores, *quota)) : cores;
}

}  // namespace ce
