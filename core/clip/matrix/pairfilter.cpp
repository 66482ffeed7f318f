// SPDX-License-Identifier: MIT
#include "core/clip/matrix/pairfilter.h"

#include "core/clip/matrix/matrixkernels.h"

#include <algorithm>
#include <atomic>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CLIPFIND_PAIRFILTER_X86 1
#else
#define CLIPFIND_PAIRFILTER_X86 0
#endif

namespace clipfind::clip::kernels {

namespace {

using Hits = std::vector<std::pair<uint32_t, uint32_t>>;

std::atomic_bool s_avx512Allowed{true};

// The pairs of row i with the columns whose bits are set in `mask` (column jBase + bit), keeping j > i.
inline void collect(uint64_t mask, int64_t i, int64_t jBase, Hits *hits)
{
    while (mask) {
        const int bit = __builtin_ctzll(mask);
        mask &= mask - 1;
        const int64_t j = jBase + bit;
        if (j > i) {
            hits->emplace_back(uint32_t(i), uint32_t(j));
        }
    }
}

void filterScalar(const float *rows, const float *columns, int width, const float *t, const float *limits,
                  int64_t rowBegin, int64_t rowEnd, int64_t colBegin, int64_t colEnd, Hits *hits)
{
    for (int64_t i = rowBegin; i < rowEnd; ++i) {
        const float *a = rows + i * width;
        for (int64_t j = std::max(colBegin, i + 1); j < colEnd; ++j) {
            float dot = 0;
            for (int c = 0; c < width; ++c) {
                dot += a[c] * columns[panelIndex(j, c, width)];
            }
            if (t[j] - 2.0f * dot <= limits[i]) {
                hits->emplace_back(uint32_t(i), uint32_t(j));
            }
        }
    }
}

#if CLIPFIND_PAIRFILTER_X86
bool hasAvx2Fma()
{
    static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return supported && simdEnabled();
}

bool hasAvx512()
{
    static const bool supported = __builtin_cpu_supports("avx512f");
    return supported && simdEnabled() && s_avx512Allowed.load(std::memory_order_relaxed);
}

// Bits of 16 columns (two registers of dot products) whose bound t - 2 g passes the row's limit.
__attribute__((target("avx2,fma"), always_inline)) inline uint64_t passing8x2(__m256 lo, __m256 hi, __m256 t0,
                                                                              __m256 t1, __m256 limit)
{
    const __m256 minusTwo = _mm256_set1_ps(-2.0f);
    const int low = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_fmadd_ps(minusTwo, lo, t0), limit, _CMP_LE_OQ));
    const int high = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_fmadd_ps(minusTwo, hi, t1), limit, _CMP_LE_OQ));
    return uint64_t(unsigned(low)) | (uint64_t(unsigned(high)) << 8);
}

// Bits of 32 columns.
__attribute__((target("avx512f"), always_inline)) inline uint64_t passing16x2(__m512 lo, __m512 hi, __m512 t0,
                                                                              __m512 t1, __m512 limit)
{
    const __m512 minusTwo = _mm512_set1_ps(-2.0f);
    const __mmask16 low = _mm512_cmp_ps_mask(_mm512_fmadd_ps(minusTwo, lo, t0), limit, _CMP_LE_OQ);
    const __mmask16 high = _mm512_cmp_ps_mask(_mm512_fmadd_ps(minusTwo, hi, t1), limit, _CMP_LE_OQ);
    return uint64_t(low) | (uint64_t(high) << 16);
}

