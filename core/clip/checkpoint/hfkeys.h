// SPDX-License-Identifier: MIT
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace clipfind::clip {

using TensorMap = std::map<std::string, torch::Tensor>;

/// True when the tensors use Hugging Face CLIPModel names (vision_model.*, text_model.*).
bool hasHuggingFaceKeys(const TensorMap &tensors);

/// Renames Hugging Face CLIPModel tensors to OpenAI names (clip-reference.md §4.4): q/k/v projections are
/// concatenated into in_proj, the two projections transposed, position_ids dropped. Unknown keys are kept
/// as they are. Problems (e.g. a q_proj without its k_proj) are appended to `problems`.
TensorMap openAiNamesFromHuggingFace(const TensorMap &tensors, std::vector<std::string> &problems);

} // namespace clipfind::clip
