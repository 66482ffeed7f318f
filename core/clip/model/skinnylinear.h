// SPDX-License-Identifier: MIT
#pragma once

// Internal: x · Wᵀ + b for inputs with few rows on the CPU (a text query of a few tokens).

#include <torch/torch.h>

namespace clipfind::clip {

/// True when skinnyLinear() can compute linear(x, weight, bias) and is faster than BLAS: a float32 CPU input
/// with at most kSkinnyMaxRows rows (all leading dimensions together), contiguous float32 weight [N, K] and
/// bias [N], and a CPU with AVX2 and FMA.
bool canUseSkinnyLinear(const torch::Tensor &x, const torch::Tensor &weight, const torch::Tensor &bias);

/// linear(x, weight, bias) by streaming each weight row once against every input row (register-blocked AVX2
/// dot products, in parallel over output features). OpenBLAS reached ~30 GFLOP/s on a 7-row text query.
/// Sums in a different order than BLAS (differences ~1e-7 relative).
torch::Tensor skinnyLinear(const torch::Tensor &x, const torch::Tensor &weight, const torch::Tensor &bias);

/// Measured on the 2-core development machine with the text tower's shapes (ms for 48 linears, BLAS vs this):
/// 7 rows 17.0 vs 7.7, 16 rows 14.2 vs 11.9, 32 rows 20.5 vs 18.0, 77 rows 75.8 vs 35.6.
inline constexpr int64_t kSkinnyMaxRows = 80;

} // namespace clipfind::clip
