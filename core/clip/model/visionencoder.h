// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/model/transformer.h"

namespace clipfind::clip {

/// openai/CLIP VisionTransformer.forward. pixels: [N, 3, R, R] in the weights' dtype and device.
/// Returns [N, embed] (not normalized).
torch::Tensor encodeImagesWith(const VisionWeights &w, const ModelConfig &config, const torch::Tensor &pixels,
                               const ForwardMode &mode);

} // namespace clipfind::clip
