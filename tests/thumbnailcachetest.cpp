// SPDX-License-Identifier: MIT
// Thumbnails in the freedesktop.org cache: names, keys, validity by mtime, and the fallback folder.
#include "core/thumbnails/thumbnailcache.h"

#include "testfiles.h"

#include <QImageReader>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;

class ThumbnailCacheTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesFollowTheSpec()
    {
        // The Thumbnail Managing Standard's own example: file:///home/jens/photos/me.png has this MD5.
        QCOMPARE(ThumbnailCache::fileUri(QStringLiteral("/home/jens/photos/me.png")),
                 QByteArray("file:///home/jens/photos/me.png"));
        QCOMPARE(ThumbnailCache::thumbnailFileName(QStringLiteral("/home/jens/photos/me.png")),
                 QStringLiteral("c6ee772d9e49320e97ec29a7eb5b1697.png"));
        // Spaces and non-ASCII characters are percent-encoded as UTF-8 bytes.
        QCOMPARE(ThumbnailCache::fileUri(QStringLiteral("/photos/a b/\u00e9t\u00e9.jpg")),
                 QByteArray("file:///photos/a%20b/%C3%A9t%C3%A9.jpg"));
    }

    void savesLargeThumbnailWithKeys()
    {
        QTemporaryDir dir;
        const ThumbnailCache store(dir.filePath(QStringLiteral("cache")), dir.filePath(QStringLiteral("own")));
        QImage photo(1200, 800, QImage::Format_RGB888);
        photo.fill(QColor(200, 30, 30));
        const QString photoPath = dir.filePath(QStringLiteral("red photo.jpg"));
        QString error;
        const QString thumb = store.save(photoPath, 1700000000, photo, &error);
        QVERIFY2(!thumb.isEmpty(), qPrintable(error));
        QCOMPARE(thumb, dir.filePath(QStringLiteral("cache/thumbnails/large/"))
                            + ThumbnailCache::thumbnailFileName(photoPath));

        QImageReader reader(thumb);
        QCOMPARE(reader.format(), QByteArray("png"));
        const QImage image = reader.read();
        QCOMPARE(image.text(QStringLiteral("Thumb::URI")).toUtf8(), ThumbnailCache::fileUri(photoPath));
        QCOMPARE(image.text(QStringLiteral("Thumb::MTime")), QStringLiteral("1700000000"));
        QCOMPARE(image.text(QStringLiteral("Thumb::Image::Width")), QStringLiteral("1200"));
        // The raw PNG holds the keys as text chunks under their full names, as other readers expect (Qt
        // compresses long values into zTXt, which libpng-based readers handle like tEXt).
        const QByteArray bytes = clipfind::test::readBytes(thumb);
        QVERIFY(bytes.contains(QByteArray("Thumb::URI\0", 11)));
        QVERIFY(bytes.contains(QByteArray("tEXtThumb::MTime\0"
                                          "1700000000",
                                          27)));
        QCOMPARE(image.width(), 256);
        QVERIFY(image.height() == 170 || image.height() == 171);
        // 0600: the user bits (0x0700 in Qt's flags) are read+write, group and others get nothing.
        QCOMPARE(int(QFile::permissions(thumb) & 0x0777), int(QFileDevice::ReadUser | QFileDevice::WriteUser));

        QVERIFY(!store.load(photoPath, 1700000000).isNull());
        QVERIFY(store.load(photoPath, 1700000001).isNull()); // the photo changed since
    }

    void smallImagesAreNotEnlarged()
    {
        QTemporaryDir dir;
        const ThumbnailCache store(dir.filePath(QStringLiteral("cache")), dir.filePath(QStringLiteral("own")));
        QImage photo(120, 90, QImage::Format_RGB888);
        photo.fill(Qt::blue);
        QString error;
        const QString thumb = store.save(dir.filePath(QStringLiteral("small.png")), 1, photo, &error);
        QVERIFY2(!thumb.isEmpty(), qPrintable(error));
        QCOMPARE(QImage(thumb).size(), QSize(120, 90));
    }

    void fallsBackWhenSharedCacheIsNotWritable()
    {
        QTemporaryDir dir;
        // A regular file where the cache folder should be: mkpath fails even for root.
        const QString blocked = dir.filePath(QStringLiteral("blocked"));
        QVERIFY(clipfind::test::writeBytes(blocked, "not a folder"));
        const ThumbnailCache store(blocked, dir.filePath(QStringLiteral("own")));
        QImage photo(640, 480, QImage::Format_RGB888);
        photo.fill(Qt::green);
        const QString photoPath = dir.filePath(QStringLiteral("green.jpg"));
        QString error;
        const QString thumb = store.save(photoPath, 42, photo, &error);
        QVERIFY2(!thumb.isEmpty(), qPrintable(error));
        QVERIFY(thumb.startsWith(dir.filePath(QStringLiteral("own/"))));
        QVERIFY(!store.load(photoPath, 42).isNull());

        const ThumbnailCache nowhere(blocked, blocked + QStringLiteral("/own"));
        QVERIFY(nowhere.save(photoPath, 42, photo, &error).isEmpty());
        QVERIFY2(error.startsWith(QStringLiteral("green.jpg: cannot store the thumbnail")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(ThumbnailCacheTest)
#include "thumbnailcachetest.moc"
