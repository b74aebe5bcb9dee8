// load_tokenizer: which files win, how they are read, which tokenizer they build, and the errors for broken inputs.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.h"
#include "tests/test_support.h"
#include "tokenizer/tokenizer_files.h"

namespace {

namespace fs = std::filesystem;

class TokenizerFiles : public ce::test::ScratchDirTest {
 protected:
  TokenizerFiles() : ScratchDirTest("ce_tok_") {}

  void write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  std::shared_ptr<const ce::Tokenizer> load() const { return ce::load_tokenizer(dir_.string()); }
  ce::BertTokenizerOptions options() const { return ce::read_bert_tokenizer_spec(dir_.string()).options; }
  // Expects load_tokenizer to throw `code` with every string of `needles` in the message.
  void expect_error(ce::ErrorCode code, std::initializer_list<std::string> needles) {
    try {
      ce::load_tokenizer(dir_.string());
      FAIL() << "expected an error";
    } catch (const ce::Error& e) {
      EXPECT_EQ(e.code(), code) << e.what();
      for (const auto& n : needles) EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what();
    }
  }
};

const char* kVocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n##s\n";

std::string wordpiece_json(const std::string& normalizer) {
  return R"({"model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
             "max_input_chars_per_word": 100,
             "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "Hello": 4, "hello": 5}},
             "normalizer": )" + normalizer + R"(, "pre_tokenizer": {"type": "BertPreTokenizer"},
             "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
             "added_tokens": [{"id": 3, "content": "[SEP]", "normalized": false, "special": true}]})";
}

TEST_F(TokenizerFiles, MissingDirectoryAndFiles) {
  const std::string missing = (dir_ / "nope").string();
  try {
    ce::load_tokenizer(missing);
    FAIL();
  } catch (const ce::Error& e) {
    EXPECT_EQ(e.code(), ce::ErrorCode::FileNotFound);
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos);
  }
  expect_error(ce::ErrorCode::FileNotFound, {"tokenizer.json", "vocab.txt"});
}

TEST_F(TokenizerFiles, MalformedJsonNamesTheFile) {
  write("tokenizer.json", "{\"model\": {");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"tokenizer.json", "not valid JSON", "line 1, column 12"});
  fs::remove(dir_ / "tokenizer.json");
  write("vocab.txt", kVocab);
  write("tokenizer_config.json", "{not json");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"tokenizer_config.json"});
  write("tokenizer_config.json", "[1, 2]");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"tokenizer_config.json", "object"});
  write("tokenizer_config.json", R"({"do_lower_case": "yes"})");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"do_lower_case"});
}

TEST_F(TokenizerFiles, RejectsUnsupportedModel) {
  write("tokenizer.json", R"({"model": {"type": "WordLevel", "vocab": {}}})");
  expect_error(ce::ErrorCode::UnsupportedTokenizer, {"WordLevel", "WordPiece"});
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
  const auto tok = load();
  EXPECT_EQ(tok->vocab_size(), 6u);
  EXPECT_EQ(tok->encode_text("zzz"), (std::vector<int32_t>{1}));  // unknown: the [UNK] id
  EXPECT_EQ(tok->encode_pair("", "", 3).input_ids.front(), 2);   // [CLS]
  EXPECT_EQ(tok->encode_text("hello"), (std::vector<int32_t>{4}));
  write("vocab.txt", std::string("[PAD]\n[UNK]\n[CLS]\n[SEP]\nbad\xFF\n"));
  expect_error(ce::ErrorCode::InvalidTokenizer, {"vocab.txt", "line 5", "UTF-8"});
}

TEST_F(TokenizerFiles, SpecialTokensFromConfigAsStringsOrObjects) {
  write("vocab.txt", "<pad>\n<unk>\n<s>\n</s>\nhello\n");
  write("special_tokens_map.json", R"({"unk_token": {"content": "<unk>", "lstrip": false}, "pad_token": "<pad>"})");
  write("tokenizer_config.json", R"({"cls_token": {"content": "<s>"}, "sep_token": "</s>", "model_max_length": 1e30})");
  const auto tok = load();
  EXPECT_EQ(tok->encode_text("<pad>"), (std::vector<int32_t>{0}));  // pad_token is an added token
  EXPECT_EQ(tok->encode_text("zzz"), (std::vector<int32_t>{1}));    // unk
  EXPECT_EQ(tok->encode_pair("", "", 3).input_ids, (std::vector<int32_t>{2, 3, 3}));  // cls, sep
  EXPECT_FALSE(tok->model_max_length().has_value());  // 1e30 means "unknown"
  EXPECT_EQ(tok->encode_text("hello </s>"), (std::vector<int32_t>{4, 3}));  // special tokens match raw text
  write("tokenizer_config.json", R"({"cls_token": 5})");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"cls_token"});
}

