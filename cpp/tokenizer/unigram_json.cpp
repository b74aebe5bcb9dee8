// read_unigram: the Unigram model as tokenizers' serde reads it.
#include "tokenizer/unigram_json.h"

#include "common/error.h"
#include "tokenizer/json_fields.h"

namespace ce {
namespace {

using nlohmann::json;
using namespace json_fields;

Error invalid(const TokenizerJson& t, const std::string& what) { return tokenizer_json_invalid(t, what); }

}  // namespace

std::vector<std::pair<std::string, double>> read_unigram_pieces(const TokenizerJson& t) {
  if (!t.has_piece_entries) throw invalid(t, "model.vocab must be an array of [piece, score] (Unigram)");
  if (t.bad_piece_entry) {
    throw invalid(t, "model.vocab[" + std::to_string(*t.bad_piece_entry) + "] is not a [piece, score] pair");
  }
  return t.piece_entries;
}

std::unique_ptr<const Unigram> read_unigram(const TokenizerJson& t) {
  auto model = t.doc.find("model");
  if (model == t.doc.end() || !model->is_object()) throw invalid(t, "no \"model\" object");
  UnigramOptions options;
  if (auto unk = model->find("unk_id"); unk != model->end() && !unk->is_null()) {
    if (!unk->is_number_integer()) throw invalid(t, "model.unk_id must be an integer or null");
    const int64_t v = unk->get<int64_t>();
    if (v < 0 || v >= (int64_t{1} << 30)) throw invalid(t, "model.unk_id " + std::to_string(v) + " is out of range");
    options.unk_id = static_cast<int32_t>(v);
  }
  options.byte_fallback = bool_field(t, *model, "byte_fallback", "model", false);
  return std::make_unique<const Unigram>(read_unigram_pieces(t), options, t.path);
}

}  // namespace ce
