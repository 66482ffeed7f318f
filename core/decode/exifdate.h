// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace clipfind {

/// When a photo was taken, from its EXIF: DateTimeOriginal, else DateTimeDigitized, else IFD0 DateTime, with the
/// matching OffsetTime* tag when there is one (else local time). `bytes` is the start of a JPEG (APP1 "Exif") or
/// a TIFF file. Every offset and count is checked against the buffer: malformed, truncated or hostile input gives
/// an invalid QDateTime, never a read out of bounds. Reentrant.
QDateTime exifDateTaken(const QByteArray &bytes);

/// Reads the first 256 KiB of the file (the EXIF segment of a JPEG is at most 64 KiB and comes first) and calls
/// exifDateTaken(). HEIF/AVIF: the primary image's EXIF item through libheif (reading the boxes it needs, not the
/// pixels). Camera RAW without a usable EXIF near the start (CR3, RAF, ORF, RW2): LibRaw's timestamp, local time.
/// Invalid when the file cannot be read or has no usable date.
QDateTime readExifDateTaken(const QString &path);

} // namespace clipfind
