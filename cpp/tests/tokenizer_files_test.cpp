// BertTokenizer::from_directory: which files win, how they are read, and the errors for broken inputs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.h"
#include "tokenizer/bert_tokenizer.h"

namespace {

namespace fs = std::filesystem;

class TokenizerFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ce_tok_" + std::to_string(::getpid()) + "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  // Expects from_directory to throw `code` with every string of `needles` in the message.
  void expect_error(ce::ErrorCode code, std::initializer_list<std::string> needles) {
    try {
      ce::BertTokenizer::from_directory(dir_.string());
      FAIL() << "expected an error";
    } catch (const ce::Error& e) {
      EXPECT_EQ(e.code(), code) << e.what();
      for (const auto& n : needles) EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what();
    }
  }

  fs::path dir_;
};

const char* kVocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n##s\n";

std::string wordpiece_json(const std::string& normalizer) {
  return R"({"model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
             "max_input_chars_per_word": 100,
             "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "Hello": 4, "hello": 5}},
             "normalizer": )" + normalizer + R"(, "pre_tokenizer": {"type": "BertPreTokenizer"},
             "added_tokens": [{"id": 3, "content": "[SEP]", "normalized": false, "special": true}]})";
}

TEST_F(TokenizerFiles, MissingDirectoryAndFiles) {
  const std::string missing = (dir_ / "nope").string();
  try {
    ce::BertTokenizer::from_directory(missing);
    FAIL();
  } catch (const ce::Error& e) {
    EXPECT_EQ(e.code(), ce::ErrorCode::FileNotFound);
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos);
  }
  expect_error(ce::ErrorCode::FileNotFound, {"tokenizer.json", "vocab.txt"});
}

TEST_F(TokenizerFiles, MalformedJsonNamesTheFile) {
  write("tokenizer.json", "{\"model\": {");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"tokenizer.json", "malformed"});
  fs::remove(dir_ / "tokenizer.json");
  write("vocab.txt", kVocab);
  write("tokenizer_config.json", "{not json");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"tokenizer_config.json"});
  write("tokenizer_config.json", "[1, 2]");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"tokenizer_config.json", "object"});
  write("tokenizer_config.json", R"({"do_lower_case": "yes"})");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"do_lower_case"});
}

TEST_F(TokenizerFiles, RejectsNonWordPieceModel) {
  write("tokenizer.json", R"({"model": {"type": "BPE", "vocab": {}, "merges": []}})");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"BPE", "WordPiece"});
}

TEST_F(TokenizerFiles, MissingSpecialTokensAreNamed) {
  write("vocab.txt", "[PAD]\n[CLS]\n[SEP]\nhello\n");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"[UNK]"});
  write("vocab.txt", "[PAD]\n[UNK]\n[SEP]\nhello\n");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"[CLS]"});
  write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\nhello\n");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"[SEP]"});
}

TEST_F(TokenizerFiles, VocabTxtIsTrimmedLikeWordPieceFromFile) {
  write("vocab.txt", "[PAD]\r\n[UNK] \r\n[CLS]\t\r\n[SEP]\nhello\u3000\r\nwor\rld\n");
  const auto tok = ce::BertTokenizer::from_directory(dir_.string());
  EXPECT_EQ(tok.vocab_size(), 6u);
  EXPECT_EQ(tok.unk_id(), 1);
  EXPECT_EQ(tok.cls_id(), 2);
  EXPECT_EQ(tok.encode_text("hello"), (std::vector<int32_t>{4}));
  write("vocab.txt", std::string("[PAD]\n[UNK]\n[CLS]\n[SEP]\nbad\xFF\n"));
  expect_error(ce::ErrorCode::InvalidTokenizer, {"vocab.txt", "line 5", "UTF-8"});
}

TEST_F(TokenizerFiles, SpecialTokensFromConfigAsStringsOrObjects) {
  write("vocab.txt", "<pad>\n<unk>\n<s>\n</s>\nhello\n");
  write("special_tokens_map.json", R"({"unk_token": {"content": "<unk>", "lstrip": false}, "pad_token": "<pad>"})");
  write("tokenizer_config.json", R"({"cls_token": {"content": "<s>"}, "sep_token": "</s>", "model_max_length": 1e30})");
  const auto tok = ce::BertTokenizer::from_directory(dir_.string());
  EXPECT_EQ(tok.pad_id(), 0);
  EXPECT_EQ(tok.unk_id(), 1);
  EXPECT_EQ(tok.cls_id(), 2);
  EXPECT_EQ(tok.sep_id(), 3);
  EXPECT_FALSE(tok.options().model_max_length.has_value());  // 1e30 means "unknown"
  EXPECT_EQ(tok.encode_text("hello </s>"), (std::vector<int32_t>{4, 3}));  // special tokens match raw text
  write("tokenizer_config.json", R"({"cls_token": 5})");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"cls_token"});
}

TEST_F(TokenizerFiles, ConfigFlagsAndMaxLength) {
  write("vocab.txt", kVocab);
  write("tokenizer_config.json", R"({"do_lower_case": false, "tokenize_chinese_chars": false,
                                     "strip_accents": true, "model_max_length": 256})");
  const auto tok = ce::BertTokenizer::from_directory(dir_.string());
  EXPECT_FALSE(tok.options().lowercase);
  EXPECT_FALSE(tok.options().handle_chinese_chars);
  EXPECT_EQ(tok.options().strip_accents, std::optional<bool>(true));
  EXPECT_EQ(tok.options().model_max_length, std::optional<size_t>(256));
  EXPECT_EQ(tok.encode_text("Hello"), (std::vector<int32_t>{1}));  // cased: "Hello" is not in the vocab
}

