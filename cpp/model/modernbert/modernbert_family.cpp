// The ModernBERT family's registry entry: ModernBertForSequenceClassification (e.g. gte-reranker-modernbert-base).
#include <memory>

#include "model/modernbert/modernbert_config.h"
#include "model/modernbert/modernbert_model.h"
#include "model/modernbert/modernbert_weights.h"
#include "model/registry.h"

namespace ce {

namespace {

struct ModernBertFamilyConfig final : FamilyConfig {
  ModernBertConfig config;
};

std::unique_ptr<FamilyConfig> parse(const Json& json, const std::string& source) {
  auto parsed = std::make_unique<ModernBertFamilyConfig>();
  parsed->config = modernbert_config_from_json(json, source);
  parsed->info = modernbert_model_info(parsed->config);
  return parsed;
}

std::unique_ptr<SequenceClassifier> load(const FamilyConfig& config, const SafetensorsCheckpoint& checkpoint,
                                         const WeightLoadOptions& options) {
  const ModernBertConfig& c = static_cast<const ModernBertFamilyConfig&>(config).config;
  return std::make_unique<ModernBertModel>(
      c, load_modernbert_weights(checkpoint, c, options.pool, options.embeddings_in_memory,
                                 options.precision));
}

}  // namespace

extern const ModelFamily kModernBertFamily;
const ModelFamily kModernBertFamily = {
    "modernbert", {"ModernBertForSequenceClassification"}, {"modernbert"}, parse, load};

}  // namespace ce
