// SPDX-License-Identifier: MIT
// The indexer end to end on the fixture photos with the tiny reference model: features equal the reference, and
// reruns are incremental (unchanged, modified, renamed, deleted), bad files are recorded, models never mix.
#include "fixturedata.h"
#include "hostilefiles.h"
#include "testfiles.h"

#include "core/encode/clipencoder.h"
#include "core/index/indexcontrol.h"
#include "core/index/indexer.h"
#include "core/store/librarydatabase.h"
#include "core/thumbnails/thumbnailcache.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <QSemaphore>

#include <sys/stat.h>
#include <thread>
#include <utime.h>

using namespace clipfind;
using namespace clipfind::test;

namespace {

const char *const kPhotos[] = {"landscape_2000x1500.jpg", "portrait_exif6_1600x1200.jpg", "alpha_640x480.png",
                               "palette_320x240.gif", "tiff_700x500.tiff"};

std::unique_ptr<ClipEncoder> loadEncoder(const QString &model)
{
    ClipEncoder::Settings settings;
    settings.load.device = clip::DeviceChoice::Cpu;
    QString error;
    auto encoder = ClipEncoder::load(dataPath(model), settings, &error);
    if (!encoder) {
        qWarning("%s", qPrintable(error));
    }
    return encoder;
}

// Index of `fileName` in expected.json's image list.
int referenceRow(const ExpectedModel &expected, const QString &fileName)
{
    for (int i = 0; i < expected.imagePaths.size(); ++i) {
        if (expected.imagePaths[i].endsWith(QLatin1Char('/') + fileName)) {
            return i;
        }
    }
    return -1;
}

// `count` small distinct photos named photo_<i>.png in `folder`.
bool makePhotos(const QString &folder, int count, int hueOffset = 0)
{
    if (!QDir().mkpath(folder)) {
        return false;
    }
    for (int i = 0; i < count; ++i) {
        QImage image(64, 48, QImage::Format_RGB888);
        image.fill(QColor::fromHsv((hueOffset + i * 17) % 360, 200, 100 + i * 5));
        if (!image.save(folder + QStringLiteral("/photo_%1.png").arg(i))) {
            return false;
        }
    }
    return true;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

} // namespace

class IndexerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void incrementalRuns()
    {
        QTemporaryDir dir;
        const QString photos = QFileInfo(dir.filePath(QStringLiteral("photos"))).absoluteFilePath();
        QVERIFY(QDir().mkpath(photos + QStringLiteral("/sub")));
        for (const char *name : kPhotos) {
            QVERIFY(QFile::copy(dataPath(QStringLiteral("images/")) + QLatin1String(name),
                                photos + QLatin1String("/sub/") + QLatin1String(name)));
        }
        QVERIFY(writeBytes(photos + QStringLiteral("/empty.jpg"), {}));
        QVERIFY(writeBytes(photos + QStringLiteral("/notes.jpg"), "these are not pixels"));
        const QString canonical = QFileInfo(photos).canonicalFilePath();

        QString error;
        auto cache = LibraryDatabase::open(dir.filePath(QStringLiteral("data/cache.sqlite")), &error);
        QVERIFY2(cache, qPrintable(error));
        auto encoder = loadEncoder(QStringLiteral("tiny-openai/model.pt"));
        QVERIFY(encoder);
        const ThumbnailCache thumbnails(dir.filePath(QStringLiteral("cache")), dir.filePath(QStringLiteral("own")));
        IndexOptions options;
        options.exactDecode = true; // the reference pipeline, so features can be compared with the fixtures
        options.batchSize = 2;

