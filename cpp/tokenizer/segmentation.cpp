// Grapheme cluster boundaries (UAX #29 rules GB3-GB13, incl. GB9c Indic conjuncts) over the generated tables.
#include "tokenizer/segmentation.h"

#include <algorithm>

#include "tokenizer/segmentation_data.h"

namespace ce::segmentation {
namespace {

using namespace ce::segmentation_data;

enum Gcb : uint8_t { Other, CR, LF, Control, Extend, ZWJ, RegionalIndicator, Prepend, SpacingMark, L, V, T, LV, LVT };
enum InCB : uint8_t { NoInCB, Consonant, InCBExtend, Linker };

uint8_t lookup(const ValueRange* table, size_t size, char32_t c) {
  const ValueRange* end = table + size;
  const ValueRange* it = std::lower_bound(table, end, c, [](const ValueRange& r, char32_t v) { return r.hi < v; });
  return it != end && it->lo <= c ? it->value : 0;
}

Gcb gcb(char32_t c) {
  if (c < 0x7F) {  // ASCII: controls, CR, LF, else Other
    if (c == '\r') return CR;
    if (c == '\n') return LF;
    return c < 0x20 ? Control : Other;
  }
  return static_cast<Gcb>(lookup(kGraphemeBreak, kGraphemeBreakSize, c));
}
InCB incb(char32_t c) { return c < 0x300 ? NoInCB : static_cast<InCB>(lookup(kIndicConjunctBreak, kIndicConjunctBreakSize, c)); }
bool extended_pictographic(char32_t c) {
  return c >= 0xA9 && lookup(kExtendedPictographic, kExtendedPictographicSize, c) != 0;
}

bool is_control_like(Gcb g) { return g == Control || g == CR || g == LF; }

}  // namespace

bool is_word_character(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  return lookup(kWordCharacter, kWordCharacterSize, c) != 0;
}

bool is_mark(char32_t c) { return c >= 0x300 && lookup(kMark, kMarkSize, c) != 0; }

size_t grapheme_end(const std::u32string& text, size_t begin) {
  const size_t n = text.size();
  size_t i = begin;
  Gcb prev = gcb(text[i]);
  // State for GB9c (Consonant [Extend Linker]* Linker [Extend Linker]* x Consonant) and GB11 (ExtPict Extend* ZWJ x
  // ExtPict), and the count of regional indicators in the current run (GB12/13).
  bool conjunct_consonant = incb(text[i]) == Consonant, conjunct_linker = false;
  bool pictographic_run = extended_pictographic(text[i]), zwj_after_pictographic = false;
  size_t regional = prev == RegionalIndicator ? 1 : 0;
  for (++i; i < n; ++i) {
    const char32_t c = text[i];
    const Gcb cur = gcb(c);
    const InCB cur_incb = incb(c);
    bool join;
    if (prev == CR && cur == LF) {
      join = true;  // GB3
    } else if (is_control_like(prev) || is_control_like(cur)) {
      join = false;  // GB4, GB5
    } else if (prev == L && (cur == L || cur == V || cur == LV || cur == LVT)) {
      join = true;  // GB6
    } else if ((prev == LV || prev == V) && (cur == V || cur == T)) {
      join = true;  // GB7
    } else if ((prev == LVT || prev == T) && cur == T) {
      join = true;  // GB8
    } else if (cur == Extend || cur == ZWJ || cur == SpacingMark || prev == Prepend) {
      join = true;  // GB9, GB9a, GB9b
    } else if (cur_incb == Consonant && conjunct_consonant && conjunct_linker) {
      join = true;  // GB9c
    } else if (zwj_after_pictographic && extended_pictographic(c)) {
      join = true;  // GB11
    } else if (prev == RegionalIndicator && cur == RegionalIndicator && regional % 2 == 1) {
      join = true;  // GB12, GB13
    } else {
      join = false;  // GB999
    }
    if (!join) break;
    // Update the sequence states with c.
    if (cur_incb == Consonant) {
      conjunct_consonant = true;
      conjunct_linker = false;
    } else if (cur_incb == Linker) {
      conjunct_linker = conjunct_consonant;
    } else if (cur_incb != InCBExtend) {
      conjunct_consonant = conjunct_linker = false;
    }
    zwj_after_pictographic = cur == ZWJ && pictographic_run;
    if (extended_pictographic(c)) {
      pictographic_run = true;
    } else if (cur != Extend) {
      pictographic_run = false;
    }
    regional = cur == RegionalIndicator ? regional + 1 : 0;
    prev = cur;
  }
  return i;
}

}  // namespace ce::segmentation