TEST_F(TokenizerFiles, BareTokenizerJsonKeepsItsNormalizer) {
  write("tokenizer.json", wordpiece_json(R"({"type": "BertNormalizer", "lowercase": false, "clean_text": true,
                                             "handle_chinese_chars": true, "strip_accents": null})"));
  auto tok = ce::BertTokenizer::from_directory(dir_.string());
  EXPECT_FALSE(tok.options().lowercase);
  EXPECT_EQ(tok.encode_text("Hello[SEP]hello"), (std::vector<int32_t>{4, 3, 5}));
  // With a tokenizer_config.json, transformers 5 builds BertTokenizer, whose normalizer ignores the json's.
  write("tokenizer_config.json", R"({"tokenizer_class": "BertTokenizer"})");
  tok = ce::BertTokenizer::from_directory(dir_.string());
  EXPECT_TRUE(tok.options().lowercase);
  EXPECT_EQ(tok.encode_text("Hello"), (std::vector<int32_t>{5}));
}

TEST_F(TokenizerFiles, TokenizerClassDecidesWhoseNormalizerWins) {
  write("tokenizer.json", wordpiece_json(R"({"type": "BertNormalizer", "lowercase": false})"));
  write("tokenizer_config.json", R"({"tokenizer_class": "PreTrainedTokenizerFast"})");
  EXPECT_FALSE(ce::BertTokenizer::from_directory(dir_.string()).options().lowercase);
  write("tokenizer_config.json", R"({"model_max_length": 512})");  // no class and no config.json: verbatim
  EXPECT_FALSE(ce::BertTokenizer::from_directory(dir_.string()).options().lowercase);
  write("config.json", R"({"model_type": "bert"})");  // AutoTokenizer then picks BertTokenizer
  EXPECT_TRUE(ce::BertTokenizer::from_directory(dir_.string()).options().lowercase);
  write("tokenizer_config.json", R"({"tokenizer_class": "MPNetTokenizer"})");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"tokenizer_config.json", "MPNetTokenizer"});
}

TEST_F(TokenizerFiles, BareTokenizerJsonRejectsOtherPipelines) {
  write("tokenizer.json", wordpiece_json(R"({"type": "Sequence", "normalizers": []})"));
  expect_error(ce::ErrorCode::InvalidTokenizer, {"tokenizer.json", "BertNormalizer"});
}

TEST(TokenizerFixtures, BertBaseUncasedVocab) {
  const auto tok = ce::BertTokenizer::from_directory(std::string(CE_SOURCE_DIR) + "/test/fixtures/tokenizer/uncased");
  EXPECT_EQ(tok.vocab_size(), 30522u);
  EXPECT_EQ(tok.pad_id(), 0);
  EXPECT_EQ(tok.unk_id(), 100);
  EXPECT_EQ(tok.cls_id(), 101);
  EXPECT_EQ(tok.sep_id(), 102);
  EXPECT_EQ(tok.options().model_max_length, std::optional<size_t>(512));
}

}  // namespace

// model.vocab is read by a streaming path (not the JSON document): it must keep a JSON object's meaning.
TEST_F(TokenizerFiles, TokenizerJsonVocabKeepsObjectSemantics) {
  auto with_vocab = [](const std::string& vocab) {
    return R"({"model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": )" + vocab +
           R"(}, "normalizer": null, "pre_tokenizer": {"type": "BertPreTokenizer"}})";
  };
  // A repeated key keeps its last id; a nested "vocab" elsewhere is not the vocabulary.
  write("tokenizer.json", with_vocab(R"({"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "b": 4, "a": 5, "b": 6,
                                         "x": {"vocab": {"zzz": 7}}})"));
  try {
    ce::BertTokenizer::from_directory(dir_.string());
    FAIL() << "a nested object is not a valid id";
  } catch (const ce::Error& e) {
    EXPECT_NE(std::string(e.what()).find("model.vocab[\"x\"]"), std::string::npos) << e.what();
  }
  write("tokenizer.json", with_vocab(R"({"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "b": 4, "a": 5, "b": 6})"));
  auto tok = ce::BertTokenizer::from_directory(dir_.string());
  EXPECT_EQ(tok.vocab_size(), 7u);
  EXPECT_EQ(tok.encode_text("a b"), (std::vector<int32_t>{5, 6}));
  // Two tokens with one id: the greater token (the later one in key order) holds the id.
  write("tokenizer.json", with_vocab(R"({"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "q": 4, "p": 4})"));
  tok = ce::BertTokenizer::from_directory(dir_.string());
  EXPECT_EQ(tok.encode_text("p q"), (std::vector<int32_t>{1, 4}));
  for (const char* bad : {R"("s")", "-1", "2.5", "[1]", "16777216"}) {
    write("tokenizer.json", with_vocab(std::string(R"({"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "w": )") + bad + "}"));
    expect_error(ce::ErrorCode::InvalidTokenizer, {"model.vocab[\"w\"] is not a valid id"});
  }
  // Only the last "model" object counts.
  write("tokenizer.json", R"({"model": {"type": "WordPiece", "vocab": {"old": 0}}, )" + with_vocab(
                              R"({"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "new": 4})").substr(1));
  tok = ce::BertTokenizer::from_directory(dir_.string());
  EXPECT_EQ(tok.vocab_size(), 5u);
  EXPECT_EQ(tok.encode_text("new old"), (std::vector<int32_t>{4, 1}));
}
