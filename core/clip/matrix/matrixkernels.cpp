// SPDX-License-Identifier: MIT
#include "core/clip/matrix/matrixkernels.h"

#include "core/clip/matrix/half.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define CLIPFIND_MATRIX_X86 1
#else
#define CLIPFIND_MATRIX_X86 0
#endif

namespace clipfind::clip::kernels {

namespace {

std::atomic_bool s_simdEnabled{true};

#if CLIPFIND_MATRIX_X86
bool hasAvx2()
{
    static const bool supported = __builtin_cpu_supports("avx2");
    return supported && s_simdEnabled.load(std::memory_order_relaxed);
}

bool hasF16c()
{
#if defined(__clang__) && __clang_major__ < 16
    // Clang before 16 does not know "f16c" in __builtin_cpu_supports: CPUID leaf 1, ECX bit 29.
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 29)) != 0;
#else
    return __builtin_cpu_supports("f16c");
#endif
}

bool hasFmaF16c()
{
    static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && hasF16c();
    return supported && s_simdEnabled.load(std::memory_order_relaxed);
}

__attribute__((target("avx2"))) inline __m128i sum4x8(__m256i a0, __m256i a1, __m256i a2, __m256i a3)
{
    const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(a0, a1), _mm256_hadd_epi32(a2, a3));
    return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

// acc += 32 codes of x times the query: |q| (unsigned) times x with q's sign (signed) gives pairwise int16 sums of
// at most 2 * 127 * 127 < 32768, widened to int32 by madd.
__attribute__((target("avx2"), always_inline)) inline __m256i dotStep(const int8_t *x, __m256i queryAbs,
                                                                      __m256i querySign, __m256i ones, __m256i acc)
{
    const __m256i v = _mm256_sign_epi8(_mm256_load_si256(reinterpret_cast<const __m256i *>(x)), querySign);
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(queryAbs, v), ones));
}

// Integer dot products of rows [begin, end) with the query, four rows at a time (each query load feeds four rows),
// scaled back to floats.
__attribute__((target("avx2"))) void scanAvx2(const int8_t *codes, int64_t stride, const float *scales, int64_t begin,
                                              int64_t end, const uint8_t *queryAbs, const int8_t *querySign,
                                              float queryScale, float *out)
{
    const __m256i ones = _mm256_set1_epi16(1);
    int64_t r = begin;
    for (; r + 4 <= end; r += 4) {
        const int8_t *x0 = codes + r * stride;
        const int8_t *x1 = x0 + stride;
        const int8_t *x2 = x1 + stride;
        const int8_t *x3 = x2 + stride;
        __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
        for (int64_t i = 0; i < stride; i += kCodeAlign) {
            const __m256i qa = _mm256_load_si256(reinterpret_cast<const __m256i *>(queryAbs + i));
            const __m256i qs = _mm256_load_si256(reinterpret_cast<const __m256i *>(querySign + i));
            a0 = dotStep(x0 + i, qa, qs, ones, a0);
            a1 = dotStep(x1 + i, qa, qs, ones, a1);
            a2 = dotStep(x2 + i, qa, qs, ones, a2);
            a3 = dotStep(x3 + i, qa, qs, ones, a3);
        }
        const __m128 sums = _mm_cvtepi32_ps(sum4x8(a0, a1, a2, a3));
        const __m128 scale = _mm_mul_ps(_mm_loadu_ps(scales + r), _mm_set1_ps(queryScale));
        _mm_storeu_ps(out + (r - begin), _mm_mul_ps(sums, scale));
    }
    for (; r < end; ++r) {
        const int8_t *x = codes + r * stride;
        __m256i acc = _mm256_setzero_si256();
        for (int64_t i = 0; i < stride; i += kCodeAlign) {
            const __m256i qa = _mm256_load_si256(reinterpret_cast<const __m256i *>(queryAbs + i));
            const __m256i qs = _mm256_load_si256(reinterpret_cast<const __m256i *>(querySign + i));
            acc = dotStep(x + i, qa, qs, ones, acc);
        }
        const __m128i s = sum4x8(acc, _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256());
        out[r - begin] = float(_mm_cvtsi128_si32(s)) * scales[r] * queryScale;
    }
}

__attribute__((target("avx2,fma,f16c"))) float dotHalfAvx2(const float *q, const uint16_t *x, int64_t n)
{
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(x + i)));
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), v, acc);
    }
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    float sum = _mm_cvtss_f32(s);
    for (; i < n; ++i) {
        sum += q[i] * halfToFloat(x[i]);
    }
    return sum;
}
#endif