TEST_F(TokenizerFiles, ConfigFlagsAndMaxLength) {
  write("vocab.txt", kVocab);
  write("tokenizer_config.json", R"({"do_lower_case": false, "tokenize_chinese_chars": false,
                                     "strip_accents": true, "model_max_length": 256})");
  const auto o = options();
  EXPECT_FALSE(o.lowercase);
  EXPECT_FALSE(o.handle_chinese_chars);
  EXPECT_EQ(o.strip_accents, std::optional<bool>(true));
  EXPECT_EQ(o.model_max_length, std::optional<size_t>(256));
  EXPECT_EQ(load()->model_max_length(), std::optional<size_t>(256));
  EXPECT_EQ(load()->encode_text("Hello"), (std::vector<int32_t>{1}));  // cased: "Hello" is not in the vocab
}

TEST_F(TokenizerFiles, BareTokenizerJsonKeepsItsNormalizer) {
  write("tokenizer.json", wordpiece_json(R"({"type": "BertNormalizer", "lowercase": false, "clean_text": true,
                                             "handle_chinese_chars": true, "strip_accents": null})"));
  EXPECT_FALSE(options().lowercase);
  EXPECT_EQ(load()->encode_text("Hello[SEP]hello"), (std::vector<int32_t>{4, 3, 5}));
  // With a tokenizer_config.json, transformers 5 builds BertTokenizer, whose normalizer ignores the json's.
  write("tokenizer_config.json", R"({"tokenizer_class": "BertTokenizer"})");
  EXPECT_TRUE(options().lowercase);
  EXPECT_EQ(load()->encode_text("Hello"), (std::vector<int32_t>{5}));
}

TEST_F(TokenizerFiles, TokenizerClassDecidesWhoseNormalizerWins) {
  write("tokenizer.json", wordpiece_json(R"({"type": "BertNormalizer", "lowercase": false})"));
  write("tokenizer_config.json", R"({"tokenizer_class": "PreTrainedTokenizerFast"})");
  EXPECT_FALSE(options().lowercase);
  write("tokenizer_config.json", R"({"model_max_length": 512})");  // no class and no config.json: verbatim
  EXPECT_FALSE(options().lowercase);
  write("config.json", R"({"model_type": "bert"})");  // AutoTokenizer then picks BertTokenizer
  EXPECT_TRUE(options().lowercase);
  write("tokenizer_config.json", R"({"tokenizer_class": "MPNetTokenizer"})");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"tokenizer_config.json", "MPNetTokenizer"});
}

TEST_F(TokenizerFiles, BareTokenizerJsonRejectsOtherPipelines) {
  write("tokenizer.json", wordpiece_json(R"({"type": "Sequence", "normalizers": []})"));
  expect_error(ce::ErrorCode::UnsupportedTokenizer, {"tokenizer.json", "BertNormalizer"});
}

TEST(TokenizerFixtures, BertBaseUncasedVocab) {
  const auto tok = ce::load_tokenizer(std::string(CE_SOURCE_DIR) + "/test/fixtures/tokenizer/uncased");
  EXPECT_EQ(tok->vocab_size(), 30522u);
  EXPECT_EQ(tok->token_to_id("[PAD]"), 0);
  EXPECT_EQ(tok->encode_text(std::string(101, 'x')), (std::vector<int32_t>{100}));  // too long a word: [UNK]
  EXPECT_EQ(tok->encode_pair("", "", 3).input_ids, (std::vector<int32_t>{101, 102, 102}));
  EXPECT_EQ(tok->num_special_tokens_pair(), 3u);
  EXPECT_EQ(tok->model_max_length(), std::optional<size_t>(512));
}

}  // namespace