        // First run: every photo encoded, both bad files recorded with their reasons.
        IndexReport report = indexFolder(photos, *encoder, *cache, &thumbnails, options);
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.scanned, 7);
        QCOMPARE(report.indexed, 5);
        QCOMPARE(int(report.failed.size()), 2);
        for (const IndexFailure &failure : report.failed) {
            QVERIFY2(failure.reason.contains(QFileInfo(failure.path).fileName()), qPrintable(failure.reason));
        }
        QStringList paths;
        std::vector<float> matrix;
        int dim = 0;
        QVERIFY(cache->loadEmbeddings(canonical, encoder->sha256(), &paths, &matrix, &dim, &error));
        QCOMPARE(paths.size(), 5);
        const ExpectedModel expected = readExpected(QStringLiteral("tiny-openai"));
        for (int i = 0; i < paths.size(); ++i) {
            const int row = referenceRow(expected, QFileInfo(paths[i]).fileName());
            QVERIFY(row >= 0);
            // Stored as fp16: 1e-3 relative.
            const double relative =
                relativeRowError(matrix.data() + size_t(i) * size_t(dim), expected.imageFeatures[size_t(row)]);
            QVERIFY2(relative < 1e-3, qPrintable(QStringLiteral("%1: %2").arg(paths[i]).arg(relative)));
            QVERIFY(!thumbnails.load(paths[i], QFileInfo(paths[i]).lastModified().toSecsSinceEpoch()).isNull());
        }

        // Nothing changed: nothing decoded, known failures not retried.
        report = indexFolder(photos, *encoder, *cache, &thumbnails, options);
        QCOMPARE(report.unchanged, 7);
        QCOMPARE(report.indexed, 0);
        QVERIFY(report.failed.empty());

