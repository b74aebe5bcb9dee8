// The SentencePiece-family tokenizers against transformers 5: every text and pair of
// test/fixtures/tokenizer/spm_goldens.jsonl.gz (tools/reference/make_spm_tokenizers.py) through load_tokenizer on
// the xlmr (full 250k XLM-R vocab, XLMRobertaTokenizer), xlmr-json (the same file as serialized) and debv3
// (DebertaV2Tokenizer) fixtures; also the full vocab's load time and the encode throughput, printed. Under
// CE_GOLDEN_PAIRS=N (the sanitizer and emulated arm64 runs) only the first N texts and N pairs per fixture run.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_gzip.h"
#include "test_support.h"
#include "tokenizer/tokenizer_files.h"
#include "tokenizer/utf8.h"

namespace {

namespace fs = std::filesystem;
const std::string kFixtures = std::string(CE_SOURCE_DIR) + "/test/fixtures/tokenizer/";

std::string show(const std::vector<int32_t>& ids) {
  std::ostringstream ss;
  for (size_t i = 0; i < ids.size() && i < 40; ++i) ss << (i ? "," : "") << ids[i];
  if (ids.size() > 40) ss << ",...(" << ids.size() << ")";
  return ss.str();
}

// The first `n` code points of `text` (Python's text[:n]).
std::string prefix_code_points(const std::string& text, size_t n) {
  std::u32string cps;
  ce::utf8::decode(text, cps);
  std::string out;
  for (size_t i = 0; i < cps.size() && i < n; ++i) ce::utf8::append(cps[i], out);
  return out;
}

// The fixture directories, with xlmr's gzipped tokenizer.json unpacked into a scratch directory.
class UnigramFixtures {
 public:
  UnigramFixtures() {
    const std::string xlmr_json = ce::test::read_gzip(kFixtures + "xlmr/tokenizer.json.gz");
    for (const char* name : {"xlmr", "xlmr-json"}) {
      const fs::path dir = scratch_.path() / name;
      fs::create_directories(dir);
      std::ofstream(dir / "tokenizer.json", std::ios::binary) << xlmr_json;
      fs::copy_file(fs::path(kFixtures) / name / "tokenizer_config.json", dir / "tokenizer_config.json");
      dirs_[name] = dir.string();
    }
    dirs_["debv3"] = kFixtures + "debv3";
  }
  const std::string& dir(const std::string& name) const { return dirs_.at(name); }

 private:
  ce::test::TempDir scratch_;
  std::map<std::string, std::string> dirs_;
};

TEST(UnigramTokenizerCases, MatchTransformers5) {
  UnigramFixtures fixtures;
  std::istringstream in(ce::test::read_gzip(kFixtures + "spm_goldens.jsonl.gz"));
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const std::vector<std::string> texts = nlohmann::json::parse(line)["texts"].get<std::vector<std::string>>();
  std::map<std::string, std::shared_ptr<const ce::Tokenizer>> tokenizers;
  std::map<std::string, size_t> texts_run, pairs_run, failures;
  std::map<std::string, double> seconds, load_seconds;
  std::map<std::string, size_t> bytes, tokens;
  const size_t limit = ce::test::golden_pair_limit();
  while (std::getline(in, line)) {
    const auto c = nlohmann::json::parse(line);
    const std::string name = c["tok"];
    if ((c.contains("b") ? pairs_run[name] : texts_run[name]) >= limit) continue;
    auto it = tokenizers.find(name);
    if (it == tokenizers.end()) {
      const auto t0 = std::chrono::steady_clock::now();
      it = tokenizers.emplace(name, ce::load_tokenizer(fixtures.dir(name))).first;
      load_seconds[name] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    const auto expected = c["ids"].get<std::vector<int32_t>>();
    std::string a = texts.at(c["a"].get<size_t>());
    const auto t0 = std::chrono::steady_clock::now();
    if (!c.contains("b")) {
      ++texts_run[name];
      const auto ids = it->second->encode_text(a);
      seconds[name] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      bytes[name] += a.size();
      tokens[name] += ids.size();
      if (ids != expected && ++failures[name] <= 15) {
        ADD_FAILURE() << name << " text " << nlohmann::json(a).dump() << "\n  got  " << show(ids) << "\n  want "
                      << show(expected);
      }
      continue;
    }
    ++pairs_run[name];
    a = prefix_code_points(a, c["a_chars"].get<size_t>());
    const std::string& b = texts.at(c["b"].get<size_t>());
    const auto enc = it->second->encode_pair(a, b, c["max_length"].get<size_t>());
    const size_t type1_from = c["type1_from"].get<size_t>();
    std::vector<int32_t> type_ids(expected.size(), 0);
    for (size_t i = type1_from; i < type_ids.size(); ++i) type_ids[i] = 1;
    if ((enc.input_ids != expected || enc.token_type_ids != type_ids) && ++failures[name] <= 15) {
      ADD_FAILURE() << name << " pair max_length=" << c["max_length"] << " a=" << nlohmann::json(a).dump()
                    << " b=" << nlohmann::json(b).dump() << "\n  got  " << show(enc.input_ids) << " / "
                    << show(enc.token_type_ids) << "\n  want " << show(expected) << " / " << show(type_ids);
    }
  }
  for (const char* name : {"xlmr", "xlmr-json", "debv3"}) {
    std::printf("%-9s %5zu texts + %5zu pairs, %zu mismatches; load %.3f s; texts: %.2f MB/s, %.0f tokens/s\n", name,
                texts_run[name], pairs_run[name], failures[name], load_seconds[name],
                bytes[name] / 1e6 / std::max(seconds[name], 1e-9), tokens[name] / std::max(seconds[name], 1e-9));
    EXPECT_GE(texts_run[name], std::min<size_t>(limit, 1500)) << name << ": the golden file looks truncated";
    EXPECT_GE(pairs_run[name], std::min<size_t>(limit, 400)) << name << ": the golden file looks truncated";
    EXPECT_EQ(failures[name], 0u) << name;
  }
  EXPECT_GE(pairs_run["xlmr"], std::min<size_t>(limit, 5000));
  EXPECT_GE(pairs_run["debv3"], std::min<size_t>(limit, 5000));
}

}  // namespace
