// The DeBERTa-v2/v3 family's registry entry: DebertaV2ForSequenceClassification.
#include <memory>

#include "model/deberta/deberta_config.h"
#include "model/deberta/deberta_model.h"
#include "model/deberta/deberta_weights.h"
#include "model/registry.h"

namespace ce {

namespace {

struct DebertaFamilyConfig final : FamilyConfig {
  DebertaConfig config;
};

std::unique_ptr<FamilyConfig> parse(const Json& json, const std::string& source) {
  auto parsed = std::make_unique<DebertaFamilyConfig>();
  parsed->config = deberta_config_from_json(json, source);
  parsed->info = deberta_model_info(parsed->config);
  return parsed;
}

std::unique_ptr<SequenceClassifier> load(const FamilyConfig& config, const SafetensorsCheckpoint& checkpoint,
                                         const WeightLoadOptions& options) {
  const DebertaConfig& c = static_cast<const DebertaFamilyConfig&>(config).config;
  return std::make_unique<DebertaModel>(c,
                                        load_deberta_weights(checkpoint, c, options.pool, options.embeddings_in_memory,
                                                             options.precision));
}

}  // namespace

extern const ModelFamily kDebertaV2Family;
const ModelFamily kDebertaV2Family = {"deberta-v2", {"DebertaV2ForSequenceClassification"}, {"deberta-v2"}, parse, load};

}  // namespace ce