// model.vocab is read by a streaming path (not the JSON document): it must keep a JSON object's meaning.
TEST_F(TokenizerFiles, TokenizerJsonVocabKeepsObjectSemantics) {
  auto with_vocab = [](const std::string& vocab) {
    return R"({"model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": )" + vocab +
           R"(}, "normalizer": null, "pre_tokenizer": {"type": "BertPreTokenizer"},
              "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]}})";
  };
  // A repeated key keeps its last id; a nested "vocab" elsewhere is not the vocabulary.
  write("tokenizer.json", with_vocab(R"({"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "b": 4, "a": 5, "b": 6,
                                         "x": {"vocab": {"zzz": 7}}})"));
  try {
    ce::load_tokenizer(dir_.string());
    FAIL() << "a nested object is not a valid id";
  } catch (const ce::Error& e) {
    EXPECT_NE(std::string(e.what()).find("model.vocab[\"x\"]"), std::string::npos) << e.what();
  }
  write("tokenizer.json", with_vocab(R"({"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "b": 4, "a": 5, "b": 6})"));
  auto tok = load();
  EXPECT_EQ(tok->vocab_size(), 7u);
  EXPECT_EQ(tok->encode_text("a b"), (std::vector<int32_t>{5, 6}));
  // Two tokens with one id: the greater token (the later one in key order) holds the id.
  write("tokenizer.json", with_vocab(R"({"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "q": 4, "p": 4})"));
  tok = load();
  EXPECT_EQ(tok->encode_text("p q"), (std::vector<int32_t>{1, 4}));
  for (const char* bad : {R"("s")", "-1", "2.5", "[1]", "16777216"}) {
    write("tokenizer.json", with_vocab(std::string(R"({"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "w": )") + bad + "}"));
    expect_error(ce::ErrorCode::InvalidTokenizer, {"model.vocab[\"w\"] is not a valid id"});
  }
  // Only the last "model" object counts.
  write("tokenizer.json", R"({"model": {"type": "WordPiece", "vocab": {"old": 0}}, )" + with_vocab(
                              R"({"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "new": 4})").substr(1));
  tok = load();
  EXPECT_EQ(tok->vocab_size(), 5u);
  EXPECT_EQ(tok->encode_text("new old"), (std::vector<int32_t>{4, 1}));
}

// The factory: tokenizer.json's model type picks the family; what we lack is named, never replaced by BERT's.
TEST_F(TokenizerFiles, UnsupportedModelTypeIsNamed) {
  write("tokenizer.json", R"({"model": {"type": "WordLevel", "vocab": {"<s>": 0}, "unk_token": "<s>"}})");
  expect_error(ce::ErrorCode::UnsupportedTokenizer, {"tokenizer.json", "model type 'WordLevel' is not supported yet"});
  write("tokenizer.json", R"({"model": {"vocab": {}}})");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"tokenizer.json", "model has no string \"type\""});
  write("tokenizer.json", R"({"normalizer": null})");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"tokenizer.json", "no \"model\" object"});
}

TEST_F(TokenizerFiles, VocabTxtOnlyIsBertWordPiece) {
  write("vocab.txt", kVocab);
  const auto tok = load();
  EXPECT_EQ(tok->num_special_tokens_pair(), 3u);
  EXPECT_EQ(tok->vocab_size(), 8u);
  EXPECT_FALSE(tok->model_max_length().has_value());
  const auto enc = tok->encode_pair("Hello worlds", "HELLO", 16);  // BertTokenizer lowercases by default
  EXPECT_EQ(enc.input_ids, (std::vector<int32_t>{2, 5, 6, 7, 3, 5, 3}));
  EXPECT_EQ(enc.token_type_ids, (std::vector<int32_t>{0, 0, 0, 0, 0, 1, 1}));
}

TEST_F(TokenizerFiles, TokenizerJsonWordPieceTakesItsPairTemplate) {
  // The template's special tokens (with their ids) are the ones a pair gets, as in tokenizers.
  std::string json = wordpiece_json("null");
  const std::string bert_processing = R"({"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]})";
  json.replace(json.find(bert_processing), bert_processing.size(), R"({"type": "TemplateProcessing",
      "pair": [{"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
               {"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
               {"SpecialToken": {"id": "[CLS]", "type_id": 1}}],
      "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                         "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}})");
  write("tokenizer.json", json);
  const auto tok = load();
  EXPECT_EQ(tok->encode_pair("Hello", "hello", 8).input_ids, (std::vector<int32_t>{3, 4, 2, 5, 2}));
  EXPECT_EQ(tok->encode_pair("Hello", "hello", 8).token_type_ids, (std::vector<int32_t>{0, 0, 0, 1, 1}));
  // An id outside the vocab is a broken file, not an out-of-range embedding lookup later.
  json.replace(json.find(R"("ids": [2])"), 10, R"("ids": [99])");
  write("tokenizer.json", json);
  expect_error(ce::ErrorCode::InvalidTokenizer, {"\"[CLS]\" has id 99", "outside the vocab"});
}

