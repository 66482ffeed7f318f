// SPDX-License-Identifier: MIT
#include "core/decode/displaydecode.h"

#include <algorithm>

namespace clipfind {

DecodedImage decodeForDisplay(const QString &path, const QSize &bound)
{
    DecodeOptions options;
    if (bound.isValid()) {
        // A short side of at least the bound's short side leaves every side at least as long as its fitted size.
        options.minShortSide = std::max(1, std::min(bound.width(), bound.height()));
    }
    DecodedImage decoded = decodeImage(path, options);
    if (decoded.ok() && bound.isValid()
        && (decoded.image.width() > bound.width() || decoded.image.height() > bound.height())) {
        decoded.image = decoded.image.scaled(bound, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    }
    return decoded;
}

} // namespace clipfind
