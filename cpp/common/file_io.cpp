// Whole-file reads with POSIX calls so that errno tells missing, directory and permission failures apart.
#include "common/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace ce {

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

void pread_exact(const FileDescriptor& fd, const std::string& path, uint64_t offset, void* out, size_t bytes) {
  auto* dst = static_cast<char*>(out);
  while (bytes > 0) {
    const ssize_t got = ::pread(fd.get(), dst, bytes, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0)
      throw Error(ErrorCode::FileUnreadable, "'" + path + "': read failed at byte " + std::to_string(offset) + ": " +
                                                 std::strerror(errno));
    if (got == 0)
      throw Error(ErrorCode::FileUnreadable, "'" + path + "' ends before byte " + std::to_string(offset + bytes) +
                                                 ": it was truncated or rewritten while the model was loaded");
    dst += got;
    offset += static_cast<uint64_t>(got);
    bytes -= static_cast<size_t>(got);
  }
}

std::string read_file_to_string(const std::string& path, const std::string& what, size_t max_bytes) {
  const std::string prefix = what + " '" + path + "': ";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // O_NONBLOCK: a FIFO must not hang open()
  if (fd < 0) {
    const int err = errno;
    const ErrorCode code = (err == ENOENT || err == ENOTDIR) ? ErrorCode::FileNotFound : ErrorCode::FileUnreadable;
    throw Error(code, prefix + (code == ErrorCode::FileNotFound ? "not found" : "cannot open") + ": " +
                          std::strerror(err));
  }
  const FileDescriptor closer(fd);  // closes it on every exit path, including throws
  struct stat st {};
  if (fstat(fd, &st) != 0) throw Error(ErrorCode::FileUnreadable, prefix + "cannot stat: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw Error(ErrorCode::FileUnreadable, prefix + "not a regular file");
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    throw Error(ErrorCode::FileUnreadable, prefix + "is " + std::to_string(st.st_size) + " bytes, more than the " +
                                               std::to_string(max_bytes) + "-byte limit");
  }
  std::string out;
  out.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buf, sizeof buf);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorCode::FileUnreadable, prefix + "read failed: " + std::strerror(errno));
    }
    out.append(buf, static_cast<size_t>(got));
    // The size may grow while we read; keep the limit anyway.
    if (out.size() > max_bytes) {
      throw Error(ErrorCode::FileUnreadable, prefix + "grew past the " + std::to_string(max_bytes) + "-byte limit");
    }
  }
  return out;
}

}  // namespace ce