        // Modified (new content and mtime), renamed, deleted.
        const QString modified = photos + QStringLiteral("/sub/alpha_640x480.png");
        QVERIFY(QFile::remove(modified));
        QVERIFY(QFile::copy(dataPath(QStringLiteral("images/small_120x90.png")), modified));
        utimbuf times{1700000000, 1700000000};
        QVERIFY(utime(QFile::encodeName(modified).constData(), &times) == 0);
        QVERIFY(
            QFile::rename(photos + QStringLiteral("/sub/tiff_700x500.tiff"), photos + QStringLiteral("/moved.tiff")));
        QVERIFY(QFile::remove(photos + QStringLiteral("/sub/palette_320x240.gif")));
        report = indexFolder(photos, *encoder, *cache, &thumbnails, options);
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.indexed, 1);
        QCOMPARE(report.reused, 1);
        QCOMPARE(report.removed, 2);
        QCOMPARE(report.unchanged, 4); // two photos + two known failures
        const FolderCounts counts = cache->counts(canonical, encoder->sha256());
        QCOMPARE(counts.indexed, 4);
        QCOMPARE(counts.failed, 2);

        // Another model: its own embeddings, the first model's untouched.
        auto other = loadEncoder(QStringLiteral("tiny-hf"));
        QVERIFY(other);
        QVERIFY(other->sha256() != encoder->sha256());
        report = indexFolder(photos, *other, *cache, nullptr, options);
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.indexed, 4);
        QCOMPARE(cache->counts(canonical, other->sha256()).indexed, 4);
        QCOMPARE(cache->counts(canonical, encoder->sha256()).indexed, 4);
        QVERIFY(cache->loadEmbeddings(canonical, other->sha256(), &paths, &matrix, &dim, &error));
        QCOMPARE(dim, 48);
        QString integrity;
        QVERIFY2(cache->integrityOk(&integrity), qPrintable(integrity));
    }

    // Issue 12: a run with nothing to encode never opens the model file (a start needs only its remembered hash);
    // the first photo to encode opens it and builds the image tower only.
    void modelIsOpenedOnlyWhenSomethingNeedsEncoding()
    {
        QTemporaryDir dir;
        const QString photos = dir.filePath(QStringLiteral("photos"));
        QVERIFY(makePhotos(photos, 3));
        QString error;
        auto cache = LibraryDatabase::open(dir.filePath(QStringLiteral("data/cache.sqlite")), &error);
        QVERIFY2(cache, qPrintable(error));
        ClipEncoder::Settings settings;
        settings.load.device = clip::DeviceChoice::Cpu;
        settings.preload = ClipEncoder::Preload::Nothing;
        settings.dataDir = dir.filePath(QStringLiteral("data"));
        auto first = ClipEncoder::load(dataPath(QStringLiteral("tiny-openai/model.pt")), settings, &error);
        QVERIFY2(first, qPrintable(error));
        QCOMPARE(first->sha256(),
                 readExpected(QStringLiteral("tiny-openai")).json[QStringLiteral("sha256")].toString());
        QVERIFY(!first->model());
        IndexReport report = indexFolder(photos, *first, *cache, nullptr, {});
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.indexed, 3);
        QVERIFY(first->model());
        QVERIFY(first->isImageTowerReady());
        QVERIFY(!first->isTextTowerReady()); // indexing never needs the text tower

        // A later start on the unchanged folder: hash from the record, no model opened.
        auto later = ClipEncoder::load(dataPath(QStringLiteral("tiny-openai/model.pt")), settings, &error);
        QVERIFY2(later, qPrintable(error));
        QCOMPARE(later->sha256(), first->sha256());
        report = indexFolder(photos, *later, *cache, nullptr, {});
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.unchanged, 3);
        QCOMPARE(report.indexed, 0);
        QVERIFY(!later->model());

        // A broken model file is noticed when a photo needs it (another model id: all three do), as the run's
        // error, one line naming the file.
        const QString broken = dir.filePath(QStringLiteral("broken.pt"));
        QVERIFY(writeBytes(broken, QByteArray("PK\x03\x04 not really an archive")));
        auto brokenEncoder = ClipEncoder::load(broken, settings, &error);
        QVERIFY2(brokenEncoder, qPrintable(error));
        report = indexFolder(photos, *brokenEncoder, *cache, nullptr, {});
        QVERIFY2(report.error.contains(QLatin1String("broken.pt: ")), qPrintable(report.error));
        QVERIFY(!report.error.contains(QLatin1Char('\n')));
        QCOMPARE(report.indexed, 0);
    }

    void cancelledRunKeepsCommittedBatches()
    {
        QTemporaryDir dir;
        const QString photos = dir.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(photos));
        // 20 distinct photos: far more than can be in flight (3 one-photo buffers and one decode) at the cancel.
        constexpr int kCount = 20;
        for (int i = 0; i < kCount; ++i) {
            QImage image(64, 48, QImage::Format_RGB888);
            image.fill(QColor::fromHsv(i * 17, 200, 100 + i * 5));
            QVERIFY(image.save(photos + QStringLiteral("/photo_%1.png").arg(i)));
        }
        QString error;
        auto cache = LibraryDatabase::open(dir.filePath(QStringLiteral("cache.sqlite")), &error);
        QVERIFY2(cache, qPrintable(error));
        auto encoder = loadEncoder(QStringLiteral("tiny-openai/model.pt"));
        QVERIFY(encoder);
        IndexOptions options;
        options.batchSize = 1;
        options.decodeThreads = 1;
        IndexControl control;
        IndexHooks hooks;
        hooks.control = &control;
        hooks.progress = [&](const IndexProgress &p) {
            if (p.done >= 2) {
                control.cancel();
            }
        };
        const IndexReport first = indexFolder(photos, *encoder, *cache, nullptr, options, hooks);
        QVERIFY(first.cancelled);
        QVERIFY2(first.indexed >= 2 && first.indexed < kCount, qPrintable(QString::number(first.indexed)));
        // The next run finishes the rest, and only the rest.
        const IndexReport second = indexFolder(photos, *encoder, *cache, nullptr, options);
        QCOMPARE(second.indexed + second.unchanged, qint64(kCount));
        QCOMPARE(second.unchanged, first.indexed);
        QCOMPARE(cache->counts(QFileInfo(photos).canonicalFilePath(), encoder->sha256()).indexed, qint64(kCount));
    }

    void pauseHoldsTheRunUntilResumed()
    {
        QTemporaryDir dir;
        const QString photos = dir.filePath(QStringLiteral("photos"));
        constexpr int kCount = 24;
        QVERIFY(makePhotos(photos, kCount));
        const QString databasePath = dir.filePath(QStringLiteral("cache.sqlite"));
        QString error;
        auto cache = LibraryDatabase::open(databasePath, &error);
        QVERIFY2(cache, qPrintable(error));
        auto observer = LibraryDatabase::open(databasePath, &error); // a second connection, as a search would use
        QVERIFY2(observer, qPrintable(error));
        auto encoder = loadEncoder(QStringLiteral("tiny-openai/model.pt"));
        QVERIFY(encoder);
        const QString canonical = QFileInfo(photos).canonicalFilePath();
        IndexOptions options;
        options.batchSize = 1;
        options.decodeThreads = 1;
        IndexControl control;
        IndexHooks hooks;
        hooks.control = &control;
        QSemaphore pausedOnce;
        hooks.progress = [&](const IndexProgress &p) {
            if (p.phase == IndexProgress::Phase::Encoding && p.done >= 2 && !control.isPaused()
                && pausedOnce.available() == 0) {
                control.pause();
                pausedOnce.release();
            }
        };
        std::atomic_bool finished{false};
        IndexReport report;
        std::thread run([&] {
            report = indexFolder(photos, *encoder, *cache, nullptr, options, hooks);
            finished = true;
        });
        QVERIFY(pausedOnce.tryAcquire(1, 60000));
        pausedOnce.release(); // keep it "available" so the hook pauses only once
        // The photos in flight at the pause (a few buffered crops) are still committed; after that, nothing moves.
        QThread::msleep(400);
        const qint64 settled = observer->counts(canonical, encoder->sha256()).indexed;
        QThread::msleep(800);
        QCOMPARE(observer->counts(canonical, encoder->sha256()).indexed, settled);
        QVERIFY2(settled < kCount, qPrintable(QString::number(settled)));
        QVERIFY(!finished.load());
        QVERIFY(control.pausedSeconds() >= 1.0);

        control.resume();
        run.join();
        QVERIFY(!report.cancelled);
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.indexed, qint64(kCount));
        QCOMPARE(observer->counts(canonical, encoder->sha256()).indexed, qint64(kCount));
    }

    void cancelWakesAPausedRun()
    {
        QTemporaryDir dir;
        const QString photos = dir.filePath(QStringLiteral("photos"));
        QVERIFY(makePhotos(photos, 12));
        QString error;
        auto cache = LibraryDatabase::open(dir.filePath(QStringLiteral("cache.sqlite")), &error);
        QVERIFY2(cache, qPrintable(error));
        auto encoder = loadEncoder(QStringLiteral("tiny-openai/model.pt"));
        QVERIFY(encoder);
        IndexOptions options;
        options.batchSize = 1;
        options.decodeThreads = 1;
        IndexControl control;
        control.pause(); // paused before it starts: hashing waits at the first file
        IndexHooks hooks;
        hooks.control = &control;
        IndexReport report;
        std::thread run([&] { report = indexFolder(photos, *encoder, *cache, nullptr, options, hooks); });
        QThread::msleep(200);
        control.cancel();
        run.join(); // returns: the paused workers were woken
        QVERIFY(report.cancelled);
        QCOMPARE(report.indexed, 0);
        QCOMPARE(cache->counts(QFileInfo(photos).canonicalFilePath(), encoder->sha256()).indexed, 0);
    }

    void incrementalFolderRunTouchesOnlyItsFolders()
    {
        QTemporaryDir dir;
        const QString root = QFileInfo(dir.path()).canonicalFilePath() + QStringLiteral("/photos");
        const QString a = root + QStringLiteral("/a");
        const QString b = root + QStringLiteral("/b");
        const QString c = root + QStringLiteral("/c");
        const QString d = root + QStringLiteral("/d");
        QVERIFY(makePhotos(a, 3, 0));
        QVERIFY(makePhotos(b, 3, 60));
        QVERIFY(makePhotos(c + QStringLiteral("/deeper"), 2, 120));
        QVERIFY(makePhotos(d, 2, 180));
        QString error;
        auto cache = LibraryDatabase::open(dir.filePath(QStringLiteral("cache.sqlite")), &error);
        QVERIFY2(cache, qPrintable(error));
        auto encoder = loadEncoder(QStringLiteral("tiny-openai/model.pt"));
        QVERIFY(encoder);
        IndexReport report = indexFolder(root, *encoder, *cache, nullptr, IndexOptions{});
        QCOMPARE(report.indexed, 10);

        // On disk: one photo added to a, one deleted from b, c removed with everything below it, and a photo
        // added to d, which this run is not told about.
        QVERIFY(makePhotos(a + QStringLiteral("/new"), 1, 240));
        QVERIFY(QFile::rename(a + QStringLiteral("/new/photo_0.png"), a + QStringLiteral("/added.png")));
        QVERIFY(QFile::remove(b + QStringLiteral("/photo_1.png")));
        QVERIFY(QDir(c).removeRecursively());
        QVERIFY(makePhotos(d + QStringLiteral("/later"), 1, 300));
        QVERIFY(QFile::rename(d + QStringLiteral("/later/photo_0.png"), d + QStringLiteral("/unseen.png")));

        IndexOptions options;
        options.folders = {a, b, c};
        IndexHooks hooks;
        QStringList committedPaths;
        QStringList committedRemoved;
        hooks.committed = [&](const IndexedRows &rows) {
            committedPaths += rows.paths;
            committedRemoved += rows.removed;
        };
        report = indexFolder(root, *encoder, *cache, nullptr, options, hooks);
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.indexed, 1);
        QCOMPARE(report.removed, 3);   // b/photo_1 and the two photos below c
        QCOMPARE(report.unchanged, 5); // a: 3, b: 2; d and a/new were not looked at
        QCOMPARE(committedPaths, QStringList{a + QStringLiteral("/added.png")});
        QCOMPARE(sorted(committedRemoved),
                 sorted({b + QStringLiteral("/photo_1.png"), c + QStringLiteral("/deeper/photo_0.png"),
                         c + QStringLiteral("/deeper/photo_1.png")}));
        QStringList paths;
        std::vector<float> matrix;
        int dim = 0;
        QVERIFY(cache->loadEmbeddings(root, encoder->sha256(), &paths, &matrix, &dim, &error));
        QCOMPARE(paths.size(), 8); // a: 4, b: 2, d: 2 (d/unseen.png waits for a run that covers d)
        QVERIFY(!paths.contains(d + QStringLiteral("/unseen.png")));
        QVERIFY(paths.contains(d + QStringLiteral("/photo_0.png")));

        // A folder outside the root is refused, not scanned.
        options.folders = {QFileInfo(dir.path()).canonicalFilePath()};
        report = indexFolder(root, *encoder, *cache, nullptr, options);
        QCOMPARE(report.indexed, 0);
        QCOMPARE(int(report.failed.size()), 1);
        QVERIFY(report.failed.front().reason.contains(QStringLiteral("not inside")));
    }

    void nonRecursiveRunKeepsSubfolderPhotos()
    {
        QTemporaryDir dir;
        const QString root = QFileInfo(dir.path()).canonicalFilePath() + QStringLiteral("/photos");
        QVERIFY(makePhotos(root, 2, 0));
        QVERIFY(makePhotos(root + QStringLiteral("/sub"), 2, 90));
        QString error;
        auto cache = LibraryDatabase::open(dir.filePath(QStringLiteral("cache.sqlite")), &error);
        QVERIFY2(cache, qPrintable(error));
        auto encoder = loadEncoder(QStringLiteral("tiny-openai/model.pt"));
        QVERIFY(encoder);
        QCOMPARE(indexFolder(root, *encoder, *cache, nullptr, IndexOptions{}).indexed, 4);
        IndexOptions flat;
        flat.scan.recursive = false;
        const IndexReport report = indexFolder(root, *encoder, *cache, nullptr, flat);
        QCOMPARE(report.removed, 0);
        QCOMPARE(report.unchanged, 2);
        QCOMPARE(cache->counts(root, encoder->sha256()).indexed, 4);
    }

    void missingRootIsAnErrorAndRemovesNothing()
    {
        QTemporaryDir dir;
        const QString root = QFileInfo(dir.path()).canonicalFilePath() + QStringLiteral("/photos");
        QVERIFY(makePhotos(root, 3));
        QString error;
        auto cache = LibraryDatabase::open(dir.filePath(QStringLiteral("cache.sqlite")), &error);
        QVERIFY2(cache, qPrintable(error));
        auto encoder = loadEncoder(QStringLiteral("tiny-openai/model.pt"));
        QVERIFY(encoder);
        QCOMPARE(indexFolder(root, *encoder, *cache, nullptr, IndexOptions{}).indexed, 3);
        // Like an unmounted drive: the folder is gone, but its photos may come back.
        QVERIFY(QFile::rename(root, root + QStringLiteral("-away")));
        const IndexReport report = indexFolder(root, *encoder, *cache, nullptr, IndexOptions{});
        QVERIFY(report.error.contains(root));
        QCOMPARE(report.removed, 0);
        QCOMPARE(cache->counts(root, encoder->sha256()).indexed, 3);
    }

    // Issue 11: a scanned photo replaced by a FIFO or by a link to /dev/zero before it is hashed, or before it is
    // decoded, fails with one line naming it; nothing blocks and nothing reads without end.
    void photosReplacedAfterTheScanAreNotRead()
    {
        QTemporaryDir dir;
        const QString root = QFileInfo(dir.path()).canonicalFilePath() + QStringLiteral("/photos");
        QVERIFY(makePhotos(root, 5));
        QString error;
        auto cache = LibraryDatabase::open(dir.filePath(QStringLiteral("cache.sqlite")), &error);
        QVERIFY2(cache, qPrintable(error));
        auto encoder = loadEncoder(QStringLiteral("tiny-openai/model.pt"));
        QVERIFY(encoder);
        const auto photo = [&root](int i) { return root + QStringLiteral("/photo_%1.png").arg(i); };
        const auto toFifo = [](const QString &path) {
            return QFile::remove(path) && ::mkfifo(QFile::encodeName(path).constData(), 0600) == 0;
        };
        const auto toDevZero = [](const QString &path) {
            return QFile::remove(path) && QFile::link(QStringLiteral("/dev/zero"), path);
        };
        bool replacedBeforeHashing = false;
        bool replacedBeforeDecoding = false;
        IndexHooks hooks;
        hooks.progress = [&](const IndexProgress &p) {
            if (p.phase == IndexProgress::Phase::Hashing && !replacedBeforeHashing) {
                replacedBeforeHashing = toFifo(photo(0)) && toDevZero(photo(1));
            } else if (p.phase == IndexProgress::Phase::Encoding && !replacedBeforeDecoding) {
                replacedBeforeDecoding = toFifo(photo(2)) && toDevZero(photo(3));
            }
        };
        IndexOptions options;
        options.decodeThreads = 2;
        const IndexReport report = indexFolder(root, *encoder, *cache, nullptr, options, hooks);
        QVERIFY(replacedBeforeHashing && replacedBeforeDecoding);
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.scanned, 5);
        QCOMPARE(report.indexed, 1);
        QMap<QString, QString> reasons;
        for (const IndexFailure &failure : report.failed) {
            reasons.insert(QFileInfo(failure.path).fileName(), failure.reason);
        }
        QCOMPARE(reasons.size(), 4);
        for (int i = 0; i < 4; ++i) {
            const QString reason = reasons.value(QStringLiteral("photo_%1.png").arg(i));
            const QString kind = i % 2 == 0 ? QStringLiteral("not a regular file (a FIFO)")
                                            : QStringLiteral("not a regular file (a character device)");
            QVERIFY2(reason.contains(QStringLiteral("photo_%1.png").arg(i)) && reason.endsWith(kind),
                     qPrintable(reason));
            QVERIFY(!reason.contains(QLatin1Char('\n')));
        }
    }

    // Issue 11: decodes in flight are bounded by their estimated bytes, not their count. Four 64-megapixel RGB bombs
    // (192 MB decoded each, about 200 KB on disk) on four decode threads with a 450 MB budget: at most two decode at
    // once, and the process's peak memory grows by no more than the budget. A 16-bit RGBA one needs more than the
    // whole budget and fails with a clear reason. Thumbnails are made too (from a shrunk copy).
    void decodesStayWithinTheMemoryBudget()
    {
        QTemporaryDir dir;
        const QString root = QFileInfo(dir.path()).canonicalFilePath() + QStringLiteral("/photos");
        QVERIFY(makePhotos(root, 2));
        const QByteArray rgbBomb = pngOfZeros(8000, 8000, 8, 2, 3);
        QVERIFY(rgbBomb.size() < 1000000);
        for (int i = 0; i < 4; ++i) {
            QVERIFY(writeBytes(root + QStringLiteral("/bomb_%1.png").arg(i), rgbBomb));
        }
        QVERIFY(writeBytes(root + QStringLiteral("/deep.png"), pngOfZeros(8000, 8000, 16, 6, 4)));
        QString error;
        auto cache = LibraryDatabase::open(dir.filePath(QStringLiteral("cache.sqlite")), &error);
        QVERIFY2(cache, qPrintable(error));
        auto encoder = loadEncoder(QStringLiteral("tiny-openai/model.pt"));
        QVERIFY(encoder);
        const ThumbnailCache thumbnails(dir.filePath(QStringLiteral("xdg-cache")),
                                        dir.filePath(QStringLiteral("fallback")));
        IndexOptions options;
        options.decodeThreads = 4;
        options.decodeMemory = 450 << 20;
        QVERIFY(resetPeakMemory());
        const qint64 before = currentMemoryBytes();
        const IndexReport report = indexFolder(root, *encoder, *cache, &thumbnails, options);
        const qint64 grown = peakMemoryBytes() - before;
        qInfo("peak memory grew by %lld MiB (budget %lld MiB)", grown >> 20, options.decodeMemory >> 20);
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.indexed, 6);
        QCOMPARE(int(report.failed.size()), 1);
        const QString reason = report.failed.front().reason;
        QVERIFY2(reason.startsWith(QStringLiteral("deep.png: needs about "))
                     && reason.contains(QStringLiteral("(8000 x 8000 pixels)"))
                     && reason.endsWith(QStringLiteral("more than the indexer's 450 MiB budget")),
                 qPrintable(reason));
        // The budget, and 64 MiB for the model's batch and the thumbnails' small images (without it: 4 x 384 MB).
        // Under ASan also shadow memory and the quarantine of freed blocks (256 MiB by default).
