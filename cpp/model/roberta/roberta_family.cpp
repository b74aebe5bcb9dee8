// The RoBERTa family's registry entry: RobertaForSequenceClassification (byte-level BPE tokenizers).
#include "model/roberta/roberta_family.h"

#include "model/blocks/encoder_weights_loader.h"

namespace ce {

namespace {

struct RobertaFamilyConfig final : FamilyConfig {
  RobertaConfig config;
};

const RobertaVariant kRoberta{"roberta", "RobertaForSequenceClassification", "roberta",
                              {50265, 768, 12, 12, 3072, 512, 2}};

std::unique_ptr<FamilyConfig> parse(const Json& json, const std::string& source) {
  return parse_roberta_family(json, source, kRoberta);
}

}  // namespace

std::unique_ptr<FamilyConfig> parse_roberta_family(const Json& json, const std::string& source,
                                                   const RobertaVariant& variant) {
  auto parsed = std::make_unique<RobertaFamilyConfig>();
  parsed->config = roberta_config_from_json(json, source, variant);
  parsed->info = roberta_model_info(parsed->config, variant.family);
  return parsed;
}

std::unique_ptr<SequenceClassifier> load_roberta_family(const FamilyConfig& config,
                                                        const SafetensorsCheckpoint& checkpoint,
                                                        const WeightLoadOptions& options) {
  const RobertaConfig& c = static_cast<const RobertaFamilyConfig&>(config).config;
  const EncoderClassifierSpec spec = roberta_spec(c);
  return std::make_unique<EncoderClassifier>(
      config.info, spec,
      load_encoder_classifier_weights(checkpoint, spec, roberta_tensor_names(), HeadActivation::Tanh, options.pool,
                                      options.embeddings_in_memory, options.precision),
      c.encoder.architecture.c_str());
}

extern const ModelFamily kRobertaFamily;
const ModelFamily kRobertaFamily = {"roberta", {"RobertaForSequenceClassification"}, {"roberta"}, parse,
                                    load_roberta_family};

}  // namespace ce
