// Unicode normalization (UAX #15): full decomposition (canonical, or compatibility for NFK*), canonical ordering
// of combining marks, then canonical composition for NFC / NFKC. Hangul syllables are done algorithmically.
#include "tokenizer/nfx_normalizer.h"

#include <algorithm>
#include <vector>

#include "tokenizer/normalization_data.h"
#include "tokenizer/unicode.h"

namespace ce {
namespace {

using namespace ce::unicode_data;

constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28, kSCount = kLCount * kVCount * kTCount;

void append_compat_decomposition(char32_t c, std::u32string& out) {
  if (c >= 0xA0) {
    const CodePointMapping* end = kCompatDecomposition + kCompatDecompositionSize;
    const CodePointMapping* it = std::lower_bound(kCompatDecomposition, end, c,
                                                  [](const CodePointMapping& m, char32_t v) { return m.cp < v; });
    if (it != end && it->cp == c) {
      out.append(kCompatDecompositionPool + it->offset, it->length);
      return;
    }
  }
  unicode::append_decomposition(c, out);
}

// The composite of a starter and a following character, or 0.
char32_t compose_pair(char32_t a, char32_t b) {
  if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount) {
    return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
  }
  if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase && b < kTBase + kTCount) {
    return a + (b - kTBase);
  }
  const Composition* end = kComposition + kCompositionSize;
  const Composition* it = std::lower_bound(kComposition, end, std::make_pair(a, b), [](const Composition& e, auto v) {
    return e.first != v.first ? e.first < v.first : e.second < v.second;
  });
  return (it != end && it->first == a && it->second == b) ? it->composite : 0;
}

// Stable sort of each run of non-starters by combining class (a text may hold a run of any length, so a real sort,
// not insertion sort, whose quadratic worst case a hostile text could reach).
void canonical_order(std::u32string& s) {
  std::vector<std::pair<unsigned, char32_t>> run;
  for (size_t i = 0; i < s.size();) {
    if (unicode::combining_class(s[i]) == 0) {
      ++i;
      continue;
    }
    size_t end = i;
    run.clear();
    for (; end < s.size(); ++end) {
      const unsigned cc = unicode::combining_class(s[end]);
      if (cc == 0) break;
      run.emplace_back(cc, s[end]);
    }
    if (run.size() > 1) {
      std::stable_sort(run.begin(), run.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (size_t k = 0; k < run.size(); ++k) s[i + k] = run[k].second;
    }
    i = end;
  }
}

void compose(std::u32string& s) {
  if (s.empty()) return;
  size_t out = 0;            // write position
  ptrdiff_t starter = -1;    // position (in the output) of the last starter
  unsigned last_cc = 0;      // class of the last character written after that starter
  for (size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    const unsigned cc = unicode::combining_class(c);
    if (starter >= 0) {
      // c is not blocked from the starter: it is adjacent to it, or every character between has a lower,
      // non-zero class.
      const bool adjacent = static_cast<size_t>(starter) + 1 == out;
      if (adjacent || (last_cc != 0 && last_cc < cc)) {
        if (const char32_t composite = compose_pair(s[starter], c)) {
          s[starter] = composite;
          continue;
        }
      }
    }
    if (cc == 0) starter = static_cast<ptrdiff_t>(out);
    last_cc = cc;
    s[out++] = c;
  }
  s.resize(out);
}

}  // namespace

void unicode_normalize(const std::u32string& text, NormalizationForm form, std::u32string& out) {
  out.clear();
  out.reserve(text.size());
  const bool compat = form == NormalizationForm::NFKC || form == NormalizationForm::NFKD;
  for (char32_t c : text) {
    if (c < 0xA0) {
      out.push_back(c);
    } else if (compat) {
      append_compat_decomposition(c, out);
    } else {
      unicode::append_decomposition(c, out);
    }
  }
  canonical_order(out);
  if (form == NormalizationForm::NFC || form == NormalizationForm::NFKC) compose(out);
}

void NfxNormalizer::normalize(std::u32string& text, std::u32string& scratch) const {
  unicode_normalize(text, form_, scratch);
  text.swap(scratch);
}

}  // namespace ce
