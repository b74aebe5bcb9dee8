// DeBERTa-v2/v3 tests: log buckets and PyTorch goldens (pairs and >1024-token sequences), fast vs reference,
// batch/thread invariance, the disentangled-attention kernel, config validation and weight loading.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/file_io.h"
#include "io/safetensors_checkpoint.h"
#include "kernels/disentangled_attention.h"
#include "model/config_json.h"
#include "model/deberta/deberta_config.h"
#include "model/deberta/deberta_model.h"
#include "model/deberta/relative_positions.h"
#include "model/sequence_parts.h"
#include "runtime/thread_pool.h"
#include "tests/test_support.h"

namespace ce {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kRoot = CE_SOURCE_DIR;
const fs::path kModels = kRoot / "test/fixtures/models";
const fs::path kGoldens = kRoot / "test/fixtures/goldens";

json read_json(const fs::path& p) { return json::parse(read_file_to_string(p.string(), p.filename().string())); }

DebertaConfig fixture_config(const std::string& name) {
  const fs::path p = kModels / name / "config.json";
  return deberta_config_from_json(test::to_ce(read_json(p)), p.string());
}

DebertaModel load_fixture(const std::string& name, ThreadPool* pool = nullptr) {
  const DebertaConfig c = fixture_config(name);
  return DebertaModel(c, load_deberta_weights(SafetensorsCheckpoint::open_model_dir((kModels / name).string()), c, pool));
}

PackedBatch random_batch(const DebertaConfig& c, const std::vector<int>& lengths, uint32_t seed) {
  std::mt19937 rng(seed);
  PackedBatch b;
  b.seq_offsets.push_back(0);
  for (int len : lengths) {
    for (int i = 0; i < len; ++i) {
      b.input_ids.push_back(static_cast<int32_t>(rng() % c.vocab_size));
      b.token_type_ids.push_back(i >= len / 2 ? 1 : 0);
    }
    b.seq_offsets.push_back(static_cast<int32_t>(b.input_ids.size()));
  }
  return b;
}

// Sequence s alone, as a batch of its own.
PackedBatch slice(const PackedBatch& b, size_t s) { return slice_sequences(b, {s, s + 1}); }

// The fixtures with pair goldens; tiny-deberta-norel-f32 (relative_attention false) has long-sequence goldens only.
const char* const kFixtures[] = {"tiny-deberta-1label-f32", "tiny-deberta-3label-f16", "tiny-deberta-1label-bf16"};
const char* const kAllFixtures[] = {"tiny-deberta-1label-f32", "tiny-deberta-3label-f16", "tiny-deberta-1label-bf16",
                                    "tiny-deberta-norel-f32"};

// --- relative positions ---------------------------------------------------------------------------------------

TEST(DebertaRelativePositions, LogBucketsMatchTransformers) {
  const json doc = read_json(kGoldens / "deberta-log-buckets.json");
  size_t checked = 0;
  for (const auto& t : doc.at("tables")) {
    const int64_t buckets = t.at("bucket_size"), max_position = t.at("max_position");
    int64_t d = t.at("first_relative_position");
    for (int64_t want : t.at("buckets")) {
      ASSERT_EQ(log_bucket_position(d, buckets, max_position), want)
          << "distance " << d << ", buckets " << buckets << ", max_position " << max_position;
      ++d;
      ++checked;
    }
  }
  EXPECT_GT(checked, 20000u);
}

TEST(DebertaRelativePositions, IndexTablesClampAndMirror) {
  // No buckets: raw distances, clamped to the 2 * span rows.
  const RelativePositionIndex raw = make_relative_position_index(10, -1, 3);
  ASSERT_EQ(raw.c2p.size(), 19u);
  EXPECT_EQ(raw.span, 3u);
  EXPECT_EQ(raw.c2p[9], 3);       // distance 0 -> row span
  EXPECT_EQ(raw.c2p[9 + 2], 5);   // +2
  EXPECT_EQ(raw.c2p[9 + 9], 5);   // clamped at 2 span - 1
  EXPECT_EQ(raw.c2p[0], 0);       // -9 clamped at 0
  EXPECT_EQ(raw.p2c[9 + 2], 5);   // span - r(-2)
  EXPECT_EQ(raw.p2c[9 - 2], 1);
  // Buckets: distances below half the buckets stay exact.
  const RelativePositionIndex log = make_relative_position_index(100, 8, 64);
  EXPECT_EQ(log.span, 8u);
  EXPECT_EQ(log.c2p[99 + 3], 11);
  EXPECT_EQ(log.c2p[99 + 99], 15);
}

// --- the kernel -----------------------------------------------------------------------------------------------

struct KernelCase {
  std::vector<int32_t> offsets, cls;
  size_t hidden = 48, heads = 3, max_length = 80, rows = 0;
  RelativePositionIndex index = make_relative_position_index(80, 8, 32);
  std::vector<float> q, k, v, pos_key, pos_query;
};

KernelCase kernel_case(const std::vector<int>& lengths) {
  KernelCase c;
  c.offsets.push_back(0);
  for (int n : lengths) c.offsets.push_back(c.offsets.back() + n);
  for (size_t s = 0; s <= lengths.size(); ++s) c.cls.push_back(static_cast<int32_t>(s));
  c.rows = static_cast<size_t>(c.offsets.back());
  std::mt19937 rng(11);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  for (auto* v : {&c.q, &c.k, &c.v}) {
    v->resize(c.rows * c.hidden);
    for (float& x : *v) x = dist(rng);
  }
  for (auto* v : {&c.pos_key, &c.pos_query}) {
    v->resize(2 * c.index.span * c.hidden);
    for (float& x : *v) x = dist(rng);
  }
  return c;
}

RelativeAttention relative(const KernelCase& c, bool c2p, bool p2c) {
  RelativeAttention r;
  r.pos_key = c2p ? c.pos_key.data() : nullptr;
  r.pos_query = p2c ? c.pos_query.data() : nullptr;
  r.positions = 2 * c.index.span;
  r.c2p_index = c.index.c2p.data();
  r.p2c_index = c.index.p2c.data();
  r.max_length = c.index.max_length;
  r.scale = std::sqrt(16.0f * (1 + c2p + p2c));
  return r;
}

TEST(DisentangledAttention, FastMatchesReferenceForEveryTermSet) {
  const KernelCase c = kernel_case({1, 5, 17, 80, 33});
  ThreadPool pool(3);
  for (int terms = 0; terms < 4; ++terms) {
    const RelativeAttention rel = relative(c, terms & 1, terms & 2);
    const AttentionLayout layout{&c.offsets, &c.offsets, c.hidden, c.heads};
    std::vector<float> fast(c.rows * c.hidden), ref(fast.size());
    disentangled_attention_forward(layout, rel, c.q.data(), c.k.data(), c.v.data(), fast.data(), &pool);
    disentangled_attention_reference(layout, rel, c.q.data(), c.k.data(), c.v.data(), ref.data());
    for (size_t i = 0; i < fast.size(); ++i) ASSERT_NEAR(fast[i], ref[i], 2e-5) << "terms " << terms << " at " << i;
    // First-token queries only (the head-only last layer): the same rows as the full pass, bitwise.
    const AttentionLayout cls{&c.cls, &c.offsets, c.hidden, c.heads};
    std::vector<float> q_cls, out_cls((c.offsets.size() - 1) * c.hidden);
    for (size_t s = 0; s + 1 < c.offsets.size(); ++s)
      q_cls.insert(q_cls.end(), c.q.begin() + c.offsets[s] * c.hidden, c.q.begin() + (c.offsets[s] + 1) * c.hidden);
    disentangled_attention_forward(cls, rel, q_cls.data(), c.k.data(), c.v.data(), out_cls.data(), nullptr);
    for (size_t s = 0; s + 1 < c.offsets.size(); ++s)
      ASSERT_EQ(0, std::memcmp(out_cls.data() + s * c.hidden, fast.data() + c.offsets[s] * c.hidden,
                               c.hidden * sizeof(float))) << "terms " << terms << " sequence " << s;
  }
}

TEST(DisentangledAttention, HeldRowsMayStartPastZero) {
  // A batch of short sequences reads only rows near distance 0: give the kernel just those.
  KernelCase c = kernel_case({4, 6});
  const RelativeAttention all = relative(c, true, true);
  const AttentionLayout layout{&c.offsets, &c.offsets, c.hidden, c.heads};
  std::vector<float> want(c.rows * c.hidden), got(want.size());
  disentangled_attention_forward(layout, all, c.q.data(), c.k.data(), c.v.data(), want.data(), nullptr);
  RelativeAttention part = all;
  part.first_row = 3;
  part.positions = 11;  // rows 3..13 cover distances -5..5 with 8 buckets
  std::vector<float> pk(c.pos_key.begin() + 3 * c.hidden, c.pos_key.begin() + 14 * c.hidden);
  std::vector<float> pq(c.pos_query.begin() + 3 * c.hidden, c.pos_query.begin() + 14 * c.hidden);
  part.pos_key = pk.data();
  part.pos_query = pq.data();
  disentangled_attention_forward(layout, part, c.q.data(), c.k.data(), c.v.data(), got.data(), nullptr);
  ASSERT_EQ(0, std::memcmp(got.data(), want.data(), got.size() * sizeof(float)));
  // Rows a sequence needs but the caller did not hold are an error, not a read out of bounds.
  part.positions = 4;
  test::expect_error([&] { disentangled_attention_forward(layout, part, c.q.data(), c.k.data(), c.v.data(), got.data(), nullptr); },
                     ErrorCode::InvalidArgument, {"not among the rows held"});
  test::expect_error([&] { disentangled_attention_reference(layout, part, c.q.data(), c.k.data(), c.v.data(), got.data()); },
                     ErrorCode::InvalidArgument, {"not among the rows held"});
}

TEST(DisentangledAttention, SequenceLongerThanTheTablesIsRejected) {
  KernelCase c = kernel_case({81});
  c.index = make_relative_position_index(80, 8, 32);
  const RelativeAttention rel = relative(c, true, true);
  const AttentionLayout layout{&c.offsets, &c.offsets, c.hidden, c.heads};
  std::vector<float> out(c.rows * c.hidden);
  test::expect_error([&] { disentangled_attention_forward(layout, rel, c.q.data(), c.k.data(), c.v.data(), out.data(), nullptr); },
                     ErrorCode::InvalidArgument, {"81 keys", "at most 80"});
}

// --- the model against PyTorch --------------------------------------------------------------------------------

TEST(DebertaModel, MatchesPyTorchGoldens) {
  int checked = 0;
  ThreadPool pool(2);
  for (const test::GoldenSample& golden : test::golden_samples("deberta-v2")) {
    SCOPED_TRACE(golden.name);
    const DebertaModel m = load_fixture(golden.model_dir.filename().string());
    PackedBatch b;
    b.seq_offsets.push_back(0);
    std::vector<float> want;
    size_t taken = 0;
    for (const auto& p : golden.doc.at("pairs")) {
      if (taken++ == test::golden_pair_limit()) break;
      for (int id : p.at("input_ids")) b.input_ids.push_back(id);
      for (int id : p.at("token_type_ids")) b.token_type_ids.push_back(id);
      b.seq_offsets.push_back(static_cast<int32_t>(b.input_ids.size()));
      test::append_golden_logits(p, want);
    }
    ASSERT_EQ(want.size(), b.num_sequences() * static_cast<size_t>(m.config().num_labels));
    std::vector<float> fast(want.size());
    m.forward(b, fast.data(), &pool);
    // The scalar reference on the first pairs only (it is most of this test's time; FastMatchesReference and the
    // long sequences compare the two on more).
    PackedBatch head = b;
    const size_t ref_seqs = std::min<size_t>(10, b.num_sequences());
    head.seq_offsets.resize(ref_seqs + 1);
    head.input_ids.resize(static_cast<size_t>(head.seq_offsets.back()));
    head.token_type_ids.resize(head.input_ids.size());
    std::vector<float> ref(ref_seqs * static_cast<size_t>(m.config().num_labels));
    m.forward_reference(head, ref.data());
    double worst = 0, worst_ref = 0;
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_NEAR(fast[i], want[i], 1e-4) << "logit " << i;
      worst = std::max(worst, std::fabs(double(fast[i]) - want[i]));
    }
    for (size_t i = 0; i < ref.size(); ++i) {
      EXPECT_NEAR(ref[i], want[i], 1e-4) << "logit " << i;
      worst_ref = std::max(worst_ref, std::fabs(double(ref[i]) - want[i]));
    }
    std::printf("%s: %zu logits, max |fast - torch| = %.3g, max |reference - torch| = %.3g\n", golden.name.c_str(),
                want.size(), worst, worst_ref);
    ++checked;
  }
  EXPECT_EQ(checked, 3) << "expected the three tiny-deberta goldens under test/fixtures/goldens";
}

