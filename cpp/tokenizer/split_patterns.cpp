// Hand-written matchers for the supported regexes: at each position the first alternative that matches wins
// (Oniguruma's leftmost, ordered alternation); \s is White_Space, \p{L} / \p{N} the letter / number categories.
#include "tokenizer/split_patterns.h"

#include "tokenizer/unicode.h"

namespace ce {

const char* const kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
const char* const kCl100kPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*)"
    R"(|\s*[\r\n]+|\s+(?!\S)|\s+)";

namespace {

using unicode::is_letter;
using unicode::is_number;
using unicode::is_whitespace;

bool is_other(char32_t c) { return !is_whitespace(c) && !is_letter(c) && !is_number(c); }
bool is_newline(char32_t c) { return c == '\r' || c == '\n'; }

// End of the run of code points from `i` that satisfy `pred`.
template <class Pred>
size_t run_end(std::u32string_view s, size_t i, Pred pred) {
  while (i < s.size() && pred(s[i])) ++i;
  return i;
}

// Length of a contraction 's 't 're 've 'm 'll 'd at i (0 if none). `fold`: case-insensitive (Unicode simple
// case folding, under which U+017F LATIN SMALL LETTER LONG S is also an s).
size_t contraction(std::u32string_view s, size_t i, bool fold) {
  if (s[i] != '\'' || i + 1 >= s.size()) return 0;
  auto is = [&](size_t k, char lower) {
    if (k >= s.size()) return false;
    const char32_t c = s[k];
    if (c == static_cast<char32_t>(lower)) return true;
    if (!fold) return false;
    return c == static_cast<char32_t>(lower - 32) || (lower == 's' && c == 0x17F);
  };
  if (is(i + 1, 's') || is(i + 1, 't') || is(i + 1, 'm') || is(i + 1, 'd')) return 2;
  if ((is(i + 1, 'r') && is(i + 2, 'e')) || (is(i + 1, 'v') && is(i + 2, 'e')) || (is(i + 1, 'l') && is(i + 2, 'l'))) {
    return 3;
  }
  return 0;
}

// \s+(?!\S)|\s+ at a whitespace position: the run, less its last code point when a non-space follows it and the
// run is longer than one (so that the last space goes with the next word).
size_t whitespace_tail(std::u32string_view s, size_t i) {
  const size_t end = run_end(s, i, is_whitespace);
  if (end < s.size() && end - i > 1) return end - 1 - i;
  return end - i;
}

class Gpt2Pattern final : public SplitPattern {
 public:
  void find_matches(std::u32string_view s, std::vector<PatternMatch>& out) const override {
    out.clear();
    for (size_t i = 0; i < s.size();) {
      const size_t n = match_at(s, i);
      out.push_back({i, i + n, true});
      i += n;
    }
  }

 private:
  static size_t match_at(std::u32string_view s, size_t i) {
    if (const size_t n = contraction(s, i, false)) return n;
    const size_t j = (s[i] == ' ' && i + 1 < s.size()) ? i + 1 : i;  // the optional leading space
    if (is_letter(s[j])) return run_end(s, j, is_letter) - i;
    if (is_number(s[j])) return run_end(s, j, is_number) - i;
    if (is_other(s[j])) return run_end(s, j, is_other) - i;
    return whitespace_tail(s, i);  // s[i] is whitespace here
  }
};

class Cl100kPattern final : public SplitPattern {
 public:
  void find_matches(std::u32string_view s, std::vector<PatternMatch>& out) const override {
    out.clear();
    for (size_t i = 0; i < s.size();) {
      const size_t n = match_at(s, i);
      out.push_back({i, i + n, true});
      i += n;
    }
  }

