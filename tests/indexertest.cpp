// SPDX-License-Identifier: MIT
// The indexer end to end on the fixture photos with the tiny reference model: features equal the reference, and
// reruns are incremental (unchanged, modified, renamed, deleted), bad files are recorded, models never mix.
#include "fixturedata.h"
#include "testfiles.h"

#include "core/clipencoder.h"
#include "core/embeddingcache.h"
#include "core/indexer.h"
#include "core/thumbnailstore.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

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
            QVERIFY(QFile::copy(dataPath(QStringLiteral("images/")) + QLatin1String(name), photos + QLatin1String("/sub/") + QLatin1String(name)));
        }
        QVERIFY(writeBytes(photos + QStringLiteral("/empty.jpg"), {}));
        QVERIFY(writeBytes(photos + QStringLiteral("/notes.jpg"), "these are not pixels"));
        const QString canonical = QFileInfo(photos).canonicalFilePath();

        QString error;
        auto cache = EmbeddingCache::open(dir.filePath(QStringLiteral("data/cache.sqlite")), &error);
        QVERIFY2(cache, qPrintable(error));
        auto encoder = loadEncoder(QStringLiteral("tiny-openai/model.pt"));
        QVERIFY(encoder);
        const ThumbnailStore thumbnails(dir.filePath(QStringLiteral("cache")), dir.filePath(QStringLiteral("own")));
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
            const double relative = relativeRowError(matrix.data() + size_t(i) * size_t(dim), expected.imageFeatures[size_t(row)]);
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
        QVERIFY(QFile::rename(photos + QStringLiteral("/sub/tiff_700x500.tiff"), photos + QStringLiteral("/moved.tiff")));
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
        auto cache = EmbeddingCache::open(dir.filePath(QStringLiteral("cache.sqlite")), &error);
        QVERIFY2(cache, qPrintable(error));
        auto encoder = loadEncoder(QStringLiteral("tiny-openai/model.pt"));
        QVERIFY(encoder);
        IndexOptions options;
        options.batchSize = 1;
        options.decodeThreads = 1;
        std::atomic_bool cancel{false};
        const IndexReport first = indexFolder(photos, *encoder, *cache, nullptr, options, &cancel,
                                              [&](const IndexProgress &p) { cancel = p.done >= 2; });
        QVERIFY(first.cancelled);
        QVERIFY2(first.indexed >= 2 && first.indexed < kCount, qPrintable(QString::number(first.indexed)));
        // The next run finishes the rest, and only the rest.
        const IndexReport second = indexFolder(photos, *encoder, *cache, nullptr, options);
        QCOMPARE(second.indexed + second.unchanged, qint64(kCount));
        QCOMPARE(second.unchanged, first.indexed);
        QCOMPARE(cache->counts(QFileInfo(photos).canonicalFilePath(), encoder->sha256()).indexed, qint64(kCount));
    }
};

QTEST_GUILESS_MAIN(IndexerTest)
#include "indexertest.moc"
