// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/model/modelconfig.h"

#include <string>

namespace clipfind::clip {

/// What a checkpoint is, without building a model: for verifying downloads and labelling files found on disk.
struct CheckpointInfo {
    std::string format; // "openai-torchscript", "open_clip-safetensors" or "hf-safetensors"
    std::string file;   // a folder resolves to its model.safetensors
    ModelConfig config; // inferred from tensor shapes as openai/CLIP build_model does
};

/// Reads and checks every tensor's shape (same checks as ClipModel::load) but builds no model: the tensor data itself
/// is not read. On failure returns false with *error: one line naming the file and the problems.
bool inspectCheckpoint(const std::string &path, CheckpointInfo *out, std::string *error);

} // namespace clipfind::clip
