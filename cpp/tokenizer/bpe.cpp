// Bpe: vocab and merge tables, the per-character start (tokenizers' BPE::merge_word) and the priority-queue
// merge over a linked list of symbols (tokenizers' Word::merge_all, without dropout).
#include "tokenizer/bpe.h"

#include <algorithm>

#include "common/error.h"

namespace ce {
namespace {

size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  return 4;
}

struct Symbol {
  int32_t id;
  int32_t prev, next;  // -1 at the ends
  bool removed;
};

struct QueuedMerge {
  uint32_t rank;
  int32_t pos;
  int32_t new_id;
  // The heap pops the greatest: the lowest rank, then the leftmost position, is the greatest.
  bool operator<(const QueuedMerge& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
};

}  // namespace

Bpe::Bpe(const std::vector<std::pair<std::string, int32_t>>& vocab,
         const std::vector<std::pair<std::string, std::string>>& merges, BpeOptions options)
    : options_(std::move(options)) {
  vocab_.reserve(vocab.size());
  for (const auto& [token, id] : vocab) {
    if (id < 0) throw Error(ErrorCode::InvalidTokenizer, "BPE vocab token \"" + token + "\" has a negative id");
    vocab_.insert_or_assign(token, id);
    vocab_size_ = std::max(vocab_size_, static_cast<size_t>(id) + 1);
  }
  const std::string& prefix = options_.continuing_subword_prefix;
  merges_.reserve(merges.size());
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [a, b] = merges[rank];
    const std::string where = "BPE merge " + std::to_string(rank + 1) + " (\"" + a + "\" \"" + b + "\")";
    const int32_t a_id = token_to_id(a), b_id = token_to_id(b);
    if (a_id < 0 || b_id < 0) {
      throw Error(ErrorCode::InvalidTokenizer, where + ": \"" + (a_id < 0 ? a : b) + "\" is not in the vocab");
    }
    if (b.compare(0, prefix.size(), prefix) != 0) {
      throw Error(ErrorCode::InvalidTokenizer, where + ": the right part lacks the prefix \"" + prefix + "\"");
    }
    const std::string merged = a + b.substr(prefix.size());
    const int32_t new_id = token_to_id(merged);
    if (new_id < 0) throw Error(ErrorCode::InvalidTokenizer, where + ": \"" + merged + "\" is not in the vocab");
    // A repeated pair keeps its last rank, as tokenizers' map does.
    merges_.insert_or_assign(pair_key(a_id, b_id), Merge{static_cast<uint32_t>(rank), new_id});
  }
  if (options_.unk_token) unk_id_ = token_to_id(*options_.unk_token);
}

int32_t Bpe::token_to_id(std::string_view token) const {
  auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

const Bpe::Merge* Bpe::find_merge(int32_t a, int32_t b) const {
  auto it = merges_.find(pair_key(a, b));
  return it == merges_.end() ? nullptr : &it->second;
}

void Bpe::initial_symbols(std::string_view word, std::vector<int32_t>& ids) const {
  const std::string& prefix = options_.continuing_subword_prefix;
  const std::string& suffix = options_.end_of_word_suffix;
  bool pending_unk = false;  // an unk not yet emitted (fuse_unk extends it)
  std::string piece;
  for (size_t i = 0; i < word.size();) {
    const size_t len = std::min(utf8_length(static_cast<unsigned char>(word[i])), word.size() - i);
    const bool first = i == 0, last = i + len == word.size();
    std::string_view key = word.substr(i, len);
    if ((!first && !prefix.empty()) || (last && !suffix.empty())) {  // only then is the character copied
      piece.clear();
      if (!first) piece += prefix;
      piece.append(key);
      if (last) piece += suffix;
      key = piece;
    }
    i += len;
    if (const int32_t id = token_to_id(key); id >= 0) {
      if (pending_unk) ids.push_back(unk_id_);
      pending_unk = false;
      ids.push_back(id);
      continue;
    }
    if (options_.byte_fallback) {
      // Every byte of the piece (prefix and suffix included, as tokenizers does) as "<0xXX>", or none of them.
      const size_t start = ids.size();
      bool all = true;
      for (unsigned char byte : key) {
        static const char* kHex = "0123456789ABCDEF";
        const char name[7] = {'<', '0', 'x', kHex[byte >> 4], kHex[byte & 15], '>', 0};
        const int32_t id = token_to_id(name);
        if (id < 0) {
          all = false;
          break;
        }
        ids.push_back(id);
      }
      if (all) continue;  // tokenizers emits these without flushing a pending unk first
      ids.resize(start);
    }
    if (!options_.unk_token) continue;  // no unk token: the character is dropped
    if (unk_id_ < 0) {
      throw Error(ErrorCode::InvalidTokenizer, "BPE unk_token \"" + *options_.unk_token +
                                                   "\" is not in the vocab, and the text needs it");
    }
    if (pending_unk && !options_.fuse_unk) ids.push_back(unk_id_);
    pending_unk = true;
  }
  if (pending_unk) ids.push_back(unk_id_);
}

void Bpe::encode_word(std::string_view word, std::vector<int32_t>& out) const {
  if (word.empty()) return;
  if (options_.ignore_merges) {
    if (const int32_t id = token_to_id(word); id >= 0) {
      out.push_back(id);
      return;
    }
  }
  // Per-thread buffers: encode_word runs once per word, and concurrent encodes share the model.
  thread_local std::vector<int32_t> ids;
  thread_local std::vector<Symbol> symbols;
  thread_local std::vector<QueuedMerge> heap;
  ids.clear();
  initial_symbols(word, ids);
  if (ids.size() < 2) {
    out.insert(out.end(), ids.begin(), ids.end());
    return;
  }
  symbols.resize(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    symbols[i] = Symbol{ids[i], static_cast<int32_t>(i) - 1,
                        i + 1 < ids.size() ? static_cast<int32_t>(i + 1) : -1, false};
  }
  // A binary heap over `heap` (std::push_heap / pop_heap keep its storage between words).
  heap.clear();
  auto push = [](QueuedMerge m) {
    heap.push_back(m);
    std::push_heap(heap.begin(), heap.end());
  };
  for (size_t i = 0; i + 1 < symbols.size(); ++i) {
    const Merge* m = find_merge(symbols[i].id, symbols[i + 1].id);
    if (m != nullptr) push({m->rank, static_cast<int32_t>(i), m->new_id});
  }
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end());
    const QueuedMerge top = heap.back();
    heap.pop_back();
    Symbol& left = symbols[top.pos];
    if (left.removed || left.next < 0) continue;
    Symbol& right = symbols[left.next];
    // A stale entry: the pair at this position changed since it was queued.
    const Merge* current = find_merge(left.id, right.id);
    if (current == nullptr || current->new_id != top.new_id) continue;
    left.id = top.new_id;
    right.removed = true;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = top.pos;
    if (left.prev >= 0) {
      if (const Merge* m = find_merge(symbols[left.prev].id, left.id)) push({m->rank, left.prev, m->new_id});
    }
    if (left.next >= 0) {
      if (const Merge* m = find_merge(left.id, symbols[left.next].id)) push({m->rank, top.pos, m->new_id});
    }
  }
  for (int32_t i = 0; i >= 0; i = symbols[i].next) out.push_back(symbols[i].id);
}

}  // namespace ce
