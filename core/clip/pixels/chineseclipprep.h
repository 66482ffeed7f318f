// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/pixels/imageprep.h"

#include <string>
#include <vector>

namespace clipfind::clip {

/// What a Hugging Face preprocessor_config.json asks of ChineseCLIPImageProcessor (transformers
/// image_processing_chinese_clip.py, the slow one): resize to exactly height x width, no centre crop, rescale,
/// normalize. Defaults are the processor's.
struct ChineseClipImageConfig {
    int height = 224;
    int width = 224;
    bool doResize = true;
    bool doRescale = true;
    double rescaleFactor = 1.0 / 255.0;
    bool doNormalize = true;
    float mean[3] = {kClipMean[0], kClipMean[1], kClipMean[2]};
    float std[3] = {kClipStd[0], kClipStd[1], kClipStd[2]};
};

/// Reads preprocessor_config.json. Only what ChineseCLIPImageProcessor does for Chinese-CLIP is supported: bicubic
/// resampling (resample 3), size {height, width}, no centre crop; anything else is refused. False with *error
/// ("<path>: <problem>", one line).
bool readChineseClipImageConfig(const std::string &path, ChineseClipImageConfig *config, std::string *error);

/// Appends the CHW float32 model input of an upright RGB image: Pillow's bicubic resize to exactly
/// config.width x config.height (aspect ratio not kept), x * rescaleFactor computed in float64 then stored as float32,
/// (x - mean) / std in float32. 3 * height * width values; nothing for an empty source. Reentrant.
void preprocessForChineseClip(const RgbView &source, const ChineseClipImageConfig &config, std::vector<float> &out);

} // namespace clipfind::clip
