// The byte-level BPE fixture tokenizers (RoBERTa, ModernBERT and Llama 3 layouts, trained by
// tools/reference/make_bpe_tokenizers.py) against transformers 5: the hard strings and their pairs with full ids
// (bpe_cases.jsonl), and every pair of the first 5,000 of test/fixtures/pairs.jsonl.gz as hashes of ids + type
// ids (bpe_pairs.jsonl): each text alone, the pair at max_length 512 and the pair truncated to 64.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_support.h"
#include "tokenizer/tokenizer_files.h"

namespace {

const std::string kFixtures = std::string(CE_SOURCE_DIR) + "/test/fixtures/";
const char* const kTokenizers[] = {"roberta-bpe", "modernbert-bpe", "llama3-bpe"};

std::string show(const std::vector<int32_t>& ids) {
  std::ostringstream ss;
  for (size_t i = 0; i < ids.size() && i < 40; ++i) ss << (i ? "," : "") << ids[i];
  if (ids.size() > 40) ss << ",...(" << ids.size() << ")";
  return ss.str();
}

using Encoding = std::pair<std::vector<int32_t>, std::vector<int32_t>>;  // ids, type ids

// FNV-1a 64 over the little-endian int32s of each encoding's ids, -1, type ids, -2 (as the generator hashes).
std::string fnv1a(const std::vector<Encoding>& encodings) {
  uint64_t h = 0xCBF29CE484222325ull;
  auto mix = [&](int32_t v) {
    const uint32_t u = static_cast<uint32_t>(v);
    for (int k = 0; k < 4; ++k) h = (h ^ ((u >> (8 * k)) & 0xFF)) * 0x100000001B3ull;
  };
  for (const auto& [ids, type_ids] : encodings) {
    for (int32_t v : ids) mix(v);
    mix(-1);
    for (int32_t v : type_ids) mix(v);
    mix(-2);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::shared_ptr<const ce::Tokenizer> load(const std::string& name) {
  return ce::load_tokenizer(kFixtures + "tokenizer/" + name);
}

// Runs the cases of bpe_cases.jsonl for `only` (every tokenizer when empty) through `load_as`; returns the count.
size_t run_hard_strings(const std::string& only, const std::function<std::shared_ptr<const ce::Tokenizer>(
                                                     const std::string&)>& load_as) {
  std::ifstream in(kFixtures + "tokenizer/bpe_cases.jsonl");
  EXPECT_TRUE(in);
  std::map<std::string, std::shared_ptr<const ce::Tokenizer>> tokenizers;
  size_t total = 0, failed = 0;
  std::string line;
  while (std::getline(in, line)) {
    const auto c = nlohmann::json::parse(line);
    const std::string name = c["tok"];
    if (!only.empty() && name != only) continue;
    auto& tok = tokenizers[name];
    if (!tok) tok = load_as(name);
    const std::string a = c["a"];
    const auto expected = c["ids"].get<std::vector<int32_t>>();
    ++total;
    std::vector<int32_t> ids, types, expected_types;
    if (c["b"].is_null()) {
      ids = tok->encode_text(a);
    } else {
      const auto enc = tok->encode_pair(a, c["b"].get<std::string>(), c["max_length"].get<size_t>());
      ids = enc.input_ids;
      types = enc.token_type_ids;
      expected_types = c["type_ids"].get<std::vector<int32_t>>();
    }
    if (ids != expected || types != expected_types) {
      if (++failed <= 20) {
        ADD_FAILURE() << name << " max_length=" << c["max_length"] << " a=" << c["a"] << " b=" << c["b"]
                      << "\n  got  " << show(ids) << " / " << show(types) << "\n  want " << show(expected) << " / "
                      << show(expected_types);
      }
    }
  }
  std::printf("%zu hard-string cases, %zu mismatches\n", total, failed);
  EXPECT_EQ(failed, 0u);
  return total;
}

TEST(BpeTokenizerCases, HardStringsMatchTransformers) { EXPECT_GT(run_hard_strings("", load), 1000u); }

// RoBERTa as the hub ships it: tokenizer.json and a config.json with model_type "roberta", no tokenizer_config.json.
// transformers 5 then builds RobertaTokenizer with its defaults, which gives the same ids as the fixture.
TEST(BpeTokenizerCases, RobertaModelTypeWithoutTokenizerConfig) {
  ce::test::TempDir dir;
  std::filesystem::copy_file(kFixtures + "tokenizer/roberta-bpe/tokenizer.json", dir.path() / "tokenizer.json");
  std::ofstream(dir.path() / "config.json") << R"({"model_type": "roberta"})";
  const auto tok = ce::load_tokenizer(dir.str());
  EXPECT_EQ(tok->num_special_tokens_pair(), 4u);
  EXPECT_EQ(tok->model_max_length(), std::nullopt);
  EXPECT_GT(run_hard_strings("roberta-bpe", [&](const std::string&) { return tok; }), 300u);
}

// pairs.jsonl.gz is read through gzip(1) (present wherever the tests run), so the core needs no zlib.
std::vector<std::pair<std::string, std::string>> read_pairs(size_t limit) {
  const std::string command = "gzip -dc '" + kFixtures + "pairs.jsonl.gz'";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::vector<std::pair<std::string, std::string>> out;
  if (pipe == nullptr) return out;
  std::string text;
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) text.append(buf, n);
  ::pclose(pipe);
  std::istringstream lines(text);
  std::string line;
  while (out.size() < limit && std::getline(lines, line)) {
    const auto row = nlohmann::json::parse(line);
    out.emplace_back(row["a"].get<std::string>(), row["b"].get<std::string>());
  }
  return out;
}

TEST(BpeTokenizerCases, RealPairsMatchTransformers) {
  std::ifstream in(kFixtures + "tokenizer/bpe_pairs.jsonl");
  ASSERT_TRUE(in);
  std::vector<nlohmann::json> goldens;
  // All of them natively; CE_GOLDEN_PAIRS fewer (the emulated cross-build suite), as the model goldens.
  const size_t limit = ce::test::golden_pair_limit();
  for (std::string line; goldens.size() < limit && std::getline(in, line);) {
    goldens.push_back(nlohmann::json::parse(line));
  }
  const auto pairs = read_pairs(goldens.size());
  ASSERT_EQ(pairs.size(), goldens.size()) << "pairs.jsonl.gz has fewer pairs than bpe_pairs.jsonl";
  for (const char* name : kTokenizers) {
    const auto tok = load(name);
    size_t checked = 0, failed = 0, bytes = 0;
    double seconds = 0;
    for (size_t i = 0; i < pairs.size(); ++i) {
      const auto& [a, b] = pairs[i];
      const auto& want = goldens[i][name];
      const auto t0 = std::chrono::steady_clock::now();
      const auto ids_a = tok->encode_text(a), ids_b = tok->encode_text(b);
      const auto long_pair = tok->encode_pair(a, b, 512), short_pair = tok->encode_pair(a, b, 64);
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      bytes += 2 * (a.size() + b.size());
      const std::vector<Encoding> got = {{ids_a, std::vector<int32_t>(ids_a.size(), 0)},
                                         {ids_b, std::vector<int32_t>(ids_b.size(), 0)},
                                         {long_pair.input_ids, long_pair.token_type_ids},
                                         {short_pair.input_ids, short_pair.token_type_ids}};
      ++checked;
      bool same = fnv1a(got) == want[4].get<std::string>();
      for (int k = 0; k < 4; ++k) same = same && got[k].first.size() == want[k].get<size_t>();
      if (!same && ++failed <= 10) {
        ADD_FAILURE() << name << " pair " << i << ": lengths (a, b, pair@512, pair@64) " << got[0].first.size()
                      << ", " << got[1].first.size() << ", " << got[2].first.size() << ", " << got[3].first.size()
                      << ", want " << want[0] << ", " << want[1] << ", " << want[2] << ", " << want[3]
                      << " (or the ids differ)\n  a=" << a << "\n  b=" << b << "\n  pair@64 " << show(got[3].first);
      }
    }
    std::printf("%s: %zu pairs checked (4 encodings each), %zu mismatches; %.1f MB/s encode\n", name, checked,
                failed, bytes / 1e6 / seconds);
    EXPECT_EQ(failed, 0u) << name;
  }
}

}  // namespace
