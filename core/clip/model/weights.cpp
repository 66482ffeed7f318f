// SPDX-License-Identifier: MIT
#include "core/clip/model/weights.h"

namespace clipfind::clip {

namespace {

void convert(torch::Tensor &t, torch::Device device, torch::ScalarType dtype)
{
    if (t.defined()) {
        t = t.to(device, dtype).contiguous();
    }
}

// On the CPU, LayerNorm runs in float32 whatever the model dtype (openai/CLIP model.py LayerNorm), so its
// parameters stay float32, as convert_weights leaves them. CUDA's layer_norm kernel accumulates in float32
// internally, so there the parameters take the model dtype and skip two casts of every activation.
void convertLayerNorm(LayerNormWeights &w, torch::Device device, torch::ScalarType dtype)
{
    const torch::ScalarType layerNormType = device.is_cuda() ? dtype : torch::kFloat32;
    convert(w.weight, device, layerNormType);
    convert(w.bias, device, layerNormType);
}

void convertBlocks(std::vector<BlockWeights> &blocks, torch::Device device, torch::ScalarType dtype,
                   torch::ScalarType linearDtype)
{
    for (BlockWeights &b : blocks) {
        convertLayerNorm(b.ln1, device, dtype);
        convertLayerNorm(b.ln2, device, dtype);
        for (LinearWeights *l : {&b.inProj, &b.outProj, &b.fc, &b.proj}) {
            convert(l->weight, device, linearDtype);
            convert(l->bias, device, linearDtype);
        }
    }
}

void foldScale(std::vector<BlockWeights> &blocks)
{
    constexpr double kScale = 1.702;
    for (BlockWeights &b : blocks) {
        b.fc.weight = b.fc.weight * kScale;
        b.fc.bias = b.fc.bias * kScale;
        b.proj.weight = b.proj.weight / kScale;
    }
}

} // namespace

void foldQuickGeluScale(ClipWeights &w)
{
    foldScale(w.vision.blocks);
    foldScale(w.text.blocks);
}

void convertWeights(ClipWeights &w, torch::Device device, torch::ScalarType visionDtype,
                    torch::ScalarType visionMatmulDtype, torch::ScalarType dtype)
{
    VisionWeights &v = w.vision;
    for (torch::Tensor *t : {&v.conv1, &v.classEmbedding, &v.positionalEmbedding, &v.proj}) {
        convert(*t, device, visionDtype);
    }
    convertLayerNorm(v.lnPre, device, visionDtype);
    convertLayerNorm(v.lnPost, device, visionDtype);
    convertBlocks(v.blocks, device, visionDtype, visionMatmulDtype);

    TextWeights &x = w.text;
    for (torch::Tensor *t : {&x.tokenEmbedding, &x.positionalEmbedding, &x.projection}) {
        convert(*t, device, dtype);
    }
    convertLayerNorm(x.lnFinal, device, dtype);
    convertBlocks(x.blocks, device, dtype, dtype);
}

} // namespace clipfind::clip
