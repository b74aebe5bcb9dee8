// CrossEncoderModel: loading a model directory through the family registry and scoring text pairs in
// length-sorted packed batches (encode -> plan -> run batches -> finish).
#include "api/cross_encoder.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <system_error>
#include <thread>

#include "common/error.h"
#include "common/file_io.h"
#include "io/safetensors.h"
#include "io/safetensors_checkpoint.h"
#include "kernels/gemm_kernels.h"
#include "model/config_json.h"
#include "model/int8_smoothing.h"
#include "model/registry.h"
#include "model/sequence_classifier.h"
#include "runtime/thread_pool.h"
#include "tokenizer/tokenizer_files.h"

namespace ce {

namespace {

WeightsSummary summarize_weights(const SafetensorsCheckpoint& checkpoint) {
  std::map<std::string, uint64_t> by_dtype;  // sorted by dtype name
  WeightsSummary summary;
  for (const TensorView* tensor : checkpoint.tensors()) {
    uint64_t count = 1;
    for (int64_t dim : tensor->shape) count *= static_cast<uint64_t>(dim);  // the loader bounded these
    by_dtype[dtype_name(tensor->dtype)] += count;
    summary.parameters += count;
  }
  summary.parameters_by_dtype.assign(by_dtype.begin(), by_dtype.end());
  summary.file_bytes = checkpoint.total_bytes();
  return summary;
}

// Maps sentence-transformers' activation class name (full module path or short form) to ours.
Activation parse_st_activation(const std::string& name, const std::string& config_path) {
  std::string base = name;
  for (const char* prefix : {"torch.nn.modules.activation.", "torch.nn.modules.linear.", "torch.nn.", "nn."}) {
    const std::string p(prefix);
    if (base.rfind(p, 0) == 0) {
      base = base.substr(p.size());
      break;
    }
  }
  if (base == "Identity") return Activation::Identity;
  if (base == "Sigmoid") return Activation::Sigmoid;
  if (base == "Tanh") return Activation::Tanh;
  if (base == "Softmax") return Activation::Softmax;
  throw Error(ErrorCode::UnsupportedArchitecture,
              config_path + ": activation function '" + name +
                  "' is not supported (expected Identity, Sigmoid, Tanh or Softmax from torch.nn)");
}

size_t resolve_max_length(const LoadOptions& options, const ModelInfo& info, const Tokenizer& tokenizer) {
  const size_t special_tokens = tokenizer.num_special_tokens_pair();
  const size_t max_seq = info.max_sequence_length;
  if (options.max_length > 0) {
    if (options.max_length > max_seq)
      throw Error(ErrorCode::InvalidArgument, "max_length " + std::to_string(options.max_length) +
                                                  " exceeds the model's max_position_embeddings " +
                                                  std::to_string(max_seq));
    if (options.max_length < special_tokens)
      throw Error(ErrorCode::InvalidArgument, "max_length " + std::to_string(options.max_length) +
                                                  " is too small: a pair needs " + std::to_string(special_tokens) +
                                                  " special tokens");
    return options.max_length;
  }
  const std::optional<size_t> tok_max = tokenizer.model_max_length();
  return tok_max && *tok_max > 0 ? std::min(*tok_max, max_seq) : max_seq;
}

}  // namespace

CrossEncoderModel::~CrossEncoderModel() = default;

std::shared_ptr<CrossEncoderModel> CrossEncoderModel::load(const std::string& model_dir, const LoadOptions& options) {
  namespace fs = std::filesystem;
  // The path reaches stat() and open() as a C string, which would end at a NUL: another directory would load.
  if (model_dir.find('\0') != std::string::npos)
    throw Error(ErrorCode::InvalidArgument, "model directory path contains a NUL byte");
  std::error_code ec;
  if (!fs::is_directory(model_dir, ec)) {
    if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory)
      throw Error(ErrorCode::FileUnreadable, "model directory '" + model_dir + "': " + ec.message());
    throw Error(ErrorCode::FileNotFound, "model directory '" + model_dir + "' does not exist or is not a directory");
  }
  if (options.max_batch_tokens < 1 || options.max_queued_pairs < 1)
    throw Error(ErrorCode::InvalidArgument, "max_batch_tokens and max_queued_pairs must be >= 1, got " +
                                                std::to_string(options.max_batch_tokens) + " and " +
                                                std::to_string(options.max_queued_pairs));
  if (options.threads < 0)
    throw Error(ErrorCode::InvalidArgument, "threads must be >= 0 (0 = physical cores), got " +
                                                std::to_string(options.threads));
  const std::string config_path = (fs::path(model_dir) / "config.json").string();
  const Json config_json =
      parse_config_json(read_file_to_string(config_path, "config.json", file_limits::kSmallJson), config_path);
  const ModelFamily& family = family_for_config(config_json, config_path);
  const std::unique_ptr<FamilyConfig> config = family.parse_config(config_json, config_path);
  const ModelInfo& info = config->info;
  // sentence-transformers: Sigmoid for a single label, Identity otherwise, unless the config names one.
  const Activation activation = info.st_activation_fn.empty()
                                    ? (info.num_labels == 1 ? Activation::Sigmoid : Activation::Identity)
                                    : parse_st_activation(info.st_activation_fn, config_path);
  std::shared_ptr<ThreadPool> pool = options.pool ? options.pool : shared_thread_pool(options.threads);
  // Validates the precision (an unchecked cast: InvalidArgument) and CE_PRECISION_PLAN before any file is read.
  const PrecisionPlan precision_plan = precision_plan_for_load(options.precision);

