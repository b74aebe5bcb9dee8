// CPU capability probing: the capability list, the ISA levels built on it, and agreement with the OS's own view.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/cpu_features.h"

namespace ce {
namespace {

// The name of the kernel's flag list line in /proc/cpuinfo.
#if defined(__x86_64__)
constexpr const char* kFlagsKey = "flags";
#elif defined(__aarch64__)
constexpr const char* kFlagsKey = "Features";
#else
constexpr const char* kFlagsKey = nullptr;  // no capability of ours exists elsewhere
#endif

// The kernel's flag list for the first CPU in /proc/cpuinfo, or nullopt where there is none (not Linux;
// qemu-user, which shows the host's file).
std::optional<std::set<std::string>> proc_cpuinfo_flags() {
  if (kFlagsKey == nullptr) return std::nullopt;
  const std::string key = kFlagsKey;
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    const size_t colon = line.find(':');
    if (line.rfind(key, 0) != 0 || colon == std::string::npos) continue;
    if (line.find_first_not_of(" \t", key.size()) != colon) continue;  // "flags\t\t:", not "flagsmore:"
    std::istringstream words(line.substr(colon + 1));
    std::set<std::string> flags;
    for (std::string word; words >> word;) flags.insert(word);
    return flags;
  }
  return std::nullopt;
}

TEST(CpuFeatures, NamesListThePresentCapabilities) {
  std::vector<std::string> present;
  std::set<std::string> names;
  for (size_t i = 0; i < kCpuCapabilityCount; ++i) {
    const auto c = static_cast<CpuCapability>(i);
    const std::string name = cpu_capability_name(c);
    EXPECT_NE(name, "unknown") << i;
    EXPECT_TRUE(names.insert(name).second) << "two capabilities named " << name;
    if (cpu_features().has(c)) present.push_back(name);
  }
  EXPECT_EQ(cpu_capability_names(), present);
  EXPECT_STREQ(cpu_capability_name(static_cast<CpuCapability>(kCpuCapabilityCount)), "unknown");
}

TEST(CpuFeatures, IsaLevelsFollowCapabilities) {
  const CpuFeatures& f = cpu_features();
  EXPECT_EQ(isa_supported(Isa::Avx2), f.has(CpuCapability::Avx2) && f.has(CpuCapability::Fma));
  EXPECT_EQ(isa_supported(Isa::Avx512), isa_supported(Isa::Avx2) && f.has(CpuCapability::Avx512f));
  EXPECT_EQ(isa_supported(Isa::Neon), f.has(CpuCapability::Asimd));
  // Each architecture's probe sets only its own capabilities.
#if defined(__x86_64__)
  for (CpuCapability c : {CpuCapability::Asimd, CpuCapability::Asimddp, CpuCapability::I8mm, CpuCapability::Bf16})
    EXPECT_FALSE(f.has(c)) << cpu_capability_name(c);
#elif defined(__aarch64__)
  for (CpuCapability c : {CpuCapability::Avx2, CpuCapability::Avx512f, CpuCapability::Avx512Bf16,
                          CpuCapability::AmxTile, CpuCapability::AvxVnni})
    EXPECT_FALSE(f.has(c)) << cpu_capability_name(c);
#endif
}

TEST(CpuFeatures, AgreeWithProcCpuinfo) {
  // The kernel probes CPUID (HWCAP on arm64) and clears flags whose register state it does not enable, so
  // its list is an independent answer to the same question, including for AMX and AVX512-BF16.
  const auto flags = proc_cpuinfo_flags();
#if defined(__linux__) && defined(__x86_64__)
  ASSERT_TRUE(flags.has_value()) << "/proc/cpuinfo has no flags line";
#endif
  if (!flags) return;
  std::string listed;
  for (const std::string& flag : *flags) listed += flag + " ";
  for (size_t i = 0; i < kCpuCapabilityCount; ++i) {
    const auto c = static_cast<CpuCapability>(i);
    EXPECT_EQ(cpu_features().has(c), flags->count(cpu_capability_name(c)) == 1)
        << cpu_capability_name(c) << " (probe says " << cpu_features().has(c) << "; /proc/cpuinfo: " << listed
        << ")";
  }
}

}  // namespace
}  // namespace ce
