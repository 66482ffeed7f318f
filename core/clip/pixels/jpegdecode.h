// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/pixels/imageprep.h"

#include <string>

namespace clipfind::clip {

/// Whether this build has the engine's own JPEG decoder (libturbojpeg; optional: the GPU machine may lack it).
bool haveJpegDecoder();

/// The engine's JPEG decode for machines without Qt and OpenCV (clipfind-engine index-bench): reads `path` (at most
/// 1 GiB), refuses images over 200 megapixels from the header, and decodes to 8-bit RGB with libjpeg-turbo's DCT
/// scaling (1/2, 1/4 or 1/8) to the smallest size whose short side is still >= minShortSide (0 = full size), as
/// the app's fast path does. The EXIF orientation is not applied (a benchmark path). False with *error (one line
/// naming the file) on failure; never throws.
bool decodeJpegFile(const std::string &path, int minShortSide, RgbImage *image, std::string *error);

} // namespace clipfind::clip
