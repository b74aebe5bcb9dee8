// Embedding rows summed in HF's order, normalised, optionally projected.
#include "model/blocks/embeddings.h"

#include <string>

#include "common/error.h"
#include "model/blocks/scratch_slots.h"

namespace ce {

namespace {

[[noreturn]] void bad(const char* model, const std::string& what) {
  throw Error(ErrorCode::InvalidArgument, std::string(model) + ": " + what);
}

void check_rows(size_t values, size_t rows, size_t width, const char* model, const char* name) {
  if (values != rows * width)
    bad(model, std::string("embedding table ") + name + " has " + std::to_string(values) + " values, expected " +
                   std::to_string(rows) + "x" + std::to_string(width));
}

}  // namespace

size_t EmbeddingsShape::max_sequence_length() const {
  if (position_ids == PositionIds::FromZero) return positions;
  const size_t offset = static_cast<size_t>(padding_idx) + 1;
  return positions > offset ? positions - offset : 0;
}

void check_embeddings(const EmbeddingsShape& s, const EmbeddingsWeights& w, size_t hidden, const char* model) {
  check_rows(w.word.size(), s.vocab, s.width, model, "word_embeddings");
  check_rows(w.position.size(), s.positions, s.width, model, "position_embeddings");
  check_rows(w.token_type.size(), s.token_types, s.width, model, "token_type_embeddings");
  if (s.token_types == 0) bad(model, "token_type_embeddings has no rows");
  if (w.norm.gamma.size() != s.width || w.norm.beta.size() != s.width)
    bad(model, "LayerNorm embeddings.LayerNorm does not have width " + std::to_string(s.width));
  if (s.position_ids == PositionIds::AfterPadding &&
      (s.padding_idx < 0 || static_cast<size_t>(s.padding_idx) >= s.vocab || s.max_sequence_length() == 0))
    bad(model, "padding_idx " + std::to_string(s.padding_idx) + " leaves no position for a token (vocab " +
                   std::to_string(s.vocab) + ", " + std::to_string(s.positions) + " positions)");
  const bool project = s.width != hidden;
  if (project != w.projection.has_value())
    bad(model, project ? "embeddings are " + std::to_string(s.width) + " wide but the hidden state is " +
                             std::to_string(hidden) + " and there is no embeddings_project layer"
                       : std::string("an embeddings_project layer is given but embeddings are as wide as the hidden state"));
  if (project && (w.projection->in_features != static_cast<int>(s.width) ||
                  w.projection->out_features != static_cast<int>(hidden)))
    bad(model, "embeddings_project is " + std::to_string(w.projection->out_features) + "x" +
                   std::to_string(w.projection->in_features) + ", expected " + std::to_string(hidden) + "x" +
                   std::to_string(s.width));
}

float* embed(const Ops& ops, const EmbeddingsShape& s, const EmbeddingsWeights& w, const PackedBatch& b,
             size_t hidden, ForwardScratch& scratch) {
  using namespace scratch_slots;
  const size_t rows = b.input_ids.size(), width = s.width;
  float* out = scratch.slot(w.projection ? kEmbed : kHs).get(rows * width);
  for (size_t seq = 0; seq + 1 < b.seq_offsets.size(); ++seq) {
    int32_t counted = 0;  // non-padding tokens so far (AfterPadding)
    for (int32_t r = b.seq_offsets[seq]; r < b.seq_offsets[seq + 1]; ++r) {
      float* o = out + static_cast<size_t>(r) * width;
      size_t position = static_cast<size_t>(r - b.seq_offsets[seq]);
      if (s.position_ids == PositionIds::AfterPadding)
        position = static_cast<size_t>(b.input_ids[r] == s.padding_idx ? s.padding_idx : s.padding_idx + ++counted);
      const size_t type_row = s.use_token_type_ids ? static_cast<size_t>(b.token_type_ids[r]) : 0;
      // A table read from the file lands in the output row itself.
      const float* word = w.word.row(static_cast<size_t>(b.input_ids[r]), o);
      const float* type = w.token_type.data() + type_row * width;
      const float* pos = w.position.data() + position * width;
      // Same association as HF's embeddings modules: (word + token_type) + position.
      for (size_t i = 0; i < width; ++i) o[i] = (word[i] + type[i]) + pos[i];
    }
  }
  ops.layer_norm(out, rows, width, w.norm.gamma.data(), w.norm.beta.data(), s.layer_norm_eps);
  if (!w.projection) return out;
  float* hs = scratch.slot(kHs).get(rows * hidden);
  ops.linear(*w.projection, out, rows, hs);
  return hs;
}

}  // namespace ce
