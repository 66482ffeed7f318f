// SPDX-License-Identifier: MIT
#pragma once

#include <map>
#include <memory>
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

class FileBytes;

struct SafetensorsFile {
    /// In header order; CPU tensors in their original dtype. They are views over the file's bytes (a read-only
    /// mapping unless the file lies on a network file system, see filebytes.h); each view keeps them alive, so they
    /// are released when the last tensor goes. A tensor not aligned for its dtype is copied instead, so every tensor
    /// is properly aligned.
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    std::map<std::string, std::string> metadata; // "__metadata__"
};

/// Reads every tensor. Never throws. On failure returns false and sets *error to ONE line "<path>: <problem>",
/// e.g. "/x/model.safetensors: truncated: header declares 123456 bytes of tensor data but only 1000 follow".
bool readSafetensors(const std::string &path, SafetensorsFile *out, std::string *error);
/// The same over a file already opened; `path` names it in errors.
bool readSafetensors(const std::shared_ptr<const FileBytes> &bytes, const std::string &path, SafetensorsFile *out,
                     std::string *error);

} // namespace clipfind::clip
