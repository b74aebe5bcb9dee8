// TemplateProcessing (HF tokenizers' general post-processor): single and pair templates of sequences ($A, $B) and
// special tokens, each piece with its type id. BERT's, RoBERTa's and the no-op processors are instances of it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tokenizer/post_processor.h"

namespace ce {

struct TemplatePiece {
  enum class Kind { SequenceA, SequenceB, Special };
  Kind kind = Kind::Special;
  uint32_t type_id = 0;
  std::string name;             // a special token's template name ("[CLS]"); "$A" / "$B" for a sequence
  std::vector<int32_t> ids;     // a special token's ids (HF allows several per name); empty for a sequence
};

using Template = std::vector<TemplatePiece>;

class TemplateProcessing final : public PostProcessor {
 public:
  // `pair` must use both $A and $B, `single` no $B, as HF requires; throws ce::Error(InvalidTokenizer) otherwise.
  TemplateProcessing(Template single, Template pair);

  size_t num_special_tokens_pair() const override { return special_pair_; }
  size_t num_special_tokens_single() const { return special_single_; }
  std::string describe_pair() const override { return describe(pair_); }
  // Truncates longest_first to max_length minus the pair's special tokens (HF truncates before post-processing,
  // with the budget the processor leaves), then applies the pair template.
  PairEncoding process_pair(const std::vector<int32_t>& ids_a, const std::vector<int32_t>& ids_b,
                            size_t max_length) const override;
  // The single template applied to `ids` (no truncation).
  PairEncoding process_single(const std::vector<int32_t>& ids) const;

  const Template& single_template() const { return single_; }
  const Template& pair_template() const { return pair_; }
  static std::string describe(const Template& pieces);

 private:
  PairEncoding apply(const Template& pieces, const std::vector<int32_t>& a, size_t keep_a,
                     const std::vector<int32_t>& b, size_t keep_b) const;

  Template single_, pair_;
  size_t special_single_ = 0, special_pair_ = 0;
};

// BertProcessing: [CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1 (single [CLS] $A [SEP]).
TemplateProcessing bert_processing(const std::string& cls, int32_t cls_id, const std::string& sep, int32_t sep_id);
// RobertaProcessing: <s> $A </s> </s> $B </s>, every type id 0 (single <s> $A </s>).
TemplateProcessing roberta_processing(const std::string& cls, int32_t cls_id, const std::string& sep, int32_t sep_id);
// No post-processor, or ByteLevel's (ids unchanged): $A:0 $B:1, no special tokens.
TemplateProcessing plain_processing();

}  // namespace ce
