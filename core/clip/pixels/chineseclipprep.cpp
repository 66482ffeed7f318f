// SPDX-License-Identifier: MIT
#include "core/clip/pixels/chineseclipprep.h"

#include "core/clip/formats/binaryfile.h"
#include "core/clip/formats/json.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace clipfind::clip {

namespace {

constexpr uint64_t kMaxConfigBytes = 1024 * 1024;
constexpr int kMaxImageSide = 4096;

bool fail(const std::string &path, const std::string &problem, std::string *error)
{
    *error = path + ": " + problem;
    return false;
}

bool readThree(const json::Value &value, float out[3])
{
    if (!value.isArray() || value.size() != 3) {
        return false;
    }
    for (size_t i = 0; i < 3; ++i) {
        if (!value[i].isNumber()) {
            return false;
        }
        out[i] = float(value[i].toDouble());
    }
    return true;
}

} // namespace

bool readChineseClipImageConfig(const std::string &path, ChineseClipImageConfig *config, std::string *error)
{
    std::ifstream in;
    uint64_t size = 0;
    std::string problem;
    if (!openBinaryFile(path, "preprocessor config", &in, &size, &problem)) {
        return fail(path, problem, error);
    }
    if (size > kMaxConfigBytes) {
        return fail(path, "file too large (" + std::to_string(size) + " bytes)", error);
    }
    std::stringstream text;
    text << in.rdbuf();
    json::Value root;
    if (!json::parse(text.str(), &root, &problem) || !root.isObject()) {
        return fail(path, "not a JSON object" + (problem.empty() ? std::string() : " (" + problem + ")"), error);
    }
    ChineseClipImageConfig c;
    c.doResize = root["do_resize"].toBool(true);
    c.doRescale = root["do_rescale"].toBool(true);
    c.doNormalize = root["do_normalize"].toBool(true);
    if (root["do_center_crop"].toBool(false)) {
        return fail(path, "do_center_crop is not supported (Chinese-CLIP resizes to the full size)", error);
    }
    if (root.contains("resample") && root["resample"].toInt(-1) != 3) {
        return fail(path, "resample " + json::serialize(root["resample"]) + " is not supported (only 3, bicubic)",
                    error);
    }
    const json::Value &sizeValue = root["size"];
    if (sizeValue.isObject()) {
        if (!sizeValue["height"].isInteger() || !sizeValue["width"].isInteger()) {
            return fail(path, "size needs height and width (shortest_edge is not supported)", error);
        }
        c.height = int(std::clamp<int64_t>(sizeValue["height"].toInt(), 0, kMaxImageSide + 1));
        c.width = int(std::clamp<int64_t>(sizeValue["width"].toInt(), 0, kMaxImageSide + 1));
    } else if (sizeValue.isInteger()) { // an old processor's single number: a square
        c.height = c.width = int(std::clamp<int64_t>(sizeValue.toInt(), 0, kMaxImageSide + 1));
    } else if (!sizeValue.isNull()) {
        return fail(path, "size is neither a number nor {height, width}", error);
    }
    if (c.height < 1 || c.width < 1 || c.height > kMaxImageSide || c.width > kMaxImageSide) {
        return fail(path, "image size out of range (1 to " + std::to_string(kMaxImageSide) + ")", error);
    }
    if (root.contains("rescale_factor")) {
        c.rescaleFactor = root["rescale_factor"].toDouble(0);
        if (!(c.rescaleFactor > 0 && c.rescaleFactor < 1)) {
            return fail(path, "rescale_factor out of range", error);
        }
    }
    if ((root.contains("image_mean") && !readThree(root["image_mean"], c.mean))
        || (root.contains("image_std") && !readThree(root["image_std"], c.std))) {
        return fail(path, "image_mean and image_std need three numbers each", error);
    }
    for (const float s : c.std) {
        if (!(s > 0)) {
            return fail(path, "image_std must be positive", error);
        }
    }
    *config = c;
    return true;
}

void preprocessForChineseClip(const RgbView &source, const ChineseClipImageConfig &config, std::vector<float> &out)
{
    if (!source.data || source.width <= 0 || source.height <= 0) {
        return;
    }
    RgbImage resized;
    RgbView pixels = source;
    if (config.doResize) {
        resized = resizeBicubicPillow(source, config.width, config.height);
        pixels = resized.view();
    }
    if (pixels.width != config.width || pixels.height != config.height) {
        return; // do_resize false and the image does not have the model's size: nothing the model can take
    }
    // Per channel and byte value, as transformers computes it: rescale in float64 (numpy multiplies the uint8 array
    // by a Python float), cast to float32, then normalize with float32 mean and std.
    float table[3][256];
    for (int c = 0; c < 3; ++c) {
        for (int v = 0; v < 256; ++v) {
            float x = config.doRescale ? float(double(v) * config.rescaleFactor) : float(v);
            if (config.doNormalize) {
                x = (x - config.mean[c]) / config.std[c];
            }
            table[c][v] = x;
        }
    }
    const size_t plane = size_t(config.width) * size_t(config.height);
    const size_t base = out.size();
    out.resize(base + 3 * plane);
    float *dst = out.data() + base;
    for (int y = 0; y < pixels.height; ++y) {
        const uint8_t *row = pixels.data + int64_t(y) * pixels.stride;
        for (int x = 0; x < pixels.width; ++x) {
            const size_t i = size_t(y) * size_t(pixels.width) + size_t(x);
            dst[i] = table[0][row[3 * x]];
            dst[plane + i] = table[1][row[3 * x + 1]];
            dst[2 * plane + i] = table[2][row[3 * x + 2]];
        }
    }
}

} // namespace clipfind::clip