// Sequences the pair corpus never reaches: up to the model's limit (1,280 tokens for the f32 fixture).
TEST(DebertaModel, LongSequencesMatchPyTorch) {
  const json doc = read_json(kGoldens / "tiny-deberta-long.json");
  ThreadPool pool(2);
  size_t longest = 0;
  for (const char* name : kAllFixtures) {
    SCOPED_TRACE(name);
    const DebertaModel m = load_fixture(name);
    double worst = 0;
    size_t taken = 0;
    for (const auto& seq : doc.at(name)) {
      if (taken++ == test::golden_pair_limit()) break;  // shortest first: emulated builds check a few
      PackedBatch b;
      b.input_ids = seq.at("input_ids").get<std::vector<int32_t>>();
      b.token_type_ids = seq.at("token_type_ids").get<std::vector<int32_t>>();
      b.seq_offsets = {0, static_cast<int32_t>(b.input_ids.size())};
      longest = std::max(longest, b.input_ids.size());
      const auto want = seq.at("logits").get<std::vector<float>>();
      std::vector<float> fast(want.size()), ref(want.size());
      m.forward(b, fast.data(), &pool);
      m.forward_reference(b, ref.data());
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_NEAR(fast[i], want[i], 1e-4) << b.input_ids.size() << " tokens";
        EXPECT_NEAR(ref[i], want[i], 1e-4) << b.input_ids.size() << " tokens";
        worst = std::max(worst, std::fabs(double(fast[i]) - want[i]));
      }
    }
    std::printf("%s long sequences: max |fast - torch| = %.3g\n", name, worst);
  }
  if (test::golden_pair_limit() == static_cast<size_t>(-1)) {
    EXPECT_GE(longest, 1024u);
  }
}

