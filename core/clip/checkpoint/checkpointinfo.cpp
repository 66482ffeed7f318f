// SPDX-License-Identifier: MIT
#include "core/clip/checkpoint/checkpointinfo.h"

#include "core/clip/checkpoint/checkpoint.h"

namespace clipfind::clip {

bool inspectCheckpoint(const std::string &path, CheckpointInfo *out, std::string *error)
{
    Checkpoint checkpoint; // the tensors are freed on return
    if (!loadCheckpoint(path, &checkpoint, error)) {
        return false;
    }
    out->format = checkpoint.format;
    out->file = checkpoint.file;
    out->config = checkpoint.weights.config;
    return true;
}

} // namespace clipfind::clip
