// Hostile model files and paths (FIFOs, devices, sparse giants, NUL bytes, JSON nested 50,000 deep): each must
// end in a typed ce::Error, never a hang or a crash. Each case runs in a forked child under a time limit, so a
// regression fails that case instead of hanging or killing the whole suite.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/cross_encoder.h"
#include "common/error.h"
#include "common/file_io.h"
#include "io/safetensors.h"
#include "io/safetensors_checkpoint.h"
#include "io/untrusted_json.h"
#include "model/bert/bert_config.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;

// How a call run in a child process ended.
struct Outcome {
  enum Kind { Threw, Returned, Crashed, TimedOut } kind = Returned;
  ce::ErrorCode code = ce::ErrorCode::Internal;
  std::string message;  // the ce::Error's message, or what went wrong
};

// Runs `f` in a forked child and reports whether it threw a ce::Error (with its code and message), returned,
// crashed (a signal) or was still running after `limit_s` seconds (then it is killed).
Outcome run_isolated(const std::function<void()>& f, int limit_s = 20) {
  int fds[2];
  if (pipe(fds) != 0) return {Outcome::Crashed, ce::ErrorCode::Internal, "pipe() failed"};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string report = "R";
    try {
      f();
    } catch (const ce::Error& e) {
      report = "T" + std::to_string(static_cast<int>(e.code())) + "\n" + e.what();
    } catch (const std::exception& e) {
      report = "X" + std::string(e.what());
    }
    size_t done = 0;
    while (done < report.size()) {
      const ssize_t n = write(fds[1], report.data() + done, report.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string report;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limit_s);
  bool timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;  // the child closed its end: it has finished
    report.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (timed_out) return {Outcome::TimedOut, ce::ErrorCode::Internal, "still running after the time limit"};
  if (WIFSIGNALED(status)) {
    return {Outcome::Crashed, ce::ErrorCode::Internal, "killed by signal " + std::to_string(WTERMSIG(status))};
  }
  if (report.empty()) return {Outcome::Crashed, ce::ErrorCode::Internal, "exited without a report"};
  if (report[0] == 'R') return {Outcome::Returned, ce::ErrorCode::Internal, ""};
  if (report[0] == 'X') return {Outcome::Crashed, ce::ErrorCode::Internal, "threw a non-ce exception: " + report};
  const size_t newline = report.find('\n');
  return {Outcome::Threw, static_cast<ce::ErrorCode>(std::stoi(report.substr(1, newline - 1))),
          report.substr(newline + 1)};
}

// `f` must end, in a child process, by throwing ce::Error `code` with every one of `parts` in its message.
void expect_isolated_error(const std::function<void()>& f, ce::ErrorCode code, const std::vector<std::string>& parts) {
  const Outcome o = run_isolated(f);
  ASSERT_EQ(o.kind, Outcome::Threw) << (o.kind == Outcome::Returned ? "returned without an error" : o.message);
  EXPECT_EQ(o.code, code) << "got " << ce::error_code_name(o.code) << ": " << o.message;
  for (const auto& p : parts) EXPECT_NE(o.message.find(p), std::string::npos) << "message lacks '" << p << "': " << o.message;
  // A message quotes a bounded excerpt of a bad value, never the value itself.
  EXPECT_LT(o.message.size(), 2000u) << o.message.substr(0, 300);
}

std::string nested_arrays(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

class UntrustedFiles : public ce::test::ScratchDirTest {
 protected:
  UntrustedFiles() : ScratchDirTest("ce_untrusted_") {}

  // A copy of the tiny vocab.txt fixture model made of symlinks to its files, with `replaced` left out.
  fs::path model_without(const std::string& replaced) {
    const fs::path fixture = fs::path(CE_SOURCE_DIR) / "test/fixtures/models/tiny-1label-f32";
    const fs::path model = dir_ / "model";
    fs::create_directories(model);
    for (const auto& entry : fs::directory_iterator(fixture)) {
      if (entry.path().filename() != replaced) fs::create_symlink(fs::absolute(entry.path()), model / entry.path().filename());
    }
    return model;
  }

  static void load(const fs::path& model) { ce::CrossEncoderModel::load(model.string(), ce::LoadOptions{.threads = 1}); }
};

TEST_F(UntrustedFiles, FifoIsRefusedWithoutWaitingForAWriter) {
  const std::string fifo = (dir_ / "config.json").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  expect_isolated_error([&] { ce::read_file_to_string(fifo, "config.json", ce::file_limits::kSmallJson); },
                        ce::ErrorCode::FileUnreadable, {fifo, "not a regular file", "FIFO"});
  expect_isolated_error([&] { ce::SafetensorsFile::open(fifo); }, ce::ErrorCode::FileUnreadable, {fifo, "FIFO"});
}

// The tokenizer files were read with std::ifstream, whose open() blocks on a FIFO until a writer comes: forever.
TEST_F(UntrustedFiles, ModelWithAFifoForATokenizerFileFailsInsteadOfHanging) {
  for (const std::string name : {"vocab.txt", "tokenizer_config.json", "special_tokens_map.json"}) {
    SCOPED_TRACE(name);
    fs::remove_all(dir_ / "model");
    const fs::path model = model_without(name);
    ASSERT_EQ(mkfifo((model / name).c_str(), 0600), 0);
    expect_isolated_error([&] { load(model); }, ce::ErrorCode::FileUnreadable, {name, "FIFO"});
  }
  // tokenizer.json is read before vocab.txt when both exist.
  fs::remove_all(dir_ / "model");
  const fs::path model = model_without("");
  ASSERT_EQ(mkfifo((model / "tokenizer.json").c_str(), 0600), 0);
  expect_isolated_error([&] { load(model); }, ce::ErrorCode::FileUnreadable, {"tokenizer.json", "FIFO"});
}

TEST_F(UntrustedFiles, DeviceBehindASymlinkIsRefusedUnread) {
  const std::string link = (dir_ / "vocab.txt").string();
  fs::create_symlink("/dev/zero", link);
  expect_isolated_error([&] { ce::read_file_to_string(link, "vocab.txt", ce::file_limits::kTokenizer); },
                        ce::ErrorCode::FileUnreadable, {link, "character device"});
  expect_isolated_error([&] { ce::SafetensorsFile::open(link); }, ce::ErrorCode::FileUnreadable, {"character device"});
  fs::remove_all(dir_ / "model");
  const fs::path model = model_without("vocab.txt");
  fs::create_symlink("/dev/zero", model / "vocab.txt");
  expect_isolated_error([&] { load(model); }, ce::ErrorCode::FileUnreadable, {"vocab.txt", "character device"});
}

TEST_F(UntrustedFiles, DirectoryAndSymlinkLoopAreNamedAsSuch) {
  fs::create_directories(dir_ / "config.json");
  expect_isolated_error([&] { ce::read_file_to_string((dir_ / "config.json").string(), "config.json"); },
                        ce::ErrorCode::FileUnreadable, {"a directory"});
  fs::create_symlink(dir_ / "loop_b", dir_ / "loop_a");
  fs::create_symlink(dir_ / "loop_a", dir_ / "loop_b");
  expect_isolated_error([&] { ce::SafetensorsFile::open((dir_ / "loop_a").string()); }, ce::ErrorCode::FileUnreadable,
                        {"loop_a", "symbolic link loop"});
  expect_isolated_error([&] { load(dir_ / "loop_a"); }, ce::ErrorCode::FileUnreadable, {"loop_a"});
}

TEST_F(UntrustedFiles, SparseFileOverTheLimitIsRefusedBeforeReading) {
  const std::string path = (dir_ / "tokenizer.json").string();
  write_raw("tokenizer.json", "");
  fs::resize_file(path, ce::file_limits::kTokenizer + 1);  // sparse: takes no disk
  expect_isolated_error([&] { ce::read_file_to_string(path, "tokenizer.json", ce::file_limits::kTokenizer); },
                        ce::ErrorCode::FileUnreadable,
                        {path, std::to_string(ce::file_limits::kTokenizer) + "-byte limit for tokenizer.json"});
  fs::remove_all(dir_ / "model");
  const fs::path model = model_without("config.json");
  write_raw("model/config.json", "");
  fs::resize_file(model / "config.json", std::uintmax_t{1} << 36);  // 64 GiB of holes
  expect_isolated_error([&] { load(model); }, ce::ErrorCode::FileUnreadable, {"config.json", "limit"});
}

TEST_F(UntrustedFiles, PathWithANulByteIsAnInvalidArgument) {
  const std::string with_nul = (dir_ / "model").string() + std::string("\0/evil", 6);
  fs::create_directories(dir_ / "model");
  expect_isolated_error([&] { load(with_nul); }, ce::ErrorCode::InvalidArgument, {"NUL"});
  expect_isolated_error([&] { ce::read_file_to_string(with_nul, "config.json"); }, ce::ErrorCode::InvalidArgument,
                        {"config.json", "NUL"});
  expect_isolated_error([&] { ce::SafetensorsFile::open(with_nul); }, ce::ErrorCode::InvalidArgument, {"NUL"});
}

// Formatting the error for such a value used dump(), one stack frame per level: a 1,000,000-deep value crashed
// (SIGSEGV) even an 8 MB main-thread stack before this change; smaller thread stacks crash far sooner.
TEST_F(UntrustedFiles, DeeplyNestedConfigValueIsReportedNotDumped) {
  const std::string config = R"({"model_type": "bert", "hidden_size": )" + nested_arrays(1000000) + "}";
  expect_isolated_error([&] { ce::parse_bert_config(config, "config.json"); }, ce::ErrorCode::InvalidConfig,
                        {"config.json", "nests deeper than 128"});
  // Within the depth limit, a wrong-typed value is described by its type, not printed.
  const std::string shallow = R"({"model_type": "bert", "hidden_size": )" + nested_arrays(100) + "}";
  expect_isolated_error([&] { ce::parse_bert_config(shallow, "config.json"); }, ce::ErrorCode::InvalidConfig,
                        {"hidden_size", "an array of 1 element (the first is an array)"});
}

TEST_F(UntrustedFiles, DeeplyNestedSafetensorsHeaderAndIndexAreRejected) {
  const std::string header =
      R"({"w": {"dtype": "F32", "shape": )" + nested_arrays(1000000) + R"(, "data_offsets": [0, 4]}})";
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  const std::string path = write_raw("deep.safetensors", bytes + header + std::string(4, '\0'));
  expect_isolated_error([&] { ce::SafetensorsFile::open(path); }, ce::ErrorCode::InvalidSafetensors,
                        {path, "'w'", "nests deeper"});
  const std::string shallow_header = R"({"w": {"dtype": "F32", "shape": )" + nested_arrays(60) +
                                     R"(, "data_offsets": [0, 4]}})";
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((shallow_header.size() >> (8 * i)) & 0xff);
  const std::string shallow = write_raw("shallow.safetensors", bytes + shallow_header + std::string(4, '\0'));
  expect_isolated_error([&] { ce::SafetensorsFile::open(shallow); }, ce::ErrorCode::InvalidSafetensors,
                        {"'w'", "shape", "an array of 1 element"});

  write_raw("model.safetensors.index.json", R"({"weight_map": {"w": )" + nested_arrays(1000000) + "}}");
  expect_isolated_error([&] { ce::SafetensorsCheckpoint::open_model_dir(dir_.string()); },
                        ce::ErrorCode::InvalidSafetensors, {"model.safetensors.index.json", "nests deeper"});
  write_raw("model.safetensors.index.json", R"({"weight_map": {"w": )" + nested_arrays(5) + "}}");
  expect_isolated_error([&] { ce::SafetensorsCheckpoint::open_model_dir(dir_.string()); },
                        ce::ErrorCode::InvalidSafetensors, {"'w'", "not a string", "an array of 1 element"});
}

TEST(UntrustedJson, DepthLimitSkipsBracketsInsideStrings) {
  const std::string text = R"({"a": ")" + std::string(500, '[') + R"(\"[", "b": [[1]]})";
  EXPECT_NO_THROW(ce::parse_json(text, "x", {.code = ce::ErrorCode::InvalidConfig, .max_depth = 3}));
  expect_isolated_error(
      [] { ce::parse_json("[[[[1]]]]", "x.json", {.code = ce::ErrorCode::InvalidTokenizer, .max_depth = 3}); },
      ce::ErrorCode::InvalidTokenizer, {"x.json", "deeper than 3", "byte 3", "inside [0] > [0] > [0]"});
}

