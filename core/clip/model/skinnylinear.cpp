// SPDX-License-Identifier: MIT
#include "core/clip/model/skinnylinear.h"

#include "core/clip/model/torchparallel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CLIPFIND_SKINNY_AVX2 1
#else
#define CLIPFIND_SKINNY_AVX2 0
#endif

namespace clipfind::clip {

namespace {

#if CLIPFIND_SKINNY_AVX2

// Register blocking: a step multiplies kRows input rows with kCols weight rows, so each load feeds several FMAs
// (kRows*kCols accumulators + kCols weight vectors + 1 input vector = 16 ymm registers).
constexpr int kRows = 4;
constexpr int kCols = 3;

__attribute__((target("avx2,fma"))) inline float horizontalSum(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// y[r, c] = bias[c] + dot(x[r, :], w[c, :]) for r < Rows input rows (stride k) and c < Cols weight rows
// (stride k); y rows are outStride apart.
template<int Rows, int Cols>
__attribute__((target("avx2,fma"))) void dotBlock(const float *x, int64_t k, const float *w, const float *bias,
                                                  float *y, int64_t outStride)
{
    __m256 acc[Rows][Cols];
#pragma GCC unroll 4
    for (int r = 0; r < Rows; ++r) {
#pragma GCC unroll 3
        for (int c = 0; c < Cols; ++c) {
            acc[r][c] = _mm256_setzero_ps();
        }
    }
    int64_t i = 0;
    for (; i + 8 <= k; i += 8) {
        __m256 wv[Cols];
#pragma GCC unroll 3
        for (int c = 0; c < Cols; ++c) {
            wv[c] = _mm256_loadu_ps(w + c * k + i);
        }
#pragma GCC unroll 4
        for (int r = 0; r < Rows; ++r) {
            const __m256 xv = _mm256_loadu_ps(x + r * k + i);
#pragma GCC unroll 3
            for (int c = 0; c < Cols; ++c) {
                acc[r][c] = _mm256_fmadd_ps(xv, wv[c], acc[r][c]);
            }
        }
    }
#pragma GCC unroll 4
    for (int r = 0; r < Rows; ++r) {
#pragma GCC unroll 3
        for (int c = 0; c < Cols; ++c) {
            float sum = horizontalSum(acc[r][c]);
            for (int64_t j = i; j < k; ++j) {
                sum += x[r * k + j] * w[c * k + j];
            }
            y[r * outStride + c] = sum + bias[c];
        }
    }
}

using BlockFunction = void (*)(const float *, int64_t, const float *, const float *, float *, int64_t);

BlockFunction blockFor(int rows, int cols)
{
    static const BlockFunction blocks[kRows][kCols] = {
        {dotBlock<1, 1>, dotBlock<1, 2>, dotBlock<1, 3>},
        {dotBlock<2, 1>, dotBlock<2, 2>, dotBlock<2, 3>},
        {dotBlock<3, 1>, dotBlock<3, 2>, dotBlock<3, 3>},
        {dotBlock<4, 1>, dotBlock<4, 2>, dotBlock<4, 3>},
    };
    return blocks[rows - 1][cols - 1];
}

bool cpuHasAvx2Fma()
{
    static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return supported;
}

#endif

} // namespace

bool canUseSkinnyLinear(const torch::Tensor &x, const torch::Tensor &weight, const torch::Tensor &bias)
{
#if CLIPFIND_SKINNY_AVX2
    if (!cpuHasAvx2Fma() || !x.device().is_cpu() || x.scalar_type() != torch::kFloat32 || x.dim() < 1
        || weight.scalar_type() != torch::kFloat32 || weight.dim() != 2 || !weight.is_contiguous() || !bias.defined()
        || bias.scalar_type() != torch::kFloat32 || !bias.is_contiguous()) {
        return false;
    }
    const int64_t k = x.size(-1);
    return k == weight.size(1) && bias.numel() == weight.size(0)
           && x.numel() / std::max<int64_t>(k, 1) <= kSkinnyMaxRows;
#else
    (void)x;
    (void)weight;
    (void)bias;
    return false;
#endif
}

torch::Tensor skinnyLinear(const torch::Tensor &x, const torch::Tensor &weight, const torch::Tensor &bias)
{
#if CLIPFIND_SKINNY_AVX2
    const int64_t k = x.size(-1);
    const int64_t n = weight.size(0);
    const torch::Tensor input = x.reshape({-1, k}).contiguous(); // [M, K]
    const int64_t m = input.size(0);
    torch::Tensor out = torch::empty({m, n}, input.options());
    const float *xp = input.data_ptr<float>();
    const float *wp = weight.data_ptr<float>();
    const float *bp = bias.data_ptr<float>();
    float *yp = out.data_ptr<float>();
    // Work is split over output features in whole blocks of kCols; each block of weight rows is read from
    // memory once and stays in L1 while every input row block passes over it.
    const int64_t columnBlocks = (n + kCols - 1) / kCols;
    torchParallelFor(0, columnBlocks, 8, [&](int64_t begin, int64_t end) {
        for (int64_t block = begin; block < end; ++block) {
            const int64_t j = block * kCols;
            const int cols = static_cast<int>(std::min<int64_t>(kCols, n - j));
            for (int64_t r0 = 0; r0 < m; r0 += kRows) {
                const int rows = static_cast<int>(std::min<int64_t>(kRows, m - r0));
                blockFor(rows, cols)(xp + r0 * k, k, wp + j * k, bp + j, yp + r0 * n + j, n);
            }
        }
    });
    std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
    shape.back() = n;
    return out.view(shape);
#else
    return torch::linear(x, weight, bias);
#endif
}

} // namespace clipfind::clip
