// SPDX-License-Identifier: MIT
#pragma once

// Internal: the inner loops of EmbeddingMatrix, with AVX2/F16C versions picked at run time (the CPU is checked once,
// like skinnylinear.cpp) and scalar fallbacks that give the same results.

#include <cstdint>

namespace clipfind::clip::kernels {

/// Int8 rows are padded with zeros to whole AVX2 registers of this many codes, and start 32-byte aligned.
inline constexpr int64_t kCodeAlign = 32;

/// out[i] = halfToFloat(halves[i]) (half.h), with F16C where the CPU has it (same results).
void halvesToFloats(const uint16_t *halves, float *out, int n);

/// code[i] = round-to-nearest-even(x[i] * factor) clamped to +-127; returns the sum of |code[i]|.
int64_t quantize(const float *x, int n, float factor, int8_t *code);

/// out[r - begin] = (int32 dot of row r's `stride` codes with the query's) * scales[r] * queryScale, for rows
/// [begin, end). `queryCodes` is the int8 query and `queryAbs` its absolute values, both 32-byte aligned and zero
/// padded to `stride` (a multiple of kCodeAlign).
void scanRows(const int8_t *codes, int64_t stride, const float *scales, int64_t begin, int64_t end,
              const uint8_t *queryAbs, const int8_t *queryCodes, float queryScale, float *out);

/// Sum of query[i] * x[i] over n fp16 values.
float dotHalf(const float *query, const uint16_t *x, int64_t n);

/// Tests: false sends every kernel down its scalar path (process-wide), true restores the CPU's best.
void setSimdEnabled(bool enabled);
/// What setSimdEnabled() last set (true by default); kernels in other files follow it too.
bool simdEnabled();

/// "AVX2" or "scalar".
const char *scanKernelName();

} // namespace clipfind::clip::kernels
