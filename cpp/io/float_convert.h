// Exact conversions of IEEE half (F16) and bfloat16 (BF16) bit patterns to fp32, using integer ops only.
#pragma once

#include <bit>
#include <cstdint>

namespace ce {

// Integer-only so that the result does not depend on the thread's FTZ/DAZ mode: every F16 value (subnormals
// included) is a normal fp32 number, and the NaN payload is kept.
inline float f16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1Fu;
  uint32_t mant = h & 0x3FFu;
  uint32_t bits;
  if (exp == 0x1F) {
    bits = sign | 0x7F800000u | (mant << 13);  // inf (mant == 0) or NaN
  } else if (exp != 0) {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;  // signed zero
  } else {
    // Subnormal: value = mant * 2^-24. Shift the leading 1 up to the implicit-bit position (bit 10),
    // lowering the exponent once per shift; the half exponent of a subnormal is 1 - 15 = -14.
    int e = -14;
    while ((mant & 0x400u) == 0) {
      mant <<= 1;
      --e;
    }
    bits = sign | (static_cast<uint32_t>(e + 127) << 23) | ((mant & 0x3FFu) << 13);
  }
  return std::bit_cast<float>(bits);
}

// bfloat16 is the top half of an fp32 bit pattern.
inline float bf16_to_f32(uint16_t b) { return std::bit_cast<float>(static_cast<uint32_t>(b) << 16); }

}  // namespace ce
