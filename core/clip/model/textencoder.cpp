// SPDX-License-Identifier: MIT
#include "core/clip/model/textencoder.h"

#include <limits>

namespace clipfind::clip {

torch::Tensor causalMask(int64_t length, torch::Device device)
{
    return torch::full({length, length}, -std::numeric_limits<float>::infinity(),
                       torch::TensorOptions().dtype(torch::kFloat32).device(device))
        .triu_(1);
}

torch::Tensor encodeTextsWith(const TextWeights &w, const ModelConfig &config, const torch::Tensor &tokens,
                              torch::ScalarType dtype, const ForwardMode &mode)
{
    const int64_t length = tokens.size(1);
    // The table may keep its stored dtype (fp16 in OpenAI's releases): only the gathered rows are converted, to the
    // same values a converted table would give.
    torch::Tensor x = torch::embedding(w.tokenEmbedding, tokens).to(w.positionalEmbedding.scalar_type()); // [N, L, w]
    x = x + w.positionalEmbedding.slice(0, 0, length);                                                    // positions
    torch::Tensor mask = causalMask(length, x.device());
    if (dtype != torch::kFloat32) {
        mask = mask.to(dtype); // baddbmm needs one dtype; -inf survives the cast
    }
    if (mode.layout == Layout::Reference) {
        x = runTransformer(x.permute({1, 0, 2}), w.blocks, config.textHeads, mask, mode); // [L, N, w]
        x = x.permute({1, 0, 2});
    } else {
        x = runTransformer(x, w.blocks, config.textHeads, mask, mode); // [N, L, w]
    }
    x = layerNorm(x, w.lnFinal);
    // EOT pooling: argmax over integer ids picks the first maximum (EOT 49407 is the largest id).
    const torch::Tensor eot = tokens.argmax(-1);
    const torch::Tensor rows = torch::arange(x.size(0), torch::TensorOptions().dtype(torch::kLong).device(x.device()));
    const torch::Tensor pooled = x.index({rows, eot}); // [N, w]
    return torch::matmul(pooled, w.projection);        // [N, embed]
}

} // namespace clipfind::clip
