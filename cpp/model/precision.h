// Precision: what a caller asks for at load (fp32, bf16, int8) and the weight format it gives each Linear layer.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "kernels/weight_format.h"

namespace ce {

// The one list of precisions: enumerator and the name callers pass (LoadOptions, JS `precision`, --precision).
#define CE_PRECISIONS(X) \
  X(FP32, "fp32")        \
  X(BF16, "bf16")        \
  X(INT8, "int8")

enum class Precision {
#define CE_PRECISION_ENUMERATOR(name, text) name,
  CE_PRECISIONS(CE_PRECISION_ENUMERATOR)
#undef CE_PRECISION_ENUMERATOR
};

const char* precision_name(Precision precision);  // "fp32"; "unknown" outside the enumeration
std::optional<Precision> precision_from_name(std::string_view name);
// "'fp32', 'bf16', 'int8'": for messages that list the allowed values.
std::string precision_names();

// The kinds of Linear layer an encoder has: the granularity at which a precision picks a weight format. Named
// after BERT's modules; another family maps its layers onto the same roles (RoBERTa's are BERT's; a fused QKV
// projection's thirds are Query / Key / Value; DeBERTa's pos_key_proj is Key, pos_query_proj Query; ModernBERT's
// GeGLU Wi is Intermediate, its Wo Output). Head = the classification head (pooler dense + classifier) and the
// embedding projections (ELECTRA's embeddings_project, DeBERTa's embed_proj): fp32 in every default plan.
#define CE_LINEAR_ROLES(X)                 \
  X(Query, "query")                        \
  X(Key, "key")                            \
  X(Value, "value")                        \
  X(AttentionOutput, "attention_output")   \
  X(Intermediate, "intermediate")          \
  X(Output, "output")                      \
  X(Head, "head")

enum class LinearRole {
#define CE_LINEAR_ROLE_ENUMERATOR(name, text) name,
  CE_LINEAR_ROLES(CE_LINEAR_ROLE_ENUMERATOR)
#undef CE_LINEAR_ROLE_ENUMERATOR
};

inline constexpr size_t kLinearRoleCount = 0
#define CE_LINEAR_ROLE_COUNT(name, text) +1
    CE_LINEAR_ROLES(CE_LINEAR_ROLE_COUNT)
#undef CE_LINEAR_ROLE_COUNT
    ;

const char* linear_role_name(LinearRole role);  // "intermediate"

// The weight format of every role under one precision: chosen once at load, applied by each family's loader
// through format_for() (packing converts or quantises the fp32 weights once), and the format of attention's own
// matmuls. Everything else (embeddings, LayerNorm, residual adds, softmax, GELU, the head) stays fp32.
class PrecisionPlan {
 public:
  // The measured default plan of `precision` (precision.cpp says which layers stay wider, and why).
  static PrecisionPlan for_precision(Precision precision);

  // This plan with some roles' formats replaced: `spec` is "role=format[,role=format...]" with role names of
  // CE_LINEAR_ROLES (or "all", or "attention" for attention's matmuls: "f32" or "bf16") and format names of
  // CE_WEIGHT_FORMATS ("f32", "bf16", "i8"). "all" sets the Linear roles only. For the studies that
  // measure which layers a precision may reduce (tools/precision/); the env variable CE_PRECISION_PLAN feeds it
  // at load. Throws ce::Error(InvalidArgument) naming the bad part and the allowed names.
  PrecisionPlan with_overrides(std::string_view spec) const;

  Precision precision() const { return precision_; }
  WeightFormat format_for(LinearRole role) const { return formats_[static_cast<size_t>(role)]; }
  // The format of attention's own two matmuls (q.k and p.v; not Linear layers): F32, or BF16 (operands rounded
  // to bf16, fp32 sums; see AttentionLayout::bf16_matmuls). Overridden as "attention=f32|bf16". DeBERTa's
  // disentangled attention runs in fp32 whatever this says.
  WeightFormat attention_format() const { return attention_format_; }
  // Whether any Linear role is packed in `format`.
  bool uses(WeightFormat format) const;
  // This plan with every Linear role in `from` given `to` instead (attention's matmuls unchanged): the plan an
  // int8 load packs first, in fp32, to calibrate the int8 layers' smoothing (int8_smoothing.h).
  PrecisionPlan with_format_replaced(WeightFormat from, WeightFormat to) const;
  // The format the precision itself names (F32, BF16 or I8): the one whose kernel the model reports.
  WeightFormat primary_format() const;
  // "query=bf16,key=bf16,...,attention=bf16": every role with its format's name, then attention's matmuls.
  std::string describe() const;

 private:
  Precision precision_ = Precision::FP32;
  std::array<WeightFormat, kLinearRoleCount> formats_{};
  WeightFormat attention_format_ = WeightFormat::F32;
};

// The plan load() uses: for_precision(precision), then CE_PRECISION_PLAN's overrides when that variable is set
// and not empty and the precision is not fp32 (the exact path never changes).
PrecisionPlan precision_plan_for_load(Precision precision);

}  // namespace ce
