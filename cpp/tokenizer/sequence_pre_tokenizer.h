// HF tokenizers' `Sequence` pre-tokenizer: each pre-tokenizer splits every piece the previous one produced.
#pragma once

#include <memory>
#include <vector>

#include "tokenizer/splitting_pre_tokenizer.h"

namespace ce {

class SequencePreTokenizer final : public SplittingPreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<const PreTokenizer>> steps) : steps_(std::move(steps)) {}
  void split(const PreTokenPiece& piece, std::vector<PreTokenPiece>& out) const override;

 private:
  std::vector<std::unique_ptr<const PreTokenizer>> steps_;
};

}  // namespace ce
