// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

namespace clipfind::clip {

/// An 8-bit RGB image (3 bytes per pixel, rows `stride` bytes apart).
struct RgbView {
    const uint8_t *data = nullptr;
    int width = 0;
    int height = 0;
    int64_t stride = 0; // bytes per row, >= 3 * width
};

/// Owned, tightly packed 8-bit RGB image.
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> pixels; // width * height * 3

    RgbView view() const { return {pixels.data(), width, height, int64_t(width) * 3}; }
};

/// Pillow's antialiased BICUBIC resize (8-bit path, libImaging/Resample.c): horizontal pass first, uint8
/// intermediate, 22-bit fixed-point coefficients. Bit-exact with PIL.Image.resize(..., BICUBIC) of Pillow 9.4
/// on x86-64 (tests/pillowresizetest.cpp). The same size returns a copy; an empty source an empty image.
/// Single-threaded, reentrant.
RgbImage resizeBicubicPillow(const RgbView &source, int outWidth, int outHeight);

/// The size the short side is scaled to `size` with, long side truncated like torchvision's Resize(int).
void clipResizeTarget(int width, int height, int size, int *outWidth, int *outHeight);

/// CLIP's reference preprocessing of an upright RGB image: resize the short side to `size` (Pillow bicubic),
/// centre crop size x size (offsets rounded half to even), x/255, (x - mean)/std. Appends 3*size*size
/// float32 values (CHW, RGB) to `out` (nothing for an empty source). Only the cropped window is resampled,
/// which gives the same pixels as resizing everything and cropping.
void preprocessForClip(const RgbView &source, int size, std::vector<float> &out);

/// The first steps of preprocessForClip: the size x size 8-bit crop (resize of the short side, centre crop).
/// The model input is normalizeForClip(crop); a GPU pipeline uploads the crop and normalizes on the device.
RgbImage clipCenterCrop(const RgbView &source, int size);

/// Appends the CHW float32 model input of a square crop: x/255 then (x - mean)/std, in float32.
void normalizeForClip(const RgbImage &crop, std::vector<float> &out);

/// OpenAI's normalization constants (clip._transform).
inline constexpr float kClipMean[3] = {0.48145466f, 0.4578275f, 0.40821073f};
inline constexpr float kClipStd[3] = {0.26862954f, 0.26130258f, 0.27577711f};

} // namespace clipfind::clip
