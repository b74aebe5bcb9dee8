// What any loaded sequence classifier tells the rest of the core, whatever its family.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ce {

// What the weights file held, summarised at load from the validated safetensors header.
struct WeightsSummary {
  std::vector<std::pair<std::string, uint64_t>> parameters_by_dtype;  // e.g. {"F16", 2376193}, sorted by name
  uint64_t parameters = 0;
  uint64_t file_bytes = 0;
};

struct ModelInfo {
  std::string family;        // registry name, e.g. "bert"
  std::string architecture;  // the HF class it runs as, e.g. "BertForSequenceClassification"
  int num_labels = 1;
  std::vector<std::string> labels;  // id2label in id order; "LABEL_i" when absent
  size_t max_sequence_length = 0;   // tokens one sequence may have (BERT: max_position_embeddings)
  size_t vocab_size = 0;            // embedding rows: every token id must be below it
  size_t type_vocab_size = 0;       // token type ids must be below it (when used)
  // false: the model reads no token type ids (RoBERTa, XLM-R: their HF tokenizers return none, so the model adds
  // type row 0 to every token), and whatever ids the tokenizer computed are not checked against type_vocab_size.
  bool uses_token_type_ids = true;
  // sentence-transformers' activation class name from config.json, empty when it names none.
  std::string st_activation_fn;
  WeightsSummary weights;
};

}  // namespace ce
