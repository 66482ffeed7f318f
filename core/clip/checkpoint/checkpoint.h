// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/checkpoint/hfkeys.h"
#include "core/clip/model/clipmodel.h"
#include "core/clip/model/weights.h"

#include <memory>
#include <string>

namespace clipfind::clip {

class FileBytes;

/// A validated ViT CLIP checkpoint: its architecture, and its tensors as the file stores them (views over the file's
/// bytes under OpenAI names, in their stored dtype; nothing converted or even read yet). buildTextWeights() and
/// buildVisionWeights() turn one tower into float32 weights when it is needed.
struct Checkpoint {
    std::string format; // "openai-torchscript", "open_clip-safetensors" or "hf-safetensors"
    std::string file;   // the file the tensors came from (a folder resolves to its model.safetensors)
    ModelConfig config;
    TensorMap tensors;
    ConcatenationMap concatenated; // Hugging Face q/k/v parts of each in_proj
    torch::Tensor logitScale;      // float32 scalar, when the file has one
    std::shared_ptr<const FileBytes> bytes;
};

/// Loads an OpenAI TorchScript release, an open_clip safetensors file or a Hugging Face CLIPModel folder /
/// model.safetensors, detecting the format from the content. Infers the architecture from tensor shapes as
/// openai/CLIP build_model does (heads from config.json where Hugging Face gives them) and checks the shape of every
/// tensor both towers need. Reads the header (safetensors) or the zip directory and data.pkl (TorchScript) only: the
/// tensors are views over the mapped (or, with FileAccess::Read or on a network file system, read) file.
/// On failure returns false and sets *error to one line naming the file and every problem found.
bool loadCheckpoint(const std::string &path, Checkpoint *out, std::string *error, FileAccess access = FileAccess::Auto);

/// The text tower's weights on the CPU: float32 and contiguous (views over the file where it stores them so, copies
/// otherwise), except the token embedding table, which keeps its stored dtype (a query converts only the rows it
/// uses). Source pages that were converted into copies are handed back to the OS. Throws on failure (out of memory,
/// or the file changed under a mapping; see FileBytes::unchanged); the shapes were checked by loadCheckpoint.
TextWeights buildTextWeights(const Checkpoint &checkpoint);
/// The same for the image tower (every tensor float32).
VisionWeights buildVisionWeights(const Checkpoint &checkpoint);

} // namespace clipfind::clip
