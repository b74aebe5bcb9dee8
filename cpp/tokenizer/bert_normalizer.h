// BertNormalizer: clean_text, handle_chinese_chars, strip_accents (NFD, drop Mn), lowercase -- HF's order.
#pragma once

#include <string>

#include "tokenizer/normalizer.h"

namespace ce {

struct NormalizerFlags {
  bool clean_text = true;
  bool handle_chinese_chars = true;
  bool strip_accents = true;  // already resolved (HF: unset follows lowercase)
  bool lowercase = true;
};

class BertNormalizer final : public Normalizer {
 public:
  explicit BertNormalizer(NormalizerFlags flags) : flags_(flags) {}
  void normalize(std::u32string& text, std::u32string& scratch) const override;

 private:
  NormalizerFlags flags_;
};

// Canonical ordering: stable sort of each run of non-starters by combining class (part of NFD).
void canonical_order(std::u32string& text);

}  // namespace ce
