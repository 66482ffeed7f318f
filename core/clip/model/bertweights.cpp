// SPDX-License-Identifier: MIT
#include "core/clip/model/bertweights.h"

namespace clipfind::clip {

namespace {

void convert(torch::Tensor &t, torch::Device device, torch::ScalarType dtype)
{
    if (t.defined()) {
        t = t.to(device, dtype).contiguous();
    }
}

void convertLinear(LinearWeights &w, torch::Device device, torch::ScalarType dtype)
{
    convert(w.weight, device, dtype);
    convert(w.bias, device, dtype);
}

// On the CPU a low-precision model still normalizes in float32 (bertencoder.cpp casts around it), so the parameters
// stay float32 there; CUDA's layer_norm accumulates in float32 internally.
void convertNorm(LayerNormWeights &w, torch::Device device, torch::ScalarType dtype)
{
    const torch::ScalarType normType = device.is_cuda() ? dtype : torch::kFloat32;
    convert(w.weight, device, normType);
    convert(w.bias, device, normType);
}

} // namespace

void convertBertWeights(BertClipWeights &w, torch::Device device, torch::ScalarType dtype)
{
    BertTextWeights &t = w.text;
    for (torch::Tensor *tensor :
         {&t.wordEmbeddings, &t.positionEmbeddings, &t.tokenTypeEmbeddings, &w.textProjection}) {
        convert(*tensor, device, dtype);
    }
    convertNorm(t.embeddingNorm, device, dtype);
    for (BertLayerWeights &layer : t.layers) {
        for (LinearWeights *linear :
             {&layer.query, &layer.key, &layer.value, &layer.attentionOutput, &layer.intermediate, &layer.output}) {
            convertLinear(*linear, device, dtype);
        }
        convertNorm(layer.attentionNorm, device, dtype);
        convertNorm(layer.outputNorm, device, dtype);
    }
    for (DenseWeights &dense : w.dense) {
        convert(dense.weight, device, dtype);
        convert(dense.bias, device, dtype);
    }
    if (w.hasVision) {
        convertWeights(w.clip, device, dtype, dtype, dtype);
    }
}

} // namespace clipfind::clip
