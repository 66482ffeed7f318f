// SPDX-License-Identifier: MIT
#pragma once

// Internal to core/decode: the formats that libraries with containers of their own decode (libheif for HEIF and
// AVIF, LibRaw for camera RAW), behind the one entry point decodeImageData() and behind readExifDateTaken(). A codec
// recognizes its files from their first bytes, checks the size it will produce against the limit before it decodes,
// and never throws.

#include "core/decode/exifreader.h"

#include <QByteArray>
#include <QDateTime>
#include <QImage>
#include <QSize>
#include <QString>

namespace clipfind {

/// What a codec gives back: upright pixels, or a JPEG for the decoder's own JPEG path (a RAW file's preview).
struct CodecOutput {
    QImage image;    ///< Format_RGB888 with `orientation` already applied; null when `jpeg` is set or on failure
    QByteArray jpeg; ///< an embedded JPEG to decode instead; `orientation` is to be applied to it (its own is ignored)
    int orientation = 1;      ///< what the file's metadata says, as an EXIF orientation (1..8)
    QString error;            ///< the problem, without the file name; empty on success
    bool unsupported = false; ///< with `error`: not this codec's file after all (a plain TIFF that looked like RAW)
};

/// A size read from a file's headers (no pixels decoded): the upright size of the full image, or invalid; when
/// invalid, `unsupported` says that the file is not this codec's after all, by the very rule decode() follows (so the
/// size readers and the decoder agree on every file: the caller reads it as a plain TIFF).
struct CodecSize {
    QSize size;
    bool unsupported = false;
};
/// One codec: a table of functions, so the decoder and the date reader treat every codec alike.
struct ImageCodec {
    const char *formatName; ///< for messages: "HEIF", "RAW"
    /// Whether the file is this codec's, from its first bytes (at least the first 256 KiB, or the whole file).
    bool (*recognizes)(const ByteView &head);
    /// The primary image. Refuses images over `maxPixels` (the size the codec will produce, known before decoding).
    CodecOutput (*decode)(const QByteArray &data, qint64 maxPixels);
    /// When the photo was taken, from its metadata; reads only the parts of the file it needs. Invalid if unknown.
    QDateTime (*dateTaken)(const QString &path);
    /// The upright size of the full image from the file's headers; `head` is the file's first bytes (as for
    /// recognizes()).
    CodecSize (*size)(const QString &path, const ByteView &head);
    /// The same for a file already in memory (the indexer's memory budget, before decoding).
    CodecSize (*sizeOfData)(const QByteArray &data);
};

/// HEIF and AVIF (libheif: HEVC through libde265, AV1 through dav1d or aom). The primary image with libheif's
/// transforms (irot, imir, clap) applied; the EXIF orientation is informational in HEIF and never applied again.
const ImageCodec &heifCodec();

/// Camera RAW (LibRaw): DNG, CR2, CR3, NEF, ARW, RAF, ORF, RW2 and the other TIFF-based raws. The embedded JPEG
/// preview when its short side is at least kRawPreviewMinShortSide, else a half-size decode of the raw data.
const ImageCodec &rawCodec();

inline constexpr int kRawPreviewMinShortSide = 448;

/// "image too large (W x H = N megapixels; the limit is L)", shared by every format.
QString imageTooLargeMessage(qint64 width, qint64 height, qint64 maxPixels);

} // namespace clipfind
