// TemplateProcessing: validation of the templates, the special-token budget, truncation and framing.
#include "tokenizer/template_processing.h"

#include "common/error.h"
#include "tokenizer/truncation.h"

namespace ce {
namespace {

size_t count_specials(const Template& pieces) {
  size_t n = 0;
  for (const TemplatePiece& p : pieces) n += p.ids.size();
  return n;
}

// HF's TemplateProcessing validation: the pair template must use both sequences (a repeated one is allowed and
// repeats the text); the single template may only use $A. Every special token needs at least one id.
void check_template(const Template& pieces, bool pair, const char* which) {
  bool a = false, b = false;
  for (const TemplatePiece& p : pieces) {
    a |= p.kind == TemplatePiece::Kind::SequenceA;
    b |= p.kind == TemplatePiece::Kind::SequenceB;
    if (p.kind == TemplatePiece::Kind::Special && p.ids.empty()) {
      throw Error(ErrorCode::InvalidTokenizer,
                  std::string("post-processor ") + which + " template: special token '" + p.name + "' has no ids");
    }
  }
  if (pair ? !(a && b) : b) {
    throw Error(ErrorCode::InvalidTokenizer, std::string("post-processor ") + which + " template '" +
                                                 TemplateProcessing::describe(pieces) + "' must " +
                                                 (pair ? "use both $A and $B" : "not use $B"));
  }
}

TemplatePiece special(const std::string& name, int32_t id, uint32_t type_id) {
  return TemplatePiece{TemplatePiece::Kind::Special, type_id, name, {id}};
}

TemplatePiece sequence(bool first, uint32_t type_id) {
  return TemplatePiece{first ? TemplatePiece::Kind::SequenceA : TemplatePiece::Kind::SequenceB, type_id,
                       first ? "$A" : "$B", {}};
}

}  // namespace

TemplateProcessing::TemplateProcessing(Template single, Template pair)
    : single_(std::move(single)), pair_(std::move(pair)) {
  check_template(single_, false, "single");
  check_template(pair_, true, "pair");
  special_single_ = count_specials(single_);
  special_pair_ = count_specials(pair_);
}

std::string TemplateProcessing::describe(const Template& pieces) {
  std::string out;
  for (const TemplatePiece& p : pieces) {
    if (!out.empty()) out += ' ';
    out += p.kind == TemplatePiece::Kind::SequenceA ? "a" : p.kind == TemplatePiece::Kind::SequenceB ? "b" : p.name;
  }
  return out;
}

PairEncoding TemplateProcessing::apply(const Template& pieces, const std::vector<int32_t>& a, size_t keep_a,
                                       const std::vector<int32_t>& b, size_t keep_b) const {
  PairEncoding enc;
  enc.truncated = keep_a < a.size() || keep_b < b.size();
  const size_t total = keep_a + keep_b + count_specials(pieces);
  enc.input_ids.reserve(total);
  enc.token_type_ids.reserve(total);
  for (const TemplatePiece& p : pieces) {
    const int32_t type = static_cast<int32_t>(p.type_id);
    if (p.kind == TemplatePiece::Kind::Special) {
      enc.input_ids.insert(enc.input_ids.end(), p.ids.begin(), p.ids.end());
      enc.token_type_ids.insert(enc.token_type_ids.end(), p.ids.size(), type);
      continue;
    }
    const bool first = p.kind == TemplatePiece::Kind::SequenceA;
    const std::vector<int32_t>& ids = first ? a : b;
    const size_t keep = first ? keep_a : keep_b;
    enc.input_ids.insert(enc.input_ids.end(), ids.begin(), ids.begin() + static_cast<ptrdiff_t>(keep));
    enc.token_type_ids.insert(enc.token_type_ids.end(), keep, type);
  }
  return enc;
}

PairEncoding TemplateProcessing::process_pair(const std::vector<int32_t>& a, const std::vector<int32_t>& b,
                                              size_t max_length) const {
  if (max_length < special_pair_) {
    throw Error(ErrorCode::InvalidArgument, "max_length must be at least " + std::to_string(special_pair_) +
                                                " for a pair (" + describe_pair() + "), got " +
                                                std::to_string(max_length));
  }
  const PairLengths keep = longest_first(a.size(), b.size(), max_length - special_pair_);
  return apply(pair_, a, keep.a, b, keep.b);
}

PairEncoding TemplateProcessing::process_single(const std::vector<int32_t>& ids) const {
  static const std::vector<int32_t> kNone;
  return apply(single_, ids, ids.size(), kNone, 0);
}

TemplateProcessing bert_processing(const std::string& cls, int32_t cls_id, const std::string& sep, int32_t sep_id) {
  return TemplateProcessing({special(cls, cls_id, 0), sequence(true, 0), special(sep, sep_id, 0)},
                            {special(cls, cls_id, 0), sequence(true, 0), special(sep, sep_id, 0), sequence(false, 1),
                             special(sep, sep_id, 1)});
}

TemplateProcessing roberta_processing(const std::string& cls, int32_t cls_id, const std::string& sep,
                                      int32_t sep_id) {
  return TemplateProcessing({special(cls, cls_id, 0), sequence(true, 0), special(sep, sep_id, 0)},
                            {special(cls, cls_id, 0), sequence(true, 0), special(sep, sep_id, 0),
                             special(sep, sep_id, 0), sequence(false, 0), special(sep, sep_id, 0)});
}

TemplateProcessing plain_processing() {
  return TemplateProcessing({sequence(true, 0)}, {sequence(true, 0), sequence(false, 1)});
}

}  // namespace ce
