// SPDX-License-Identifier: MIT
// Fuzz target (a): model files as data. The same bytes go through the TorchScript archive reader from memory (zip
// directory, restricted unpickler, tensor views), the unpickler alone (the bytes as a data.pkl), and loadCheckpoint /
// inspectCheckpoint on a file and as the model.safetensors of a Hugging Face folder whose config.json is the input's
// tail (format detection, safetensors, key mapping, config inference, shape checks). Built with
// FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, which skips the zip CRC check.
#include "fuzzsupport.h"

#include "core/clip/checkpoint/checkpoint.h"
#include "core/clip/checkpoint/checkpointinfo.h"
#include "core/clip/checkpoint/torchpickle.h"
#include "core/clip/checkpoint/torchscriptarchive.h"

#include <sys/stat.h>

using namespace clipfind;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string error;
    {
        std::map<std::string, torch::Tensor> tensors;
        if (!clip::readTorchScriptTensorsFromMemory(data, size, &tensors, &error)) {
            fuzz::requireOneLine(error);
        }
    }
    {
        clip::pickle::PickleData pickled;
        std::string problem;
        if (!clip::pickle::unpickle(data, size, &pickled, &problem)) {
            fuzz::requireOneLine(problem);
        } else if (pickled.root >= pickled.values.size()) {
            fuzz::fail("unpickle's root is not one of its values");
        }
    }
    {
        const std::string path = fuzz::scratchFile("model.bin", data, size);
        clip::Checkpoint checkpoint;
        if (!clip::loadCheckpoint(path, &checkpoint, &error)) {
            fuzz::requireOneLine(error);
        }
        clip::CheckpointInfo info;
        if (!clip::inspectCheckpoint(path, &info, &error)) {
            fuzz::requireOneLine(error);
        }
    }
    // A Hugging Face folder: the input split at its last NUL into model.safetensors and config.json.
    const uint8_t *split = data + size;
    while (split > data && split[-1] != 0) {
        --split;
    }
    if (split > data) {
        const std::string model = fuzz::scratchFile("hf/model.safetensors", data, size_t(split - data));
        fuzz::scratchFile("hf/config.json", split, size_t(data + size - split));
        const std::string folder = model.substr(0, model.size() - std::string("/model.safetensors").size());
        clip::CheckpointInfo info;
        if (!clip::inspectCheckpoint(folder, &info, &error)) {
            fuzz::requireOneLine(error);
        }
    }
    return 0;
}
