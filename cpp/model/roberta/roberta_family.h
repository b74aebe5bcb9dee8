// The registry entry builder shared by RoBERTa and XLM-R (same modules, other defaults and names).
#pragma once

#include <memory>
#include <string>

#include "io/json.h"
#include "model/registry.h"
#include "model/roberta/roberta_config.h"

namespace ce {

std::unique_ptr<FamilyConfig> parse_roberta_family(const Json& json, const std::string& source,
                                                   const RobertaVariant& variant);
std::unique_ptr<SequenceClassifier> load_roberta_family(const FamilyConfig& config,
                                                        const SafetensorsCheckpoint& checkpoint,
                                                        const WeightLoadOptions& options);

}  // namespace ce