  // The tokenizer files (tokenizer.json is a ~700 KB JSON document) are parsed on a thread of their own while
  // the weights are converted and packed on the pool: each is about half of the load time. Errors are reported
  // in the serial order: tokenizer, vocabulary and max_length checks, then the weights.
  std::shared_ptr<const Tokenizer> tokenizer;
  std::exception_ptr tokenizer_error;
  auto load_tokenizer_files = [&] {
    try {
      tokenizer = load_tokenizer(model_dir);
    } catch (...) {
      tokenizer_error = std::current_exception();
    }
  };
  std::thread tokenizer_thread;
  try {
    tokenizer_thread = std::thread(load_tokenizer_files);
  } catch (const std::system_error&) {
    load_tokenizer_files();  // no thread to spare: load serially
  }
  std::unique_ptr<SequenceClassifier> classifier;
  std::exception_ptr weights_error;
  try {
    const SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint::open_model_dir(model_dir);
    // int8 layers are packed in fp32 first: a calibration pass measures their inputs, then they are smoothed and
    // quantised (int8_smoothing.h).
    const bool smooth_int8 = precision_plan.uses(WeightFormat::I8);
    const PrecisionPlan load_plan =
        smooth_int8 ? precision_plan.with_format_replaced(WeightFormat::I8, WeightFormat::F32) : precision_plan;
    classifier =
        family.load(*config, checkpoint, WeightLoadOptions{pool.get(), options.embeddings_in_memory, load_plan});
    if (smooth_int8) quantize_int8_layers_smoothed(*classifier, precision_plan, pool.get());
    classifier->set_weights_summary(summarize_weights(checkpoint));
    classifier->set_sequence_parallel(sequence_parallel_pays(*classifier, last_level_cache_bytes()));
  } catch (...) {
    weights_error = std::current_exception();
  }  // the mapping is released here: the weights are fp32 copies (the word embeddings may read the file still)
  if (tokenizer_thread.joinable()) tokenizer_thread.join();
  if (tokenizer_error) std::rethrow_exception(tokenizer_error);
  if (tokenizer->vocab_size() > info.vocab_size)
    throw Error(ErrorCode::InvalidConfig, config_path + ": vocab_size " + std::to_string(info.vocab_size) +
                                              " is smaller than the tokenizer's vocabulary (" +
                                              std::to_string(tokenizer->vocab_size()) + " tokens)");
  const size_t max_length = resolve_max_length(options, info, *tokenizer);
  if (weights_error) std::rethrow_exception(weights_error);

  std::shared_ptr<CrossEncoderModel> model(new CrossEncoderModel());
  model->classifier_ = std::move(classifier);
  model->tokenizer_ = std::move(tokenizer);
  model->pool_ = std::move(pool);
  model->max_length_ = max_length;
  model->default_activation_ = activation;
  model->precision_plan_ = precision_plan;
  // fp32 keeps its established names ("avx512", ...: the ISA); reduced formats name their kernel ("avx512-vnni").
  const GemmKernel& kernel = active_gemm_kernel(precision_plan.primary_format());
  model->gemm_kernel_name_ = kernel.format == WeightFormat::F32 ? isa_name(kernel.isa) : kernel.name;
  SchedulerOptions scheduling;
  scheduling.max_batch_tokens = options.max_batch_tokens;
  scheduling.max_queued_pairs = options.max_queued_pairs;
  model->scheduler_ = std::make_unique<Scheduler>(*model, scheduling);
  return model;
}

const ModelInfo& CrossEncoderModel::info() const { return classifier_->info(); }

