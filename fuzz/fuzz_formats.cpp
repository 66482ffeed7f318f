// SPDX-License-Identifier: MIT
// Fuzz target (d): the engine's JSON reader (safetensors headers, config.json) and NPY reader. A JSON value that
// parses must serialize to text that parses back to the same serialization; an NPY file that reads must write and
// read back to the same shape and values.
#include "fuzzsupport.h"

#include "core/clip/formats/json.h"
#include "core/clip/formats/npy.h"

#include <cstring>

using namespace clipfind;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    std::string error;
    clip::json::Value value;
    if (clip::json::parse(text, &value, &error)) {
        const std::string written = clip::json::serialize(value);
        clip::json::Value again;
        if (!clip::json::parse(written, &again, &error)) {
            fuzz::fail("serialized JSON does not parse");
        }
        if (clip::json::serialize(again) != written) {
            fuzz::fail("JSON does not round-trip");
        }
    } else {
        fuzz::requireOneLine(error);
    }

    const std::string path = fuzz::scratchFile("array.npy", data, size);
    clip::NpyArray array;
    if (clip::readNpy(path, &array, &error)) {
        const std::string copy = fuzz::scratchFile("copy.npy", nullptr, 0);
        if (!clip::writeNpy(copy, array.shape, array.values.data(), &error)) {
            fuzz::fail("an array that was read cannot be written");
        }
        clip::NpyArray back;
        if (!clip::readNpy(copy, &back, &error) || back.shape != array.shape
            || back.values.size() != array.values.size()
            || (!array.values.empty()
                && std::memcmp(back.values.data(), array.values.data(), array.values.size() * sizeof(float)) != 0)) {
            fuzz::fail("NPY does not round-trip");
        }
    } else {
        fuzz::requireOneLine(error);
    }
    return 0;
}
