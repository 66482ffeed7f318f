// SPDX-License-Identifier: MIT
#pragma once

// Internal: the residual attention blocks shared by both towers, written with the same ATen calls as
// torch 1.13's Python nn.MultiheadAttention / nn.Linear so CPU fp32 results match the reference bit for bit
// (clip-reference.md §7.1): at::linear (not F::linear), hand-written attention (not torch::nn::MultiheadAttention).

#include "core/clip/model/weights.h"

namespace clipfind::clip {

/// How the blocks are computed.
/// Reference: op by op as the Python reference, sequence-first [L, N, W] (bit-exact on the CPU).
/// Fast: batch-first [N, L, W], scaled_dot_product_attention (libtorch 2.x; flash / memory-efficient kernels on
///       CUDA), no layout copies around attention. Falls back to the reference attention on libtorch 1.x.
enum class Layout { Reference, Fast };

/// The MLP's activation. SiluPrescaled is QuickGELU with its 1.702 folded into the weights (see
/// foldQuickGeluScale): x*sigmoid(1.702x) = silu(1.702x)/1.702, one fused kernel instead of three.
enum class Activation { QuickGelu, SiluPrescaled, Gelu };

struct ForwardMode {
    Layout layout = Layout::Reference;
    Activation activation = Activation::QuickGelu;
};

/// Pre-LN transformer. x: [L, N, W] (Reference) or [N, L, W] (Fast). mask: additive [L, L] or undefined.
torch::Tensor runTransformer(torch::Tensor x, const std::vector<BlockWeights> &blocks, int64_t heads,
                             const torch::Tensor &mask, const ForwardMode &mode);

/// LayerNorm with eps 1e-5. Float32 parameters with a low-precision input: computed in float32, then cast back
/// (openai/CLIP model.py LayerNorm); parameters of the input's dtype (CUDA): one fused kernel.
torch::Tensor layerNorm(const torch::Tensor &x, const LayerNormWeights &w);

} // namespace clipfind::clip
