// CrossEncoderModel: loading a model directory and scoring text pairs in length-sorted packed batches.
#include "api/cross_encoder.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>
#include <optional>
#include <system_error>
#include <thread>

#include "common/error.h"
#include "common/file_io.h"
#include "io/safetensors.h"
#include "io/safetensors_checkpoint.h"
#include "kernels/gemm_kernels.h"
#include "model/bert_model.h"
#include "runtime/thread_pool.h"

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

// Upper bound on tokens per forward pass: bounds scratch memory (intermediate activations are
// tokens * intermediate_size floats) while keeping GEMMs tall enough to run at full speed. 2048 rows are
// 36 row tasks of the GEMM driver (plenty for the pool) and keep a forward pass's scratch near 30 MB for
// MiniLM (8192 held ~65 MB at 4k tokens, most of the peak resident memory beyond the weights).
constexpr size_t kMaxBatchTokens = 2048;

// Maps sentence-transformers' activation class name (full module path or short form) to ours.
Activation parse_activation(const std::string& name, const std::string& config_path) {
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

size_t resolve_max_length(const LoadOptions& options, const BertConfig& config, const BertTokenizer& tokenizer) {
  const size_t max_pos = static_cast<size_t>(config.max_position_embeddings);
  if (options.max_length > 0) {
    if (options.max_length > max_pos)
      throw Error(ErrorCode::InvalidArgument, "max_length " + std::to_string(options.max_length) +
                                                  " exceeds the model's max_position_embeddings " +
                                                  std::to_string(max_pos));
    if (options.max_length < 3)
      throw Error(ErrorCode::InvalidArgument, "max_length " + std::to_string(options.max_length) +
                                                  " is too small: a pair needs 3 special tokens");
    return options.max_length;
  }
  const auto& tok_max = tokenizer.options().model_max_length;
  return tok_max && *tok_max > 0 ? std::min(*tok_max, max_pos) : max_pos;
}

}  // namespace

CrossEncoderModel::CrossEncoderModel(BertConfig config, BertTokenizer tokenizer)
    : config_(std::move(config)), tokenizer_(std::move(tokenizer)) {}

CrossEncoderModel::~CrossEncoderModel() = default;

std::shared_ptr<CrossEncoderModel> CrossEncoderModel::load(const std::string& model_dir, const LoadOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(model_dir, ec))
    throw Error(ErrorCode::FileNotFound, "model directory '" + model_dir + "' does not exist or is not a directory");
  if (options.threads < 0)
    throw Error(ErrorCode::InvalidArgument, "threads must be >= 0 (0 = physical cores), got " +
                                                std::to_string(options.threads));
  const std::string config_path = (fs::path(model_dir) / "config.json").string();
  BertConfig config = parse_bert_config(read_file_to_string(config_path, "config.json"), config_path);
  // sentence-transformers: Sigmoid for a single label, Identity otherwise, unless the config names one.
  const Activation activation = config.st_activation_fn.empty()
                                    ? (config.num_labels == 1 ? Activation::Sigmoid : Activation::Identity)
                                    : parse_activation(config.st_activation_fn, config_path);
  auto pool = std::make_unique<ThreadPool>(options.threads > 0 ? options.threads : physical_core_count());

  // The tokenizer files (tokenizer.json is a ~700 KB JSON document) are parsed on a thread of their own while
  // the weights are converted and packed on the pool: each is about half of the load time. Errors are reported
  // in the serial order: tokenizer, vocabulary and max_length checks, then the weights.
  std::optional<BertTokenizer> tokenizer_slot;
  std::exception_ptr tokenizer_error;
  auto load_tokenizer = [&] {
    try {
      tokenizer_slot.emplace(BertTokenizer::from_directory(model_dir));
    } catch (...) {
      tokenizer_error = std::current_exception();
    }
  };
  std::thread tokenizer_thread;
  try {
    tokenizer_thread = std::thread(load_tokenizer);
  } catch (const std::system_error&) {
    load_tokenizer();  // no thread to spare: load serially
  }
  std::optional<BertWeights> weights;
  WeightsSummary summary;
  std::exception_ptr weights_error;
  try {
    const SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint::open_model_dir(model_dir);
    weights.emplace(load_bert_weights(checkpoint, config, pool.get(), options.embeddings_in_memory));
    summary = summarize_weights(checkpoint);
  } catch (...) {
    weights_error = std::current_exception();
  }  // the mapping is released here: the weights are fp32 copies (the word embeddings may read the file still)
  if (tokenizer_thread.joinable()) tokenizer_thread.join();
  if (tokenizer_error) std::rethrow_exception(tokenizer_error);
  BertTokenizer& tokenizer = *tokenizer_slot;
  if (tokenizer.vocab_size() > static_cast<size_t>(config.vocab_size))
    throw Error(ErrorCode::InvalidConfig, config_path + ": vocab_size " + std::to_string(config.vocab_size) +
                                              " is smaller than the tokenizer's vocabulary (" +
                                              std::to_string(tokenizer.vocab_size()) + " tokens)");
  const size_t max_length = resolve_max_length(options, config, tokenizer);
  if (weights_error) std::rethrow_exception(weights_error);

  std::shared_ptr<CrossEncoderModel> model(new CrossEncoderModel(std::move(config), std::move(tokenizer)));
  model->max_length_ = max_length;
  model->default_activation_ = activation;
  model->model_ = std::make_unique<BertModel>(model->config_, std::move(*weights));
  model->weights_summary_ = std::move(summary);
  model->pool_ = std::move(pool);
  return model;
}

