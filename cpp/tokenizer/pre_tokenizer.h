// Pre-tokenizer stage of a tokenizer pipeline (HF tokenizers' `pre_tokenizer`): normalized text -> words.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ce {

// The words of one text as UTF-8, packed into one buffer (one allocation per text, not one per word). A word is
// what the model tokenizes: a pre-tokenizer may rewrite it (Metaspace's "▁", ByteLevel's byte alphabet).
class PreTokenizedWords {
 public:
  void clear() {
    text_.clear();
    ends_.clear();
  }
  // The word being built is appended (as UTF-8) to text(); finish_word() closes it (an empty word is dropped).
  std::string& text() { return text_; }
  void finish_word() {
    const uint32_t begin = ends_.empty() ? 0 : ends_.back();
    if (text_.size() > begin) ends_.push_back(static_cast<uint32_t>(text_.size()));
  }
  size_t size() const { return ends_.size(); }
  std::string_view operator[](size_t i) const {
    const uint32_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(text_).substr(begin, ends_[i] - begin);
  }

 private:
  std::string text_;
  std::vector<uint32_t> ends_;  // word i is text_[ends_[i-1], ends_[i])
};

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Replaces `words` with the words of the normalized `text`.
  virtual void pre_tokenize(const std::u32string& text, PreTokenizedWords& words) const = 0;
  // The same for one piece of a text that added tokens split: `at_text_start` says whether the piece begins the
  // original text (tokenizers' offsets_original().0 == 0, which Metaspace's prepend_scheme "first" asks).
  virtual void pre_tokenize_piece(const std::u32string& text, bool at_text_start, PreTokenizedWords& words) const {
    (void)at_text_start;
    pre_tokenize(text, words);
  }
};

}  // namespace ce
