// SPDX-License-Identifier: MIT
#pragma once

#include <QSize>
#include <QString>

namespace clipfind::bench {

/// Generates a small photo library for the browse screenshot: albums in subfolders (a trip to snowy mountains, a
/// garden, a birthday, a picnic, the beach, the Alps, loose camera uploads), one album a month going back from
/// November 2026, each photo a colorful JPEG scene of its album's kind with its file time set to when it was
/// "taken". False with *error when something cannot be written.
bool generateAlbums(const QString &folder, const QSize &size, QString *error);

/// Albums like generateAlbums()'s (the scenes whose shots differ from one another) plus copies of some of their
/// photos, as a library gathers them over the years: a phone backup at half size, edited exports re-saved at a lower
/// quality, a PNG conversion, a photo imported twice. The copies are newer than their originals. For the duplicates
/// screenshot. False with *error when something cannot be written.
bool generateDuplicates(const QString &folder, const QSize &size, QString *error);

/// Generates `count` empty .jpg files in folders of 1,000 under `folder`, their file times spread over ten years:
/// for timing a listing (the scanner and the listing never open a photo; the thumbnails show "cannot be read").
bool generateEmptyPhotos(const QString &folder, int count, QString *error);

/// Sets a file's modification time (ms since the epoch).
bool setModificationTime(const QString &path, qint64 ms);

} // namespace clipfind::bench
