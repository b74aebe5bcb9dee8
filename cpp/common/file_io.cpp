// Model files are opened with POSIX calls so that errno and fstat tell missing, directory, FIFO, device and
// permission failures apart before a byte is read.
#include "common/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace ce {

namespace {

// What a non-regular file is, for the message that refuses it.
const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

std::string describe_open_error(int err) {
  if (err == ELOOP) return "cannot open: it is a symbolic link loop (" + std::string(std::strerror(err)) + ")";
  return std::string("cannot open: ") + std::strerror(err);
}

}  // namespace

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

OpenedFile open_regular_file(const std::string& path, const std::string& what, uint64_t max_bytes) {
  const std::string prefix = what + " '" + path + "': ";
  // open() stops at the first NUL: the file opened would not be the one named.
  if (path.find('\0') != std::string::npos) {
    std::string shown = path;
    for (char& c : shown) c = c == '\0' ? '?' : c;
    throw Error(ErrorCode::InvalidArgument, what + " path '" + shown + "' contains a NUL byte (shown as '?')");
  }
  // O_NONBLOCK: opening a FIFO for reading would otherwise block until a writer appears; on a regular file it
  // changes nothing. O_CLOEXEC: a child process forked meanwhile must not inherit the model files.
  const int raw_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (raw_fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      throw Error(ErrorCode::FileNotFound, prefix + "not found: " + std::strerror(err));
    }
    throw Error(ErrorCode::FileUnreadable, prefix + describe_open_error(err));
  }
  auto fd = std::make_shared<const FileDescriptor>(raw_fd);  // closes it on every exit path, including throws
  struct stat st {};
  if (fstat(fd->get(), &st) != 0) {
    throw Error(ErrorCode::FileUnreadable, prefix + "cannot stat: " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    throw Error(ErrorCode::FileUnreadable, prefix + "not a regular file: it is " + file_kind(st.st_mode));
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size > max_bytes) {
    throw Error(ErrorCode::FileUnreadable, prefix + "is " + std::to_string(size) + " bytes, more than the " +
                                               std::to_string(max_bytes) + "-byte limit for " + what);
  }
  return OpenedFile{std::move(fd), size};
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
  const OpenedFile file = open_regular_file(path, what, max_bytes);
  const std::string prefix = what + " '" + path + "': ";
  std::string out;
  out.reserve(static_cast<size_t>(file.size));
  char buf[65536];
  for (;;) {
    const ssize_t got = ::read(file.fd->get(), buf, sizeof buf);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorCode::FileUnreadable, prefix + "read failed: " + std::strerror(errno));
    }
    out.append(buf, static_cast<size_t>(got));
    // fstat's size is a snapshot: a file still being written may grow past the limit while we read it.
    if (out.size() > max_bytes) {
      throw Error(ErrorCode::FileUnreadable, prefix + "grew past the " + std::to_string(max_bytes) +
                                                 "-byte limit for " + what + " while it was read");
    }
  }
  return out;
}

}  // namespace ce
