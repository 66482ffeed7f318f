// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QString>

namespace clipfind {

/// Thumbnails in the freedesktop.org thumbnail cache ("large": 256 px), shared with file managers and viewers:
/// `<cache>/thumbnails/large/<md5 of the file URI>.png` carrying Thumb::URI and Thumb::MTime. When that folder
/// is not writable, ClipFind's own cache folder is used instead. Reentrant: a decode thread can save the thumbnail
/// of the image it just decoded for the model.
class ThumbnailCache
{
public:
    static constexpr int kLargeSize = 256;

    /// `cacheHome` = $XDG_CACHE_HOME (default ~/.cache); `fallbackDir` = where thumbnails go when
    /// <cacheHome>/thumbnails/large cannot be written.
    ThumbnailCache(const QString &cacheHome, const QString &fallbackDir);
    /// The user's locations: QStandardPaths::GenericCacheLocation and <that>/clipfind/thumbnails/large.
    static ThumbnailCache standard();

    /// "file:///..." with the spec's percent-encoding, and the thumbnail's file name (md5 hex + ".png").
    static QByteArray fileUri(const QString &path);
    static QString thumbnailFileName(const QString &path);

    /// Scales `image` (already upright) to fit 256 x 256 (never enlarged) and writes it atomically with the
    /// required keys. `mtimeSeconds` is the photo's modification time. Returns the thumbnail path, or an empty
    /// string and *error naming the photo.
    QString save(const QString &path, qint64 mtimeSeconds, const QImage &image, QString *error) const;

    /// The stored thumbnail of `path` when one exists for this modification time (in either location), else null.
    QImage load(const QString &path, qint64 mtimeSeconds) const;

private:
    QString m_sharedDir;
    QString m_fallbackDir;
};

} // namespace clipfind