#if defined(CLIPFIND_TEST_ASAN)
        const qint64 allowed = options.decodeMemory * 5 / 4 + (64 << 20) + (256 << 20);
#else
        const qint64 allowed = options.decodeMemory + (64 << 20);
#endif
        QVERIFY2(grown <= allowed, qPrintable(QStringLiteral("%1 MiB").arg(grown >> 20)));
        QCOMPARE(QDir(dir.filePath(QStringLiteral("xdg-cache/thumbnails/large"))).entryList(QDir::Files).size(), 6);
    }

    void committedRowsFollowTheCache()
    {
        QTemporaryDir dir;
        const QString root = QFileInfo(dir.path()).canonicalFilePath() + QStringLiteral("/photos");
        QVERIFY(makePhotos(root, 5));
        QString error;
        auto cache = LibraryDatabase::open(dir.filePath(QStringLiteral("cache.sqlite")), &error);
        QVERIFY2(cache, qPrintable(error));
        auto encoder = loadEncoder(QStringLiteral("tiny-openai/model.pt"));
        QVERIFY(encoder);
        // A search index that follows only the hooks must end up equal to what a reload from the cache gives.
        QMap<QString, std::vector<float>> mirror;
        IndexHooks hooks;
        hooks.committed = [&](const IndexedRows &rows) {
            for (const QString &path : rows.removed) {
                mirror.remove(path);
            }
            for (int i = 0; i < rows.paths.size(); ++i) {
                const float *row = rows.embeddings.data() + size_t(i) * size_t(rows.dim);
                mirror.insert(rows.paths[i], std::vector<float>(row, row + rows.dim));
            }
        };
        IndexOptions options;
        options.batchSize = 2;
        QCOMPARE(indexFolder(root, *encoder, *cache, nullptr, options, hooks).indexed, 5);
        // A rename (reused embedding), a delete, and a photo that turns corrupt.
        QVERIFY(QFile::rename(root + QStringLiteral("/photo_0.png"), root + QStringLiteral("/renamed.png")));
        QVERIFY(QFile::remove(root + QStringLiteral("/photo_1.png")));
        QVERIFY(writeBytes(root + QStringLiteral("/photo_2.png"), "no longer a picture"));
        const IndexReport report = indexFolder(root, *encoder, *cache, nullptr, options, hooks);
        QCOMPARE(report.reused, 1);
        QCOMPARE(int(report.failed.size()), 1);

        QStringList paths;
        std::vector<float> matrix;
        int dim = 0;
        QVERIFY(cache->loadEmbeddings(root, encoder->sha256(), &paths, &matrix, &dim, &error));
        QCOMPARE(paths.size(), 3);
        QCOMPARE(QStringList(mirror.keys()), paths);
        for (int i = 0; i < paths.size(); ++i) {
            const std::vector<float> stored(matrix.begin() + i * dim, matrix.begin() + (i + 1) * dim);
            QVERIFY2(mirror.value(paths[i]) == stored, qPrintable(paths[i]));
        }
    }
};

QTEST_GUILESS_MAIN(IndexerTest)
#include "indexertest.moc"
