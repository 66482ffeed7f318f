// SPDX-License-Identifier: MIT
#include "core/clip/pixels/jpegdecode.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <vector>

#ifdef CLIPFIND_HAVE_TURBOJPEG
#include <turbojpeg.h>
#endif

namespace clipfind::clip {

namespace {

constexpr int64_t kMaxFileBytes = int64_t(1) << 30;
constexpr int64_t kMaxPixels = 200'000'000;

std::string fileName(const std::string &path)
{
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

bool haveJpegDecoder()
{
#ifdef CLIPFIND_HAVE_TURBOJPEG
    return true;
#else
    return false;
#endif
}

bool decodeJpegFile(const std::string &path, int minShortSide, RgbImage *image, std::string *error)
{
    const std::string name = fileName(path);
#ifndef CLIPFIND_HAVE_TURBOJPEG
    (void)minShortSide;
    (void)image;
    *error = name + ": this build has no JPEG decoder (libturbojpeg was not found at configure time)";
    return false;
#else
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
        *error = name + ": cannot open file";
        return false;
    }
    const int64_t size = int64_t(in.tellg());
    if (size <= 0 || size > kMaxFileBytes) {
        *error = name + (size <= 0 ? ": file is empty" : ": file is too large");
        return false;
    }
    std::vector<unsigned char> data(static_cast<size_t>(size));
    in.seekg(0);
    if (!in.read(reinterpret_cast<char *>(data.data()), size)) {
        *error = name + ": read error";
        return false;
    }
    tjhandle handle = tjInitDecompress();
    if (!handle) {
        *error = name + ": cannot start the JPEG decoder";
        return false;
    }
    struct Closer {
        tjhandle h;
        ~Closer() { tjDestroy(h); }
    } closer{handle};
    int width = 0, height = 0, subsampling = 0, colorspace = 0;
    if (tjDecompressHeader3(handle, data.data(), static_cast<unsigned long>(size), &width, &height, &subsampling,
                            &colorspace)
        != 0) {
        *error = name + ": not a readable JPEG (" + tjGetErrorStr2(handle) + ")";
        return false;
    }
    if (width <= 0 || height <= 0 || int64_t(width) * height > kMaxPixels) {
        *error = name + ": image too large or empty (" + std::to_string(width) + " x " + std::to_string(height) + ")";
        return false;
    }
    int scaledWidth = width, scaledHeight = height;
    if (minShortSide > 0) {
        for (const int factor : {8, 4, 2}) {
            const tjscalingfactor scale{1, factor};
            const int w = TJSCALED(width, scale), h = TJSCALED(height, scale);
            if (std::min(w, h) >= minShortSide) {
                scaledWidth = w;
                scaledHeight = h;
                break;
            }
        }
    }
    image->width = scaledWidth;
    image->height = scaledHeight;
    image->pixels.assign(static_cast<size_t>(scaledWidth) * static_cast<size_t>(scaledHeight) * 3, 0);
    // Accurate DCT and upsampling (no TJFLAG_FAST*): the same pixels libjpeg gives the app through OpenCV.
    if (tjDecompress2(handle, data.data(), static_cast<unsigned long>(size), image->pixels.data(), scaledWidth,
                      scaledWidth * 3, scaledHeight, TJPF_RGB, 0)
            != 0
        && tjGetErrorCode(handle) == TJERR_FATAL) {
        *error = name + ": cannot decode JPEG data (" + tjGetErrorStr2(handle) + ")";
        return false;
    }
    return true;
#endif
}

} // namespace clipfind::clip
