// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace clipfind {

/// Lower-case hex SHA-256 of a file, read in chunks (a 900 MB checkpoint never sits in memory twice).
/// Returns an empty string and sets *errorString when the file cannot be read.
QString sha256OfFile(const QString &path, QString *errorString);

} // namespace clipfind