int CrossEncoderModel::num_labels() const { return info().num_labels; }

size_t CrossEncoderModel::pair_special_tokens() const { return tokenizer_->num_special_tokens_pair(); }

PairEncoding CrossEncoderModel::tokenize(std::string_view a, std::string_view b) const {
  return tokenizer_->encode_pair(a, b, max_length_);
}

std::vector<PairEncoding> CrossEncoderModel::encode(const std::vector<TextPair>& pairs,
                                                    const std::atomic<bool>* cancel) const {
  std::vector<PairEncoding> enc(pairs.size());
  // Cancellation is polled per chunk: tokenizing tens of thousands of long passages takes seconds.
  pool_->parallel_for(pairs.size(), 16, [&](size_t b, size_t e) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed))
      throw Error(ErrorCode::Cancelled, "predict was cancelled");
    for (size_t i = b; i < e; ++i) enc[i] = tokenize(pairs[i].a, pairs[i].b);
  });
  return enc;
}

BatchPlan CrossEncoderModel::plan(const std::vector<PairEncoding>& encodings, size_t batch_size) const {
  std::vector<size_t> lengths(encodings.size());
  for (size_t i = 0; i < encodings.size(); ++i) lengths[i] = encodings[i].input_ids.size();
  return plan_batches(lengths, batch_size, kMaxBatchTokens);
}

void CrossEncoderModel::run_batch(const std::vector<PairEncoding>& encodings, const std::vector<size_t>& order,
                                  size_t begin, size_t end, ForwardScratch& scratch, float* logits) const {
  const size_t labels = static_cast<size_t>(num_labels());
  PackedBatch batch;
  batch.seq_offsets.assign(1, 0);
  for (size_t i = begin; i < end; ++i) {
    const PairEncoding& e = encodings[order[i]];
    batch.input_ids.insert(batch.input_ids.end(), e.input_ids.begin(), e.input_ids.end());
    batch.token_type_ids.insert(batch.token_type_ids.end(), e.token_type_ids.begin(), e.token_type_ids.end());
    batch.seq_offsets.push_back(static_cast<int32_t>(batch.input_ids.size()));
  }
  std::vector<float> batch_logits((end - begin) * labels);
  classifier_->forward(batch, batch_logits.data(), pool_.get(), &scratch);
  for (size_t i = begin; i < end; ++i)
    std::copy_n(batch_logits.data() + (i - begin) * labels, labels, logits + order[i] * labels);
}

void CrossEncoderModel::score(const std::vector<const PairEncoding*>& batch, float* logits) const {
  PackedBatch packed;
  packed.seq_offsets.assign(1, 0);
  for (const PairEncoding* e : batch) {
    packed.input_ids.insert(packed.input_ids.end(), e->input_ids.begin(), e->input_ids.end());
    packed.token_type_ids.insert(packed.token_type_ids.end(), e->token_type_ids.begin(), e->token_type_ids.end());
    packed.seq_offsets.push_back(static_cast<int32_t>(packed.input_ids.size()));
  }
  std::unique_ptr<ForwardScratch> scratch = classifier_->take_scratch();
  classifier_->forward(packed, logits, pool_.get(), scratch.get());
  classifier_->return_scratch(std::move(scratch));
}

void CrossEncoderModel::finish(float* logits, size_t rows, Activation activation) const {
  apply_activation(activation == Activation::Default ? default_activation_ : activation, num_labels(), logits, rows);
}

std::vector<float> CrossEncoderModel::predict(const std::vector<TextPair>& pairs,
                                              const PredictOptions& options) const {
  if (options.batch_size < 1) throw Error(ErrorCode::InvalidArgument, "batch_size must be >= 1, got 0");
  const size_t n = pairs.size();
  std::vector<float> out(n * static_cast<size_t>(num_labels()));
  if (n == 0) return out;
  const std::vector<PairEncoding> encodings = encode(pairs, options.cancel);
  const BatchPlan batches = plan(encodings, options.batch_size);
  // Activation buffers reused by each forward pass of this call, and kept by the model for later calls (an
  // exception drops them instead: the next call allocates afresh).
  std::unique_ptr<ForwardScratch> scratch = classifier_->take_scratch();
  for (size_t b = 0; b < batches.num_batches(); ++b) {
    if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed))
      throw Error(ErrorCode::Cancelled, "predict was cancelled");
    run_batch(encodings, batches.order, batches.bounds[b], batches.bounds[b + 1], *scratch, out.data());
  }
  classifier_->return_scratch(std::move(scratch));
  finish(out.data(), n, options.activation);
  return out;
}

}  // namespace ce
