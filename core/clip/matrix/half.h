// SPDX-License-Identifier: MIT
#pragma once

// IEEE 754 binary16 <-> binary32, the one conversion of the project: the library database stores embeddings as
// these halves and the search matrix scores them, so both must round the same way. Bit-level integer code rather
// than _Float16, F16C or float tricks, so the result does not depend on the compiler, the CPU or the floating-point
// environment. Inline because the matrix's scalar loops call it per value.

#include <cstdint>
#include <cstring>

namespace clipfind::clip {

/// binary32 -> binary16, round to nearest, ties to even. Overflow (|value| >= 65520) gives +-inf, magnitudes at or
/// below half the smallest subnormal (2^-25) give +-0, NaN stays NaN: quiet, with the sign and the top 9 payload
/// bits kept (what the F16C instruction does).
inline uint16_t floatToHalf(float value)
{
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    const uint16_t sign = uint16_t((bits >> 16) & 0x8000u);
    const uint32_t absBits = bits & 0x7fffffffu;
    if (absBits >= 0x7f800000u) { // inf or NaN
        return absBits == 0x7f800000u ? uint16_t(sign | 0x7c00u)
                                      : uint16_t(sign | 0x7e00u | ((absBits >> 13) & 0x3ffu));
    }
    if (absBits >= 0x477ff000u) { // >= 65520, which rounds (ties to even) past 65504
        return uint16_t(sign | 0x7c00u);
    }
    const int exponent = int(absBits >> 23);
    const uint32_t mantissa = absBits & 0x7fffffu;
    uint32_t result;
    uint32_t remainder;
    uint32_t halfway;
    if (exponent >= 113) { // normal half: rebias 127 -> 15, keep the top 10 mantissa bits
        result = (uint32_t(exponent - 112) << 10) | (mantissa >> 13);
        remainder = mantissa & 0x1fffu;
        halfway = 0x1000u;
    } else {                  // subnormal half, in units of 2^-24
        if (exponent < 102) { // below 2^-25: rounds to zero
            return sign;
        }
        const int shift = 126 - exponent; // 14..24
        const uint32_t full = mantissa | 0x800000u;
        result = full >> shift;
        remainder = full & ((1u << shift) - 1);
        halfway = 1u << (shift - 1);
    }
    // A carry out of the mantissa correctly bumps the exponent (or the subnormal into a normal).
    if (remainder > halfway || (remainder == halfway && (result & 1u))) {
        ++result;
    }
    return uint16_t(sign | result);
}

/// binary16 -> binary32, exact (every half is a float). A NaN keeps its sign and payload and comes out quiet, as
/// the F16C instruction (the matrix's AVX2 path) and c10::Half give it.
inline float halfToFloat(uint16_t half)
{
    const uint32_t sign = uint32_t(half & 0x8000u) << 16;
    const uint32_t exponent = (half >> 10) & 0x1fu;
    uint32_t mantissa = half & 0x3ffu;
    uint32_t bits;
    if (exponent == 31) {
        bits = sign | 0x7f800000u | (mantissa << 13) | (mantissa != 0 ? 0x400000u : 0u);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else { // subnormal: shift the leading one up to the implicit bit, one exponent step per shift
        uint32_t floatExponent = 113;
        while ((mantissa & 0x400u) == 0) {
            mantissa <<= 1;
            --floatExponent;
        }
        bits = sign | (floatExponent << 23) | ((mantissa & 0x3ffu) << 13);
    }
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

} // namespace clipfind::clip
