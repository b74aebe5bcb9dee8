// (XLM-)RobertaForSequenceClassification config: BERT's sizes plus pad_token_id, which sets the position offset.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "io/json.h"
#include "model/bert/bert_config.h"
#include "model/blocks/encoder_classifier.h"
#include "model/blocks/encoder_weights_loader.h"
#include "model/model_info.h"

namespace ce {

struct RobertaConfig {
  BertConfig encoder;     // sizes, activation, eps, labels (architecture: the RoBERTa class it runs as)
  int pad_token_id = 1;   // padding_idx of the position rule
};

// What tells RoBERTa from XLM-R: the architecture / model_type pair and transformers' defaults for absent keys.
struct RobertaVariant {
  const char* family;        // registry name: "roberta", "xlm-roberta"
  const char* architecture;  // "RobertaForSequenceClassification"
  const char* model_type;    // "roberta"
  EncoderSizeDefaults defaults;
};

// Validates config.json: BERT's checks, absolute positions only, pad_token_id an integer in [0, vocab_size) that
// leaves max_position_embeddings - pad_token_id - 1 >= 1 positions. InvalidConfig / UnsupportedArchitecture
// naming the key.
RobertaConfig roberta_config_from_json(const Json& config, const std::string& source,
                                       const RobertaVariant& variant);

// The blocks a RoBERTa config selects: positions after padding_idx, no token types, classifier.dense -> tanh ->
// classifier.out_proj; and the tensor names (`roberta.` prefix optional).
EncoderClassifierSpec roberta_spec(const RobertaConfig& config);
EncoderTensorNames roberta_tensor_names();
// max_sequence_length = max_position_embeddings - pad_token_id - 1 (514 - 2 = 512 for roberta-base).
ModelInfo roberta_model_info(const RobertaConfig& config, const char* family);

}  // namespace ce
