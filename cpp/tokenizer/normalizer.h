// BertNormalizer: clean_text, handle_chinese_chars, strip_accents (NFD, drop Mn), lowercase -- HF's order.
#pragma once

#include <string>

namespace ce {

struct NormalizerFlags {
  bool clean_text = true;
  bool handle_chinese_chars = true;
  bool strip_accents = true;  // already resolved (HF: unset follows lowercase)
  bool lowercase = true;
};

// Normalizes `text` in place; `scratch` is a reusable buffer so repeated calls do not allocate.
void bert_normalize(const NormalizerFlags& flags, std::u32string& text, std::u32string& scratch);

// Canonical ordering: stable sort of each run of non-starters by combining class (part of NFD).
void canonical_order(std::u32string& text);

}  // namespace ce
