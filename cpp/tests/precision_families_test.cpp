// Every model family honours bf16 / int8: each packed Linear holds its role's format, scores move off fp32 by a
// small non-zero amount, and stay bitwise independent of batch and thread count.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "api/cross_encoder.h"
#include "model/precision.h"
#include "model/sequence_classifier.h"
#include "tests/scoped_env.h"

namespace ce {
namespace {

namespace fs = std::filesystem;

// Every tiny family fixture: BERT, RoBERTa, XLM-R, ELECTRA (one with embeddings_project), DeBERTa-v3 (with and
// without relative attention), ModernBERT; stored F32, F16 and BF16.
const char* const kFixtures[] = {
    "tiny-1label-f32",          "tiny-3label-f16",         "tiny-1label-bf16",
    "roberta-1label-bf16",      "xlmr-1label-f32",         "xlmr-3label-f16",
    "electra-1label-f32",       "electra-3label-bf16",     "tiny-deberta-1label-f32",
    "tiny-deberta-1label-bf16", "tiny-deberta-3label-f16", "tiny-deberta-norel-f32",
    "tiny-modernbert-cls-f32",  "tiny-modernbert-mean-3label-f16", "tiny-modernbert-mean-bf16",
};

std::string fixture(const char* name) { return (fs::path(CE_SOURCE_DIR) / "test/fixtures/models" / name).string(); }

using test::ScopedEnv;

std::vector<TextPair> pairs() {
  std::vector<TextPair> out;
  const char* words[] = {"the", "cat", "sat", "on", "a", "mat", "dog", "ran", "fast", "big", "red", "ball",
                         "über", "naïve"};
  for (int i = 0; i < 11; ++i) {
    std::string a = std::string(words[i % 14]) + " " + words[(i + 3) % 14], b;
    for (int j = 0; j < 1 + (i * 7) % 19; ++j) b += std::string(words[(i + j * 5) % 14]) + " ";
    out.push_back({a, b});
  }
  return out;
}

std::shared_ptr<CrossEncoderModel> load(const char* name, Precision precision, int threads) {
  LoadOptions options;
  options.precision = precision;
  options.threads = threads;
  return CrossEncoderModel::load(fixture(name), options);
}

// Every layer holds the format `plan` gives its role; the encoder has all six encoder roles.
void expect_layers_follow(const CrossEncoderModel& model, const PrecisionPlan& plan) {
  const std::vector<LinearLayerFormat> layers = model.classifier().linear_layer_formats();
  std::set<LinearRole> roles;
  for (const LinearLayerFormat& l : layers) {
    EXPECT_EQ(l.format, plan.format_for(l.role))
        << l.name << " (" << linear_role_name(l.role) << ") holds " << weight_format_name(l.format);
    roles.insert(l.role);
  }
  EXPECT_EQ(roles.size(), kLinearRoleCount) << "a family lists fewer kinds of layer than the roles";
}

// int8 loads calibrate SmoothQuant factors (int8_smoothing.h): every int8 layer of every family carries finite
// positive input multipliers that actually rescale its channels, the same ones on every load.
TEST(PrecisionFamilies, Int8LayersAreSmoothedDeterministically) {
  for (const char* name : kFixtures) {
    SCOPED_TRACE(name);
    const auto a = load(name, Precision::INT8, 2), b = load(name, Precision::INT8, 1);
    const std::vector<LinearLayerFormat> la = a->classifier().linear_layer_formats();
    const std::vector<LinearLayerFormat> lb = b->classifier().linear_layer_formats();
    ASSERT_EQ(la.size(), lb.size());
    size_t smoothed = 0;
    for (size_t i = 0; i < la.size(); ++i) {
      const PackedLinear& l = *la[i].layer;
      if (la[i].format != WeightFormat::I8) {
        EXPECT_TRUE(l.input_multipliers.empty()) << la[i].name;
        continue;
      }
      ASSERT_EQ(l.input_multipliers.size(), static_cast<size_t>(l.in_features)) << la[i].name;
      bool rescales = false;
      for (float m : l.input_multipliers) {
        ASSERT_TRUE(std::isfinite(m) && m > 0.0f) << la[i].name;
        rescales = rescales || m != 1.0f;
      }
      EXPECT_TRUE(rescales) << la[i].name << ": the calibration pass did not reach it";
      smoothed += rescales;
      EXPECT_EQ(l.input_multipliers, lb[i].layer->input_multipliers) << la[i].name << ": factors differ between loads";
    }
    EXPECT_GE(smoothed, 6u);
  }
}

TEST(PrecisionFamilies, EveryLinearLayerHoldsItsRolesFormat) {
  for (const char* name : kFixtures) {
    SCOPED_TRACE(name);
    for (Precision precision : {Precision::FP32, Precision::BF16, Precision::INT8}) {
      SCOPED_TRACE(precision_name(precision));
      const auto model = load(name, precision, 1);
      const PrecisionPlan plan = PrecisionPlan::for_precision(precision);
      expect_layers_follow(*model, plan);
      // The head stays fp32; every encoder role is the precision's own format.
      EXPECT_EQ(plan.format_for(LinearRole::Head), WeightFormat::F32);
      for (LinearRole role : {LinearRole::Query, LinearRole::Key, LinearRole::Value, LinearRole::AttentionOutput,
                              LinearRole::Intermediate, LinearRole::Output})
        EXPECT_EQ(plan.format_for(role), plan.primary_format());
    }
  }
}

// Overrides that give neighbouring roles different formats catch a loader handing a layer another role's format.
TEST(PrecisionFamilies, RoleOverridesReachTheRightLayers) {
  const char* specs[] = {"query=f32,key=i8,value=bf16,attention_output=f32,intermediate=i8,output=bf16",
                         "query=f32,key=bf16,value=i8,attention_output=i8,intermediate=f32,output=bf16"};
  for (const char* spec : specs) {
    SCOPED_TRACE(spec);
    ScopedEnv env("CE_PRECISION_PLAN", spec);
    for (const char* name : kFixtures) {
      SCOPED_TRACE(name);
      const auto model = load(name, Precision::BF16, 1);
      expect_layers_follow(*model, precision_plan_for_load(Precision::BF16));
    }
  }
}

// The plan's attention format reaches each family's attention: at bf16, switching attention's matmuls to fp32
// ("attention=f32") changes the scores of every family with scaled dot-product attention (BERT's encoder and
// ModernBERT), and none of DeBERTa's, whose disentangled attention stays fp32.
TEST(PrecisionFamilies, AttentionFormatReachesTheAttention) {
  const std::vector<TextPair> input = pairs();
  for (const char* name : kFixtures) {
    SCOPED_TRACE(name);
    const std::vector<float> bf16 = load(name, Precision::BF16, 1)->predict(input, Activation::Identity, 32, nullptr);
    std::vector<float> f32_attention;
    {
      ScopedEnv env("CE_PRECISION_PLAN", "attention=f32");
      f32_attention = load(name, Precision::BF16, 1)->predict(input, Activation::Identity, 32, nullptr);
    }
    const bool deberta = std::string(name).find("deberta") != std::string::npos;
    const bool same = std::memcmp(bf16.data(), f32_attention.data(), bf16.size() * sizeof(float)) == 0;
    EXPECT_EQ(same, deberta) << (deberta ? "DeBERTa's attention changed with the plan's attention format"
                                         : "the plan's attention format did not reach the attention");
  }
}

TEST(PrecisionFamilies, ScoresMoveSlightlyOffFp32AndAreBatchAndThreadInvariant) {
  const std::vector<TextPair> input = pairs();
  for (const char* name : kFixtures) {
    SCOPED_TRACE(name);
    const std::vector<float> reference =
        load(name, Precision::FP32, 1)->predict(input, Activation::Identity, 32, nullptr);
    for (Precision precision : {Precision::BF16, Precision::INT8}) {
      SCOPED_TRACE(precision_name(precision));
      std::vector<float> first;
      for (int threads : {1, 3}) {
        const auto model = load(name, precision, threads);
        EXPECT_EQ(model->precision(), precision);
        for (size_t batch : {size_t{1}, size_t{4}, size_t{32}}) {
          const std::vector<float> got = model->predict(input, Activation::Identity, batch, nullptr);
          if (first.empty()) {
            first = got;
            continue;
          }
          ASSERT_EQ(got.size(), first.size());
          ASSERT_EQ(0, std::memcmp(got.data(), first.data(), got.size() * sizeof(float)))
              << threads << " threads, batch " << batch;
        }
      }
      float worst = 0.0f, scale = 0.0f;
      for (size_t i = 0; i < reference.size(); ++i) {
        worst = std::max(worst, std::fabs(first[i] - reference[i]));
        scale = std::max(scale, std::fabs(reference[i]));
      }
      std::printf("%-32s %s: max |logit - fp32| %.3g, max |fp32 logit| %.3g\n", name, precision_name(precision),
                  worst, scale);
      EXPECT_GT(worst, 0.0f) << "scored bitwise like fp32: the reduced format never ran";
      // A sanity bound, not the ranking gate (test/precision-gate.test.ts): random weights amplify rounding.
      EXPECT_LT(worst, (precision == Precision::BF16 ? 0.06f : 0.2f) * scale);
    }
  }
}

// Every family under the sequence-parallel passes (sequence_parts.h): the loader turns them on for these tiny
// models (their weights fit any last-level cache), and a batch long enough to be split over 3 threads scores the
// bits it scores on one thread.
TEST(PrecisionFamilies, SequenceParallelPassesScoreTheSameBitsInEveryFamily) {
  std::vector<TextPair> input;
  const char* words[] = {"river", "bank", "money", "water", "loan", "stream", "fish", "credit", "über", "naïve"};
  for (int i = 0; i < 128; ++i) {
    std::string a = std::string(words[i % 10]) + " " + words[(i / 10) % 10], b;
    for (int j = 0; j < 6 + i % 23; ++j) b += std::string(words[(i * 3 + j * 7) % 10]) + " ";
    input.push_back({a, b});
  }
  for (const char* name : kFixtures) {
    SCOPED_TRACE(name);
    // fp32 here; every precision through the same passes: BertModel.SequenceParallelRunsScoreTheSameBits.
    const std::vector<float> one = load(name, Precision::FP32, 1)->predict(input, Activation::Identity, 128, nullptr);
    const auto model = load(name, Precision::FP32, 3);
#if defined(__linux__)
    ASSERT_TRUE(model->classifier().sequence_parallel()) << "the loader left the sequence-parallel passes off";
#endif
    const std::vector<float> three = model->predict(input, Activation::Identity, 128, nullptr);
    ASSERT_EQ(three.size(), one.size());
    EXPECT_EQ(0, std::memcmp(three.data(), one.data(), one.size() * sizeof(float)));
  }
}

}  // namespace
}  // namespace ce
