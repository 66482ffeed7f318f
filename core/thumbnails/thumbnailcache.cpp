// SPDX-License-Identifier: MIT
#include "core/thumbnails/thumbnailcache.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QImageReader>
#include <QImageWriter>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUrl>

namespace clipfind {

namespace {

// A thumbnail is valid for a photo only while its Thumb::MTime matches (Thumbnail Managing Standard).
// The keys are read from the decoded QImage: QImageReader::text() splits keys at their first ':'.
bool matches(const QString &thumbnail, const QByteArray &uri, qint64 mtimeSeconds, QImage *image)
{
    QImageReader reader(thumbnail, "png");
    *image = reader.read();
    return !image->isNull() && image->text(QStringLiteral("Thumb::URI")).toUtf8() == uri
           && image->text(QStringLiteral("Thumb::MTime")) == QString::number(mtimeSeconds);
}

} // namespace

ThumbnailCache::ThumbnailCache(const QString &cacheHome, const QString &fallbackDir)
    : m_sharedDir(cacheHome + QStringLiteral("/thumbnails/large"))
    , m_fallbackDir(fallbackDir)
{
}

ThumbnailCache ThumbnailCache::standard()
{
    const QString cache = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation);
    return ThumbnailCache(cache, cache + QStringLiteral("/clipfind/thumbnails/large"));
}

QByteArray ThumbnailCache::fileUri(const QString &path)
{
    // QUrl percent-encodes what RFC 2396 requires (spaces, non-ASCII as UTF-8 bytes) and keeps '/' as is.
    return QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()).toEncoded();
}

QString ThumbnailCache::thumbnailFileName(const QString &path)
{
    return QString::fromLatin1(QCryptographicHash::hash(fileUri(path), QCryptographicHash::Md5).toHex())
           + QStringLiteral(".png");
}

QString ThumbnailCache::save(const QString &path, qint64 mtimeSeconds, const QImage &image, QString *error) const
{
    const QString name = QFileInfo(path).fileName();
    if (image.isNull()) {
        *error =
            QCoreApplication::translate("clipfind::ThumbnailCache", "%1: no image to make a thumbnail from").arg(name);
        return {};
    }
    QImage thumb = image.width() > kLargeSize || image.height() > kLargeSize
                       ? image.scaled(kLargeSize, kLargeSize, Qt::KeepAspectRatio, Qt::SmoothTransformation)
                       : image.copy();
    const QByteArray uri = fileUri(path);
    // Set on the image, not through QImageWriter::setText: Qt's PNG writer splits writer texts at the first ':',
    // which would turn "Thumb::URI" into "Thumb".
    thumb.setText(QStringLiteral("Thumb::URI"), QString::fromUtf8(uri));
    thumb.setText(QStringLiteral("Thumb::MTime"), QString::number(mtimeSeconds));
    thumb.setText(QStringLiteral("Thumb::Image::Width"), QString::number(image.width()));
    thumb.setText(QStringLiteral("Thumb::Image::Height"), QString::number(image.height()));
    thumb.setText(QStringLiteral("Software"), QStringLiteral("ClipFind"));
    QString lastProblem;
    for (const QString &dir : {m_sharedDir, m_fallbackDir}) {
        // The spec asks for private folders (0700) and files (0600): thumbnails reveal image content.
        if (!QDir().mkpath(dir)) {
            lastProblem = QCoreApplication::translate("clipfind::ThumbnailCache", "cannot create %1").arg(dir);
            continue;
        }
        QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        const QString target = dir + QLatin1Char('/') + thumbnailFileName(path);
        QSaveFile file(target); // written to a temporary file and renamed: readers never see half a PNG
        if (!file.open(QIODevice::WriteOnly)) {
            lastProblem = file.errorString();
            continue;
        }
        QImageWriter writer(&file, "png");
        // zlib's fast level (Qt maps quality 80 to level 1): a 256-pixel thumbnail takes about 4 ms instead of 20 ms
        // at Qt's default and is about 10 % larger. While indexing, the default level cost a seventh of all CPU time.
        writer.setQuality(80);
        if (!writer.write(thumb) || !file.commit()) {
            lastProblem = writer.errorString();
            continue;
        }
        QFile::setPermissions(target, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        return target;
    }
    *error = QCoreApplication::translate("clipfind::ThumbnailCache", "%1: cannot store the thumbnail (%2)")
                 .arg(name, lastProblem);
    return {};
}

QImage ThumbnailCache::load(const QString &path, qint64 mtimeSeconds) const
{
    const QByteArray uri = fileUri(path);
    const QString file = thumbnailFileName(path);
    QImage image;
    for (const QString &dir : {m_sharedDir, m_fallbackDir}) {
        if (matches(dir + QLatin1Char('/') + file, uri, mtimeSeconds, &image)) {
            return image;
        }
    }
    return {};
}

} // namespace clipfind