TEST(DebertaModel, FastMatchesReference) {
  ThreadPool pool(2);
  for (const char* name : kAllFixtures) {
    SCOPED_TRACE(name);
    const DebertaModel m = load_fixture(name);
    const int labels = m.config().num_labels;
    const PackedBatch b = random_batch(m.config(), {1, 2, 7, 150, 13, 3}, 3);
    std::vector<float> fast(6 * labels), ref(fast.size());
    m.forward(b, fast.data(), &pool);
    m.forward_reference(b, ref.data());
    for (size_t i = 0; i < fast.size(); ++i) EXPECT_NEAR(fast[i], ref[i], 1e-4) << i;
    EXPECT_GT(std::fabs(ref[0] - ref[labels]) + std::fabs(ref[labels] - ref[3 * labels]), 1e-3) << "degenerate logits";
  }
}

TEST(DebertaModel, SequenceResultIsBitwiseIndependentOfBatchAndThreads) {
  for (const char* name : {"tiny-deberta-1label-f32", "tiny-deberta-3label-f16"}) {
    SCOPED_TRACE(name);
    const DebertaModel m = load_fixture(name);
    const size_t labels = static_cast<size_t>(m.config().num_labels);
    // Lengths around the bucket edges and one long enough that its distances reach the clamped rows.
    const std::vector<int> lengths = {5, 1, 140, 17, 8, 8, 65, 4};
    const PackedBatch b = random_batch(m.config(), lengths, 4);
    std::vector<float> batched(lengths.size() * labels);
    m.forward(b, batched.data(), nullptr);
    for (int threads : {1, 2, 3}) {
      ThreadPool pool(threads);
      std::vector<float> again(batched.size());
      m.forward(b, again.data(), &pool);
      ASSERT_EQ(0, std::memcmp(again.data(), batched.data(), again.size() * sizeof(float))) << threads;
      for (size_t s = 0; s < lengths.size(); ++s) {
        std::vector<float> alone(labels);
        m.forward(slice(b, s), alone.data(), &pool);
        ASSERT_EQ(0, std::memcmp(alone.data(), batched.data() + s * labels, labels * sizeof(float))) << "sequence " << s;
      }
    }
  }
}

