// libFuzzer target: the demo model's tokenizer on arbitrary bytes. The input is [max_length byte][a]\0[b]
// (no \0: all of it is a, b empty); every encoding must respect max_length and the pair template.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include "common/error.h"
#include "tokenizer/tokenizer_files.h"

namespace {

const ce::Tokenizer& demo_tokenizer() {
  static const std::shared_ptr<const ce::Tokenizer> tokenizer = ce::load_tokenizer(CE_SOURCE_DIR "/models/demo");
  return *tokenizer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ce::Tokenizer& tokenizer = demo_tokenizer();
  static const int32_t cls_id = *tokenizer.token_to_id("[CLS]"), sep_id = *tokenizer.token_to_id("[SEP]");
  if (size == 0) return 0;
  // 3..258: below 3 encode_pair must refuse (checked separately below), above it a long input is cut.
  const size_t max_length = 3 + data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t split = rest.find('\0');
  std::string_view a = rest.substr(0, split);
  std::string_view b = split == std::string_view::npos ? std::string_view() : rest.substr(split + 1);

  const ce::PairEncoding encoding = tokenizer.encode_pair(a, b, max_length);
  const auto& ids = encoding.input_ids;
  if (ids.size() > max_length || ids.size() < 3 || ids.size() != encoding.token_type_ids.size()) std::abort();
  if (ids.front() != cls_id || ids.back() != sep_id) std::abort();
  for (int32_t id : ids)
    if (id < 0 || static_cast<size_t>(id) >= tokenizer.vocab_size()) std::abort();
  // token_type_ids: 0s for [CLS] a [SEP], then 1s for b [SEP].
  for (size_t i = 1; i < ids.size(); ++i)
    if (encoding.token_type_ids[i] < encoding.token_type_ids[i - 1] || encoding.token_type_ids[i] > 1) std::abort();

  const auto single = tokenizer.encode_text(a);
  for (int32_t id : single)
    if (id < 0 || static_cast<size_t>(id) >= tokenizer.vocab_size()) std::abort();

  try {
    (void)tokenizer.encode_pair(a, b, data[0] % 3);
    std::abort();  // max_length < 3 must be refused
  } catch (const ce::Error& e) {
    if (e.code() != ce::ErrorCode::InvalidArgument) std::abort();
  }
  return 0;
}
