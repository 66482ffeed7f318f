// SPDX-License-Identifier: MIT
#include "core/clip/model/visionencoder.h"

namespace clipfind::clip {

torch::Tensor encodeImagesWith(const VisionWeights &w, const ModelConfig &config, const torch::Tensor &pixels,
                               const ForwardMode &mode)
{
    const int64_t batch = pixels.size(0);
    const int64_t width = config.visionWidth;
    const int64_t patches = config.visionGrid() * config.visionGrid();

    torch::Tensor x = torch::conv2d(pixels, w.conv1, /*bias=*/{}, /*stride=*/config.visionPatchSize); // [N, W, g, g]
    x = x.reshape({batch, width, patches}).permute({0, 2, 1});                                        // [N, g², W]
    const torch::Tensor cls =
        w.classEmbedding + torch::zeros({batch, 1, width}, torch::TensorOptions().dtype(x.dtype()).device(x.device()));
    x = torch::cat({cls, x}, 1);   // [N, g²+1, W], class token first
    x = x + w.positionalEmbedding; // learned positions
    x = layerNorm(x, w.lnPre);     // LN before the transformer
    if (mode.layout == Layout::Reference) {
        x = runTransformer(x.permute({1, 0, 2}), w.blocks, config.visionHeads, /*mask=*/{}, mode); // [L, N, W]
        x = x.permute({1, 0, 2});
    } else {
        x = runTransformer(x, w.blocks, config.visionHeads, /*mask=*/{}, mode); // [N, L, W]
    }
    const torch::Tensor pooled = layerNorm(x.select(1, 0), w.lnPost); // class token → [N, W]
    return torch::matmul(pooled, w.proj);                             // [N, embed]
}

} // namespace clipfind::clip