 private:
  static size_t match_at(std::u32string_view s, size_t i) {
    if (const size_t n = contraction(s, i, true)) return n;
    const char32_t c = s[i];
    // [^\r\n\p{L}\p{N}]?\p{L}+
    if (is_letter(c)) return run_end(s, i, is_letter) - i;
    if (!is_newline(c) && !is_number(c) && i + 1 < s.size() && is_letter(s[i + 1])) {
      return run_end(s, i + 1, is_letter) - i;
    }
    // \p{N}{1,3}
    if (is_number(c)) {
      size_t n = 1;
      while (n < 3 && i + n < s.size() && is_number(s[i + n])) ++n;
      return n;
    }
    // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
    const size_t j = (c == ' ' && i + 1 < s.size() && is_other(s[i + 1])) ? i + 1 : i;
    if (is_other(s[j])) return run_end(s, run_end(s, j, is_other), is_newline) - i;
    // \s*[\r\n]+ : the whitespace run up to and including its last \r or \n
    const size_t end = run_end(s, i, is_whitespace);
    for (size_t k = end; k-- > i;) {
      if (is_newline(s[k])) return k + 1 - i;
    }
    return whitespace_tail(s, i);
  }
};

// Occurrences are found with Knuth-Morris-Pratt: the literal comes from an untrusted file, and a naive search is
// O(text x literal) on inputs like "aaa...a" against "aa...ab".
class LiteralPattern final : public SplitPattern {
 public:
  explicit LiteralPattern(std::u32string literal) : literal_(std::move(literal)), failure_(literal_.size(), 0) {
    for (size_t i = 1, k = 0; i < literal_.size(); ++i) {
      while (k > 0 && literal_[i] != literal_[k]) k = failure_[k - 1];
      if (literal_[i] == literal_[k]) ++k;
      failure_[i] = k;
    }
  }
  void find_matches(std::u32string_view s, std::vector<PatternMatch>& out) const override {
    out.clear();
    size_t prev = 0;
    if (literal_.empty()) {
      // tokenizers compiles the escaped literal as a regex: an empty one matches (emptily) at every position.
      for (size_t i = 0; i < s.size(); ++i) {
        out.push_back({i, i, true});
        out.push_back({i, i + 1, false});
      }
      out.push_back({s.size(), s.size(), true});
      return;
    }
    // Non-overlapping, leftmost first: after a match the search restarts from its end.
    for (size_t i = 0, k = 0; i < s.size(); ++i) {
      while (k > 0 && s[i] != literal_[k]) k = failure_[k - 1];
      if (s[i] == literal_[k]) ++k;
      if (k == literal_.size()) {
        const size_t at = i + 1 - k;
        if (at > prev) out.push_back({prev, at, false});
        out.push_back({at, i + 1, true});
        prev = i + 1;
        k = 0;
      }
    }
    if (prev < s.size()) out.push_back({prev, s.size(), false});
  }

 private:
  std::u32string literal_;
  std::vector<size_t> failure_;  // KMP: length of the longest proper border of literal_[0, i]
};

class CharPattern final : public SplitPattern {
 public:
  explicit CharPattern(std::function<bool(char32_t)> predicate) : predicate_(std::move(predicate)) {}
  void find_matches(std::u32string_view s, std::vector<PatternMatch>& out) const override {
    out.clear();
    size_t prev = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (!predicate_(s[i])) continue;
      if (i > prev) out.push_back({prev, i, false});
      out.push_back({i, i + 1, true});
      prev = i + 1;
    }
    if (prev < s.size()) out.push_back({prev, s.size(), false});
  }

 private:
  std::function<bool(char32_t)> predicate_;
};

}  // namespace

std::unique_ptr<const SplitPattern> gpt2_pattern() { return std::make_unique<const Gpt2Pattern>(); }

std::unique_ptr<const SplitPattern> regex_pattern(const std::string& regex) {
  if (regex == kGpt2Pattern) return gpt2_pattern();
  if (regex == kCl100kPattern) return std::make_unique<const Cl100kPattern>();
  return nullptr;
}

std::unique_ptr<const SplitPattern> literal_pattern(const std::u32string& literal) {
  return std::make_unique<const LiteralPattern>(literal);
}

std::unique_ptr<const SplitPattern> char_pattern(std::function<bool(char32_t)> predicate) {
  return std::make_unique<const CharPattern>(std::move(predicate));
}

}  // namespace ce
