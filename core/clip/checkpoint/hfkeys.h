// SPDX-License-Identifier: MIT
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace clipfind::clip {

using TensorMap = std::map<std::string, torch::Tensor>;
/// Tensors to be joined along their first dimension when a tower is built, by the name of the result.
using ConcatenationMap = std::map<std::string, std::vector<torch::Tensor>>;

/// True when the tensors use Hugging Face CLIPModel names (vision_model.*, text_model.*).
bool hasHuggingFaceKeys(const TensorMap &tensors);

/// Renames Hugging Face CLIPModel tensors to OpenAI names (clip-reference.md §4.4): the two projections become
/// transposed views, position_ids are dropped, and each layer's q/k/v projections go to *inProjections as the parts
/// of its in_proj (q, k, v: concatenated only when the tower is built, so no byte is copied or read here). Unknown
/// keys are kept as they are. Problems (e.g. a q_proj without its k_proj) are appended to `problems`.
TensorMap openAiNamesFromHuggingFace(const TensorMap &tensors, std::vector<std::string> &problems,
                                     ConcatenationMap *inProjections);

} // namespace clipfind::clip
