// Tests SafetensorsFile on hand-built files: good F32/F16/BF16 data and every malformed-header case.
#include "io/safetensors.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "io/float_convert.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;

namespace {

class SafetensorsTest : public ce::test::ScratchDirTest {
 protected:
  SafetensorsTest() : ScratchDirTest("ce_safetensors_") {}

  // Writes a safetensors file: 8-byte little-endian `header_len` (defaults to the header's size),
  // the header text, then the data section.
  std::string write_st(const std::string& name, const std::string& header, const std::string& data,
                       uint64_t header_len = UINT64_MAX) {
    if (header_len == UINT64_MAX) header_len = header.size();
    std::string bytes;
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((header_len >> (8 * i)) & 0xFF));
    return write_raw(name, bytes + header + data);
  }
};

template <typename T>
std::string bytes_of(const std::vector<T>& values) {
  std::string s(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(s.data(), values.data(), s.size());
  return s;
}

using ce::test::expect_error;

// Header entry text for one tensor.
std::string entry(const std::string& name, const std::string& dtype, const std::string& shape, uint64_t begin,
                  uint64_t end) {
  return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" +
         std::to_string(begin) + "," + std::to_string(end) + "]}";
}

TEST_F(SafetensorsTest, ReadsF32TensorsAndMetadata) {
  const std::vector<float> a = {1.5f, -2.25f, 3.0f, 0.0f, 1e-30f, -7.0f};
  const std::vector<float> b = {42.0f};
  const std::string header = "{\"__metadata__\":{\"format\":\"pt\"}," + entry("a", "F32", "[2,3]", 0, 24) + "," +
                             entry("b.weight", "F32", "[1]", 24, 28) + "}";
  const auto path = write_st("good.safetensors", header, bytes_of(a) + bytes_of(b));
  auto file = ce::SafetensorsFile::open(path);
  EXPECT_EQ(file->path(), path);
  ASSERT_EQ(file->tensors().size(), 2u);
  const ce::TensorView* ta = file->find("a");
  ASSERT_NE(ta, nullptr);
  EXPECT_EQ(ta->dtype, ce::DType::F32);
  EXPECT_EQ(ta->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(ta->nbytes, 24u);
  EXPECT_EQ(file->find("b"), nullptr);
  EXPECT_EQ(file->find("__metadata__"), nullptr);
  EXPECT_EQ(file->read_f32("a", {2, 3}), a);
  EXPECT_EQ(file->read_f32("b.weight", {1}), b);
}

TEST_F(SafetensorsTest, ReadsUnalignedF32) {
  // A 1-byte U8 tensor first puts the F32 tensor at an odd address inside the mapping.
  const std::vector<float> v = {3.25f, -1.0f, 1e10f};
  const std::string header = "{" + entry("pad", "U8", "[1]", 0, 1) + "," + entry("x", "F32", "[3]", 1, 13) + "}";
  // Pad the header with spaces (allowed JSON whitespace) until x lands at 1 mod 4 in the page-aligned map.
  std::string padded = header;
  while ((8 + padded.size() + 1) % 4 != 1) padded += ' ';
  const auto path = write_st("unaligned.safetensors", padded, std::string(1, '\x07') + bytes_of(v));
  auto file = ce::SafetensorsFile::open(path);
  EXPECT_NE(reinterpret_cast<uintptr_t>(file->find("x")->data) % 4, 0u);
  EXPECT_EQ(file->read_f32("x", {3}), v);
}

TEST_F(SafetensorsTest, ConvertsF16SpecialValues) {
  const std::vector<uint16_t> h = {0x3C00, 0xC000, 0x7BFF, 0x0400, 0x0001, 0x03FF, 0x8001,
                                   0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0x3555};
  const std::string header = "{" + entry("h", "F16", "[13]", 0, 26) + "}";
  auto file = ce::SafetensorsFile::open(write_st("f16.safetensors", header, bytes_of(h)));
  const auto f = file->read_f32("h", {13});
  EXPECT_EQ(f[0], 1.0f);
  EXPECT_EQ(f[1], -2.0f);
  EXPECT_EQ(f[2], 65504.0f);
  EXPECT_EQ(f[3], std::ldexp(1.0f, -14));        // smallest normal
  EXPECT_EQ(f[4], std::ldexp(1.0f, -24));        // smallest subnormal
  EXPECT_EQ(f[5], std::ldexp(1023.0f, -24));     // largest subnormal
  EXPECT_EQ(f[6], -std::ldexp(1.0f, -24));       // negative subnormal
  EXPECT_EQ(f[7], 0.0f);
  EXPECT_FALSE(std::signbit(f[7]));
  EXPECT_EQ(f[8], 0.0f);
  EXPECT_TRUE(std::signbit(f[8]));
  EXPECT_EQ(f[9], std::numeric_limits<float>::infinity());
  EXPECT_EQ(f[10], -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(f[11]));
  EXPECT_EQ(f[12], 0.25f * (1.0f + 0x155 / 1024.0f));  // 0x3555: exponent 13 - 15 = -2, mantissa 0x155
}

TEST_F(SafetensorsTest, F16ConversionMatchesIndependentFormulaForAllPatterns) {
  // Reference: value = (-1)^s * 2^(e-15) * (1 + m/1024) for normals, 2^-14 * m/1024 for subnormals,
  // computed in double (exact for all halves) and then compared bit-for-bit after narrowing.
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    const int s = bits >> 15, e = (bits >> 10) & 0x1F, m = bits & 0x3FF;
    const float got = ce::f16_to_f32(static_cast<uint16_t>(bits));
    if (e == 0x1F) {
      if (m == 0) {
        EXPECT_TRUE(std::isinf(got) && std::signbit(got) == (s == 1)) << bits;
      } else {
        EXPECT_TRUE(std::isnan(got)) << bits;
        // The payload travels into the top mantissa bits.
        EXPECT_EQ((std::bit_cast<uint32_t>(got) >> 13) & 0x3FF, static_cast<uint32_t>(m)) << bits;
      }
      continue;
    }
    const double mag = e == 0 ? std::ldexp(m / 1024.0, -14) : std::ldexp(1.0 + m / 1024.0, e - 15);
    const float want = static_cast<float>(s ? -mag : mag);
    EXPECT_EQ(std::bit_cast<uint32_t>(got), std::bit_cast<uint32_t>(want)) << "half bits " << bits;
  }
}

TEST_F(SafetensorsTest, ConvertsBF16) {
  const std::vector<uint16_t> b = {0x3F80, 0xC049, 0x0001, 0x7F80, 0xFF80, 0x7FC0, 0x8000};
  const std::string header = "{" + entry("b", "BF16", "[7]", 0, 14) + "}";
  auto file = ce::SafetensorsFile::open(write_st("bf16.safetensors", header, bytes_of(b)));
  const auto f = file->read_f32("b", {7});
  EXPECT_EQ(f[0], 1.0f);
  EXPECT_EQ(f[1], -3.140625f);
  EXPECT_EQ(std::bit_cast<uint32_t>(f[2]), 0x00010000u);  // fp32 subnormal kept exactly
  EXPECT_EQ(f[3], std::numeric_limits<float>::infinity());
  EXPECT_EQ(f[4], -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(f[5]));
  EXPECT_TRUE(std::signbit(f[6]) && f[6] == 0.0f);
}

TEST_F(SafetensorsTest, ScalarAndEmptyTensors) {
  const std::string header = "{" + entry("scalar", "F32", "[]", 0, 4) + "," + entry("empty", "F32", "[0,5]", 4, 4) +
                             "," + entry("empty2", "F16", "[3,0]", 0, 0) + "}";
  auto file = ce::SafetensorsFile::open(write_st("scalar.safetensors", header, bytes_of(std::vector<float>{9.5f})));
  EXPECT_EQ(file->read_f32("scalar", {}), std::vector<float>{9.5f});
  EXPECT_TRUE(file->read_f32("empty", {0, 5}).empty());
  EXPECT_TRUE(file->read_f32("empty2", {3, 0}).empty());
}

TEST_F(SafetensorsTest, ReadF32Errors) {
  const std::string header = "{" + entry("w", "F32", "[2]", 0, 8) + "," + entry("ids", "I64", "[1]", 8, 16) + "}";
  const auto path = write_st("errs.safetensors", header, std::string(16, '\0'));
  auto file = ce::SafetensorsFile::open(path);
  expect_error([&] { file->read_f32("nope", {2}); }, ce::ErrorCode::MissingTensor, {"nope", path});
  expect_error([&] { file->read_f32("w", {1, 2}); }, ce::ErrorCode::InvalidSafetensors, {"'w'", "[2]", "[1, 2]"});
  expect_error([&] { file->read_f32("ids", {1}); }, ce::ErrorCode::InvalidSafetensors, {"ids", "I64"});
}

TEST_F(SafetensorsTest, F32InFileOnlyWhereNoConversionIsNeeded) {
  const std::vector<float> w = {1.5f, -2.0f, 3.25f, 4.0f};
  const std::vector<uint16_t> h = {0x3C00, 0x4000};
  const std::string header = "{" + entry("pad", "U8", "[1]", 0, 1) + "," + entry("w", "F32", "[2,2]", 1, 17) + "," +
                             entry("h", "F16", "[2]", 17, 21) + "," + entry("ids", "I64", "[1]", 21, 29) + "}";
  const auto path = write_st("infile.safetensors", header,
                             std::string(1, '\x07') + bytes_of(w) + bytes_of(h) + std::string(8, '\0'));
  std::optional<ce::FileF32> in_file;
  {
    auto file = ce::SafetensorsFile::open(path);
    in_file = file->f32_in_file("w", {2, 2});
    ASSERT_TRUE(in_file.has_value());
    EXPECT_EQ(in_file->offset, 8 + header.size() + 1);  // any alignment: rows are read, not cast
    EXPECT_EQ(in_file->path, path);
    EXPECT_FALSE(file->f32_in_file("h", {2}).has_value());  // F16 must be converted
    // The same checks as read_f32.
    expect_error([&] { file->f32_in_file("nope", {2, 2}); }, ce::ErrorCode::MissingTensor, {"nope", path});
    expect_error([&] { file->f32_in_file("w", {4}); }, ce::ErrorCode::InvalidSafetensors, {"'w'", "[2, 2]", "[4]"});
    expect_error([&] { file->f32_in_file("ids", {1}); }, ce::ErrorCode::InvalidSafetensors, {"ids", "I64"});
  }  // the file object and its mapping are gone; the descriptor lives on in `in_file`
  fs::remove(path);  // so does the file's content, name or not
  std::vector<float> row(2);
  ce::pread_exact(*in_file->fd, in_file->path, in_file->offset + 2 * sizeof(float), row.data(), 2 * sizeof(float));
  EXPECT_EQ(row, (std::vector<float>{3.25f, 4.0f}));
}

TEST_F(SafetensorsTest, PreadPastTheEndSaysTheFileWasTruncated) {
  const auto path = write_st("short.safetensors", "{" + entry("w", "F32", "[2]", 0, 8) + "}", std::string(8, '\0'));
  auto file = ce::SafetensorsFile::open(path);
  const std::optional<ce::FileF32> in_file = file->f32_in_file("w", {2});
  ASSERT_TRUE(in_file.has_value());
  fs::resize_file(path, in_file->offset + 4);
  float v[2];
  expect_error([&] { ce::pread_exact(*in_file->fd, path, in_file->offset, v, sizeof v); },
               ce::ErrorCode::FileUnreadable, {path, "truncated"});
}

TEST_F(SafetensorsTest, DTypeHelpers) {
  EXPECT_STREQ(ce::dtype_name(ce::DType::BF16), "BF16");
  EXPECT_STREQ(ce::dtype_name(ce::DType::BOOL), "BOOL");
  EXPECT_EQ(ce::dtype_size(ce::DType::F32), 4u);
  EXPECT_EQ(ce::dtype_size(ce::DType::F16), 2u);
  EXPECT_EQ(ce::dtype_size(ce::DType::F64), 8u);
  EXPECT_EQ(ce::dtype_size(ce::DType::I64), 8u);
  EXPECT_EQ(ce::dtype_size(ce::DType::I32), 4u);
  EXPECT_EQ(ce::dtype_size(ce::DType::I16), 2u);
  EXPECT_EQ(ce::dtype_size(ce::DType::U8), 1u);
}

TEST_F(SafetensorsTest, AcceptsAllDTypes) {
  const std::string header = "{" + entry("a", "F64", "[1]", 0, 8) + "," + entry("b", "I64", "[1]", 8, 16) + "," +
                             entry("c", "I32", "[1]", 16, 20) + "," + entry("d", "I16", "[1]", 20, 22) + "," +
                             entry("e", "I8", "[1]", 22, 23) + "," + entry("f", "U8", "[1]", 23, 24) + "," +
                             entry("g", "BOOL", "[1]", 24, 25) + "}";
  auto file = ce::SafetensorsFile::open(write_st("all.safetensors", header, std::string(25, '\0')));
  EXPECT_EQ(file->find("g")->dtype, ce::DType::BOOL);
  EXPECT_EQ(file->find("a")->dtype, ce::DType::F64);
}

TEST_F(SafetensorsTest, MissingFile) {
  const auto path = (dir_ / "absent.safetensors").string();
  expect_error([&] { ce::SafetensorsFile::open(path); }, ce::ErrorCode::FileNotFound, {path});
}

TEST_F(SafetensorsTest, DirectoryIsUnreadable) {
  expect_error([&] { ce::SafetensorsFile::open(dir_.string()); }, ce::ErrorCode::FileUnreadable, {dir_.string()});
}

TEST_F(SafetensorsTest, FifoIsUnreadableWithoutBlocking) {
  const auto fifo = (dir_ / "fifo.safetensors").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  expect_error([&] { ce::SafetensorsFile::open(fifo); }, ce::ErrorCode::FileUnreadable, {fifo, "not a regular file"});
}

TEST_F(SafetensorsTest, EmptyAndShortFiles) {
  const auto empty = write_raw("empty.safetensors", "");
  expect_error([&] { ce::SafetensorsFile::open(empty); }, ce::ErrorCode::InvalidSafetensors, {empty, "0 bytes"});
  const auto shorty = write_raw("short.safetensors", "abcde");
  expect_error([&] { ce::SafetensorsFile::open(shorty); }, ce::ErrorCode::InvalidSafetensors, {shorty, "5 bytes"});
}

TEST_F(SafetensorsTest, BadHeaderLengths) {
  const auto zero = write_st("zero.safetensors", "{}", "", 0);
  expect_error([&] { ce::SafetensorsFile::open(zero); }, ce::ErrorCode::InvalidSafetensors, {zero, "length is 0"});
  const auto beyond = write_st("beyond.safetensors", "{}", "", 3);
  expect_error([&] { ce::SafetensorsFile::open(beyond); }, ce::ErrorCode::InvalidSafetensors, {"3", "exceeds the 2"});
  const auto huge = write_st("huge.safetensors", "{}", "", 200ull * 1024 * 1024);
  expect_error([&] { ce::SafetensorsFile::open(huge); }, ce::ErrorCode::InvalidSafetensors, {"100 MB"});
  const auto max = write_st("max.safetensors", "{}", "", UINT64_MAX - 1);
  expect_error([&] { ce::SafetensorsFile::open(max); }, ce::ErrorCode::InvalidSafetensors, {"100 MB"});
}

TEST_F(SafetensorsTest, HeaderNotJsonOrNotObject) {
  const auto bad = write_st("bad.safetensors", "{\"a\":", "");
  expect_error([&] { ce::SafetensorsFile::open(bad); }, ce::ErrorCode::InvalidSafetensors, {bad, "not valid JSON"});
  const auto arr = write_st("arr.safetensors", "[1,2]", "");
  expect_error([&] { ce::SafetensorsFile::open(arr); }, ce::ErrorCode::InvalidSafetensors, {"not a JSON object"});
  const auto entry_not_obj = write_st("eno.safetensors", "{\"w\":[1]}", "");
  expect_error([&] { ce::SafetensorsFile::open(entry_not_obj); }, ce::ErrorCode::InvalidSafetensors,
               {"'w'", "not a JSON object"});
  const auto dup = write_st("dup.safetensors",
                            "{" + entry("w", "U8", "[1]", 0, 1) + "," + entry("w", "U8", "[1]", 1, 2) + "}", "ab");
  expect_error([&] { ce::SafetensorsFile::open(dup); }, ce::ErrorCode::InvalidSafetensors, {"'w'", "more than once"});
}

TEST_F(SafetensorsTest, DeeplyNestedHeaderDoesNotOverflowTheStack) {
  const std::string nested = "{\"w\":" + std::string(300000, '[') + std::string(300000, ']') + "}";
  const auto p = write_st("deep.safetensors", nested, "");
  expect_error([&] { ce::SafetensorsFile::open(p); }, ce::ErrorCode::InvalidSafetensors, {"'w'"});
  const auto unterminated = write_st("deep2.safetensors", "{\"w\":" + std::string(300000, '['), "");
  // The parser meets the depth limit before the missing end: that is what it reports, where, and under which key.
  expect_error([&] { ce::SafetensorsFile::open(unterminated); }, ce::ErrorCode::InvalidSafetensors,
               {"nests deeper than 128", "byte 132", "inside 'w' > [0]"});
}

TEST_F(SafetensorsTest, BadMetadata) {
  const auto p1 = write_st("m1.safetensors", "{\"__metadata__\":{\"k\":1}}", "");
  expect_error([&] { ce::SafetensorsFile::open(p1); }, ce::ErrorCode::InvalidSafetensors, {"__metadata__", "'k'"});
  const auto p2 = write_st("m2.safetensors", "{\"__metadata__\":[]}", "");
  expect_error([&] { ce::SafetensorsFile::open(p2); }, ce::ErrorCode::InvalidSafetensors, {"__metadata__"});
}

TEST_F(SafetensorsTest, BadDtype) {
  const auto p = write_st("dt.safetensors", "{" + entry("w", "F8_E4M3", "[1]", 0, 1) + "}", "a");
  expect_error([&] { ce::SafetensorsFile::open(p); }, ce::ErrorCode::InvalidSafetensors, {"'w'", "F8_E4M3"});
  const auto p2 = write_st("dt2.safetensors", "{\"w\":{\"dtype\":5,\"shape\":[1],\"data_offsets\":[0,1]}}", "a");
  expect_error([&] { ce::SafetensorsFile::open(p2); }, ce::ErrorCode::InvalidSafetensors, {"'w'", "dtype"});
  const auto p3 = write_st("dt3.safetensors", "{\"w\":{\"shape\":[1],\"data_offsets\":[0,1]}}", "a");
  expect_error([&] { ce::SafetensorsFile::open(p3); }, ce::ErrorCode::InvalidSafetensors, {"'w'", "missing \"dtype\""});
}

TEST_F(SafetensorsTest, BadShapes) {
  for (const std::string shape : {"[-1]", "[1.5]", "\"3\"", "[[1]]", "[null]", "{}"}) {
    const auto p = write_st("shape.safetensors", "{" + entry("w", "U8", shape, 0, 1) + "}", "a");
    expect_error([&] { ce::SafetensorsFile::open(p); }, ce::ErrorCode::InvalidSafetensors, {"'w'", "shape"});
  }
  const auto missing = write_st("noshape.safetensors", "{\"w\":{\"dtype\":\"U8\",\"data_offsets\":[0,1]}}", "a");
  expect_error([&] { ce::SafetensorsFile::open(missing); }, ce::ErrorCode::InvalidSafetensors, {"'w'", "shape"});
  // 2^32 * 2^32 overflows 64 bits; so does 2^62 elements of 4 bytes.
  const auto ovf = write_st("ovf.safetensors", "{" + entry("w", "U8", "[4294967296,4294967296]", 0, 1) + "}", "a");
  expect_error([&] { ce::SafetensorsFile::open(ovf); }, ce::ErrorCode::InvalidSafetensors, {"'w'", "overflow"});
  const auto ovf2 = write_st("ovf2.safetensors", "{" + entry("w", "F32", "[4611686018427387904]", 0, 1) + "}", "a");
  expect_error([&] { ce::SafetensorsFile::open(ovf2); }, ce::ErrorCode::InvalidSafetensors, {"'w'", "overflow"});
  // A dim above INT64_MAX cannot be represented in TensorView::shape.
  const auto big = write_st("big.safetensors", "{" + entry("w", "U8", "[18446744073709551615]", 0, 1) + "}", "a");
  expect_error([&] { ce::SafetensorsFile::open(big); }, ce::ErrorCode::InvalidSafetensors, {"'w'", "shape"});
}

TEST_F(SafetensorsTest, BadOffsets) {
  for (const std::string offs : {"[0]", "[0,1,2]", "[-1,1]", "[0,1.0]", "\"0,1\"", "[0,null]"}) {
    const auto p = write_st("off.safetensors",
                            "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":" + offs + "}}", "a");
    expect_error([&] { ce::SafetensorsFile::open(p); }, ce::ErrorCode::InvalidSafetensors, {"'w'", "data_offsets"});
  }
  const auto missing = write_st("nooff.safetensors", "{\"w\":{\"dtype\":\"U8\",\"shape\":[1]}}", "a");
  expect_error([&] { ce::SafetensorsFile::open(missing); }, ce::ErrorCode::InvalidSafetensors, {"'w'", "data_offsets"});
  const auto rev = write_st("rev.safetensors", "{" + entry("w", "U8", "[0]", 2, 1) + "}", "ab");
  expect_error([&] { ce::SafetensorsFile::open(rev); }, ce::ErrorCode::InvalidSafetensors, {"'w'", "begin 2 > end 1"});
  const auto past = write_st("past.safetensors", "{" + entry("w", "U8", "[3]", 0, 3) + "}", "ab");
  expect_error([&] { ce::SafetensorsFile::open(past); }, ce::ErrorCode::InvalidSafetensors,
               {"'w'", "end 3", "(2 bytes)"});
  const auto size = write_st("size.safetensors", "{" + entry("w", "F32", "[2,3]", 0, 20) + "}", std::string(20, 'x'));
  expect_error([&] { ce::SafetensorsFile::open(size); }, ce::ErrorCode::InvalidSafetensors,
               {"'w'", "20 bytes", "6 x 4 = 24"});
}

