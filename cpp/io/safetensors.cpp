// Maps a safetensors file read-only and validates its header as untrusted input before exposing tensors.
#include "io/safetensors.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <bit>

#include "common/error.h"
#include "common/huge_pages.h"
#include "io/float_convert.h"
#include "io/untrusted_json.h"

namespace ce {

// Tensor bytes are little-endian and are copied straight into host floats.
static_assert(std::endian::native == std::endian::little, "safetensors reading assumes a little-endian host");

namespace {

// The header is JSON we must hold in memory; anything bigger than this is not a real model file.
constexpr uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;

struct DTypeName {
  const char* name;
  DType dtype;
  size_t size;
};

constexpr DTypeName kDTypes[] = {
    {"F32", DType::F32, 4}, {"F16", DType::F16, 2}, {"BF16", DType::BF16, 2}, {"F64", DType::F64, 8},
    {"I64", DType::I64, 8}, {"I32", DType::I32, 4}, {"I16", DType::I16, 2},   {"I8", DType::I8, 1},
    {"U8", DType::U8, 1},   {"BOOL", DType::BOOL, 1},
};

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error(ErrorCode::InvalidSafetensors, "safetensors file '" + path + "': " + what);
}

[[noreturn]] void fail_tensor(const std::string& path, const std::string& tensor, const std::string& what) {
  fail(path, "tensor " + bounded_quote(tensor) + ": " + what);
}

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// Little-endian regardless of host order: the format fixes the byte order of the length prefix.
uint64_t read_le_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// A JSON integer >= 0 that fits in int64 (shape dims are int64 in TensorView), else nullopt-like false.
bool as_non_negative(const Json& j, uint64_t* out) {
  if (j.is_number_unsigned()) {
    *out = j.get<uint64_t>();
  } else if (j.is_number_integer()) {
    int64_t v = j.get<int64_t>();
    if (v < 0) return false;
    *out = static_cast<uint64_t>(v);
  } else {
    return false;
  }
  return *out <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
}

// The tensor entry's fields, checked against each other and against the data section size.
TensorView parse_entry(const std::string& path, const std::string& name, const Json& entry,
                       const uint8_t* data, uint64_t data_size) {
  if (!entry.is_object()) fail_tensor(path, name, "header entry is not a JSON object");

  auto dtype_it = entry.find("dtype");
  if (dtype_it == entry.end()) fail_tensor(path, name, "missing \"dtype\"");
  if (!dtype_it->is_string()) fail_tensor(path, name, "\"dtype\" is not a string");
  const std::string dtype_str = dtype_it->get<std::string>();
  const DTypeName* dt = nullptr;
  for (const auto& d : kDTypes) {
    if (dtype_str == d.name) dt = &d;
  }
  if (!dt) {
    fail_tensor(path, name,
                "unknown dtype \"" + dtype_str + "\" (supported: F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)");
  }

  auto shape_it = entry.find("shape");
  if (shape_it == entry.end()) fail_tensor(path, name, "missing \"shape\"");
  if (!shape_it->is_array()) fail_tensor(path, name, "\"shape\" is not an array");
  std::vector<int64_t> shape;
  uint64_t numel = 1;
  bool overflow = false;
  for (const auto& dim : *shape_it) {
    uint64_t d = 0;
    if (!as_non_negative(dim, &d)) {
      fail_tensor(path, name, "\"shape\" must hold non-negative integers, got " + describe_json(*shape_it));
    }
    shape.push_back(static_cast<int64_t>(d));
    // Keep checking the remaining dims for type errors even once the product has overflowed.
    if (!overflow && __builtin_mul_overflow(numel, d, &numel)) overflow = true;
  }
  uint64_t expected_bytes = 0;
  if (overflow || __builtin_mul_overflow(numel, static_cast<uint64_t>(dt->size), &expected_bytes)) {
    fail_tensor(path, name, "shape " + describe_json(*shape_it) + " has a byte size that overflows 64 bits");
  }

  auto off_it = entry.find("data_offsets");
  if (off_it == entry.end()) fail_tensor(path, name, "missing \"data_offsets\"");
  uint64_t begin = 0, end = 0;
  if (!off_it->is_array() || off_it->size() != 2 || !as_non_negative((*off_it)[0], &begin) ||
      !as_non_negative((*off_it)[1], &end)) {
    fail_tensor(path, name,
                "\"data_offsets\" must be [begin, end] of non-negative integers, got " + describe_json(*off_it));
  }
  if (begin > end) {
    fail_tensor(path, name, "data_offsets begin " + std::to_string(begin) + " > end " + std::to_string(end));
  }
  if (end > data_size) {
    fail_tensor(path, name,
                "data_offsets end " + std::to_string(end) + " is beyond the data section (" +
                    std::to_string(data_size) + " bytes)");
  }
  if (end - begin != expected_bytes) {
    fail_tensor(path, name,
                "data_offsets span " + std::to_string(end - begin) + " bytes but shape " + shape_str(shape) +
                    " of " + dt->name + " needs " + std::to_string(numel) + " x " + std::to_string(dt->size) +
                    " = " + std::to_string(expected_bytes) + " bytes");
  }
  return TensorView{name, dt->dtype, std::move(shape), data + begin, static_cast<size_t>(end - begin)};
}

void check_metadata(const std::string& path, const Json& meta) {
  if (!meta.is_object()) fail(path, "\"__metadata__\" is not a JSON object");
  for (auto it = meta.begin(); it != meta.end(); ++it) {
    if (!it.value().is_string()) {
      fail(path, "\"__metadata__\" value for key " + bounded_quote(it.key()) + " is not a string, got " +
                     describe_json(it.value()));
    }
  }
}

// Unmaps on scope exit unless released; keeps open() exception-safe while validating.
struct MapGuard {
  void* addr;
  size_t size;
  ~MapGuard() {
    if (addr) munmap(addr, size);
  }
};

}  // namespace

