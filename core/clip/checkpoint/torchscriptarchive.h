// SPDX-License-Identifier: MIT
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>

namespace clipfind::clip {

/// Reads the parameters and buffers of a TorchScript archive (OpenAI's CLIP releases) by name. Never runs the
/// archive's code: the traced graphs hard-code CUDA devices and fp16 casts. Tensors keep their stored dtype.
/// On failure returns false with *error describing the problem (without the file name).
bool readTorchScriptTensors(const std::string &path, std::map<std::string, torch::Tensor> *out, std::string *error);

} // namespace clipfind::clip
