// BertPairTemplate: the two texts truncated to the budget left after the 3 special tokens, then framed.
#include "tokenizer/bert_pair_template.h"

#include <algorithm>

#include "tokenizer/truncation.h"

namespace ce {

PairEncoding BertPairTemplate::process_pair(const std::vector<int32_t>& a, const std::vector<int32_t>& b,
                                            size_t max_length) const {
  const size_t special = num_special_tokens_pair();
  const PairLengths keep = longest_first(a.size(), b.size(), max_length - special);
  PairEncoding enc;
  enc.truncated = keep.a < a.size() || keep.b < b.size();
  enc.input_ids.reserve(keep.a + keep.b + special);
  enc.input_ids.push_back(cls_id_);
  enc.input_ids.insert(enc.input_ids.end(), a.begin(), a.begin() + static_cast<ptrdiff_t>(keep.a));
  enc.input_ids.push_back(sep_id_);
  const size_t first_len = enc.input_ids.size();
  enc.input_ids.insert(enc.input_ids.end(), b.begin(), b.begin() + static_cast<ptrdiff_t>(keep.b));
  enc.input_ids.push_back(sep_id_);
  enc.token_type_ids.assign(enc.input_ids.size(), 1);
  std::fill(enc.token_type_ids.begin(), enc.token_type_ids.begin() + static_cast<ptrdiff_t>(first_len), 0);
  return enc;
}

}  // namespace ce
