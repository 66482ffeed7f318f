// SPDX-License-Identifier: MIT
#pragma once

// Internal: the tensors of a ViT CLIP model, named after their OpenAI checkpoint keys.

#include "core/clip/model/modelconfig.h"

#include <torch/torch.h>

#include <vector>

namespace clipfind::clip {

struct LinearWeights {
    torch::Tensor weight; // [out, in]
    torch::Tensor bias;   // [out]
};

struct LayerNormWeights {
    torch::Tensor weight;
    torch::Tensor bias;
};

/// transformer.resblocks.{i}.*: pre-LN attention + QuickGELU MLP.
struct BlockWeights {
    LayerNormWeights ln1;  // ln_1
    LinearWeights inProj;  // attn.in_proj_weight [3W, W] (q, k, v rows), attn.in_proj_bias
    LinearWeights outProj; // attn.out_proj
    LayerNormWeights ln2;  // ln_2
    LinearWeights fc;      // mlp.c_fc   [4W, W]
    LinearWeights proj;    // mlp.c_proj [W, 4W]
};

struct VisionWeights {
    torch::Tensor conv1;               // visual.conv1.weight [W, 3, P, P], no bias
    torch::Tensor classEmbedding;      // visual.class_embedding [W]
    torch::Tensor positionalEmbedding; // visual.positional_embedding [grid^2 + 1, W]
    LayerNormWeights lnPre;            // visual.ln_pre
    std::vector<BlockWeights> blocks;  // visual.transformer.resblocks.*
    LayerNormWeights lnPost;           // visual.ln_post
    torch::Tensor proj;                // visual.proj [W, embed]
};

struct TextWeights {
    torch::Tensor tokenEmbedding;      // token_embedding.weight [vocab, w]
    torch::Tensor positionalEmbedding; // positional_embedding [context, w]
    std::vector<BlockWeights> blocks;  // transformer.resblocks.*
    LayerNormWeights lnFinal;          // ln_final
    torch::Tensor projection;          // text_projection [w, embed]
};

struct ClipWeights {
    ModelConfig config;
    VisionWeights vision;
    TextWeights text;
    torch::Tensor logitScale; // scalar; not needed for embeddings
};

/// Moves every tensor to `device`: linear, conv and embedding tensors in `dtype`, LayerNorm parameters in float32
/// on the CPU (the reference's mixed precision) and in `dtype` on CUDA (its layer_norm accumulates in float32).
/// On the CPU the token embedding table keeps its dtype: the text encoder converts the rows a query gathers (the
/// same values as converting the whole table first).
void convertTextWeights(TextWeights &weights, torch::Device device, torch::ScalarType dtype);
/// `matmulDtype` for the image blocks' linear layers (bf16 linears in an fp32 tower for Precision::BFloat16Images:
/// the linears cast their input and output, see transformer.cpp); `dtype` elsewhere.
void convertVisionWeights(VisionWeights &weights, torch::Device device, torch::ScalarType dtype,
                          torch::ScalarType matmulDtype);
/// Both towers, everything in `dtype`.
void convertWeights(ClipWeights &weights, torch::Device device, torch::ScalarType dtype);

/// Scales every MLP's c_fc by 1.702 and c_proj by 1/1.702 so that silu() computes QuickGELU:
/// c_proj(h * sigmoid(1.702 h)) = (c_proj / 1.702)(silu(1.702 h)). For Activation::SiluPrescaled. Makes copies of
/// the scaled weights (views over a mapped file stay untouched).
void foldQuickGeluScale(std::vector<BlockWeights> &blocks);

} // namespace clipfind::clip
