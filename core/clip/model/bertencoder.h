// SPDX-License-Identifier: MIT
#pragma once

// Internal: the DistilBERT / BERT text encoder (transformers modeling_distilbert.py, modeling_chinese_clip.py's
// ChineseCLIPTextModel = BertModel), eval mode.

#include "core/clip/model/bertweights.h"

namespace clipfind::clip {

/// The last hidden states [N, L, hidden] for ids [N, L] (int64, on the weights' device). Embeddings (word + token
/// type 0 + position 0..L-1, LayerNorm), then per layer post-LN self-attention and feed-forward (erf GELU), LayerNorm
/// eps from the config. DistilBERT divides q by sqrt(head_dim) before q·kᵀ, BERT divides the product; keys where
/// keyMask (bool [N, L]) is false get the dtype's lowest value; an undefined mask attends to every key.
/// fastLinears: few-row linears without BLAS on the CPU (skinnylinear.h); otherwise at::linear throughout.
torch::Tensor runBertEncoder(const BertTextWeights &weights, const BertTextConfig &config, const torch::Tensor &ids,
                             const torch::Tensor &keyMask, bool fastLinears);

/// LayerNorm over the last dimension with `eps`; float32 parameters with a low-precision input are applied in float32
/// and the result cast back.
torch::Tensor bertLayerNorm(const torch::Tensor &x, const LayerNormWeights &w, double eps);

} // namespace clipfind::clip