#if CLIPFIND_MATRIX_X86
__attribute__((target("avx2,f16c"))) void halvesToFloatsF16c(const uint16_t *halves, float *out, int n)
{
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(halves + i))));
    }
    for (; i < n; ++i) {
        out[i] = halfToFloat(halves[i]);
    }
}

// Rounds to nearest even (the default MXCSR mode), like std::nearbyint.
__attribute__((target("avx2"))) int64_t quantizeAvx2(const float *x, int n, float factor, int8_t *code)
{
    const __m256 f = _mm256_set1_ps(factor);
    const __m256i high = _mm256_set1_epi32(127), low = _mm256_set1_epi32(-127);
    __m256i sum = _mm256_setzero_si256();
    alignas(32) int32_t lanes[8];
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256i q = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + i), f));
        q = _mm256_max_epi32(low, _mm256_min_epi32(high, q));
        sum = _mm256_add_epi32(sum, _mm256_abs_epi32(q));
        _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), q);
        for (int j = 0; j < 8; ++j) {
            code[i + j] = int8_t(lanes[j]);
        }
    }
    _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), sum);
    int64_t total = 0;
    for (int j = 0; j < 8; ++j) {
        total += lanes[j];
    }
    for (; i < n; ++i) {
        const float q = std::max(-127.0f, std::min(127.0f, std::nearbyint(x[i] * factor)));
        code[i] = int8_t(q);
        total += int64_t(std::fabs(q));
    }
    return total;
}
#endif

void halvesToFloatsImpl(const uint16_t *halves, float *out, int n)
{
#if CLIPFIND_MATRIX_X86
    if (hasFmaF16c()) {
        halvesToFloatsF16c(halves, out, n);
        return;
    }
#endif
    std::transform(halves, halves + n, out, halfToFloat);
}

int64_t quantizeImpl(const float *x, int n, float factor, int8_t *code)
{
#if CLIPFIND_MATRIX_X86
    if (hasAvx2()) {
        return quantizeAvx2(x, n, factor, code);
    }
#endif
    int64_t total = 0;
    for (int i = 0; i < n; ++i) {
        const float q = std::max(-127.0f, std::min(127.0f, std::nearbyint(x[i] * factor)));
        code[i] = int8_t(q);
        total += int64_t(std::fabs(q));
    }
    return total;
}

void scanScalar(const int8_t *codes, int64_t stride, const float *scales, int64_t begin, int64_t end,
                const int8_t *queryCodes, float queryScale, float *out)
{
    for (int64_t r = begin; r < end; ++r) {
        const int8_t *x = codes + r * stride;
        int32_t sum = 0;
        for (int64_t i = 0; i < stride; ++i) {
            sum += int32_t(x[i]) * int32_t(queryCodes[i]);
        }
        out[r - begin] = float(sum) * scales[r] * queryScale;
    }
}

} // namespace

void halvesToFloats(const uint16_t *halves, float *out, int n)
{
    halvesToFloatsImpl(halves, out, n);
}

int64_t quantize(const float *x, int n, float factor, int8_t *code)
{
    return quantizeImpl(x, n, factor, code);
}

void scanRows(const int8_t *codes, int64_t stride, const float *scales, int64_t begin, int64_t end,
              const uint8_t *queryAbs, const int8_t *queryCodes, float queryScale, float *out)
{
#if CLIPFIND_MATRIX_X86
    if (hasAvx2()) {
        scanAvx2(codes, stride, scales, begin, end, queryAbs, queryCodes, queryScale, out);
        return;
    }
#endif
    (void)queryAbs;
    scanScalar(codes, stride, scales, begin, end, queryCodes, queryScale, out);
}

float dotHalf(const float *query, const uint16_t *x, int64_t n)
{
#if CLIPFIND_MATRIX_X86
    if (hasFmaF16c()) {
        return dotHalfAvx2(query, x, n);
    }
#endif
    float dot = 0;
    for (int64_t i = 0; i < n; ++i) {
        dot += query[i] * halfToFloat(x[i]);
    }
    return dot;
}

void setSimdEnabled(bool enabled)
{
    s_simdEnabled = enabled;
}

bool simdEnabled()
{
    return s_simdEnabled.load(std::memory_order_relaxed);
}

const char *scanKernelName()
{
#if CLIPFIND_MATRIX_X86
    return hasAvx2() ? "AVX2" : "scalar";
#else
    return "scalar";
#endif
}

} // namespace clipfind::clip::kernels
