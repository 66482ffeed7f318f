// SPDX-License-Identifier: MIT
#pragma once

// Internal: reading BertClipModel folders (sentence-transformers, Hugging Face ChineseCLIPModel) as data.

#include "core/clip/model/bertweights.h"

#include <string>

namespace clipfind::clip {

/// Reads a sentence-transformers folder (modules.json: one Transformer module holding a DistilBertModel or BertModel
/// config.json + model.safetensors, one Pooling module with mean or CLS pooling, then Dense modules with
/// model.safetensors and an optional Normalize) or a ChineseCLIPModel folder (config.json, model.safetensors,
/// preprocessor_config.json) into float32 CPU tensors. Hyper-parameters come from the config files, with
/// transformers' defaults for keys they omit (the vocabulary size from the embedding when config.json has none).
/// Tensors are taken by name (a prefix such as "distilbert." in front of a sentence-transformers Transformer's names
/// is accepted) and checked against the configured shapes; unknown tensors (position_ids, a pooler) are ignored.
/// False with *error, one line naming the file and every problem found in it.
bool loadBertClipCheckpoint(const std::string &folder, BertClipWeights *out, std::string *error);

} // namespace clipfind::clip
