// HF tokenizers' `Metaspace` pre-tokenizer (SentencePiece's view of spaces): ' ' becomes the replacement ("▁"),
// which is prepended per `prepend_scheme`, and with `split` the text is cut before each replacement character.
#pragma once

#include "tokenizer/splitting_pre_tokenizer.h"

namespace ce {

enum class PrependScheme { Always, First, Never };

class MetaspacePreTokenizer final : public SplittingPreTokenizer {
 public:
  MetaspacePreTokenizer(char32_t replacement, PrependScheme prepend_scheme, bool split)
      : replacement_(replacement), prepend_scheme_(prepend_scheme), split_(split) {}
  void split(const PreTokenPiece& piece, std::vector<PreTokenPiece>& out) const override;

 private:
  char32_t replacement_;
  PrependScheme prepend_scheme_;
  bool split_;
};

}  // namespace ce
