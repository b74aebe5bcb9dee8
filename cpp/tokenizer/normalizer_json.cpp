// read_normalizer: NFC / NFD / NFKC / NFKD (no fields), or none.
#include "tokenizer/normalizer_json.h"

#include "tokenizer/nfx_normalizer.h"

namespace ce {

std::unique_ptr<const Normalizer> read_normalizer(const TokenizerJson& t) {
  auto norm = t.doc.find("normalizer");
  if (norm == t.doc.end() || norm->is_null()) return nullptr;
  const std::string type = tokenizer_json_component_type(t, *norm, "normalizer");
  if (type == "NFC") return std::make_unique<const NfxNormalizer>(NormalizationForm::NFC);
  if (type == "NFD") return std::make_unique<const NfxNormalizer>(NormalizationForm::NFD);
  if (type == "NFKC") return std::make_unique<const NfxNormalizer>(NormalizationForm::NFKC);
  if (type == "NFKD") return std::make_unique<const NfxNormalizer>(NormalizationForm::NFKD);
  throw tokenizer_json_unsupported(t, "normalizer type", type, "NFC, NFD, NFKC, NFKD");
}

}  // namespace ce
