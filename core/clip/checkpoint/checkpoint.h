// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/model/weights.h"

#include <string>

namespace clipfind::clip {

/// A validated ViT CLIP checkpoint in float32 on the CPU.
struct Checkpoint {
    std::string format; // "openai-torchscript", "open_clip-safetensors" or "hf-safetensors"
    std::string file;   // the file the tensors came from (a folder resolves to its model.safetensors)
    ClipWeights weights;
};

/// Loads an OpenAI TorchScript release, an open_clip safetensors file or a Hugging Face CLIPModel folder /
/// model.safetensors, detecting the format from the content. Infers the architecture from tensor shapes as
/// openai/CLIP build_model does (heads from config.json where Hugging Face gives them) and checks every tensor.
/// On failure returns false and sets *error to one line naming the file and every problem found.
bool loadCheckpoint(const std::string &path, Checkpoint *out, std::string *error);

} // namespace clipfind::clip