TEST(DebertaModel, TokenTypesAreIgnoredWithoutTypeEmbeddings) {
  const DebertaModel m = load_fixture("tiny-deberta-1label-f32");  // type_vocab_size 0
  PackedBatch b = random_batch(m.config(), {9, 12}, 5);
  float with_types[2], zeros[2];
  m.forward(b, with_types, nullptr);
  std::fill(b.token_type_ids.begin(), b.token_type_ids.end(), 0);
  m.forward(b, zeros, nullptr);
  EXPECT_EQ(0, std::memcmp(with_types, zeros, sizeof zeros));
  // With type embeddings (the f16 fixture) a type id past the table is still an error.
  const DebertaModel typed = load_fixture("tiny-deberta-3label-f16");
  PackedBatch bad = random_batch(typed.config(), {4}, 6);
  bad.token_type_ids[2] = 2;
  std::vector<float> out(3);
  test::expect_error([&] { typed.forward(bad, out.data(), nullptr); }, ErrorCode::InvalidArgument,
                     {"token_type_ids[2]", "type_vocab_size 2"});
}

TEST(DebertaModel, RejectsSequencesPastTheLimit) {
  const DebertaModel m = load_fixture("tiny-deberta-1label-bf16");  // 256 positions
  const PackedBatch b = random_batch(m.config(), {257}, 7);
  float out[1];
  test::expect_error([&] { m.forward(b, out, nullptr); }, ErrorCode::InvalidArgument, {"257 tokens", "256"});
}

