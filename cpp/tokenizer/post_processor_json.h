// tokenizer.json's "post_processor" read into a TemplateProcessing: TemplateProcessing, RobertaProcessing,
// BertProcessing, ByteLevel (ids unchanged), Sequence of those, or null.
#pragma once

#include <cstddef>

#include "tokenizer/template_processing.h"
#include "tokenizer/tokenizer_json.h"

namespace ce {

// Every special-token id must be < id_limit (the model's vocab plus added tokens). Throws InvalidTokenizer for a
// malformed component or id, UnsupportedTokenizer for another type (or a Sequence with two processors that both
// add tokens, whose HF semantics nest templates).
TemplateProcessing read_post_processor(const TokenizerJson& tokenizer, size_t id_limit);

}  // namespace ce
