// The XLM-RoBERTa family's registry entry: XLMRobertaForSequenceClassification (bge-reranker, mmarco-mMiniLM;
// SentencePiece Unigram tokenizers). The modules are RoBERTa's; only the class name, model_type and the
// config defaults (vocab 30522) differ.
#include "model/roberta/roberta_family.h"

namespace ce {

namespace {

const RobertaVariant kXlmRoberta{"xlm-roberta", "XLMRobertaForSequenceClassification", "xlm-roberta",
                                 {30522, 768, 12, 12, 3072, 512, 2}};

std::unique_ptr<FamilyConfig> parse(const Json& json, const std::string& source) {
  return parse_roberta_family(json, source, kXlmRoberta);
}

}  // namespace

extern const ModelFamily kXlmRobertaFamily;
const ModelFamily kXlmRobertaFamily = {"xlm-roberta", {"XLMRobertaForSequenceClassification"}, {"xlm-roberta"},
                                       parse, load_roberta_family};

}  // namespace ce
