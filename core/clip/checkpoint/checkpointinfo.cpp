// SPDX-License-Identifier: MIT
#include "core/clip/checkpoint/checkpointinfo.h"

#include "core/clip/checkpoint/checkpoint.h"

namespace clipfind::clip {

bool inspectCheckpoint(const std::string &path, CheckpointInfo *out, std::string *error)
{
    Checkpoint checkpoint; // views over the file: nothing of the tensor data is read
    if (!loadCheckpoint(path, &checkpoint, error)) {
        return false;
    }
    out->format = checkpoint.format;
    out->file = checkpoint.file;
    out->config = checkpoint.config;
    return true;
}

} // namespace clipfind::clip
