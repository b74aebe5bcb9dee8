// HF tokenizers' `Precompiled` normalizer: SentencePiece's precompiled_charsmap (a darts-clone double-array trie of
// UTF-8 keys + a pool of NUL-terminated replacements), applied per grapheme cluster exactly as tokenizers does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/normalizer.h"

namespace ce {

class PrecompiledNormalizer final : public Normalizer {
 public:
  // `charsmap` is the decoded blob: u32 trie byte size (little endian), the trie's u32 units, the replacement pool.
  // Throws ce::Error(InvalidTokenizer) naming `where` when the sizes do not add up, the pool is not UTF-8 or the
  // trie has no root. The trie's offsets are checked on every lookup (a corrupt one fails the encode, typed).
  PrecompiledNormalizer(std::string_view charsmap, const std::string& where);

  void normalize(std::u32string& text, std::u32string& scratch) const override;

  // The replacement of the shortest key that prefixes `chunk` (tokenizers' Precompiled::transform), or false.
  bool transform(std::string_view chunk, std::string_view& replacement) const;

 private:
  std::vector<uint32_t> units_;
  std::string pool_;
  std::string where_;
};

}  // namespace ce
