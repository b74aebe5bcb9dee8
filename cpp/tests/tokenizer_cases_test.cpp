// Data-driven check of the tokenizers load_tokenizer builds against HF: every case in test/fixtures/tokenizer/cases.jsonl
// (made by tools/reference/make_tokenizer_cases.py). Set CE_TOKENIZER_CASES=/path/file.jsonl to run another
// corpus of the same format (e.g. one with every code point) during development.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tokenizer/tokenizer_files.h"

namespace {

const std::string kFixtures = std::string(CE_SOURCE_DIR) + "/test/fixtures/tokenizer/";

std::string from_hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

std::string show(const std::vector<int32_t>& ids) {
  std::ostringstream ss;
  for (size_t i = 0; i < ids.size() && i < 40; ++i) ss << (i ? "," : "") << ids[i];
  if (ids.size() > 40) ss << ",...(" << ids.size() << ")";
  return ss.str();
}

TEST(TokenizerCases, MatchHuggingFace) {
  const char* env = std::getenv("CE_TOKENIZER_CASES");
  const std::string path = env ? env : kFixtures + "cases.jsonl";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot open " << path;
  std::map<std::string, std::shared_ptr<const ce::Tokenizer>> tokenizers;
  size_t total = 0, failed = 0, pairs = 0;
  double seconds = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto c = nlohmann::json::parse(line);
    const std::string name = c["tok"];
    auto it = tokenizers.find(name);
    if (it == tokenizers.end()) {
      // "tok" names a fixture dir under test/fixtures/tokenizer, or is an absolute path (development corpora).
      const std::string dir = name.rfind('/', 0) == 0 ? name : kFixtures + name;
      it = tokenizers.emplace(name, ce::load_tokenizer(dir)).first;
    }
    const std::string a = c.contains("a_hex") ? from_hex(c["a_hex"]) : c["a"].get<std::string>();
    const auto expected = c["ids"].get<std::vector<int32_t>>();
    ++total;
    const auto t0 = std::chrono::steady_clock::now();
    if (c["b"].is_null()) {
      const auto ids = it->second->encode_text(a);
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (ids != expected) {
        if (++failed <= 20) ADD_FAILURE() << name << " a=" << c.value("a", c.value("a_hex", "")) << "\n  got  " << show(ids) << "\n  want " << show(expected);
      }
    } else {
      ++pairs;
      const auto enc = it->second->encode_pair(a, c["b"].get<std::string>(), c["max_length"].get<size_t>());
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const auto type_ids = c["type_ids"].get<std::vector<int32_t>>();
      if (enc.input_ids != expected || enc.token_type_ids != type_ids) {
        if (++failed <= 20) {
          ADD_FAILURE() << name << " max_length=" << c["max_length"] << " a=" << c["a"] << " b=" << c["b"]
                        << "\n  got  " << show(enc.input_ids) << " / " << show(enc.token_type_ids)
                        << "\n  want " << show(expected) << " / " << show(type_ids);
        }
      }
    }
  }
  std::printf("%zu cases (%zu pairs), %zu mismatches, %.3f s tokenizing\n", total, pairs, failed, seconds);
  EXPECT_GT(total, 1000u) << "case file " << path << " looks truncated";
  EXPECT_EQ(failed, 0u);
}

}  // namespace
