// The BERT family's registry entry: BertForSequenceClassification with WordPiece.
#include <memory>

#include "model/bert/bert_config.h"
#include "model/bert/bert_model.h"
#include "model/bert/bert_weights.h"
#include "model/registry.h"

namespace ce {

namespace {

struct BertFamilyConfig final : FamilyConfig {
  BertConfig config;
};

std::unique_ptr<FamilyConfig> parse(const Json& json, const std::string& source) {
  auto parsed = std::make_unique<BertFamilyConfig>();
  parsed->config = bert_config_from_json(json, source);
  parsed->info = bert_model_info(parsed->config);
  return parsed;
}

std::unique_ptr<SequenceClassifier> load(const FamilyConfig& config, const SafetensorsCheckpoint& checkpoint,
                                         const WeightLoadOptions& options) {
  const BertConfig& c = static_cast<const BertFamilyConfig&>(config).config;
  return std::make_unique<BertModel>(
      c, load_bert_weights(checkpoint, c, options.pool, options.embeddings_in_memory, options.precision));
}

}  // namespace

extern const ModelFamily kBertFamily;
const ModelFamily kBertFamily = {"bert", {"BertForSequenceClassification"}, {"bert"}, parse, load};

}  // namespace ce
