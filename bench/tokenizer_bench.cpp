// Tokenizer benchmark of the C++ core (a tool, not a test): load time of a model directory's tokenizer and encode
// throughput over a corpus, in process CPU time (the machine may be shared) and wall time.
// Usage: tokenizer_bench <tokenizer_dir> <corpus> [reps]   corpus: a JSON-lines file (optionally .gz) whose lines
// are JSON strings, or objects with a "texts" array (test/fixtures/tokenizer/spm_goldens.jsonl.gz's first line).
// Prints one JSON object.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "io/json.h"
#include "tokenizer/tokenizer_files.h"

namespace {

double cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}
double wall_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string read_corpus(const std::string& path) {
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
    FILE* pipe = ::popen(("gzip -dc '" + path + "'").c_str(), "r");
    std::string out;
    char buffer[1 << 16];
    for (size_t n; pipe && (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;) out.append(buffer, n);
    if (pipe) ::pclose(pipe);
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: tokenizer_bench <tokenizer_dir> <corpus.jsonl[.gz]> [reps]\n");
    return 2;
  }
  const int reps = argc > 3 ? std::atoi(argv[3]) : 3;
  std::vector<std::string> texts;
  std::istringstream lines(read_corpus(argv[2]));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const ce::Json j = ce::parse_json(line, "corpus line");
    if (j.is_string()) texts.push_back(j.get<std::string>());
    if (j.is_object() && j.contains("texts")) {
      for (const auto& t : j["texts"]) texts.push_back(t.get<std::string>());
    }
  }
  size_t bytes = 0;
  for (const auto& t : texts) bytes += t.size();
  double cpu0 = cpu_s(), wall0 = wall_s();
  const auto tokenizer = ce::load_tokenizer(argv[1]);
  const double load_cpu = cpu_s() - cpu0, load_wall = wall_s() - wall0;
  size_t tokens = 0;
  for (const auto& t : texts) tokens += tokenizer->encode_text(t).size();  // warm-up
  cpu0 = cpu_s();
  wall0 = wall_s();
  for (int r = 0; r < reps; ++r) {
    for (const auto& t : texts) tokenizer->encode_text(t);
  }
  const double cpu = (cpu_s() - cpu0) / reps, wall = (wall_s() - wall0) / reps;
  std::printf(
      "{\"dir\": \"%s\", \"vocab_size\": %zu, \"load_cpu_s\": %.3f, \"load_wall_s\": %.3f, \"texts\": %zu, "
      "\"bytes\": %zu, \"tokens\": %zu, \"encode_cpu_s\": %.3f, \"encode_wall_s\": %.3f, \"mb_per_cpu_s\": %.2f, "
      "\"tokens_per_cpu_s\": %.0f}\n",
      argv[1], tokenizer->vocab_size(), load_cpu, load_wall, texts.size(), bytes, tokens, cpu, wall, bytes / 1e6 / cpu,
      tokens / cpu);
  return 0;
}
