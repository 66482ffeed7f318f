// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

namespace clipfind {

/// Lower-case hex SHA-256 of a whole file, read in chunks (a 900 MB checkpoint never sits in memory twice): what
/// names a model file (its id in the library database, the checksum of a download). Returns an empty string and
/// sets *error (when not null) when the file cannot be read.
QString sha256OfFile(const QString &path, QString *error);

/// SHA-256 that identifies a photo's content cheaply, so a renamed, moved or copied photo is recognized without
/// decoding it again: the file size as 8 little-endian bytes, then the whole file when it is at most 128 KiB, else
/// its first 64 KiB followed by its last 64 KiB (each byte is hashed at most once). Returns the 32-byte digest, or
/// an empty array and sets *error (when not null) when the file cannot be read or changes size while it is read.
QByteArray contentHash(const QString &path, QString *error);

} // namespace clipfind
