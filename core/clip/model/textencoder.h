// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/model/transformer.h"

namespace clipfind::clip {

/// openai/CLIP CLIP.encode_text. tokens: int64 [N, L], L <= context length, on the weights' device; every row
/// holds its EOT (the largest id) within the L columns. Pools at argmax(ids) (the first maximum).
/// Running L < context is exact up to floating-point GEMM shape effects: the causal mask hides later tokens.
/// Returns [N, embed] (not normalized).
torch::Tensor encodeTextsWith(const TextWeights &w, const ModelConfig &config, const torch::Tensor &tokens,
                              torch::ScalarType dtype, const ForwardMode &mode);

/// Additive causal mask [L, L]: 0 on and below the diagonal, -inf above (float32, like the reference).
torch::Tensor causalMask(int64_t length, torch::Device device);

} // namespace clipfind::clip