TEST_F(TokenizerFiles, UnsupportedComponentsAreNamed) {
  const std::string base = wordpiece_json("null");
  auto with = [&](const std::string& key, const std::string& old_value, const std::string& new_value) {
    std::string json = base;
    const size_t at = json.find("\"" + key + "\": " + old_value);
    EXPECT_NE(at, std::string::npos) << key;
    json.replace(at + key.size() + 4, old_value.size(), new_value);
    write("tokenizer.json", json);
  };
  const std::string bert_pre = R"({"type": "BertPreTokenizer"})";
  const std::string bert_post = R"({"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]})";
  with("pre_tokenizer", bert_pre, R"({"type": "Metaspace", "replacement": "\u2581"})");
  expect_error(ce::ErrorCode::UnsupportedTokenizer, {"tokenizer.json", "pre_tokenizer type 'Metaspace'"});
  with("pre_tokenizer", bert_pre, "null");
  expect_error(ce::ErrorCode::UnsupportedTokenizer, {"pre_tokenizer type 'null'"});
  with("post_processor", bert_post, R"({"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0]})");
  expect_error(ce::ErrorCode::UnsupportedTokenizer, {"tokenizer.json", "post_processor type 'RobertaProcessing'"});
  with("post_processor", bert_post, "null");
  expect_error(ce::ErrorCode::UnsupportedTokenizer, {"post_processor type 'null'"});
  // XLM-R's template: <s> $A </s> </s> $B </s>.
  with("post_processor", bert_post, R"({"type": "TemplateProcessing",
      "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
               {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
               {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
      "special_tokens": {}})");
  expect_error(ce::ErrorCode::UnsupportedTokenizer,
               {"TemplateProcessing pair template '[CLS]:0 $A:0 [SEP]:0 [SEP]:0 $B:0 [SEP]:0'"});
  with("post_processor", bert_post, R"({"sep": ["[SEP]", 3]})");
  expect_error(ce::ErrorCode::InvalidTokenizer, {"post_processor has no string \"type\""});
  // With a BERT tokenizer_class transformers rebuilds the pipeline, so the json's components do not matter.
  with("pre_tokenizer", bert_pre, R"({"type": "Metaspace"})");
  write("tokenizer_config.json", R"({"tokenizer_class": "BertTokenizer"})");
  EXPECT_EQ(load()->encode_text("hello"), (std::vector<int32_t>{5}));
}

// Every file goes through the checked read: no hang on a FIFO, no reading a directory, a size cap per kind.
TEST_F(TokenizerFiles, FilesAreReadChecked) {
  ASSERT_EQ(::mkfifo((dir_ / "tokenizer.json").c_str(), 0600), 0);
  expect_error(ce::ErrorCode::FileUnreadable, {"tokenizer.json", "not a regular file"});
  fs::remove(dir_ / "tokenizer.json");
  fs::create_directory(dir_ / "vocab.txt");
  expect_error(ce::ErrorCode::FileUnreadable, {"vocab.txt"});
  fs::remove(dir_ / "vocab.txt");
  write("vocab.txt", kVocab);
  ASSERT_EQ(::mkfifo((dir_ / "special_tokens_map.json").c_str(), 0600), 0);
  expect_error(ce::ErrorCode::FileUnreadable, {"special_tokens_map.json"});
  fs::remove(dir_ / "special_tokens_map.json");
  write("tokenizer_config.json", "{}");
  fs::resize_file(dir_ / "tokenizer_config.json", (size_t{16} << 20) + 1);  // sparse: nothing is written
  expect_error(ce::ErrorCode::FileUnreadable, {"tokenizer_config.json", "limit"});
  fs::remove(dir_ / "tokenizer_config.json");
  fs::resize_file(dir_ / "vocab.txt", (size_t{64} << 20) + 1);
  expect_error(ce::ErrorCode::FileUnreadable, {"vocab.txt", "limit"});
  write("tokenizer.json", "{}");
  fs::resize_file(dir_ / "tokenizer.json", (size_t{256} << 20) + 1);
  expect_error(ce::ErrorCode::FileUnreadable, {"tokenizer.json", "limit"});
}
