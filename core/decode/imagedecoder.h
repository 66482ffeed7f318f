// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QSize>
#include <QString>

namespace clipfind {

/// A decoded, upright, 8-bit RGB image, or the reason it could not be decoded.
struct DecodedImage {
    QImage image;  // Format_RGB888, EXIF orientation applied; null on failure
    QString error; // one line naming the file and the problem; empty on success
    /// The orientation (1..8) that was applied: EXIF/TIFF tag, a RAW file's header. 1 for HEIF/AVIF, where libheif
    /// applies the container's irot/imir itself and the EXIF orientation is informational (never applied twice).
    int exifOrientation = 1;

    bool ok() const { return error.isEmpty(); }
};

/// How much of the pixels a caller needs.
struct DecodeOptions {
    /// JPEG fast path: when > 0, JPEGs decode with libjpeg's DCT scaling (1/2, 1/4 or 1/8) to the smallest size
    /// whose short side is still >= minShortSide. 0 = full resolution (the exact reference pipeline).
    int minShortSide = 0;
};

/// Decodes JPEG, PNG, WebP, BMP, TIFF (OpenCV, from bytes read with QFile so any file name works), GIF (first frame,
/// Qt's reader: OpenCV 4.6 has no GIF decoder), HEIF/HEIC and AVIF (libheif: the primary image with its irot/imir/clap
/// transforms) and camera RAW (LibRaw: DNG, CR2, CR3, NEF, ARW, RAF, ORF, RW2; the embedded JPEG preview when its short
/// side is at least 448 px, else a half-size decode; the RAW header's orientation). The format comes from the content,
/// not the extension. Applies the EXIF orientation (1-8; JPEG APP1, PNG eXIf, WebP EXIF; TIFF's own tag is applied by
/// OpenCV), drops alpha without compositing (a transparent pixel keeps its color, as Pillow's convert("RGB")), expands
/// palettes, replicates grayscale, keeps the high byte of 16-bit samples (as Pillow does for 16-bit RGB) and scales
/// float samples by 255.
/// Refused with an error: anything but a regular file (core/scan/regularfile.h), files over 1 GiB, images over
/// 200 megapixels or 2^20 pixels on a side (checked from the header before decoding, for HEIF the size after its
/// transforms, for RAW the sensor's size; OpenCV's own limits are set to the same numbers, so they hold for what its
/// decoders read too), headers that give the size twice (TIFF tags, JPEG frames), a decoded size other than the
/// header's, truncated JPEG/GIF data (Pillow refuses those too, where libjpeg would pad with gray), and anything the
/// codecs reject. Error messages start with the file name ("photo.jpg: file is empty (0 bytes)"). Reentrant; never
/// throws.
DecodedImage decodeImage(const QString &path, const DecodeOptions &options = {});

/// Same, for bytes already in memory; `nameForErrors` is used in messages.
DecodedImage decodeImageData(const QByteArray &data, const QString &nameForErrors, const DecodeOptions &options = {});

/// The photo's upright size in pixels from its headers alone, for showing it (tooltips, the duplicates view): what
/// decodeImage() gives at full resolution, except for camera RAW, where it is the camera's full image size (LibRaw's
/// header; decodeImage() gives the embedded preview or a half-size decode). Reads the first megabyte of the file (a
/// TIFF up to 64 MiB, for an IFD0 after its image data); HEIF/AVIF and RAW through their codecs' header readers,
/// which read only the boxes and tags they need. Invalid when the file cannot be read, its format is not recognized
/// or its header gives no size. Reentrant; never throws.
QSize readImageSize(const QString &path);

inline constexpr qint64 kMaxImagePixels = 200'000'000;
inline constexpr qint64 kMaxImageSide = qint64(1) << 20;
inline constexpr qint64 kMaxImageFileBytes = qint64(1) << 30;

/// An image's header, read and checked as decodeImageData() reads and checks it, without decoding the pixels.
struct ImageProbe {
    int width = 0; ///< as stored (before the EXIF orientation)
    int height = 0;
    qint64 decodeBytes = 0; ///< the most memory decodeImageData() holds at once beyond the encoded bytes (an estimate
                            ///< from the header: decoder output and buffers, conversions, the QImage)
    QString error;          ///< "name: problem" when decoding would be refused; empty otherwise

    bool ok() const { return error.isEmpty(); }
};

/// What decoding `data` with `options` will take, from the same header numbers the decode then uses: the indexer
/// reserves decodeBytes of its memory budget before decoding.
ImageProbe probeImageData(const QByteArray &data, const QString &nameForErrors, const DecodeOptions &options = {});

/// `image` (as decoded: RGB888) averaged down so that neither side exceeds `maxSide`, or `image` itself when it fits.
/// Needs memory for the result only: a cheap first step before Qt's smooth scaling, which converts the whole of a
/// large RGB888 image to 32 bits per pixel first.
QImage shrinkImage(const QImage &image, int maxSide);

/// The bytes of the image file at `path` as decodeImage() reads them: a regular file of at most kMaxImageFileBytes,
/// never more than the size it had when opened. False with "name: problem" in *error.
bool readImageFile(const QString &path, QByteArray *data, QString *error);

} // namespace clipfind
