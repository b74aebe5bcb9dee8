// read_unigram: the Unigram model as tokenizers' serde reads it.
#include "tokenizer/unigram_json.h"

#include "common/error.h"
#include "tokenizer/json_fields.h"

namespace ce {
namespace {

using namespace json_fields;

Error invalid(const TokenizerJson& t, const std::string& what) { return tokenizer_json_invalid(t, what); }

}  // namespace

std::vector<std::pair<std::string, double>> read_unigram_pieces(const TokenizerJson& t) {
  auto model = t.doc.find("model");
  if (model == t.doc.end() || !model->is_object()) throw invalid(t, "no \"model\" object");
  auto vocab = model->find("vocab");
  if (vocab == model->end() || !vocab->is_array()) {
    throw invalid(t, "model.vocab must be an array of [piece, score] (Unigram)");
  }
  std::vector<std::pair<std::string, double>> pieces;
  pieces.reserve(vocab->size());
  for (const Json& entry : *vocab) {
    if (!entry.is_array() || entry.size() != 2 || !entry[0].is_string() || !entry[1].is_number()) {
      throw invalid(t, "model.vocab[" + std::to_string(pieces.size()) + "] is not a [piece, score] pair");
    }
    pieces.emplace_back(entry[0].get_ref<const std::string&>(), entry[1].get<double>());
  }
  return pieces;
}

std::unique_ptr<const Unigram> read_unigram(const TokenizerJson& t) {
  auto model = t.doc.find("model");
  if (model == t.doc.end() || !model->is_object()) throw invalid(t, "no \"model\" object");
  UnigramOptions options;
  if (auto unk = model->find("unk_id"); unk != model->end() && !unk->is_null()) {
    if (!unk->is_number_integer()) throw invalid(t, "model.unk_id must be an integer or null");
    const std::optional<int64_t> id = unk->get_integer<int64_t>();
    if (!id || *id < 0 || *id >= (int64_t{1} << 30)) {
      throw invalid(t, "model.unk_id " + unk->dump() + " is out of range");
    }
    const int64_t v = *id;
    options.unk_id = static_cast<int32_t>(v);
  }
  options.byte_fallback = bool_field(t, *model, "byte_fallback", "model", false);
  return std::make_unique<const Unigram>(read_unigram_pieces(t), options, t.path);
}

}  // namespace ce
