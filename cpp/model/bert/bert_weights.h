// BertForSequenceClassification weights in memory (the shared encoder-classifier blocks), and their loader.
#pragma once

#include "model/bert/bert_config.h"
#include "model/blocks/encoder_classifier.h"
#include "model/precision.h"

namespace ce {

class SafetensorsCheckpoint;
class ThreadPool;

using BertLayerWeights = EncoderLayerWeights;
using BertWeights = EncoderClassifierWeights;  // head: pooler.dense -> tanh -> classifier

// The blocks a BERT config selects: positions from 0, token types used, pooler head.
EncoderClassifierSpec bert_spec(const BertConfig& config);

// Reads every tensor of bert_tensors.h by its HF name (`bert.` prefix optional; legacy LayerNorm gamma/beta
// accepted), validates shapes against `config`, converts to fp32 (see load_encoder_classifier_weights); `precision`
// gives each encoder Linear its weight format (the pooler and classifier are LinearRole::Head).
BertWeights load_bert_weights(const SafetensorsCheckpoint& checkpoint, const BertConfig& config,
                              ThreadPool* pool = nullptr, bool embeddings_in_memory = false,
                              const PrecisionPlan& precision = PrecisionPlan::for_precision(Precision::FP32));

}  // namespace ce
