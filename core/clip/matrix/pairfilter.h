// SPDX-License-Identifier: MIT
#pragma once

// Internal: the inner loop of findNearPairs (nearpairs.h), which looks at billions of pairs for a large library. For
// each pair it computes the dot product of two short coordinate vectors and compares the resulting distance bound with
// a limit, keeping the rare pairs that pass; the products never leave the registers. AVX-512 and AVX2 versions are
// picked at run time, with a scalar fallback that gives the same pairs.

#include <cstdint>
#include <utility>
#include <vector>

namespace clipfind::clip::kernels {

/// Rows are processed this many at a time and columns in panels of kPairColumnAlign: callers pad their arrays.
inline constexpr int64_t kPairRowGroup = 8;
inline constexpr int64_t kPairColumnAlign = 32;

/// Where coordinate c of column j lives in the panel layout: panel j / 32 holds its 32 columns as `width` runs of
/// 32 floats, so a step over the coordinates reads memory in order.
inline int64_t panelIndex(int64_t j, int64_t c, int width)
{
    return (j / kPairColumnAlign) * (width * kPairColumnAlign) + c * kPairColumnAlign + j % kPairColumnAlign;
}

/// Every pair (i, j) with i in [rowBegin, rowEnd), j in [colBegin, colEnd) and j > i such that
///     t[j] - 2 * sum_c rows[i * width + c] * columns[panelIndex(j, c, width)] <= limits[i]
/// is appended to *hits as (i, j). `rows` is row-major (n rows of `width`), `columns` the same coordinates in the
/// panel layout. rowBegin and rowEnd - rowBegin must be multiples of kPairRowGroup, colBegin and colEnd multiples of
/// kPairColumnAlign; padding rows need limits of -inf and padding columns t of +inf (or values that never pass).
void filterPairs(const float *rows, const float *columns, int width, const float *t, const float *limits,
                 int64_t rowBegin, int64_t rowEnd, int64_t colBegin, int64_t colEnd,
                 std::vector<std::pair<uint32_t, uint32_t>> *hits);

/// "AVX-512", "AVX2" or "scalar" (what filterPairs runs on this CPU).
const char *pairFilterKernelName();

/// Tests: true keeps filterPairs off AVX-512 (AVX2 where the CPU has it), so both vector versions can be checked on
/// one machine. setSimdEnabled(false) (matrixkernels.h) sends it to the scalar version.
void setPairFilterAvx512Allowed(bool allowed);

} // namespace clipfind::clip::kernels