// --- weights --------------------------------------------------------------------------------------------------

// The fixture's tensors as F32, optionally renamed.
test::TensorMap fixture_tensors(const std::string& name) {
  const SafetensorsCheckpoint file = SafetensorsCheckpoint::open_model_dir((kModels / name).string());
  test::TensorMap t;
  for (const TensorView* v : file.tensors()) t[v->name] = {v->shape, file.read_f32(v->name, v->shape)};
  return t;
}

TEST(DebertaWeights, BareNamesLoadLikePrefixedOnes) {
  const std::string name = "tiny-deberta-3label-f16";
  const DebertaConfig c = fixture_config(name);
  test::TensorMap bare;
  for (auto& [n, tv] : fixture_tensors(name)) bare[n.rfind("deberta.", 0) == 0 ? n.substr(8) : n] = tv;
  test::TempDir dir;
  test::write_f32_safetensors(dir.path() / "model.safetensors", bare);
  const DebertaModel a(c, load_deberta_weights(SafetensorsCheckpoint::open_model_dir(dir.str()), c));
  const DebertaModel b = load_fixture(name);
  const PackedBatch batch = random_batch(c, {6, 30}, 8);
  std::vector<float> la(6), lb(6);
  a.forward(batch, la.data(), nullptr);
  b.forward(batch, lb.data(), nullptr);
  EXPECT_EQ(0, std::memcmp(la.data(), lb.data(), la.size() * sizeof(float)));
}

TEST(DebertaWeights, MissingOrMisshapenTensorsAreNamed) {
  const std::string name = "tiny-deberta-3label-f16";
  const DebertaConfig c = fixture_config(name);
  for (const char* drop : {"deberta.encoder.rel_embeddings.weight",
                           "deberta.encoder.layer.1.attention.self.pos_query_proj.weight",
                           "deberta.embeddings.embed_proj.weight", "pooler.dense.bias"}) {
    SCOPED_TRACE(drop);
    test::TensorMap t = fixture_tensors(name);
    ASSERT_EQ(t.erase(drop), 1u);
    test::TempDir dir;
    test::write_f32_safetensors(dir.path() / "model.safetensors", t);
    test::expect_error([&] { load_deberta_weights(SafetensorsCheckpoint::open_model_dir(dir.str()), c); },
                       ErrorCode::MissingTensor, {drop});
  }
  test::TensorMap t = fixture_tensors(name);
  t["deberta.encoder.rel_embeddings.weight"].first = {24, 96};  // same count, wrong shape
  test::TempDir dir;
  test::write_f32_safetensors(dir.path() / "model.safetensors", t);
  test::expect_error([&] { load_deberta_weights(SafetensorsCheckpoint::open_model_dir(dir.str()), c); },
                     ErrorCode::InvalidSafetensors, {"rel_embeddings"});
}

// --- config ---------------------------------------------------------------------------------------------------

