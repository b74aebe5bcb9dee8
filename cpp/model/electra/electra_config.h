// ElectraForSequenceClassification config: BERT's sizes plus embedding_size (embeddings narrower than the hidden
// state are projected by `embeddings_project`).
#pragma once

#include <string>

#include "io/json.h"
#include "model/bert/bert_config.h"
#include "model/blocks/encoder_classifier.h"
#include "model/blocks/encoder_weights_loader.h"
#include "model/model_info.h"

namespace ce {

struct ElectraConfig {
  BertConfig encoder;        // sizes, activation, eps, labels
  int embedding_size = 128;  // transformers' ElectraConfig default
};

// Validates config.json (BERT's checks plus a positive embedding_size); InvalidConfig / UnsupportedArchitecture
// naming the key.
ElectraConfig electra_config_from_json(const Json& config, const std::string& source);

// The blocks an ELECTRA config selects: positions from 0, token types, embeddings of embedding_size (projected
// when it differs from hidden_size), classifier.dense -> GELU -> classifier.out_proj; `electra.` prefix optional.
EncoderClassifierSpec electra_spec(const ElectraConfig& config);
EncoderTensorNames electra_tensor_names();
ModelInfo electra_model_info(const ElectraConfig& config);

}  // namespace ce
