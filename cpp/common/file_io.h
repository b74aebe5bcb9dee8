// Whole-file reads with ce::Error codes that tell "missing" from "unreadable" and name the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ce {

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

// Reads exactly `bytes` at `offset` of the open file `fd` (thread-safe: no shared file position). Throws
// FileUnreadable naming `path`, saying so when the file ended early (truncated since it was opened).
void pread_exact(const FileDescriptor& fd, const std::string& path, uint64_t offset, void* out, size_t bytes);

// Reads `path` into a string. `what` describes the file in messages (e.g. "config.json").
// Throws FileNotFound when it does not exist, FileUnreadable when it is a directory, cannot be read,
// or is larger than `max_bytes` (a guard against reading something that is clearly not a model file).
std::string read_file_to_string(const std::string& path, const std::string& what,
                                size_t max_bytes = size_t{1} << 30);

}  // namespace ce