const char* dtype_name(DType dtype) {
  for (const auto& d : kDTypes) {
    if (d.dtype == dtype) return d.name;
  }
  return "?";
}

size_t dtype_size(DType dtype) {
  for (const auto& d : kDTypes) {
    if (d.dtype == dtype) return d.size;
  }
  return 0;
}

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(const std::string& path) {
  // No size cap: weights are mapped, not read; the header inside is capped below.
  OpenedFile opened = open_regular_file(path, "safetensors file", UINT64_MAX);
  auto fd = std::move(opened.fd);
  const uint64_t file_size = opened.size;
  if (file_size < 8) {
    fail(path, "file is " + std::to_string(file_size) + " bytes; it must start with an 8-byte header length");
  }
  void* addr = mmap(nullptr, file_size, PROT_READ, MAP_PRIVATE, fd->get(), 0);
  int map_err = errno;
  if (addr == MAP_FAILED) {
    throw Error(ErrorCode::FileUnreadable, "safetensors file '" + path + "': mmap failed: " + std::strerror(map_err));
  }
  MapGuard guard{addr, file_size};
  const uint8_t* bytes = static_cast<const uint8_t*>(addr);

  const uint64_t header_len = read_le_u64(bytes);
  if (header_len == 0) fail(path, "header length is 0");
  if (header_len > kMaxHeaderBytes) {
    fail(path, "header length " + std::to_string(header_len) + " exceeds the 100 MB limit");
  }
  if (header_len > file_size - 8) {
    fail(path, "header length " + std::to_string(header_len) + " exceeds the " + std::to_string(file_size - 8) +
                   " bytes after the length prefix");
  }

  const char* header_begin = reinterpret_cast<const char*>(bytes + 8);
  // A repeated key would silently shadow a tensor (or one of its fields): rejected, as is nesting past
  // kMaxJsonDepth (no real header nests more than 3 levels).
  const Json header = parse_json(std::string_view(header_begin, header_len), "safetensors file '" + path + "': header",
                                 {.code = ErrorCode::InvalidSafetensors, .reject_duplicate_keys = true});
  if (!header.is_object()) fail(path, "header is not a JSON object");

  auto file = std::shared_ptr<SafetensorsFile>(new SafetensorsFile());
  file->path_ = path;
  const uint8_t* data = bytes + 8 + header_len;
  const uint64_t data_size = file_size - 8 - header_len;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      check_metadata(path, it.value());
      continue;
    }
    file->tensors_.push_back(parse_entry(path, it.key(), it.value(), data, data_size));
  }

  // Overlap check on byte ranges sorted by start; empty tensors occupy no bytes and cannot overlap.
  std::vector<const TensorView*> by_offset;
  for (const auto& t : file->tensors_) {
    if (t.nbytes > 0) by_offset.push_back(&t);
  }
  std::sort(by_offset.begin(), by_offset.end(),
            [](const TensorView* a, const TensorView* b) { return a->data < b->data; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    const TensorView* prev = by_offset[i - 1];
    const TensorView* cur = by_offset[i];
    if (prev->data + prev->nbytes > cur->data) {
      fail(path, "tensors '" + prev->name + "' [" + std::to_string(prev->data - data) + ", " +
                     std::to_string(prev->data - data + prev->nbytes) + ") and '" + cur->name + "' [" +
                     std::to_string(cur->data - data) + ", " + std::to_string(cur->data - data + cur->nbytes) +
                     ") overlap");
    }
  }

  // find() binary-searches by name.
  std::sort(file->tensors_.begin(), file->tensors_.end(),
            [](const TensorView& a, const TensorView& b) { return a.name < b.name; });
  file->map_ = addr;
  file->map_size_ = file_size;
  file->fd_ = std::move(fd);
  guard.addr = nullptr;
  return file;
}

SafetensorsFile::~SafetensorsFile() {
  if (map_) munmap(map_, map_size_);
}

