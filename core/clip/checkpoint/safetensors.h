// SPDX-License-Identifier: MIT
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

// Internal header of the engine (may expose torch types). Format: https://github.com/huggingface/safetensors
// 8-byte little-endian header length N, N bytes of JSON {"name": {"dtype", "shape", "data_offsets"}, ...,
// "__metadata__": {string: string}}, then the data section that data_offsets index into.

namespace clipfind::clip {

/// True when the first bytes look like a safetensors file: 8-byte little-endian header length N (sane: 2 <= N <=
/// 100 MB; 8+N <= file size is NOT required here) followed by '{'.
bool looksLikeSafetensors(const std::string &firstBytes);

struct SafetensorsFile {
    /// In header order; CPU tensors in their original dtype. They are views into ONE buffer holding the whole data
    /// section (read with a single read, no second copy); each view keeps that buffer alive, so the buffer is freed
    /// when the last tensor goes. A tensor whose offset is not a multiple of its element size is copied instead,
    /// so every tensor is properly aligned for its dtype.
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    std::map<std::string, std::string> metadata; // "__metadata__"
};

/// Reads every tensor. Never throws. On failure returns false and sets *error to ONE line "<path>: <problem>",
/// e.g. "/x/model.safetensors: truncated: header declares 123456 bytes of tensor data but only 1000 follow".
bool readSafetensors(const std::string &path, SafetensorsFile *out, std::string *error);

} // namespace clipfind::clip