// 4 rows x 16 columns per step: 8 accumulators, 8 FMAs per coordinate (16 registers in all on AVX2).
__attribute__((target("avx2,fma"))) void filterAvx2(const float *rows, const float *columns, int width, const float *t,
                                                    const float *limits, int64_t rowBegin, int64_t rowEnd,
                                                    int64_t colBegin, int64_t colEnd, Hits *hits)
{
    const int64_t panelSize = int64_t(width) * kPairColumnAlign;
    for (int64_t i = rowBegin; i < rowEnd; i += 4) {
        const float *a0 = rows + i * width;
        const float *a1 = a0 + width;
        const float *a2 = a1 + width;
        const float *a3 = a2 + width;
        const __m256 l0 = _mm256_set1_ps(limits[i]);
        const __m256 l1 = _mm256_set1_ps(limits[i + 1]);
        const __m256 l2 = _mm256_set1_ps(limits[i + 2]);
        const __m256 l3 = _mm256_set1_ps(limits[i + 3]);
        for (int64_t j = colBegin; j < colEnd; j += 16) {
            if (j + 16 <= i + 1) {
                continue; // every column at or before the first row: nothing new
            }
            __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps();
            __m256 c11 = _mm256_setzero_ps(), c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
            __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
            const float *b = columns + (j / kPairColumnAlign) * panelSize + j % kPairColumnAlign;
            for (int c = 0; c < width; ++c, b += kPairColumnAlign) {
                const __m256 b0 = _mm256_loadu_ps(b);
                const __m256 b1 = _mm256_loadu_ps(b + 8);
                __m256 x = _mm256_broadcast_ss(a0 + c);
                c00 = _mm256_fmadd_ps(x, b0, c00);
                c01 = _mm256_fmadd_ps(x, b1, c01);
                x = _mm256_broadcast_ss(a1 + c);
                c10 = _mm256_fmadd_ps(x, b0, c10);
                c11 = _mm256_fmadd_ps(x, b1, c11);
                x = _mm256_broadcast_ss(a2 + c);
                c20 = _mm256_fmadd_ps(x, b0, c20);
                c21 = _mm256_fmadd_ps(x, b1, c21);
                x = _mm256_broadcast_ss(a3 + c);
                c30 = _mm256_fmadd_ps(x, b0, c30);
                c31 = _mm256_fmadd_ps(x, b1, c31);
            }
            const __m256 t0 = _mm256_loadu_ps(t + j);
            const __m256 t1 = _mm256_loadu_ps(t + j + 8);
            const uint64_t m0 = passing8x2(c00, c01, t0, t1, l0);
            const uint64_t m1 = passing8x2(c10, c11, t0, t1, l1);
            const uint64_t m2 = passing8x2(c20, c21, t0, t1, l2);
            const uint64_t m3 = passing8x2(c30, c31, t0, t1, l3);
            if (m0 | m1 | m2 | m3) {
                collect(m0, i, j, hits);
                collect(m1, i + 1, j, hits);
                collect(m2, i + 2, j, hits);
                collect(m3, i + 3, j, hits);
            }
        }
    }
}

// 8 rows x 32 columns per step with 16-wide registers: 16 accumulators, each panel load feeds 16 FMAs.
__attribute__((target("avx512f"))) void filterAvx512(const float *rows, const float *columns, int width, const float *t,
                                                     const float *limits, int64_t rowBegin, int64_t rowEnd,
                                                     int64_t colBegin, int64_t colEnd, Hits *hits)
{
    const int64_t panelSize = int64_t(width) * kPairColumnAlign;
    for (int64_t i = rowBegin; i < rowEnd; i += 8) {
        const float *a = rows + i * width;
        __m512 l[8];
        for (int r = 0; r < 8; ++r) {
            l[r] = _mm512_set1_ps(limits[i + r]);
        }
        for (int64_t j = colBegin; j < colEnd; j += 32) {
            if (j + 32 <= i + 1) {
                continue;
            }
            __m512 lo[8], hi[8];
            for (int r = 0; r < 8; ++r) {
                lo[r] = _mm512_setzero_ps();
                hi[r] = _mm512_setzero_ps();
            }
            const float *b = columns + (j / kPairColumnAlign) * panelSize;
            for (int c = 0; c < width; ++c, b += kPairColumnAlign) {
                const __m512 b0 = _mm512_loadu_ps(b);
                const __m512 b1 = _mm512_loadu_ps(b + 16);
                for (int r = 0; r < 8; ++r) { // unrolled by the compiler: 8 broadcasts, 16 FMAs
                    const __m512 x = _mm512_set1_ps(a[r * width + c]);
                    lo[r] = _mm512_fmadd_ps(x, b0, lo[r]);
                    hi[r] = _mm512_fmadd_ps(x, b1, hi[r]);
                }
            }
            const __m512 t0 = _mm512_loadu_ps(t + j);
            const __m512 t1 = _mm512_loadu_ps(t + j + 16);
            uint64_t masks[8];
            uint64_t any = 0;
            for (int r = 0; r < 8; ++r) {
                masks[r] = passing16x2(lo[r], hi[r], t0, t1, l[r]);
                any |= masks[r];
            }
            if (any) {
                for (int r = 0; r < 8; ++r) {
                    collect(masks[r], i + r, j, hits);
                }
            }
        }
    }
}
#endif

} // namespace

void filterPairs(const float *rows, const float *columns, int width, const float *t, const float *limits,
                 int64_t rowBegin, int64_t rowEnd, int64_t colBegin, int64_t colEnd, Hits *hits)
{
#if CLIPFIND_PAIRFILTER_X86
    if (hasAvx512()) {
        filterAvx512(rows, columns, width, t, limits, rowBegin, rowEnd, colBegin, colEnd, hits);
        return;
    }
    if (hasAvx2Fma()) {
        filterAvx2(rows, columns, width, t, limits, rowBegin, rowEnd, colBegin, colEnd, hits);
        return;
    }
#endif
    filterScalar(rows, columns, width, t, limits, rowBegin, rowEnd, colBegin, colEnd, hits);
}

void setPairFilterAvx512Allowed(bool allowed)
{
    s_avx512Allowed = allowed;
}

const char *pairFilterKernelName()
{
#if CLIPFIND_PAIRFILTER_X86
    return hasAvx512() ? "AVX-512" : hasAvx2Fma() ? "AVX2" : "scalar";
#else
    return "scalar";
#endif
}

} // namespace clipfind::clip::kernels
