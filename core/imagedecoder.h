// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QString>

namespace clipfind {

/// A decoded, upright, 8-bit RGB image, or the reason it could not be decoded.
struct DecodedImage {
    QImage image;        // Format_RGB888, EXIF orientation applied; null on failure
    QString error;       // one line naming the file and the problem; empty on success
    int exifOrientation = 1;

    bool ok() const { return error.isEmpty(); }
};

/// Decodes JPEG, PNG, WebP, BMP, TIFF (OpenCV, from bytes read with QFile so any file name works) and
/// GIF (first frame, Qt's reader: OpenCV 4.6 has no GIF decoder). Applies the EXIF orientation (1-8),
/// drops alpha without compositing, expands palettes, replicates grayscale, scales 16-bit to 8-bit.
/// Reentrant; never throws.
DecodedImage decodeImage(const QString &path);

/// Same, for bytes already in memory; `nameForErrors` is used in messages.
DecodedImage decodeImageData(const QByteArray &data, const QString &nameForErrors);

} // namespace clipfind
