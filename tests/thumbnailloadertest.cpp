// SPDX-License-Identifier: MIT
// ThumbnailLoader on fixture photos: requests are served newest first, a photo that does not decode gives its
// reason instead of a crash, a second request is answered from memory (and a later loader from the thumbnail
// cache), and what was asked for before a clear() is not announced.
#include "fixturedata.h"
#include "heifwriter.h"
#include "photowriters.h"
#include "testfiles.h"

#include "core/decode/imagedecoder.h"
#include "core/threads/pooltasks.h"
#include "core/thumbnails/thumbnailcache.h"
#include "core/thumbnails/thumbnailloader.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QImageReader>
#include <QRegularExpression>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace clipfind;
using namespace clipfind::test;

namespace {

constexpr int kTimeoutMs = 30000;

// Holds the loader's only worker until released, so requests pile up in its queue.
class PoolGate
{
public:
    explicit PoolGate(QThreadPool *pool)
    {
        startOnPool(*pool, [this] {
            m_started.release();
            m_open.acquire();
        });
        m_started.acquire();
    }
    ~PoolGate() { open(); }
    void open()
    {
        if (!m_opened) {
            m_opened = true;
            m_open.release();
        }
    }

private:
    QSemaphore m_started;
    QSemaphore m_open;
    bool m_opened = false;
};

// Holds the loader's worker inside its load of one photo until the test lets it go: a photo that takes as long to
// read as the test wants. (A named pipe did this before issue 11; photos are now read only when they are regular
// files, so opening never blocks.)
class SlowPhoto
{
public:
    explicit SlowPhoto(QString path)
        : m_path(std::move(path))
    {
    }
    ThumbnailLoader::LoadFunction loadFunction()
    {
        return [this](const ThumbnailCache *store, const QString &path) {
            if (path == m_path) {
                m_inside.release();
                m_release.acquire();
            }
            return ThumbnailLoader::load(store, path);
        };
    }
    /// Waits until the worker is inside the slow load, runs `whileReading`, lets the load finish and waits for the
    /// pool to be idle.
    bool serve(QThreadPool *pool, const std::function<void()> &whileReading)
    {
        if (!m_inside.tryAcquire(1, kTimeoutMs)) {
            return false;
        }
        whileReading();
        m_release.release();
        return waitForPool(*pool, kTimeoutMs);
    }

private:
    QString m_path;
    QSemaphore m_inside;
    QSemaphore m_release;
};

} // namespace

class ThumbnailLoaderTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QStringList m_photos; // fixture images copied into m_dir

    QString photo(const QString &name) const { return m_dir.filePath(QStringLiteral("photos/") + name); }

    // Lets the pool finish and the loader's queued deliveries run.
    static void settle(ThumbnailLoader *loader)
    {
        waitForPool(*loader->pool());
        QTest::qWait(50);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("photos"))));
        const QString images = dataPath(QStringLiteral("images/"));
        for (const QString &name : QDir(images).entryList(QDir::Files, QDir::Name)) {
            QVERIFY(QFile::copy(images + name, photo(name)));
            m_photos << photo(name);
        }
        QCOMPARE(m_photos.size(), 13);
    }

    void loadFitsTheLargeSizeUpright()
    {
        // Stored 1600 x 1200 with EXIF orientation 6: upright it is 1200 x 1600.
        const QString portrait = photo(QStringLiteral("portrait_exif6_1600x1200.jpg"));
        const Thumbnail thumbnail = ThumbnailLoader::load(nullptr, portrait);
        QVERIFY2(thumbnail.ok(), qPrintable(thumbnail.facts.error));
        QCOMPARE(thumbnail.image.size(), QSize(192, 256));
        QCOMPARE(thumbnail.facts.size, QSize(1200, 1600));
        QCOMPARE(thumbnail.facts.bytes, QFileInfo(portrait).size());
        // Small photos are not enlarged.
        const Thumbnail small = ThumbnailLoader::load(nullptr, photo(QStringLiteral("small_120x90.png")));
        QCOMPARE(small.image.size(), QSize(120, 90));
    }

    // The facts' size is the photo's upright size from its headers, for every format the decoder reads: the fixture
    // images (their names say the stored size; EXIF orientations 6 and 8 turn it), HEIC and AVIF made here with a
    // quarter turn in their irot box, and a DNG whose decode is a half-size one (the facts give the camera's full
    // size).
    void factsGiveTheUprightSizeOfEveryFormat()
    {
        const QRegularExpression stored(QStringLiteral("_(\\d+)x(\\d+)\\."));
        for (const QString &path : std::as_const(m_photos)) {
            const QString name = QFileInfo(path).fileName();
            const QRegularExpressionMatch match = stored.match(name);
            QVERIFY2(match.hasMatch(), qPrintable(name));
            QSize expected(match.captured(1).toInt(), match.captured(2).toInt());
            if (name.contains(QLatin1String("exif6")) || name.contains(QLatin1String("exif8"))) {
                expected.transpose();
            }
            const Thumbnail thumbnail = ThumbnailLoader::load(nullptr, path);
            QVERIFY2(thumbnail.ok(), qPrintable(thumbnail.facts.error));
            QVERIFY2(thumbnail.facts.size == expected, qPrintable(name));
        }

        QImage scene(120, 80, QImage::Format_RGB888);
        scene.fill(QColor(200, 60, 40));
        QString error;
        const QString heic = photo(QStringLiteral("turned.heic"));
        QVERIFY(writeBytes(heic, encodeHeif(scene, false, 80, 6, {}, &error)));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString avif = photo(QStringLiteral("plain.avif"));
        QVERIFY(writeBytes(avif, encodeHeif(scene, true, 80, 1, {}, &error)));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        DngSpec dng;
        dng.image = storedForOrientation(scene.scaled(400, 300), 6); // stored 300 x 400, shown 400 x 300
        dng.orientation = 6;
        dng.preview = encodeJpeg(dng.image.scaled(150, 200), 90); // too small to be shown: a half-size decode
        const QString raw = photo(QStringLiteral("camera.dng"));
        QVERIFY(writeBytes(raw, makeDng(dng)));
        for (const auto &[path, expected] :
             {std::pair(heic, QSize(80, 120)), std::pair(avif, QSize(120, 80)), std::pair(raw, QSize(400, 300))}) {
            const Thumbnail thumbnail = ThumbnailLoader::load(nullptr, path);
            QVERIFY2(thumbnail.ok(), qPrintable(thumbnail.facts.error));
            QCOMPARE(thumbnail.facts.size, expected);
            QCOMPARE(readImageSize(path), expected);
        }
        QCOMPARE(ThumbnailLoader::load(nullptr, raw).image.size(), QSize(200, 150)); // the half-size decode, upright
        QVERIFY(!readImageSize(photo(QStringLiteral("no such photo.jpg"))).isValid());
    }

    void visibleFirstNewestRequestFirst()
    {
        ThumbnailLoader loader(nullptr, 1);
        QSignalSpy ready(&loader, &ThumbnailLoader::thumbnailReady);
        PoolGate gate(loader.pool());
        const QStringList asked = m_photos.mid(0, 6); // in the order the grid painted them
        for (const QString &path : asked) {
            QVERIFY(!loader.thumbnail(path).has_value());
        }
        QVERIFY(!loader.thumbnail(asked.first()).has_value()); // asked again while queued: still queued once
        gate.open();
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), asked.size(), kTimeoutMs);
        settle(&loader);
        QStringList order;
        for (const QList<QVariant> &signal : std::as_const(ready)) {
            order << signal.at(0).toString();
        }
        QStringList newestFirst = asked;
        std::reverse(newestFirst.begin(), newestFirst.end());
        QCOMPARE(order, newestFirst);
    }

    // Issue 11: a photo replaced by a FIFO or by a link to /dev/zero gets its reason at once; no worker blocks in
    // opening it or reads without end.
    void aPhotoThatIsNotARegularFileFailsAtOnce()
    {
        const QString fifo = photo(QStringLiteral("fifo.jpg"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        const QString zero = photo(QStringLiteral("zero.jpg"));
        QVERIFY(QFile::link(QStringLiteral("/dev/zero"), zero));
        ThumbnailLoader loader(nullptr, 1);
        QSignalSpy ready(&loader, &ThumbnailLoader::thumbnailReady);
        QVERIFY(!loader.thumbnail(fifo).has_value());
        QVERIFY(!loader.thumbnail(zero).has_value());
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, kTimeoutMs);
        QCOMPARE(loader.facts(fifo)->error, QStringLiteral("fifo.jpg: not a regular file (a FIFO)"));
        QCOMPARE(loader.facts(zero)->error, QStringLiteral("zero.jpg: not a regular file (a character device)"));
        QVERIFY(QFile::remove(fifo));
        QVERIFY(QFile::remove(zero));
    }

    void aPhotoThatDoesNotDecodeGivesItsReason()
    {
        const QString garbage = photo(QStringLiteral("garbage.jpg"));
        QVERIFY(writeBytes(garbage, QByteArray("this is not a JPEG file at all")));
        const QString truncated = photo(QStringLiteral("truncated.jpg"));
        const QByteArray whole = readBytes(photo(QStringLiteral("landscape_2000x1500.jpg")));
        QVERIFY(writeBytes(truncated, whole.left(whole.size() / 2)));

        ThumbnailLoader loader(nullptr);
        QSignalSpy ready(&loader, &ThumbnailLoader::thumbnailReady);
        for (const QString &path : {garbage, truncated}) {
            QVERIFY(!loader.thumbnail(path).has_value());
        }
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, kTimeoutMs);
        for (const QString &path : {garbage, truncated}) {
            const std::optional<Thumbnail> thumbnail = loader.thumbnail(path);
            QVERIFY(thumbnail.has_value()); // answered, and not queued again
            QVERIFY(!thumbnail->ok());
            QVERIFY(thumbnail->image.isNull());
            QVERIFY2(thumbnail->facts.error.startsWith(QFileInfo(path).fileName() + QLatin1Char(':')),
                     qPrintable(thumbnail->facts.error));
            QVERIFY(!thumbnail->facts.size.isValid());
            QCOMPARE(loader.facts(path)->error, thumbnail->facts.error);
        }
        settle(&loader);
        QCOMPARE(ready.size(), 2);
    }

    void aSecondRequestHitsTheCache()
    {
        const ThumbnailCache store(m_dir.filePath(QStringLiteral("cache")), m_dir.filePath(QStringLiteral("own")));
        const QString path = photo(QStringLiteral("rotated_exif8_900x700.jpg"));
        QImage first;
        {
            ThumbnailLoader loader(&store);
            QSignalSpy ready(&loader, &ThumbnailLoader::thumbnailReady);
            QVERIFY(!loader.thumbnail(path).has_value());
            QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, kTimeoutMs);
            const std::optional<Thumbnail> again = loader.thumbnail(path); // from memory, at once
            QVERIFY(again.has_value() && again->ok());
            first = again->image;
            // Stored 900 x 700 with EXIF orientation 8: upright it is 700 x 900.
            QCOMPARE(first.size(), QSize(199, 256));
            settle(&loader);
            QCOMPARE(ready.size(), 1); // nothing was loaded a second time
        }
        // A new loader finds the thumbnail saved in the freedesktop cache: the photo's bytes are not decoded again
        // (they are garbage now; only the modification time, which the cache checks, is kept).
        const QDateTime mtime = QFileInfo(path).lastModified();
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("garbage");
        QVERIFY(file.flush()); // before the time is set: a write at close() would change it again
        QVERIFY(file.setFileTime(mtime, QFileDevice::FileModificationTime));
        file.close();
        QVERIFY(!store.load(path, mtime.toSecsSinceEpoch()).isNull());
        const Thumbnail cached = ThumbnailLoader::load(&store, path);
        QVERIFY2(cached.ok(), qPrintable(cached.facts.error));
        QCOMPARE(cached.image.size(), first.size());
        QVERIFY(!ThumbnailLoader::load(nullptr, path).ok()); // without the cache it is the garbage it now holds
        QVERIFY(QFile::remove(path));
        QVERIFY(QFile::copy(dataPath(QStringLiteral("images/rotated_exif8_900x700.jpg")), path));
    }

    void aStaleRequestAfterAClearIsNotDelivered()
    {
        ThumbnailLoader loader(nullptr, 1);
        const QString slow = photo(QStringLiteral("slow.jpg"));
        SlowPhoto slowPhoto(slow);
        loader.setLoadFunction(slowPhoto.loadFunction());
        QSignalSpy ready(&loader, &ThumbnailLoader::thumbnailReady);
        // Queued behind a busy worker, then cleared: never loaded, never announced.
        {
            PoolGate gate(loader.pool());
            QVERIFY(!loader.thumbnail(m_photos.at(0)).has_value());
            QVERIFY(!loader.thumbnail(m_photos.at(1)).has_value());
            loader.clear();
            gate.open();
            settle(&loader);
        }
        QCOMPARE(ready.size(), 0);
        QVERIFY(!loader.facts(m_photos.at(0)));
        // Being read when cleared: kept, but not announced.
        QVERIFY(QFile::copy(m_photos.at(2), slow));
        QVERIFY(!loader.thumbnail(slow).has_value());
        QVERIFY(slowPhoto.serve(loader.pool(), [&loader] { loader.clear(); }));
        settle(&loader);
        QCOMPARE(ready.size(), 0);
        QVERIFY(loader.facts(slow)); // the work is kept: asked for again, it is answered at once
        QVERIFY(QFile::remove(slow));
        // Asked for again after the clear: announced once.
        QVERIFY(!loader.thumbnail(m_photos.at(0)).has_value());
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, kTimeoutMs);
        QCOMPARE(ready.first().at(0).toString(), m_photos.at(0));
        settle(&loader);
        QCOMPARE(ready.size(), 1);
    }

    void aClearedLoadAskedForAgainIsAnnouncedOnce()
    {
        ThumbnailLoader loader(nullptr, 1);
        QSignalSpy ready(&loader, &ThumbnailLoader::thumbnailReady);
        const QString path = m_photos.at(3);
        {
            PoolGate gate(loader.pool());
            QVERIFY(!loader.thumbnail(path).has_value());
            loader.clear();
            QVERIFY(!loader.thumbnail(path).has_value()); // the new result list has the same photo
            gate.open();
            settle(&loader);
        }
        QCOMPARE(ready.size(), 1);
        QVERIFY(loader.thumbnail(path).has_value());
    }
};

QTEST_GUILESS_MAIN(ThumbnailLoaderTest)
#include "thumbnailloadertest.moc"
