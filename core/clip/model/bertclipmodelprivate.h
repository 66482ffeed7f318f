// SPDX-License-Identifier: MIT
#pragma once

// Internal: BertClipModel's state, shared with the benchmark (which times forward passes on device-resident inputs).

#include "core/clip/model/bertclipmodel.h"
#include "core/clip/model/bertweights.h"
#include "core/clip/model/device.h"
#include "core/clip/model/transformer.h"

namespace clipfind::clip {

struct BertClipModel::Private {
    /// Images per forward pass on the CPU (as ClipModel: activations stay in the caches).
    static constexpr int64_t kCpuMicroBatch = 8;

    BertClipWeights weights;
    std::string folder;
    std::string description;
    DeviceSetup setup;
    ForwardMode visionMode;
    bool fastLinears = true;

    /// ids int64 [N, L] on the device; mask bool [N, L] (true = attend) or undefined → [N, embed], model dtype.
    torch::Tensor textForward(const torch::Tensor &ids, const torch::Tensor &mask) const;
    /// [N, 3, H, W] on the device, model dtype → [N, embed].
    torch::Tensor imageForward(const torch::Tensor &pixels) const;
};

} // namespace clipfind::clip
