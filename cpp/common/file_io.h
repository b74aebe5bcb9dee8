// Checked opens and whole-file reads of untrusted model files, with ce::Error codes that name the file and the fix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace ce {

// The largest file of each kind the core reads whole into memory. Real files are far smaller (config.json: a few
// KB; the tokenizer.json of a 250k-token vocabulary: about 17 MB); the caps stop a device, a mislabelled file or
// a huge sparse file from being read into memory.
namespace file_limits {
inline constexpr size_t kSmallJson = size_t{16} << 20;  // config.json, tokenizer_config.json, special_tokens_map.json
inline constexpr size_t kIndexJson = size_t{64} << 20;  // model.safetensors.index.json
inline constexpr size_t kTokenizer = size_t{256} << 20;  // tokenizer.json (XLM-R's is 17 MB)
inline constexpr size_t kVocabTxt = size_t{64} << 20;    // vocab.txt (BERT's is 230 KB)
}  // namespace file_limits

// An open file descriptor, closed when the last owner lets go (held through shared_ptr by readers that pread
// the file after its mapping is gone).
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor();
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

struct OpenedFile {
  std::shared_ptr<const FileDescriptor> fd;
  uint64_t size = 0;
};

// The one way the core opens a model file. Opens `path` without blocking (a FIFO would otherwise wait forever for a
// writer) and accepts only a regular file of at most `max_bytes` (a symlink is followed). `what` names the kind of
// file in messages (e.g. "config.json"). Throws InvalidArgument for a path holding a NUL byte, FileNotFound when
// it does not exist, FileUnreadable naming the file and what it is instead (directory, FIFO, device, socket),
// when it is over the limit (the message says the limit) or cannot be opened.
OpenedFile open_regular_file(const std::string& path, const std::string& what, uint64_t max_bytes);

// Reads exactly `bytes` at `offset` of the open file `fd` (thread-safe: no shared file position). Throws
// FileUnreadable naming `path`, saying so when the file ended early (truncated since it was opened).
void pread_exact(const FileDescriptor& fd, const std::string& path, uint64_t offset, void* out, size_t bytes);

// Reads the regular file `path` (open_regular_file's checks and errors) into a string; a file that grows past
// `max_bytes` while it is read is refused too. The core's callers pass their kind's limit from file_limits.
std::string read_file_to_string(const std::string& path, const std::string& what,
                                size_t max_bytes = file_limits::kSmallJson);

}  // namespace ce
