// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QString>

#include <vector>

namespace clipfind {

/// The model input for one image: 3 x size x size float32, CHW, RGB, normalized with CLIP's mean/std.
struct PreprocessedImage {
    std::vector<float> pixels; // empty on failure
    int size = 0;
    QString error; // one line naming the file and the problem; empty on success

    bool ok() const { return error.isEmpty(); }
};

/// Reference pipeline of tests/data/README.md: decode, EXIF orientation, RGB, Pillow-exact bicubic
/// resize of the short side, centre crop, normalize. Reentrant; never throws.
PreprocessedImage preprocessImageFile(const QString &path, int size = 224);

/// Indexing's fast variant: JPEGs decode with DCT scaling to a short side >= 2 * size, then the exact resize.
/// Its model input stays within a mean |diff| of 0.01 (normalized units) of the exact pipeline; other formats
/// are identical.
PreprocessedImage preprocessImageFileFast(const QString &path, int size = 224);

/// Same for an image already decoded (any QImage format; converted to RGB888 first).
PreprocessedImage preprocessImage(const QImage &image, int size = 224);

} // namespace clipfind
