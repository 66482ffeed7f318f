// SPDX-License-Identifier: MIT
#pragma once

#include <torch/torch.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>

namespace clipfind::clip {

/// Reads the tensors of a TorchScript archive (OpenAI's CLIP releases) by their module path, e.g.
/// "visual.conv1.weight", as data only: the zip directory, data.pkl through a restricted unpickler that rebuilds
/// tensors and TorchScript objects as plain attribute holders, and the data/<key> records. Nothing in the archive
/// is compiled or run (its code/ folder is never read); a pickle that names any other global (os.system,
/// builtins.eval, ...) or a class with its own __setstate__ is refused. Every tensor is a view checked to lie
/// inside its record; tensors keep their stored dtype and are views over the file (mapped unless it lies on a network
/// file system, see filebytes.h). On failure returns false with *error: one line, without
/// the file name.
bool readTorchScriptTensors(const std::string &path, std::map<std::string, torch::Tensor> *out, std::string *error);

class FileBytes;

/// The same over a file already opened (mapped or read): every tensor is a view over `bytes` and keeps them alive
/// (one not aligned for its dtype is copied). Nothing is read from the tensor records here.
bool readTorchScriptTensors(const std::shared_ptr<const FileBytes> &bytes, std::map<std::string, torch::Tensor> *out,
                            std::string *error);

/// The same over `size` bytes in memory (a fuzzer's input); the tensors are copies, independent of `data`.
bool readTorchScriptTensorsFromMemory(const void *data, size_t size, std::map<std::string, torch::Tensor> *out,
                                      std::string *error);

} // namespace clipfind::clip
