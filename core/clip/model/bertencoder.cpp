// SPDX-License-Identifier: MIT
#include "core/clip/model/bertencoder.h"

#include "core/clip/model/skinnylinear.h"

#include <cmath>
#include <limits>

namespace clipfind::clip {

namespace {

torch::Tensor linear(const torch::Tensor &x, const LinearWeights &w, bool fast)
{
    if (fast && canUseSkinnyLinear(x, w.weight, w.bias)) {
        return skinnyLinear(x, w.weight, w.bias);
    }
    return torch::linear(x, w.weight, w.bias);
}

// torch.finfo(dtype).min, what both models fill masked scores with.
double lowest(torch::ScalarType dtype)
{
    switch (dtype) {
    case torch::kFloat16: return -65504.0;
    case torch::kBFloat16: return -3.3895313892515355e38;
    default: return double(std::numeric_limits<float>::lowest());
    }
}

// x [N, L, H] -> [N, L, H]: multi-head self-attention with the output projection.
torch::Tensor attention(const torch::Tensor &x, const BertLayerWeights &layer, const BertTextConfig &c,
                        const torch::Tensor &keyMask, bool fast)
{
    const int64_t batch = x.size(0);
    const int64_t length = x.size(1);
    const int64_t headDim = c.hidden / c.heads;
    const double scale = std::sqrt(double(headDim));
    const auto heads = [&](const torch::Tensor &t) {
        return t.view({batch, length, c.heads, headDim}).transpose(1, 2); // [N, h, L, d]
    };
    torch::Tensor q = heads(linear(x, layer.query, fast));
    const torch::Tensor k = heads(linear(x, layer.key, fast));
    const torch::Tensor v = heads(linear(x, layer.value, fast));
    if (c.family == BertFamily::DistilBert) {
        q = q / scale; // MultiHeadSelfAttention: q / sqrt(dim_per_head) before the product
    }
    torch::Tensor scores = torch::matmul(q, k.transpose(-1, -2)); // [N, h, L, L]
    if (c.family == BertFamily::Bert) {
        scores = scores / scale; // BertSelfAttention: after the product
    }
    if (keyMask.defined()) {
        scores = scores.masked_fill(keyMask.logical_not().view({batch, 1, 1, length}), lowest(scores.scalar_type()));
    }
    const torch::Tensor context =
        torch::matmul(torch::softmax(scores, -1), v).transpose(1, 2).reshape({batch, length, c.hidden});
    return linear(context, layer.attentionOutput, fast);
}

torch::Tensor activate(const torch::Tensor &x, BertActivation activation)
{
    return activation == BertActivation::Gelu ? torch::gelu(x) : torch::relu(x); // gelu: the exact erf form
}

} // namespace

torch::Tensor bertLayerNorm(const torch::Tensor &x, const LayerNormWeights &w, double eps)
{
    if (x.scalar_type() == w.weight.scalar_type()) {
        return torch::layer_norm(x, {x.size(-1)}, w.weight, w.bias, eps);
    }
    return torch::layer_norm(x.to(w.weight.scalar_type()), {x.size(-1)}, w.weight, w.bias, eps).to(x.scalar_type());
}

torch::Tensor runBertEncoder(const BertTextWeights &w, const BertTextConfig &c, const torch::Tensor &ids,
                             const torch::Tensor &keyMask, bool fast)
{
    const int64_t length = ids.size(1);
    torch::Tensor x = torch::embedding(w.wordEmbeddings, ids); // [N, L, H]
    if (c.family == BertFamily::Bert) {
        x = x + w.tokenTypeEmbeddings[0]; // token_type_ids are all 0
    }
    x = x + w.positionEmbeddings.slice(0, 0, length);
    x = bertLayerNorm(x, w.embeddingNorm, c.layerNormEps);
    for (const BertLayerWeights &layer : w.layers) {
        x = bertLayerNorm(attention(x, layer, c, keyMask, fast) + x, layer.attentionNorm, c.layerNormEps);
        const torch::Tensor hidden = activate(linear(x, layer.intermediate, fast), c.activation);
        x = bertLayerNorm(linear(hidden, layer.output, fast) + x, layer.outputNorm, c.layerNormEps);
    }
    return x;
}

} // namespace clipfind::clip
