// Unigram: tokenizers' encode_optimized (best path ending at each byte; a later candidate replaces an earlier one
// only with a strictly higher score), then the path's pieces back to ids, with unknown runs fused.
#include "tokenizer/unigram.h"

#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "common/error.h"

namespace ce {
namespace {

constexpr double kUnkPenalty = 10.0;  // tokenizers' K_UNK_PENALTY

size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

struct BestPath {
  double score;
  int64_t starts_at;  // -1: no path ends here yet
  int32_t id;
};

}  // namespace

std::vector<std::string_view> piece_views(const std::vector<std::pair<std::string, double>>& pieces) {
  std::vector<std::string_view> views;
  views.reserve(pieces.size());
  for (const auto& p : pieces) views.emplace_back(p.first);
  return views;
}

namespace {
// Validates before the trie is built (it needs distinct, non-empty pieces).
std::vector<std::pair<std::string, double>> validated(std::vector<std::pair<std::string, double>> pieces,
                                                     const UnigramOptions& options, const std::string& where) {
  auto bad = [&](const std::string& why) { return Error(ErrorCode::InvalidTokenizer, where + ": Unigram " + why); };
  if (pieces.empty()) throw bad("vocab is empty (it needs at least the unk piece)");
  if (pieces.size() >= (1u << 30)) throw bad("vocab has too many pieces");
  if (options.unk_id && (*options.unk_id < 0 || static_cast<size_t>(*options.unk_id) >= pieces.size())) {
    throw bad("unk_id " + std::to_string(*options.unk_id) + " is outside the vocab of " +
              std::to_string(pieces.size()) + " pieces");
  }
  std::unordered_map<std::string_view, size_t> seen;
  seen.reserve(pieces.size());
  for (size_t id = 0; id < pieces.size(); ++id) {
    const auto& [piece, score] = pieces[id];
    if (piece.empty()) throw bad("vocab[" + std::to_string(id) + "] is an empty piece");
    if (!std::isfinite(score)) throw bad("vocab[" + std::to_string(id) + "] (\"" + piece + "\") has a score that is not finite");
    auto [it, inserted] = seen.emplace(piece, id);
    if (!inserted) {
      throw bad("vocab has the piece \"" + piece + "\" twice (ids " + std::to_string(it->second) + " and " +
                std::to_string(id) + ")");
    }
  }
  return pieces;
}
}  // namespace

Unigram::Unigram(std::vector<std::pair<std::string, double>> pieces, const UnigramOptions& options,
                 const std::string& where)
    : pieces_(validated(std::move(pieces), options, where)),
      options_(options),
      trie_(piece_views(pieces_)) {
  double min_score = INFINITY;
  for (const auto& p : pieces_) min_score = std::min(min_score, p.second);
  unk_score_ = min_score - kUnkPenalty;
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    byte_ids_[b] = trie_.find(name);
  }
}

void Unigram::emit(std::string_view segment, int32_t node_id, std::vector<int32_t>& out) const {
  if (!options_.unk_id || node_id != *options_.unk_id) {
    out.push_back(node_id);  // a piece of the vocab (pieces are distinct: its string maps back to this id)
    return;
  }
  // A fused unknown run: tokenizers looks its text up as a token first.
  if (const int32_t id = trie_.find(segment); id >= 0) {
    out.push_back(id);
    return;
  }
  if (options_.byte_fallback) {
    bool all = true;
    for (const char c : segment) all = all && byte_ids_[static_cast<unsigned char>(c)] >= 0;
    if (all) {
      for (const char c : segment) out.push_back(byte_ids_[static_cast<unsigned char>(c)]);
      return;
    }
  }
  out.push_back(*options_.unk_id);
}

void Unigram::encode_word(std::string_view word, std::vector<int32_t>& out) const {
  const size_t size = word.size();
  if (size == 0) return;
  thread_local std::vector<BestPath> best;
  best.assign(size + 1, BestPath{0.0, -1, 0});
  for (size_t starts_at = 0; starts_at < size;) {
    const double score_here = best[starts_at].score;
    const size_t char_length = std::min(utf8_length(static_cast<unsigned char>(word[starts_at])), size - starts_at);
    bool has_single_char_piece = false;
    trie_.for_each_prefix(word.substr(starts_at), [&](size_t length, int32_t id) {
      BestPath& target = best[starts_at + length];
      const double candidate = pieces_[id].second + score_here;
      if (target.starts_at < 0 || candidate > target.score) target = {candidate, static_cast<int64_t>(starts_at), id};
      if (length == char_length) has_single_char_piece = true;
    });
    if (!has_single_char_piece) {
      BestPath& target = best[starts_at + char_length];
      const double candidate = unk_score_ + score_here;
      if (target.starts_at < 0 || candidate > target.score) {
        if (!options_.unk_id) {
          throw Error(ErrorCode::InvalidArgument,
                      "the text contains \"" + std::string(word.substr(starts_at, char_length)) +
                          "\", which no piece of the tokenizer's Unigram vocab covers, and the model has no unk_id");
        }
        target = {candidate, static_cast<int64_t>(starts_at), *options_.unk_id};
      }
    }
    starts_at += char_length;
  }
  // Walk back from the end; segments come out last first.
  thread_local std::vector<std::pair<size_t, size_t>> segments;  // [begin, end) of each emitted segment
  thread_local std::vector<int32_t> segment_ids;
  segments.clear();
  segment_ids.clear();
  for (size_t ends_at = size; ends_at > 0;) {
    const BestPath& node = best[ends_at];
    const size_t begins_at = static_cast<size_t>(node.starts_at);
    const bool unk = options_.unk_id && node.id == *options_.unk_id;
    if (unk && options_.fuse_unk && !segment_ids.empty() && segment_ids.back() == node.id) {
      segments.back().first = begins_at;  // extend the fused run leftwards
    } else {
      segments.emplace_back(begins_at, ends_at);
      segment_ids.push_back(node.id);
    }
    ends_at = begins_at;
  }
  for (size_t s = segments.size(); s-- > 0;) {
    emit(word.substr(segments[s].first, segments[s].second - segments[s].first), segment_ids[s], out);
  }
}

}  // namespace ce
