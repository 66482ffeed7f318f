// SPDX-License-Identifier: MIT
#pragma once

// Internal: ClipModel's state, shared with the benchmark (which times the forward pass on device-resident
// inputs, without host transfers).

#include "core/clip/model/clipmodel.h"
#include "core/clip/model/device.h"
#include "core/clip/model/transformer.h"
#include "core/clip/model/weights.h"

namespace clipfind::clip {

struct ClipModel::Private {
    /// Images per forward pass on the CPU (see imageForward).
    static constexpr int64_t kCpuMicroBatch = 8;

    ClipWeights weights;
    std::string format;
    std::string file;
    DeviceSetup setup;
    ForwardMode mode;

    /// [N, 3, R, R] on the device, model dtype → [N, embed] on the device, model dtype.
    torch::Tensor imageForward(const torch::Tensor &pixels) const;
    /// int64 [N, L] on the device → [N, embed] on the device, model dtype.
    torch::Tensor textForward(const torch::Tensor &tokens) const;
};

} // namespace clipfind::clip