TEST_F(SafetensorsTest, OverlappingTensors) {
  const std::string header =
      "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "," + entry("c", "U8", "[0]", 2, 2) + "}";
  const auto p = write_st("overlap.safetensors", header, std::string(12, '\0'));
  expect_error([&] { ce::SafetensorsFile::open(p); }, ce::ErrorCode::InvalidSafetensors, {"'a'", "'b'", "overlap"});
  // Same range twice under different names overlaps too.
  const std::string same = "{" + entry("x", "U8", "[4]", 0, 4) + "," + entry("y", "U8", "[4]", 0, 4) + "}";
  const auto p2 = write_st("same.safetensors", same, std::string(4, '\0'));
  expect_error([&] { ce::SafetensorsFile::open(p2); }, ce::ErrorCode::InvalidSafetensors, {"'x'", "'y'", "overlap"});
  // Adjacent ranges and gaps are fine.
  const std::string adj = "{" + entry("x", "U8", "[4]", 0, 4) + "," + entry("y", "U8", "[2]", 6, 8) + "}";
  EXPECT_NO_THROW(ce::SafetensorsFile::open(write_st("adj.safetensors", adj, std::string(8, '\0'))));
}

TEST_F(SafetensorsTest, ViewOutlivesNothingButTheFile) {
  // Tensor data stays readable while the shared_ptr lives, after the file itself is deleted.
  const std::vector<float> v = {1.0f, 2.0f};
  const auto p = write_st("live.safetensors", "{" + entry("v", "F32", "[2]", 0, 8) + "}", bytes_of(v));
  auto file = ce::SafetensorsFile::open(p);
  fs::remove(p);
  EXPECT_EQ(file->read_f32("v", {2}), v);
}

}  // namespace
