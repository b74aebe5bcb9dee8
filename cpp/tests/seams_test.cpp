// The core's seams: the model-family registry, the batch planner and the process-wide thread pools.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "model/registry.h"
#include "runtime/batch_plan.h"
#include "runtime/thread_pool.h"
#include "tests/test_support.h"

namespace ce {
namespace {

using nlohmann::json;

TEST(ModelRegistry, PicksTheFamilyByArchitectureThenModelType) {
  EXPECT_STREQ(family_for_config(test::to_ce(json{{"architectures", {"BertForSequenceClassification"}}}), "c").name, "bert");
  // Any listed architecture that a family runs; model_type alone when architectures is absent or null.
  EXPECT_STREQ(
      family_for_config(test::to_ce(json{{"architectures", {"X", "BertForSequenceClassification"}}}), "c").name, "bert");
  EXPECT_STREQ(family_for_config(test::to_ce(json{{"model_type", "bert"}}), "c").name, "bert");
  EXPECT_STREQ(family_for_config(test::to_ce(json{{"model_type", "bert"}, {"architectures", nullptr}}), "c").name, "bert");
  EXPECT_STREQ(family_for_config(test::to_ce(json{{"architectures", {"RobertaForSequenceClassification"}}}), "c").name, "roberta");
  EXPECT_STREQ(family_for_config(test::to_ce(json{{"architectures", {"XLMRobertaForSequenceClassification"}}}), "c").name,
               "xlm-roberta");
  EXPECT_STREQ(family_for_config(test::to_ce(json{{"model_type", "xlm-roberta"}}), "c").name, "xlm-roberta");
  EXPECT_STREQ(family_for_config(test::to_ce(json{{"model_type", "electra"}}), "c").name, "electra");
  EXPECT_STREQ(family_for_config(test::to_ce(json{{"architectures", {"DebertaV2ForSequenceClassification"}}}), "c").name,
               "deberta-v2");
  EXPECT_STREQ(family_for_config(test::to_ce(json{{"model_type", "deberta-v2"}}), "c").name, "deberta-v2");
  // Every registered family has a name, something to match and both functions.
  for (const ModelFamily* f : model_families()) {
    EXPECT_NE(f->name, nullptr);
    EXPECT_FALSE(f->architectures.empty() && f->model_types.empty()) << f->name;
    EXPECT_NE(f->parse_config, nullptr) << f->name;
    EXPECT_NE(f->load, nullptr) << f->name;
  }
}

TEST(ModelRegistry, UnknownOrMalformedConfigsAreNamed) {
  test::expect_error([] { family_for_config(test::to_ce(json{{"architectures", {"GPT2ForSequenceClassification"}}}), "d/config.json"); },
                     ErrorCode::UnsupportedArchitecture,
                     {"d/config.json", "GPT2ForSequenceClassification is not supported", "BertForSequenceClassification",
                      "XLMRobertaForSequenceClassification"});
  test::expect_error([] { family_for_config(test::to_ce(json{{"model_type", "gpt2"}}), "c"); },
                     ErrorCode::UnsupportedArchitecture, {"model_type \"gpt2\"", "supported: bert", "electra"});
  test::expect_error([] { family_for_config(test::to_ce(json{{"model_type", "deberta"}}), "c"); },
                     ErrorCode::UnsupportedArchitecture, {"model_type \"deberta\"", "supported: ", "deberta-v2"});
  test::expect_error([] { family_for_config(test::to_ce(json::object()), "c"); }, ErrorCode::InvalidConfig, {"model_type"});
  test::expect_error([] { family_for_config(test::to_ce(json{{"architectures", json::array()}}), "c"); }, ErrorCode::InvalidConfig,
                     {"architectures", "empty"});
  test::expect_error([] { family_for_config(test::to_ce(json{{"architectures", {1}}}), "c"); }, ErrorCode::InvalidConfig,
                     {"architectures", "number"});
  test::expect_error([] { family_for_config(test::to_ce(json{{"model_type", {{"a", 1}}}}), "c"); }, ErrorCode::InvalidConfig,
                     {"model_type", "object"});
  // A deeply nested value is described by its type, never dumped.
  json deep = json::array();
  for (int i = 0; i < 100; ++i) deep = json::array({deep});
  test::expect_error([&] { family_for_config(test::to_ce(json{{"architectures", deep}}), "c"); }, ErrorCode::InvalidConfig,
                     {"architectures", "array"});
}

TEST(BatchPlan, SortsByLengthAndRespectsPairAndTokenBudgets) {
  const std::vector<size_t> tokens = {30, 10, 20, 10, 50, 5};
  const BatchPlan by_pairs = plan_batches(tokens, 2, 1000);
  EXPECT_EQ(by_pairs.order, (std::vector<size_t>{5, 1, 3, 2, 0, 4}));  // stable among the two 10s
  EXPECT_EQ(by_pairs.bounds, (std::vector<size_t>{0, 2, 4, 6}));
  const BatchPlan by_tokens = plan_batches(tokens, 100, 40);
  // 5+10+10 = 25 (+20 > 40), 20 (+30 > 40), 30, 50 alone although it exceeds the budget.
  EXPECT_EQ(by_tokens.bounds, (std::vector<size_t>{0, 3, 4, 5, 6}));
  EXPECT_EQ(by_tokens.num_batches(), 4u);
  EXPECT_EQ(plan_batches({}, 4, 10).num_batches(), 0u);
  test::expect_error([] { plan_batches({1}, 0, 10); }, ErrorCode::InvalidArgument, {"batch_size"});
}

TEST(SharedThreadPool, OnePoolPerThreadCountWhileHeld) {
  std::shared_ptr<ThreadPool> a = shared_thread_pool(2), b = shared_thread_pool(2), c = shared_thread_pool(3);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), c.get());
  EXPECT_EQ(a->size(), 2);
  EXPECT_EQ(c->size(), 3);
  EXPECT_EQ(shared_thread_pool(0)->size(), default_thread_count());
  std::weak_ptr<ThreadPool> gone = c;
  c.reset();
  EXPECT_TRUE(gone.expired());  // the registry does not keep a pool alive
  test::expect_error([] { shared_thread_pool(-1); }, ErrorCode::InvalidArgument, {"threads"});
}

}  // namespace
}  // namespace ce
