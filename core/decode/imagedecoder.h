// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QSize>
#include <QString>

namespace clipfind {

/// A decoded, upright, 8-bit RGB image, or the reason it could not be decoded.
struct DecodedImage {
    QImage image;        // Format_RGB888, EXIF orientation applied; null on failure
    QString error;       // one line naming the file and the problem; empty on success
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
/// float samples by 255. Refused with an error: files over 1 GiB, images over 200 megapixels (checked from the header,
/// before decoding; for HEIF the size after its transforms, for RAW the sensor's size), truncated JPEG/GIF data (Pillow
/// refuses those too, where libjpeg would pad with gray), and anything the codecs reject. Error messages start with the
/// file name ("photo.jpg: file is empty (0 bytes)"). Reentrant; never throws.
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

} // namespace clipfind
