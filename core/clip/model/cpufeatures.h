// SPDX-License-Identifier: MIT
#pragma once

namespace clipfind::clip {

/// Whether this CPU multiplies bf16 natively (x86: AVX512-BF16 or AMX-BF16, with the OS saving the AVX-512 state),
/// read with cpuid at run time, once. Where it does, bf16 matmuls run at about twice the fp32 rate (oneDNN);
/// elsewhere libtorch emulates bf16 and it is slower than fp32, so Precision::Auto keeps fp32 there.
/// CLIPFIND_NATIVE_BF16=0 in the environment answers false (to measure or force the fp32 path).
bool cpuHasNativeBFloat16();

/// Whether Precision::BFloat16Images passed the gate for becoming the CPU default (tests/bf16decisiontest.cpp: image
/// features within cosine 0.9999 of fp32 on the fixtures AND the shapes model's top 10 for all 41 reference queries
/// identical to fp32's). Measured 2026-12-01: cosine passes (>= 0.99990 on every fixture row), rankings do not: with
/// bf16 weights "a green square" swaps its 9th and 10th photos (0.0009 apart in the reference), and an all-bf16 tower
/// also swaps "a black star"'s 8th and 9th (0.0024 apart). So the CPU default stays fp32; the test fails if this
/// says true while the gate fails, or false while it passes.
inline constexpr bool kBf16ImagesPassGate = false;

/// Precision::Auto's choice on the CPU: BFloat16Images when it passed the gate and the CPU has native bf16.
bool bf16ImagesByDefault();

} // namespace clipfind::clip
