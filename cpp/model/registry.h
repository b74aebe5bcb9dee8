// The model-family registry: config.json's `architectures` / `model_type` pick the family that parses the config
// and loads the weights. Adding a family = a folder under model/ defining a ModelFamily + one line in registry.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "io/json.h"
#include "model/model_info.h"
#include "model/precision.h"
#include "model/sequence_classifier.h"

namespace ce {

class SafetensorsCheckpoint;
class ThreadPool;

// A family's parsed config.json: the neutral part every caller reads, the rest for the family's own loader.
struct FamilyConfig {
  virtual ~FamilyConfig() = default;
  ModelInfo info;  // without the weights summary, known only once the weights are read
};

struct WeightLoadOptions {
  ThreadPool* pool = nullptr;         // packs layers on its threads (may be null)
  bool embeddings_in_memory = false;  // see EmbeddingTable
  // The weight format of each Linear layer: a loader packs a layer with pack_linear(..., precision.format_for(role)).
  PrecisionPlan precision = PrecisionPlan::for_precision(Precision::FP32);
};

struct ModelFamily {
  const char* name;                        // e.g. "bert"
  std::vector<std::string> architectures;  // config "architectures" entries it runs, e.g. BertForSequenceClassification
  std::vector<std::string> model_types;    // config "model_type" values it runs, e.g. "bert"
  // Validates config.json (already a JSON object); throws InvalidConfig / UnsupportedArchitecture naming the key.
  std::unique_ptr<FamilyConfig> (*parse_config)(const Json& config, const std::string& source);
  // Reads the family's tensors from `checkpoint` (the config came from this family's parse_config).
  std::unique_ptr<SequenceClassifier> (*load)(const FamilyConfig& config, const SafetensorsCheckpoint& checkpoint,
                                              const WeightLoadOptions& options);
};

// Every registered family, in registry order.
const std::vector<const ModelFamily*>& model_families();

// The family for config.json: the first of its `architectures` some family runs, else (no `architectures`, as
// transformers allows) its `model_type`. Throws UnsupportedArchitecture naming what it found and what is supported,
// InvalidConfig when those keys have the wrong type.
const ModelFamily& family_for_config(const Json& config, const std::string& source);

}  // namespace ce