json v3_config() {
  return json{{"architectures", {"DebertaV2ForSequenceClassification"}}, {"model_type", "deberta-v2"},
              {"vocab_size", 128100}, {"hidden_size", 768}, {"num_hidden_layers", 12}, {"num_attention_heads", 12},
              {"intermediate_size", 3072}, {"max_position_embeddings", 512}, {"type_vocab_size", 0},
              {"relative_attention", true}, {"position_buckets", 256}, {"max_relative_positions", -1},
              {"pos_att_type", {"p2c", "c2p"}}, {"share_att_key", true}, {"norm_rel_ebd", "layer_norm"},
              {"position_biased_input", false}, {"pooler_hidden_size", 768}, {"pooler_hidden_act", "gelu"},
              {"layer_norm_eps", 1e-7}, {"hidden_act", "gelu"}, {"id2label", {{"0", "LABEL_0"}}}};
}

TEST(DebertaConfig, ParsesAV3Config) {
  const DebertaConfig c = deberta_config_from_json(test::to_ce(v3_config()), "c");
  EXPECT_TRUE(c.relative_attention && c.c2p && c.p2c && c.share_att_key && c.norm_rel_embeddings);
  EXPECT_FALSE(c.position_biased_input);
  EXPECT_EQ(c.max_relative_positions, 512);  // -1 -> max_position_embeddings
  EXPECT_EQ(c.relative_embedding_rows(), 512);
  EXPECT_EQ(c.embedding_size, 768);
  EXPECT_FLOAT_EQ(c.attention_scale(), std::sqrt(64.0f * 3));
  EXPECT_EQ(c.num_labels, 1);
  // Older configs write pos_att_type as "p2c|c2p".
  json j = v3_config();
  j["pos_att_type"] = "C2P | p2c";
  const DebertaConfig s = deberta_config_from_json(test::to_ce(j), "c");
  EXPECT_TRUE(s.c2p && s.p2c);
  // transformers' defaults for absent keys: no relative attention, absolute positions, 0 token types.
  const DebertaConfig d = deberta_config_from_json(test::to_ce(json{{"model_type", "deberta-v2"}}), "c");
  EXPECT_FALSE(d.relative_attention);
  EXPECT_TRUE(d.position_biased_input);
  EXPECT_EQ(d.type_vocab_size, 0);
  EXPECT_FLOAT_EQ(d.layer_norm_eps, 1e-7f);
}

TEST(DebertaConfig, RejectsWhatItCannotRunByName) {
  struct Case { const char* key; json value; ErrorCode code; const char* needle; };
  const Case cases[] = {
      {"conv_kernel_size", 3, ErrorCode::UnsupportedArchitecture, "conv_kernel_size"},
      {"pos_att_type", {"p2p"}, ErrorCode::UnsupportedArchitecture, "pos_att_type \"p2p\""},
      {"pos_att_type", 7, ErrorCode::InvalidConfig, "pos_att_type"},
      {"attention_head_size", 32, ErrorCode::UnsupportedArchitecture, "attention_head_size"},
      {"pooler_hidden_size", 1024, ErrorCode::InvalidConfig, "pooler_hidden_size"},
      {"pooler_hidden_act", "swish", ErrorCode::UnsupportedArchitecture, "pooler_hidden_act \"swish\""},
      {"hidden_act", "silu", ErrorCode::UnsupportedArchitecture, "hidden_act \"silu\""},
      {"norm_rel_ebd", "batch_norm", ErrorCode::UnsupportedArchitecture, "norm_rel_ebd"},
      {"relative_attention", "yes", ErrorCode::InvalidConfig, "relative_attention"},
      {"share_att_key", 1, ErrorCode::InvalidConfig, "share_att_key"},
      {"position_buckets", 1, ErrorCode::InvalidConfig, "position_buckets"},
      {"max_relative_positions", 100, ErrorCode::InvalidConfig, "max_relative_positions"},
      {"type_vocab_size", -1, ErrorCode::InvalidConfig, "type_vocab_size"},
      {"hidden_size", 100, ErrorCode::InvalidConfig, "not a multiple"},
      {"max_position_embeddings", 1 << 21, ErrorCode::InvalidConfig, "max_position_embeddings"},
      {"model_type", "deberta", ErrorCode::UnsupportedArchitecture, "model_type \"deberta\""},
      {"architectures", {"DebertaForSequenceClassification"}, ErrorCode::UnsupportedArchitecture,
       "none of \"architectures\" is supported"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.key);
    json j = v3_config();
    j[k.key] = k.value;
    test::expect_error([&] { deberta_config_from_json(test::to_ce(j), "dir/config.json"); }, k.code, {"dir/config.json", k.needle});
  }
}

}  // namespace
}  // namespace ce
