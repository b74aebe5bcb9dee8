// BERT's pair template [CLS] a [SEP] b [SEP] (type ids 0 for [CLS] a [SEP], 1 for b [SEP]), longest_first truncation.
#pragma once

#include "tokenizer/post_processor.h"

namespace ce {

class BertPairTemplate final : public PostProcessor {
 public:
  BertPairTemplate(int32_t cls_id, int32_t sep_id) : cls_id_(cls_id), sep_id_(sep_id) {}
  size_t num_special_tokens_pair() const override { return 3; }
  std::string describe_pair() const override { return "[CLS] a [SEP] b [SEP]"; }
  PairEncoding process_pair(const std::vector<int32_t>& ids_a, const std::vector<int32_t>& ids_b,
                            size_t max_length) const override;

 private:
  int32_t cls_id_, sep_id_;
};

}  // namespace ce
