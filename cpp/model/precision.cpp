// Precision names, linear-role names, and the per-role weight formats each precision packs at load.
#include "model/precision.h"

#include <cstdlib>
#include <vector>

#include "common/error.h"

namespace ce {
namespace {

struct NamedPrecision {
  Precision precision;
  const char* name;
};
constexpr NamedPrecision kPrecisions[] = {
#define CE_PRECISION_ROW(name, text) {Precision::name, text},
    CE_PRECISIONS(CE_PRECISION_ROW)
#undef CE_PRECISION_ROW
};

constexpr const char* kRoleNames[kLinearRoleCount] = {
#define CE_LINEAR_ROLE_NAME(name, text) text,
    CE_LINEAR_ROLES(CE_LINEAR_ROLE_NAME)
#undef CE_LINEAR_ROLE_NAME
};

// The format a precision reduces the encoder's Linear layers to.
WeightFormat reduced_format(Precision precision) {
  switch (precision) {
    case Precision::FP32: return WeightFormat::F32;
    case Precision::BF16: return WeightFormat::BF16;
    case Precision::INT8: return WeightFormat::I8;
  }
  throw Error(ErrorCode::InvalidArgument, "unknown precision " + std::to_string(static_cast<int>(precision)) +
                                              " (known: " + precision_names() + ")");
}

std::string role_names() {
  std::string names = "all";
  for (const char* name : kRoleNames) names += std::string(", ") + name;
  return names + ", attention";
}

std::string format_names() {
  std::string names;
  for (size_t i = 0; i < kWeightFormatCount; ++i)
    names += (names.empty() ? "" : ", ") + std::string(weight_format_name(static_cast<WeightFormat>(i)));
  return names;
}

std::optional<WeightFormat> format_from_name(std::string_view name) {
  for (size_t i = 0; i < kWeightFormatCount; ++i)
    if (name == weight_format_name(static_cast<WeightFormat>(i))) return static_cast<WeightFormat>(i);
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

const char* precision_name(Precision precision) {
  for (const NamedPrecision& p : kPrecisions)
    if (p.precision == precision) return p.name;
  return "unknown";
}

std::optional<Precision> precision_from_name(std::string_view name) {
  for (const NamedPrecision& p : kPrecisions)
    if (name == p.name) return p.precision;
  return std::nullopt;
}

std::string precision_names() {
  std::string names;
  for (const NamedPrecision& p : kPrecisions) names += (names.empty() ? "'" : ", '") + std::string(p.name) + "'";
  return names;
}

const char* linear_role_name(LinearRole role) {
  const auto i = static_cast<size_t>(role);
  return i < kLinearRoleCount ? kRoleNames[i] : "unknown";
}

// Every encoder Linear layer takes the reduced format. Measured with tools/precision/study.ts (agreement with fp32
// per choice of layers kept wider; 24 MiniLM queries x 16 Debian passages, 60 demo queries x 30):
// - bf16 everywhere passes the gate on both models (MiniLM: median Spearman 1.0, top-1 100%, |Δlogit| p50 0.012);
//   keeping the FFN output projection fp32 changed nothing measurable (p50 0.010), so it is reduced too.
// - int8 everywhere (smoothed, asymmetric per-token activations) passes on the trained demo model (Spearman 0.9996,
//   top-1 100%); on MiniLM's untrained head, 300 queries x 16 (2026-12-02, AVX512-VNNI Xeon, 2 threads): median
//   Spearman 0.994, top-1 94.7%, ΔMRR@10 +0.0016, |Δlogit| p50 0.095, at 2.09x fp32. Kept fp32 instead:
//   output (FFN down) 0.997 / 96.0% / +0.0043 / p50 0.065 at 1.49x; intermediate 94.3%, p50 0.089 at 1.47x;
//   attention_output 93.7% at 1.87x; query+key+value 96.0%, p50 0.098 at 1.69x. One layer's output alone in fp32
//   (each of the 6) moved p50 by at most 15% and top-1 within 93.3-96.0% (the noise of 300 queries): the error is
//   spread over the layers. Only the FFN output projection buys agreement, and not enough to pass the gate's 40
//   queries (output fp32 there: top-1 95.0% and ΔMRR@10 +0.0136, as int8 everywhere's 95.0% and +0.0112: int8
//   lifts the labelled passage on near ties), for 29% of int8's speed, so int8 stays everywhere.
PrecisionPlan PrecisionPlan::for_precision(Precision precision) {
  PrecisionPlan plan;
  plan.precision_ = precision;
  const WeightFormat reduced = reduced_format(precision);
  plan.formats_.fill(reduced);
  // The head (pooler dense + classifier) is one row per pair: reducing it saves nothing measurable, and the
  // classifier's output is the score itself.
  plan.formats_[static_cast<size_t>(LinearRole::Head)] = WeightFormat::F32;
  // Attention's own matmuls: bf16 at bf16 (VDPBF16PS halves their instructions; the gate's agreement did not
  // move: minilm-ce top-1 100%, median Spearman 1.0, |Δlogit| p50 0.013 -> 0.015), fp32 at int8: there they
  // pushed minilm-ce's known int8 gap further (top-1 92.5% -> 85%, ΔMRR@10 +0.014 -> -0.023; the demo model
  // unchanged) for a ~4% faster pass.
  plan.attention_format_ = precision == Precision::BF16 ? WeightFormat::BF16 : WeightFormat::F32;
  return plan;
}

PrecisionPlan PrecisionPlan::with_overrides(std::string_view spec) const {
  PrecisionPlan plan = *this;
  const std::string_view whole = spec;
  while (!spec.empty()) {
    const size_t comma = spec.find(',');
    const std::string_view item = trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    const std::string_view role = trim(item.substr(0, eq));
    const std::string_view format_text = eq == std::string_view::npos ? std::string_view() : trim(item.substr(eq + 1));
    const std::string context = "precision plan '" + std::string(whole) + "': ";
    if (eq == std::string_view::npos)
      throw Error(ErrorCode::InvalidArgument, context + "expected role=format, got '" + std::string(item) + "'");
    const std::optional<WeightFormat> format = format_from_name(format_text);
    if (!format)
      throw Error(ErrorCode::InvalidArgument, context + "unknown weight format '" + std::string(format_text) +
                                                  "' (known: " + format_names() + ")");
    if (role == "all") {
      plan.formats_.fill(*format);
      continue;
    }
    if (role == "attention") {
      if (*format == WeightFormat::I8)
        throw Error(ErrorCode::InvalidArgument, context + "attention's matmuls run in f32 or bf16, not i8");
      plan.attention_format_ = *format;
      continue;
    }
    bool found = false;
    for (size_t i = 0; i < kLinearRoleCount; ++i) {
      if (role == kRoleNames[i]) {
        plan.formats_[i] = *format;
        found = true;
      }
    }
    if (!found)
      throw Error(ErrorCode::InvalidArgument,
                  context + "unknown layer role '" + std::string(role) + "' (known: " + role_names() + ")");
  }
  return plan;
}

bool PrecisionPlan::uses(WeightFormat format) const {
  for (WeightFormat f : formats_)
    if (f == format) return true;
  return false;
}

PrecisionPlan PrecisionPlan::with_format_replaced(WeightFormat from, WeightFormat to) const {
  PrecisionPlan plan = *this;
  for (WeightFormat& f : plan.formats_)
    if (f == from) f = to;
  return plan;
}

WeightFormat PrecisionPlan::primary_format() const { return reduced_format(precision_); }

std::string PrecisionPlan::describe() const {
  std::string text;
  for (size_t i = 0; i < kLinearRoleCount; ++i)
    text += (text.empty() ? "" : ",") + std::string(kRoleNames[i]) + "=" + weight_format_name(formats_[i]);
  return text + ",attention=" + weight_format_name(attention_format_);
}

PrecisionPlan precision_plan_for_load(Precision precision) {
  PrecisionPlan plan = PrecisionPlan::for_precision(precision);
  // fp32 is the exact path: no variable left set in an environment may change its scores.
  if (precision == Precision::FP32) return plan;
  const char* overrides = std::getenv("CE_PRECISION_PLAN");
  if (overrides != nullptr && *overrides != '\0') plan = plan.with_overrides(overrides);
  return plan;
}

}  // namespace ce
