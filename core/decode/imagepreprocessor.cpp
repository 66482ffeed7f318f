// SPDX-License-Identifier: MIT
#include "core/decode/imagepreprocessor.h"

#include "core/clip/pixels/imageprep.h"
#include "core/decode/imagedecoder.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <exception>

namespace clipfind {

namespace {

PreprocessedImage preprocessDecoded(const QString &path, int size, const DecodeOptions &options)
{
    const DecodedImage decoded = decodeImage(path, options);
    if (!decoded.ok()) {
        PreprocessedImage result;
        result.error = decoded.error;
        return result;
    }
    PreprocessedImage result = preprocessImage(decoded.image, size);
    if (!result.ok()) {
        result.error = QFileInfo(path).fileName() + QStringLiteral(": ") + result.error;
    }
    return result;
}

} // namespace

PreprocessedImage preprocessImageFile(const QString &path, int size)
{
    return preprocessDecoded(path, size, {});
}

PreprocessedImage preprocessImageFileFast(const QString &path, int size)
{
    DecodeOptions options;
    options.minShortSide = 2 * size; // well above the target: the antialiased resize then hides DCT-scaling error
    return preprocessDecoded(path, size, options);
}

PreprocessedImage preprocessImage(const QImage &image, int size)
{
    PreprocessedImage result;
    if (size <= 0) {
        result.error =
            QCoreApplication::translate("clipfind::ImagePreprocessor", "invalid model input size %1").arg(size);
        return result;
    }
    if (image.isNull() || image.width() <= 0 || image.height() <= 0) {
        result.error = QCoreApplication::translate("clipfind::ImagePreprocessor", "empty image");
        return result;
    }
    // No copy for the decoder's output; other formats are converted (alpha dropped by Qt's conversion).
    const QImage rgb = image.format() == QImage::Format_RGB888 ? image : image.convertToFormat(QImage::Format_RGB888);
    if (rgb.isNull()) {
        result.error =
            QCoreApplication::translate("clipfind::ImagePreprocessor", "out of memory converting a %1 x %2 image")
                .arg(image.width())
                .arg(image.height());
        return result;
    }
    try {
        const clip::RgbView view{rgb.constBits(), rgb.width(), rgb.height(), rgb.bytesPerLine()};
        result.pixels.reserve(size_t(3) * size_t(size) * size_t(size));
        clip::preprocessForClip(view, size, result.pixels);
        result.size = size;
    } catch (const std::exception &e) { // std::bad_alloc for absurd sizes
        result.pixels.clear();
        result.error = QCoreApplication::translate("clipfind::ImagePreprocessor", "preprocessing failed (%1)")
                           .arg(QString::fromUtf8(e.what()));
    }
    return result;
}

} // namespace clipfind