const TensorView* SafetensorsFile::find(const std::string& name) const {
  auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                             [](const TensorView& t, const std::string& n) { return t.name < n; });
  if (it == tensors_.end() || it->name != name) return nullptr;
  return &*it;
}

namespace {

// Converts `n` values of `dtype` at `src` (any alignment) to fp32.
void convert_to_f32(DType dtype, const uint8_t* src, size_t n, float* out) {
  switch (dtype) {
    case DType::F32:
      // The data section need not be 4-byte aligned, so copy bytes rather than casting the pointer.
      if (n) std::memcpy(out, src, n * sizeof(float));
      break;
    case DType::F16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        out[i] = f16_to_f32(h);
      }
      break;
    case DType::BF16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t b;
        std::memcpy(&b, src + 2 * i, 2);
        out[i] = bf16_to_f32(b);
      }
      break;
    default:
      break;  // rejected by the caller
  }
}

// Drops the whole pages inside [begin, end) from this process's mapping (MAP_PRIVATE, never written, so the
// kernel refills them from the file if they are read again). Advisory: a failure only costs memory.
void drop_pages(const uint8_t* begin, const uint8_t* end) {
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t b = (reinterpret_cast<uintptr_t>(begin) + page - 1) & ~(page - 1);
  const uintptr_t e = reinterpret_cast<uintptr_t>(end) & ~(page - 1);
  if (e > b) madvise(reinterpret_cast<void*>(b), e - b, MADV_DONTNEED);
}

// Hands `convert(first, count)` the tensor's values in pieces of 1 MiB of source and drops each piece's source
// pages once converted, so a large tensor (the word embeddings) is never resident twice. The first piece keeps a
// page shared with the previous tensor; later pieces also drop the page they share with the piece before
// (already converted).
template <typename Convert>
void convert_dropping_pages(const TensorView& t, Convert convert) {
  const size_t width = dtype_size(t.dtype), n = t.nbytes / width;
  const size_t chunk = (size_t{1} << 20) / width, page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  for (size_t i = 0; i < n; i += chunk) {
    const size_t c = std::min(chunk, n - i);
    convert(i, c);
    drop_pages(t.data + i * width - (i > 0 ? page - 1 : 0), t.data + (i + c) * width);
  }
}

}  // namespace

std::vector<float> SafetensorsFile::read_f32(const std::string& name,
                                             const std::vector<int64_t>& expected_shape) const {
  const TensorView* t = checked_float_tensor(name, expected_shape);
  const size_t width = dtype_size(t->dtype);
  // Converted through a 16 KB buffer appended to a reserved vector: no zero-fill pass over a tensor that is
  // about to be overwritten (the word embeddings are 47 MB).
  std::vector<float> out;
  reserve_huge(out, t->nbytes / width);
  constexpr size_t kPiece = 4096;
  float buf[kPiece];
  convert_dropping_pages(*t, [&](size_t first, size_t count) {
    for (size_t i = first; i < first + count; i += kPiece) {
      const size_t c = std::min(kPiece, first + count - i);
      convert_to_f32(t->dtype, t->data + i * width, c, buf);
      out.insert(out.end(), buf, buf + c);
    }
  });
  return out;
}

std::optional<FileF32> SafetensorsFile::f32_in_file(const std::string& name,
                                                    const std::vector<int64_t>& expected_shape) const {
  const TensorView* t = checked_float_tensor(name, expected_shape);
  static_assert(sizeof(float) == 4, "fp32 tensors are read as float");
  if (t->dtype != DType::F32 || std::endian::native != std::endian::little) return std::nullopt;
  return FileF32{fd_, path_, static_cast<uint64_t>(t->data - static_cast<const uint8_t*>(map_))};
}

const TensorView* SafetensorsFile::checked_float_tensor(const std::string& name,
                                                        const std::vector<int64_t>& expected_shape) const {
  const TensorView* t = find(name);
  if (!t) {
    throw Error(ErrorCode::MissingTensor, "safetensors file '" + path_ + "': tensor '" + name + "' is missing");
  }
  if (t->shape != expected_shape) {
    fail_tensor(path_, name, "shape " + shape_str(t->shape) + " does not match the expected " + shape_str(expected_shape));
  }
  if (t->dtype != DType::F32 && t->dtype != DType::F16 && t->dtype != DType::BF16)
    fail_tensor(path_, name, std::string("dtype ") + dtype_name(t->dtype) + " is not a float type (F32, F16, BF16)");
  return t;
}

void SafetensorsFile::read_f32_into(const std::string& name, const std::vector<int64_t>& expected_shape,
                                    float* out) const {
  const TensorView* t = checked_float_tensor(name, expected_shape);
  const size_t width = dtype_size(t->dtype);
  convert_dropping_pages(*t, [&](size_t first, size_t count) {
    convert_to_f32(t->dtype, t->data + first * width, count, out + first);
  });
}

}  // namespace ce
