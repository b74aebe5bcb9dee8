// Precision: names, the per-role plans, CE_PRECISION_PLAN overrides, and a model loaded at each precision
// (its layers packed in the plan's formats, scores near fp32, batch/thread invariant bitwise).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "api/cross_encoder.h"
#include "common/error.h"
#include "model/precision.h"
#include "tests/test_support.h"
#include "tests/scoped_env.h"

namespace ce {
namespace {

namespace fs = std::filesystem;

using test::ScopedEnv;

std::string fixture_model() { return (fs::path(CE_SOURCE_DIR) / "test/fixtures/models/tiny-1label-f32").string(); }

std::vector<TextPair> pairs() {
  std::vector<TextPair> out;
  const char* words[] = {"the", "cat", "sat", "on", "a", "mat", "dog", "ran", "fast", "big", "red", "ball"};
  for (int i = 0; i < 17; ++i) {
    std::string a = words[i % 12], b;
    for (int j = 0; j < 1 + (i * 7) % 23; ++j) b += std::string(words[(i + j * 5) % 12]) + " ";
    out.push_back({a, b});
  }
  return out;
}

TEST(Precision, NamesRoundTrip) {
  for (Precision p : {Precision::FP32, Precision::BF16, Precision::INT8}) {
    const auto parsed = precision_from_name(precision_name(p));
    ASSERT_TRUE(parsed.has_value()) << precision_name(p);
    EXPECT_EQ(*parsed, p);
  }
  EXPECT_FALSE(precision_from_name("fp16").has_value());
  EXPECT_FALSE(precision_from_name("FP32").has_value());
  EXPECT_FALSE(precision_from_name("").has_value());
  EXPECT_EQ(precision_names(), "'fp32', 'bf16', 'int8'");
  EXPECT_STREQ(precision_name(static_cast<Precision>(99)), "unknown");
}

TEST(Precision, PlansGiveEveryEncoderRoleTheReducedFormatAndKeepTheHeadFp32) {
  const PrecisionPlan fp32 = PrecisionPlan::for_precision(Precision::FP32);
  for (size_t r = 0; r < kLinearRoleCount; ++r) EXPECT_EQ(fp32.format_for(static_cast<LinearRole>(r)), WeightFormat::F32);
  EXPECT_EQ(fp32.primary_format(), WeightFormat::F32);
  const struct {
    Precision precision;
    WeightFormat format;
  } reduced[] = {{Precision::BF16, WeightFormat::BF16}, {Precision::INT8, WeightFormat::I8}};
  for (const auto& [precision, format] : reduced) {
    const PrecisionPlan plan = PrecisionPlan::for_precision(precision);
    EXPECT_EQ(plan.precision(), precision);
    EXPECT_EQ(plan.primary_format(), format);
    EXPECT_EQ(plan.format_for(LinearRole::Head), WeightFormat::F32) << precision_name(precision);
    for (LinearRole role : {LinearRole::Query, LinearRole::Key, LinearRole::Value, LinearRole::AttentionOutput,
                            LinearRole::Intermediate}) {
      EXPECT_EQ(plan.format_for(role), format) << precision_name(precision) << " " << linear_role_name(role);
    }
    // The FFN output projection: see precision.cpp for the measured choice.
    EXPECT_NE(plan.format_for(LinearRole::Output), WeightFormat::F32) << precision_name(precision);
  }
}

TEST(Precision, OverridesReplaceRolesAndRejectUnknownNames) {
  const PrecisionPlan base = PrecisionPlan::for_precision(Precision::INT8);
  const PrecisionPlan plan = base.with_overrides(" output = f32 ,query=bf16,, ");
  EXPECT_EQ(plan.format_for(LinearRole::Output), WeightFormat::F32);
  EXPECT_EQ(plan.format_for(LinearRole::Query), WeightFormat::BF16);
  EXPECT_EQ(plan.format_for(LinearRole::Key), base.format_for(LinearRole::Key));
  EXPECT_EQ(plan.precision(), Precision::INT8);
  const PrecisionPlan all = base.with_overrides("all=f32");
  for (size_t r = 0; r < kLinearRoleCount; ++r) EXPECT_EQ(all.format_for(static_cast<LinearRole>(r)), WeightFormat::F32);
  // "all" is the Linear roles: attention's matmuls keep their own format, set by "attention".
  EXPECT_EQ(all.describe(),
            "query=f32,key=f32,value=f32,attention_output=f32,intermediate=f32,output=f32,head=f32,attention=f32");
  EXPECT_EQ(base.attention_format(), WeightFormat::F32);
  EXPECT_EQ(PrecisionPlan::for_precision(Precision::BF16).attention_format(), WeightFormat::BF16);
  EXPECT_EQ(PrecisionPlan::for_precision(Precision::FP32).attention_format(), WeightFormat::F32);
  EXPECT_EQ(base.with_overrides("attention=bf16").attention_format(), WeightFormat::BF16);
  EXPECT_EQ(base.with_overrides("attention=bf16").format_for(LinearRole::Query), base.format_for(LinearRole::Query));
  test::expect_error([&] { base.with_overrides("attention=i8"); }, ErrorCode::InvalidArgument,
                     {"attention's matmuls run in f32 or bf16"});

  test::expect_error([&] { base.with_overrides("ouput=f32"); }, ErrorCode::InvalidArgument,
                     {"unknown layer role 'ouput'", "intermediate", "output", "attention"});
  test::expect_error([&] { base.with_overrides("output=fp16"); }, ErrorCode::InvalidArgument,
                     {"unknown weight format 'fp16'", "f32", "bf16"});
  test::expect_error([&] { base.with_overrides("output"); }, ErrorCode::InvalidArgument, {"expected role=format"});
}

TEST(Precision, EnvironmentOverridesApplyToReducedPrecisionsOnly) {
  ScopedEnv env("CE_PRECISION_PLAN", "output=f32");
  EXPECT_EQ(precision_plan_for_load(Precision::INT8).format_for(LinearRole::Output), WeightFormat::F32);
  // fp32 is the exact path: a variable left set can never change it.
  ScopedEnv reduce_all("CE_PRECISION_PLAN", "all=bf16");
  EXPECT_EQ(precision_plan_for_load(Precision::FP32).format_for(LinearRole::Query), WeightFormat::F32);
  ScopedEnv bad("CE_PRECISION_PLAN", "nonsense");
  test::expect_error([] { precision_plan_for_load(Precision::BF16); }, ErrorCode::InvalidArgument, {"role=format"});
  LoadOptions options;
  options.precision = Precision::BF16;
  test::expect_error([&] { CrossEncoderModel::load(fixture_model(), options); }, ErrorCode::InvalidArgument,
                     {"precision plan 'nonsense'"});
}

TEST(Precision, UnknownPrecisionValueIsRefusedAtLoad) {
  LoadOptions options;
  options.precision = static_cast<Precision>(7);
  test::expect_error([&] { CrossEncoderModel::load(fixture_model(), options); }, ErrorCode::InvalidArgument,
                     {"unknown precision", "'fp32', 'bf16', 'int8'"});
}

// Each precision loads, reports itself and its kernel, stays close to fp32 on a random-weight model, and scores
// a pair bitwise the same alone, in any batch and on any thread count.
TEST(Precision, ModelsLoadAtEachPrecisionAndAreBatchAndThreadInvariant) {
  const auto input = pairs();
  LoadOptions fp32_options;
  fp32_options.threads = 1;
  const auto fp32 = CrossEncoderModel::load(fixture_model(), fp32_options);
  const std::vector<float> reference = fp32->predict(input, Activation::Identity, 32, nullptr);
  for (Precision precision : {Precision::FP32, Precision::BF16, Precision::INT8}) {
    SCOPED_TRACE(precision_name(precision));
    std::vector<float> first;
    for (int threads : {1, 2, 3}) {
      LoadOptions options;
      options.threads = threads;
      options.precision = precision;
      const auto model = CrossEncoderModel::load(fixture_model(), options);
      EXPECT_EQ(model->precision(), precision);
      EXPECT_FALSE(model->gemm_kernel_name().empty());
      EXPECT_EQ(model->precision_plan().describe(), PrecisionPlan::for_precision(precision).describe());
      for (size_t batch : {size_t{1}, size_t{4}, size_t{32}}) {
        const std::vector<float> got = model->predict(input, Activation::Identity, batch, nullptr);
        if (first.empty()) {
          first = got;
          continue;
        }
        ASSERT_EQ(0, std::memcmp(got.data(), first.data(), got.size() * sizeof(float)))
            << threads << " threads, batch " << batch;
      }
    }
    float worst = 0.0f, scale = 0.0f;
    for (size_t i = 0; i < reference.size(); ++i) {
      worst = std::max(worst, std::fabs(first[i] - reference[i]));
      scale = std::max(scale, std::fabs(reference[i]));
    }
    std::printf("%s: max |logit - fp32| %.3g, max |fp32 logit| %.3g\n", precision_name(precision), worst, scale);
    if (precision == Precision::FP32) {
      EXPECT_EQ(worst, 0.0f);
    } else {
      // A sanity bound, not the ranking gate (test/precision-gate.test.ts): random weights amplify rounding much
      // more than trained ones (measured here: bf16 3.3%, int8 10.6% of the largest logit).
      EXPECT_GT(worst, 0.0f) << "the reduced precision scored bitwise like fp32";
      EXPECT_LT(worst, (precision == Precision::BF16 ? 0.06f : 0.2f) * scale);
    }
  }
}

}  // namespace
}  // namespace ce
