// SPDX-License-Identifier: MIT
#pragma once

// Benchmark fixtures: a random-weight CLIP written in the two layouts ClipFind meets most, so that start-up can be
// measured on a machine without the real files (and without Python): OpenAI's TorchScript release (a zip archive
// of stored records with data.pkl describing the module tree; conv, linear, attention and projection tensors fp16,
// the rest fp32, as clip.load's files) and Hugging Face's CLIPModel (model.safetensors in fp32 + config.json).
// Only the tensor layout matters for loading speed; the weights are random.

#include "core/clip/model/modelconfig.h"

#include <cstdint>
#include <string>

namespace clipfind::clip {

/// Writes `path` (an OpenAI-style .pt) with random weights of `config` (seeded). False with *error.
bool writeRandomTorchScriptCheckpoint(const ModelConfig &config, uint64_t seed, const std::string &path,
                                      std::string *error);

/// Writes `folder`/model.safetensors (float32, Hugging Face names) and `folder`/config.json. False with *error.
bool writeRandomHuggingFaceCheckpoint(const ModelConfig &config, uint64_t seed, const std::string &folder,
                                      std::string *error);

} // namespace clipfind::clip
