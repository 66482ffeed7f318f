// SPDX-License-Identifier: MIT
#pragma once

// Internal: ClipModel's state, shared with the benchmark (which times the forward pass on device-resident
// inputs, without host transfers).

#include "core/clip/model/clipmodel.h"
#include "core/clip/model/device.h"
#include "core/clip/model/transformer.h"
#include "core/clip/model/weights.h"

#include <atomic>
#include <memory>
#include <mutex>

namespace clipfind::clip {

struct Checkpoint;

struct ClipModel::Private {
    /// Images per forward pass on the CPU (see imageForward).
    static constexpr int64_t kCpuMicroBatch = 8;

    ClipWeights weights; // config from the start; each tower once it is built
    std::string format;
    std::string file;
    DeviceSetup setup;
    ForwardMode textMode;
    ForwardMode imageMode;
    /// The file's tensors the towers are built from (null for random weights, whose towers are built at once).
    std::shared_ptr<const Checkpoint> checkpoint;

    /// A tower is built once, under its mutex; `ready` lets every later call skip the lock. A failure sticks.
    struct Tower {
        std::mutex mutex;
        std::atomic_bool ready{false};
        std::string error;
    };
    Tower text;
    Tower image;

    bool prepareText(std::string *error);
    bool prepareImage(std::string *error);

    /// [N, 3, R, R] on the device, model dtype → [N, embed] on the device, model dtype. Builds the image tower first
    /// if needed (throws std::runtime_error when that fails).
    torch::Tensor imageForward(const torch::Tensor &pixels);
    /// int64 [N, L] on the device → [N, embed] on the device, model dtype. Builds the text tower first if needed.
    torch::Tensor textForward(const torch::Tensor &tokens);
};

} // namespace clipfind::clip
