// SPDX-License-Identifier: MIT
#include "core/clip/model/transformer.h"

#include "core/clip/model/skinnylinear.h"

#include <torch/version.h>

#include <cmath>
#include <optional>

// scaled_dot_product_attention arrived in libtorch 2.0.
#if TORCH_VERSION_MAJOR >= 2
#define CLIPFIND_HAVE_SDPA 1
#else
#define CLIPFIND_HAVE_SDPA 0
#endif

namespace clipfind::clip {

namespace {

// Precision::BFloat16Images: bf16 weights in an fp32 tower. The input is rounded to bf16, oneDNN multiplies with
// fp32 accumulation, and the result comes back to fp32 before it meets the fp32 residual stream.
bool mixed(const torch::Tensor &x, const LinearWeights &w)
{
    return w.weight.scalar_type() != x.scalar_type();
}

torch::Tensor linear(const torch::Tensor &x, const LinearWeights &w)
{
    if (mixed(x, w)) {
        return torch::linear(x.to(w.weight.scalar_type()), w.weight, w.bias).to(x.scalar_type());
    }
    return torch::linear(x, w.weight, w.bias);
}

// The fast layout's linear: few-row inputs (a text query) skip BLAS on the CPU, see skinnylinear.h.
torch::Tensor fastLinear(const torch::Tensor &x, const LinearWeights &w)
{
    if (mixed(x, w)) {
        return linear(x, w);
    }
    return canUseSkinnyLinear(x, w.weight, w.bias) ? skinnyLinear(x, w.weight, w.bias)
                                                   : torch::linear(x, w.weight, w.bias);
}

// x: [L, N, W] → [L, N, W]. Mirrors torch 1.13 F.multi_head_attention_forward with need_weights=False.
torch::Tensor referenceAttention(const torch::Tensor &x, const BlockWeights &block, int64_t heads,
                                 const torch::Tensor &mask)
{
    const int64_t length = x.size(0);
    const int64_t batch = x.size(1);
    const int64_t width = x.size(2);
    const int64_t headDim = width / heads;

    auto qkv = linear(x, block.inProj).chunk(3, -1); // 3 x [L, N, W]
    auto splitHeads = [&](const torch::Tensor &t) {
        return t.contiguous().view({length, batch * heads, headDim}).transpose(0, 1); // [N*h, L, d]
    };
    const torch::Tensor q = splitHeads(qkv[0]) / std::sqrt(static_cast<double>(headDim));
    const torch::Tensor k = splitHeads(qkv[1]);
    const torch::Tensor v = splitHeads(qkv[2]);
    torch::Tensor scores = mask.defined() ? torch::baddbmm(mask.unsqueeze(0), q, k.transpose(-2, -1))
                                          : torch::bmm(q, k.transpose(-2, -1)); // [N*h, L, L]
    scores = torch::softmax(scores, -1);
    torch::Tensor out = torch::bmm(scores, v); // [N*h, L, d]
    out = out.transpose(0, 1).contiguous().view({length * batch, width});
    return linear(out, block.outProj).view({length, batch, width});
}

// x: [N, L, W] → [N, L, W] with one fused attention kernel.
torch::Tensor fastAttention(const torch::Tensor &x, const BlockWeights &block, int64_t heads, const torch::Tensor &mask)
{
#if CLIPFIND_HAVE_SDPA
    const int64_t batch = x.size(0);
    const int64_t length = x.size(1);
    const int64_t width = x.size(2);
    const torch::Tensor qkv = fastLinear(x, block.inProj).view({batch, length, 3, heads, width / heads});
    auto part = [&](int64_t i) { return qkv.select(2, i).transpose(1, 2); }; // [N, h, L, d], unit last stride
    std::optional<torch::Tensor> additive;
    if (mask.defined()) {
        additive = mask.to(x.scalar_type());
    }
    const torch::Tensor out = at::scaled_dot_product_attention(part(0), part(1), part(2), additive); // [N, h, L, d]
    // The kernels lay their output out as [N, L, h, d], so this transpose + reshape is usually free.
    const torch::Tensor merged = out.transpose(1, 2).reshape({batch * length, width});
    return fastLinear(merged, block.outProj).view({batch, length, width});
#else
    // libtorch 1.x: the reference attention's math on a sequence-first view, with the fast linears.
    const int64_t batch = x.size(0);
    const int64_t length = x.size(1);
    const int64_t width = x.size(2);
    const int64_t headDim = width / heads;
    const torch::Tensor qkv = fastLinear(x, block.inProj); // [N, L, 3W]
    auto part = [&](int64_t i) {
        return qkv.narrow(-1, i * width, width)
            .reshape({batch, length, heads, headDim})
            .transpose(1, 2)
            .reshape({batch * heads, length, headDim}); // [N*h, L, d]
    };
    const torch::Tensor q = part(0) / std::sqrt(static_cast<double>(headDim));
    torch::Tensor scores = mask.defined() ? torch::baddbmm(mask.unsqueeze(0), q, part(1).transpose(-2, -1))
                                          : torch::bmm(q, part(1).transpose(-2, -1)); // [N*h, L, L]
    scores = torch::softmax(scores, -1);
    const torch::Tensor out = torch::bmm(scores, part(2)).view({batch, heads, length, headDim}); // [N, h, L, d]
    const torch::Tensor merged = out.transpose(1, 2).reshape({batch * length, width});
    return fastLinear(merged, block.outProj).view({batch, length, width});
#endif
}

torch::Tensor mlp(const torch::Tensor &x, const BlockWeights &block, const ForwardMode &mode)
{
    const Activation activation = mode.activation;
    const bool fast = mode.layout == Layout::Fast;
    if (mixed(x, block.fc)) {
        // The hidden activation stays in bf16 from c_fc to c_proj: the largest tensor of the block is neither
        // widened nor cast twice; only the block's output returns to fp32.
        const torch::ScalarType low = block.fc.weight.scalar_type();
        torch::Tensor h = torch::linear(x.to(low), block.fc.weight, block.fc.bias);
        if (activation == Activation::QuickGelu) {
            h = h * torch::sigmoid(h * 1.702);
        } else {
            h = activation == Activation::SiluPrescaled ? torch::silu_(h) : torch::gelu(h);
        }
        return torch::linear(h, block.proj.weight, block.proj.bias).to(x.scalar_type());
    }
    torch::Tensor h = fast ? fastLinear(x, block.fc) : linear(x, block.fc);
    switch (activation) {
    case Activation::QuickGelu: {
        // QuickGELU h * sigmoid(1.702 h), as in openai/CLIP model.py (every OpenAI checkpoint). In place: the same
        // values as the out-of-place expression, two fewer passes over the largest activation.
        torch::Tensor gate = h * 1.702;
        gate.sigmoid_();
        h.mul_(gate);
        break;
    }
    case Activation::SiluPrescaled:
        h = torch::silu_(h); // c_fc already scaled by 1.702, c_proj by 1/1.702
        break;
    case Activation::Gelu:
        h = torch::gelu(h); // exact erf GELU (most open_clip / LAION checkpoints)
        break;
    }
    return fast ? fastLinear(h, block.proj) : linear(h, block.proj);
}

} // namespace

torch::Tensor layerNorm(const torch::Tensor &x, const LayerNormWeights &w)
{
    const auto dtype = x.scalar_type();
    if (dtype == w.weight.scalar_type()) {
        return torch::layer_norm(x, {x.size(-1)}, w.weight, w.bias, 1e-5);
    }
    return torch::layer_norm(x.to(torch::kFloat32), {x.size(-1)}, w.weight.to(torch::kFloat32),
                             w.bias.to(torch::kFloat32), 1e-5)
        .to(dtype);
}

torch::Tensor runTransformer(torch::Tensor x, const std::vector<BlockWeights> &blocks, int64_t heads,
                             const torch::Tensor &mask, const ForwardMode &mode)
{
    for (const BlockWeights &block : blocks) {
        const torch::Tensor normed = layerNorm(x, block.ln1);
        x = x
            + (mode.layout == Layout::Fast ? fastAttention(normed, block, heads, mask)
                                           : referenceAttention(normed, block, heads, mask));
        x = x + mlp(layerNorm(x, block.ln2), block, mode);
    }
    return x;
}

} // namespace clipfind::clip
