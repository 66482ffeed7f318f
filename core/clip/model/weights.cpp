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

void foldQuickGeluScale(std::vector<BlockWeights> &blocks)
{
    foldScale(blocks);
}

void convertVisionWeights(VisionWeights &v, torch::Device device, torch::ScalarType dtype,
                          torch::ScalarType matmulDtype)
{
    for (torch::Tensor *t : {&v.conv1, &v.classEmbedding, &v.positionalEmbedding, &v.proj}) {
        convert(*t, device, dtype);
    }
    convertLayerNorm(v.lnPre, device, dtype);
    convertLayerNorm(v.lnPost, device, dtype);
    convertBlocks(v.blocks, device, dtype, matmulDtype);
}

void convertTextWeights(TextWeights &x, torch::Device device, torch::ScalarType dtype)
{
    if (device.is_cuda()) {
        convert(x.tokenEmbedding, device, dtype);
    }
    for (torch::Tensor *t : {&x.positionalEmbedding, &x.projection}) {
        convert(*t, device, dtype);
    }
    convertLayerNorm(x.lnFinal, device, dtype);
    convertBlocks(x.blocks, device, dtype, dtype);
}

void convertWeights(ClipWeights &w, torch::Device device, torch::ScalarType dtype)
{
    convertVisionWeights(w.vision, device, dtype, dtype);
    convertTextWeights(w.text, device, dtype);
}

} // namespace clipfind::clip