const char* CrossEncoderModel::gemm_kernel_name() const {
  return isa_name(active_gemm_kernel(WeightFormat::F32).isa);
}

PairEncoding CrossEncoderModel::tokenize(std::string_view a, std::string_view b) const {
  return tokenizer_.encode_pair(a, b, max_length_);
}

std::vector<float> CrossEncoderModel::predict(const std::vector<TextPair>& pairs,
                                              const PredictOptions& options) const {
  const Activation activation = options.activation;
  const size_t batch_size = options.batch_size;
  const std::atomic<bool>* cancel = options.cancel;
  if (batch_size < 1) throw Error(ErrorCode::InvalidArgument, "batch_size must be >= 1, got 0");
  const size_t n = pairs.size();
  const size_t labels = static_cast<size_t>(config_.num_labels);
  std::vector<float> out(n * labels);
  if (n == 0) return out;

  const auto throw_if_cancelled = [cancel] {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed))
      throw Error(ErrorCode::Cancelled, "predict was cancelled");
  };
  std::vector<PairEncoding> enc(n);
  // Cancellation is polled per chunk here too: tokenizing tens of thousands of long passages takes seconds.
  pool_->parallel_for(n, 16, [&](size_t b, size_t e) {
    throw_if_cancelled();
    for (size_t i = b; i < e; ++i) enc[i] = tokenize(pairs[i].a, pairs[i].b);
  });

  // Similar lengths share a batch (less wasted work in attention); stable order keeps runs reproducible.
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return enc[x].input_ids.size() < enc[y].input_ids.size(); });

  PackedBatch batch;
  std::vector<float> logits;
  // Activation buffers reused by each forward pass of this call, and kept by the model for later calls (an
  // exception drops them instead: the next call allocates afresh).
  std::unique_ptr<ForwardScratch> scratch = model_->take_scratch();
  for (size_t start = 0; start < n;) {
    throw_if_cancelled();
    batch.input_ids.clear();
    batch.token_type_ids.clear();
    batch.seq_offsets.assign(1, 0);
    size_t end = start;
    while (end < n && end - start < batch_size) {
      const PairEncoding& e = enc[order[end]];
      if (end > start && batch.input_ids.size() + e.input_ids.size() > kMaxBatchTokens) break;
      batch.input_ids.insert(batch.input_ids.end(), e.input_ids.begin(), e.input_ids.end());
      batch.token_type_ids.insert(batch.token_type_ids.end(), e.token_type_ids.begin(), e.token_type_ids.end());
      batch.seq_offsets.push_back(static_cast<int32_t>(batch.input_ids.size()));
      ++end;
    }
    logits.resize((end - start) * labels);
    model_->forward(batch, logits.data(), pool_.get(), scratch.get());
    for (size_t i = start; i < end; ++i)
      std::copy_n(logits.data() + (i - start) * labels, labels, out.data() + order[i] * labels);
    start = end;
  }
  model_->return_scratch(std::move(scratch));
  apply_activation(activation == Activation::Default ? default_activation_ : activation, config_.num_labels,
                   out.data(), n);
  return out;
}

}  // namespace ce
