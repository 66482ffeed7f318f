// SPDX-License-Identifier: MIT
#pragma once

#include "core/decode/imagedecoder.h"

#include <QSize>

namespace clipfind {

/// A photo decoded to be shown (preview, clipboard, drag and drop) with the indexer's decoder, decodeImage(), so
/// a photo that indexes also shows, upright as the indexer saw it. With a valid `bound` the image fits inside it
/// (never enlarged) and a JPEG decodes at the smallest DCT scale that still fills it; without one it is the full
/// resolution. The decoder's limits hold either way (1 GiB files, 200 megapixels). Reentrant; never throws.
DecodedImage decodeForDisplay(const QString &path, const QSize &bound = {});

} // namespace clipfind
