// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QtGlobal>

#include <array>

namespace clipfind {

/// What the second duplicate check compares: the picture's structure and its colors, from a tiny version of it.
struct ImageFingerprint {
    /// The 64-bit perceptual hash: a 32 x 32 gray version (area average), its 2-D DCT, one bit per coefficient of the
    /// 8 x 8 lowest frequencies (above their median or not; the usual pHash). Blind to brightness and color.
    quint64 hash = 0;
    /// The picture as 8 x 8 RGB area averages, row by row: what the hash is blind to.
    std::array<quint8, 192> colors{};
    bool valid = false;
};

/// The fingerprint of a picture (already upright; any size and format). Invalid for a null image. Reentrant.
ImageFingerprint fingerprintImage(const QImage &image);

/// Bits in which two hashes differ (0..64). The same shot re-saved, resized, re-compressed or converted to another
/// format differs in a few bits; unrelated pictures in about half of them.
int hashDistance(quint64 a, quint64 b);

/// Mean absolute difference of the 192 color averages (0..255). Copies of one shot differ by a level or two.
double colorDifference(const ImageFingerprint &a, const ImageFingerprint &b);

} // namespace clipfind