TEST(UntrustedJson, DescriptionsAreShortForAnyValue) {
  using ce::Json;
  EXPECT_EQ(ce::describe_json(Json(-3)), "-3");
  EXPECT_EQ(ce::describe_json(ce::parse_json("[1, \"a\", null]", "t")), "[1, \"a\", null]");
  EXPECT_EQ(ce::describe_json(ce::parse_json("{\"a\": [1], \"b\": 2}", "t")), "an object with 2 keys");
  EXPECT_EQ(ce::describe_json(ce::parse_json("[1,2,3,4,5,6,7,8,9]", "t")),
            "an array of 9 elements (the first is a number)");
  const std::string long_text(100000, 'x');
  const std::string described = ce::describe_json(Json(long_text));
  EXPECT_LT(described.size(), 100u);
  EXPECT_NE(described.find("100000 bytes"), std::string::npos) << described;
  // A string cut inside a UTF-8 character is still described as valid UTF-8 (the cut bytes as U+FFFD).
  const std::string cut = ce::describe_json(Json(std::string(63, 'x') + "\xC3\xA9" + std::string(10, 'y')));
  EXPECT_NE(cut.find("\xEF\xBF\xBD"), std::string::npos) << cut;
  // A value nested far deeper than the parser would accept, built directly: still described in a few words, and
  // freed by ce::Json's iterative destructor without recursing.
  expect_isolated_error(
      [] {
        Json deep = Json::array();
        for (int i = 0; i < 200000; ++i) {
          Json::Array outer;
          outer.push_back(std::move(deep));
          deep = Json::array(std::move(outer));
        }
        throw ce::Error(ce::ErrorCode::InvalidConfig, ce::describe_json(deep));
      },
      ce::ErrorCode::InvalidConfig, {"an array of 1 element (the first is an array)"});
}

}  // namespace
