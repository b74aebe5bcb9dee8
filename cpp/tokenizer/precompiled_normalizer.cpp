// PrecompiledNormalizer: the double-array walk (darts-clone's unit layout) and tokenizers' grapheme rule: a cluster
// shorter than 6 UTF-8 bytes is looked up whole first, otherwise (or when that fails) char by char.
#include "tokenizer/precompiled_normalizer.h"

#include <cstring>

#include "common/error.h"
#include "tokenizer/segmentation.h"
#include "tokenizer/utf8.h"

namespace ce {
namespace {

// darts-clone unit fields.
bool has_leaf(uint32_t unit) { return (unit >> 8) & 1; }
uint32_t value(uint32_t unit) { return unit & ((1u << 31) - 1); }
uint32_t label(uint32_t unit) { return unit & ((1u << 31) | 0xFF); }
uint32_t offset(uint32_t unit) { return (unit >> 10) << ((unit & (1u << 9)) >> 6); }

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

PrecompiledNormalizer::PrecompiledNormalizer(std::string_view charsmap, const std::string& where) : where_(where) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorCode::InvalidTokenizer, where + ": precompiled_charsmap " + why);
  };
  if (charsmap.size() < 4) throw bad("is shorter than its 4-byte header");
  uint32_t trie_bytes = 0;
  for (int i = 3; i >= 0; --i) trie_bytes = (trie_bytes << 8) | static_cast<unsigned char>(charsmap[i]);
  if (trie_bytes % 4 != 0 || trie_bytes == 0 || trie_bytes > charsmap.size() - 4) {
    throw bad("declares a trie of " + std::to_string(trie_bytes) + " bytes in a blob of " +
              std::to_string(charsmap.size()) + " (must be a non-zero multiple of 4 that fits)");
  }
  units_.resize(trie_bytes / 4);
  for (size_t u = 0; u < units_.size(); ++u) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(charsmap.data()) + 4 + 4 * u;
    units_[u] = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
  }
  pool_.assign(charsmap.substr(4 + trie_bytes));
  std::u32string decoded;
  utf8::decode(pool_, decoded);
  std::string reencoded;
  for (char32_t c : decoded) utf8::append(c, reencoded);
  if (reencoded != pool_) throw bad("has a replacement pool that is not valid UTF-8");
}

bool PrecompiledNormalizer::transform(std::string_view chunk, std::string_view& replacement) const {
  auto corrupt = [&]() {
    return Error(ErrorCode::InvalidTokenizer, where_ + ": precompiled_charsmap has a trie offset outside its " +
                                                  std::to_string(units_.size()) + " units");
  };
  size_t node = offset(units_[0]);
  for (const char ch : chunk) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte == 0) return false;  // darts-clone keys end at NUL
    node ^= byte;
    if (node >= units_.size()) throw corrupt();
    const uint32_t unit = units_[node];
    if (label(unit) != byte) return false;
    node ^= offset(unit);
    if (node >= units_.size()) throw corrupt();
    if (has_leaf(unit)) {
      // The first (shortest) key found wins, as in tokenizers.
      const uint32_t start = value(units_[node]);
      if (start > pool_.size() || (start < pool_.size() && is_continuation_byte(pool_[start]))) {
        throw Error(ErrorCode::InvalidTokenizer, where_ + ": precompiled_charsmap has a replacement offset " +
                                                     std::to_string(start) + " that is not a character of its " +
                                                     std::to_string(pool_.size()) + "-byte pool");
      }
      size_t end = pool_.find('\0', start);
      if (end == std::string::npos) end = pool_.size();
      replacement = std::string_view(pool_).substr(start, end - start);
      return true;
    }
  }
  return false;
}

void PrecompiledNormalizer::normalize(std::u32string& text, std::u32string& scratch) const {
  scratch.clear();
  std::string chunk;
  std::string_view replacement;
  std::u32string decoded;
  auto append_replacement = [&]() {
    utf8::decode(replacement, decoded);
    scratch += decoded;
  };
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = segmentation::grapheme_end(text, begin);
    chunk.clear();
    for (size_t i = begin; i < end && chunk.size() < 6; ++i) utf8::append(text[i], chunk);
    if (chunk.size() < 6 && transform(chunk, replacement)) {
      append_replacement();
    } else {
      for (size_t i = begin; i < end; ++i) {
        chunk.clear();
        utf8::append(text[i], chunk);
        if (transform(chunk, replacement)) {
          append_replacement();
        } else {
          scratch.push_back(text[i]);
        }
      }
    }
    begin = end;
  }
  text.swap(scratch);
}

}  // namespace ce
