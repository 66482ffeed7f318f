// SPDX-License-Identifier: MIT
#pragma once

// Internal: the tensors and hyper-parameters of a BertClipModel, named after their Hugging Face modules.

#include "core/clip/model/bertclipmodel.h"
#include "core/clip/model/weights.h"
#include "core/clip/pixels/chineseclipprep.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace clipfind::clip {

/// DistilBertModel or BertModel: the same post-LN encoder, with two differences in the attention (see bertencoder.h)
/// and token-type embeddings only in BERT.
enum class BertFamily { DistilBert, Bert };

enum class BertActivation { Gelu, Relu };

struct BertTextConfig {
    BertFamily family = BertFamily::Bert;
    int64_t hidden = 768;        // dim / hidden_size
    int64_t layers = 12;         // n_layers / num_hidden_layers
    int64_t heads = 12;          // n_heads / num_attention_heads
    int64_t intermediate = 3072; // hidden_dim / intermediate_size
    int64_t vocabSize = 30522;
    int64_t maxPositions = 512;
    int64_t typeVocabSize = 2; // BERT only
    int64_t padId = 0;         // pad_token_id
    double layerNormEps = 1e-12;
    BertActivation activation = BertActivation::Gelu;
};

/// One encoder layer. DistilBERT: attention.{q,k,v,out}_lin, sa_layer_norm, ffn.lin1/lin2, output_layer_norm.
/// BERT: attention.self.{query,key,value}, attention.output.{dense,LayerNorm}, intermediate.dense,
/// output.{dense,LayerNorm}.
struct BertLayerWeights {
    LinearWeights query;
    LinearWeights key;
    LinearWeights value;
    LinearWeights attentionOutput;
    LayerNormWeights attentionNorm;
    LinearWeights intermediate; // [intermediate, hidden]
    LinearWeights output;       // [hidden, intermediate]
    LayerNormWeights outputNorm;
};

struct BertTextWeights {
    torch::Tensor wordEmbeddings;      // [vocab, hidden]
    torch::Tensor positionEmbeddings;  // [maxPositions, hidden]
    torch::Tensor tokenTypeEmbeddings; // [typeVocab, hidden], BERT only
    LayerNormWeights embeddingNorm;
    std::vector<BertLayerWeights> layers;
};

/// sentence-transformers Pooling: which token states make the sentence vector.
enum class TextPooling { Mean, Cls };

/// A sentence-transformers Dense module: y = act(W x + b).
struct DenseWeights {
    torch::Tensor weight; // linear.weight [out, in]
    torch::Tensor bias;   // linear.bias [out]; undefined when bias is false
    bool tanh = false;    // activation_function Tanh; else Identity
};

struct BertClipWeights {
    BertClipKind kind = BertClipKind::SentenceTransformers;
    BertTextConfig textConfig;
    BertTextWeights text;

    // sentence-transformers
    TextPooling pooling = TextPooling::Mean;
    std::vector<DenseWeights> dense;
    bool normalizeOutput = false;

    // Chinese-CLIP
    torch::Tensor textProjection; // text_projection.weight [embed, hidden], no bias
    /// The image tower in the CLIP engine's own layout (hfkeys.h renames vision_model.*): clip.vision and
    /// clip.config (vision fields, embedDim); the text fields of `clip` are unused.
    ClipWeights clip;
    bool hasVision = false;
    ChineseClipImageConfig imageConfig;

    int64_t embedDim = 0;
};

/// Moves every tensor to `device`: linear and embedding tensors in `dtype`, LayerNorm parameters in float32 on the CPU
/// and in `dtype` on CUDA (as convertWeights() does for CLIP).
void convertBertWeights(BertClipWeights &weights, torch::Device device, torch::ScalarType dtype);

} // namespace clipfind::clip
