// The ELECTRA family's registry entry: ElectraForSequenceClassification (WordPiece tokenizers).
#include <memory>

#include "model/blocks/encoder_weights_loader.h"
#include "model/electra/electra_config.h"
#include "model/registry.h"

namespace ce {

namespace {

struct ElectraFamilyConfig final : FamilyConfig {
  ElectraConfig config;
};

std::unique_ptr<FamilyConfig> parse(const Json& json, const std::string& source) {
  auto parsed = std::make_unique<ElectraFamilyConfig>();
  parsed->config = electra_config_from_json(json, source);
  parsed->info = electra_model_info(parsed->config);
  return parsed;
}

std::unique_ptr<SequenceClassifier> load(const FamilyConfig& config, const SafetensorsCheckpoint& checkpoint,
                                         const WeightLoadOptions& options) {
  const ElectraConfig& c = static_cast<const ElectraFamilyConfig&>(config).config;
  const EncoderClassifierSpec spec = electra_spec(c);
  return std::make_unique<EncoderClassifier>(
      config.info, spec,
      load_encoder_classifier_weights(checkpoint, spec, electra_tensor_names(), HeadActivation::GeluErf,
                                      options.pool, options.embeddings_in_memory, options.precision),
      "ElectraForSequenceClassification");
}

}  // namespace

extern const ModelFamily kElectraFamily;
const ModelFamily kElectraFamily = {"electra", {"ElectraForSequenceClassification"}, {"electra"}, parse, load};

}  // namespace ce
