// SPDX-License-Identifier: MIT
// PhotoLibrary without any widget, as a window uses it: the trained shapes model, a folder of its rendered photos
// plus an EXIF-rotated photo and a file that is no image. Indexing, searching, the unreadable photos with their
// reasons, a preview decoded upright like its thumbnail; browsing and watching without a model, indexing once the
// encoder is ready, and a scope that limits browsing and searching. Finding duplicates on a worker: the planted
// copies (a re-save, a half-size copy) grouped with their originals, the progress range, QFuture::cancel(), a newer
// search replacing an older one, and why it cannot run without a model.
#include "fixturedata.h"
#include "photowriters.h"
#include "sanitizerbuild.h"
#include "testfiles.h"

#include "core/browse/folderbrowser.h"
#include "core/index/libraryindexer.h"
#include "core/photolibrary.h"
#include "core/search/livesearch.h"
#include "core/thumbnails/thumbnailcache.h"
#include "core/thumbnails/thumbnailloader.h"

#include <QDir>
#include <QImageReader>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace clipfind;
using namespace clipfind::test;

namespace {

constexpr int kTimeoutMs = 60000 * test::kSanitizerSlowdown; // indexing ~100 photos; TSan is far slower

// Mean absolute difference per channel (0..255) of two images of the same size.
double meanDifference(const QImage &a, const QImage &b)
{
    const QImage x = a.convertToFormat(QImage::Format_RGB888);
    const QImage y = b.convertToFormat(QImage::Format_RGB888);
    if (x.size() != y.size() || x.isNull()) {
        return 255;
    }
    double sum = 0;
    for (int row = 0; row < x.height(); ++row) {
        const uchar *p = x.constScanLine(row);
        const uchar *q = y.constScanLine(row);
        for (int i = 0; i < 3 * x.width(); ++i) {
            sum += std::abs(int(p[i]) - int(q[i]));
        }
    }
    return sum / (3.0 * x.width() * x.height());
}

QImage scaledTo(const QImage &image, const QSize &size)
{
    return image.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
}

} // namespace

class PhotoLibraryTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_photos;
    QString m_rotated;    // portrait_exif6_1600x1200.jpg: 1200 x 1600 upright
    QString m_unreadable; // bytes that are no image
    QHash<QString, QString> m_labelOf;
    std::unique_ptr<ThumbnailCache> m_thumbnails;
    std::unique_ptr<PhotoLibrary> m_library;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_photos = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/photos");
        QVERIFY(QDir().mkpath(m_photos));
        const QString shapes = dataPath(QStringLiteral("shapes-clip/images/"));
        for (const QString &name : QDir(shapes).entryList(QDir::Files)) {
            QVERIFY(QFile::copy(shapes + name, m_photos + QLatin1Char('/') + name));
        }
        m_labelOf = readShapeLabels();
        QCOMPARE(m_labelOf.size(), 96);
        m_rotated = m_photos + QStringLiteral("/portrait_exif6_1600x1200.jpg");
        QVERIFY(QFile::copy(dataPath(QStringLiteral("images/portrait_exif6_1600x1200.jpg")), m_rotated));
        m_unreadable = m_photos + QStringLiteral("/scan.jpg");
        QVERIFY(writeBytes(m_unreadable, QByteArray("%PDF-1.4 not a photo")));
        // Two copies for findDuplicates(): a quality-80 re-save and a half-size copy of two fixture photos.
        const QImage eight(shapes + QStringLiteral("img_0008.jpg"));
        QVERIFY(writeBytes(m_photos + QStringLiteral("/img_0008 q80.jpg"), encodeJpeg(eight, 80)));
        const QImage ten(shapes + QStringLiteral("img_0010.jpg"));
        QVERIFY(
            writeBytes(m_photos + QStringLiteral("/img_0010 half.jpg"),
                       encodeJpeg(ten.scaled(ten.size() / 2, Qt::IgnoreAspectRatio, Qt::SmoothTransformation), 90)));
        m_thumbnails = std::make_unique<ThumbnailCache>(m_dir.filePath(QStringLiteral("cache")),
                                                        m_dir.filePath(QStringLiteral("own")));
    }

    void cleanupTestCase() { m_library.reset(); }

    void opensIndexesAndSearches()
    {
        m_library =
            std::make_unique<PhotoLibrary>(m_dir.filePath(QStringLiteral("data/cache.sqlite")), m_thumbnails.get());
        QSignalSpy ready(m_library.get(), &PhotoLibrary::modelReady);
        QSignalSpy searchReady(m_library.get(), &PhotoLibrary::searchReady);
        QSignalSpy finished(m_library->indexer(), &LibraryIndexer::runFinished);
        QSignalSpy unreadable(m_library.get(), &PhotoLibrary::unreadableCountChanged);
        ClipEncoder::Settings settings;
        settings.load.device = clip::DeviceChoice::Cpu;
        m_library->loadModel(dataPath(QStringLiteral("shapes-clip/model.pt")), settings);
        QString error;
        QVERIFY2(m_library->openFolder(m_photos, IndexOptions{}, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 2 * kTimeoutMs);
        const IndexReport report = finished.first().at(0).value<IndexReport>();
        QCOMPARE(report.indexed, 99); // the shapes, the rotated photo and the two copies
        QCOMPARE(report.failed.size(), size_t(1));
        QTRY_VERIFY_WITH_TIMEOUT(!searchReady.isEmpty(), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_library->searchableRows(), qint64(99), kTimeoutMs);
        // The count follows the run.
        QTRY_VERIFY_WITH_TIMEOUT(!unreadable.isEmpty() && unreadable.last().at(0).toLongLong() == 1, kTimeoutMs);

        QSignalSpy results(m_library->search(), &LiveSearch::resultsReady);
        m_library->search()->searchNow(QStringLiteral("a red circle"));
        QTRY_VERIFY_WITH_TIMEOUT(!results.isEmpty() && !results.last().at(0).value<SearchResults>().hits.empty(),
                                 kTimeoutMs);
        const SearchResults found = results.last().at(0).value<SearchResults>();
        QCOMPARE(found.query, QStringLiteral("a red circle"));
        QCOMPARE(m_labelOf.value(QFileInfo(found.hits.front().path).fileName()), QStringLiteral("red circle"));
    }

    void listsTheUnreadablePhotosWithTheirReasons()
    {
        QVERIFY(m_library);
        const UnreadablePhotos list = m_library->unreadablePhotos().result();
        QVERIFY2(list.error.isEmpty(), qPrintable(list.error));
        QCOMPARE(list.photos.size(), size_t(1));
        QCOMPARE(list.photos.front().path, m_unreadable);
        const QString reason = list.photos.front().reason;
        QVERIFY2(reason.startsWith(QStringLiteral("scan.jpg:")), qPrintable(reason));
        // The same from the value-in, value-out functions, for this folder and for one without failures.
        QCOMPARE(listUnreadablePhotos(m_library->databasePath(), m_photos).photos.size(), size_t(1));
        QString error;
        QCOMPARE(countUnreadablePhotos(m_library->databasePath(), m_photos, &error), qint64(1));
        const QString elsewhere = m_dir.filePath(QStringLiteral("elsewhere"));
        QCOMPARE(countUnreadablePhotos(m_library->databasePath(), elsewhere, &error), qint64(0));
        QVERIFY(listUnreadablePhotos(m_library->databasePath(), elsewhere).photos.empty());
    }

    void aPreviewIsUprightLikeItsThumbnail()
    {
        QVERIFY(m_library);
        // Qt's own decoder with its EXIF handling: an opinion on "upright" independent of the indexer's decoder.
        QImageReader reader(m_rotated);
        reader.setAutoTransform(true);
        const QImage upright = reader.read();
        QCOMPARE(upright.size(), QSize(1200, 1600));
        QImageReader rawReader(m_rotated);
        rawReader.setAutoTransform(false);
        const QImage sideways = rawReader.read();

        // Full resolution (the clipboard).
        const DecodedImage full = m_library->decodePhoto(m_rotated).result();
        QVERIFY2(full.ok(), qPrintable(full.error));
        QCOMPARE(full.image.size(), QSize(1200, 1600));
        QVERIFY(meanDifference(full.image, upright) < 3);
        // Fitted into a bound (a preview on a screen): never larger, the same picture.
        const DecodedImage preview = m_library->decodePhoto(m_rotated, QSize(600, 600)).result();
        QVERIFY2(preview.ok(), qPrintable(preview.error));
        QCOMPARE(preview.image.size(), QSize(450, 600));
        const double previewDifference = meanDifference(preview.image, scaledTo(upright, preview.image.size()));
        QVERIFY2(previewDifference < 4, qPrintable(QString::number(previewDifference)));
        // The comparison can tell: the photo as stored, stretched to the same size, is far off.
        QVERIFY(meanDifference(preview.image, scaledTo(sideways, preview.image.size())) > 4 * previewDifference);

        // The thumbnail the grid shows has the preview's orientation.
        ThumbnailLoader *thumbnails = m_library->thumbnails();
        QSignalSpy thumbnailReady(thumbnails, &ThumbnailLoader::thumbnailReady);
        std::optional<Thumbnail> thumbnail = thumbnails->thumbnail(m_rotated);
        if (!thumbnail) {
            QTRY_VERIFY_WITH_TIMEOUT(!thumbnailReady.isEmpty(), kTimeoutMs);
            thumbnail = thumbnails->thumbnail(m_rotated);
        }
        QVERIFY(thumbnail && thumbnail->ok());
        QCOMPARE(thumbnail->image.size(), QSize(192, 256));
        const double thumbnailDifference = meanDifference(thumbnail->image, scaledTo(preview.image, QSize(192, 256)));
        QVERIFY2(thumbnailDifference < 4, qPrintable(QString::number(thumbnailDifference)));

        // A photo that does not decode: its reason, not an image.
        const DecodedImage broken = m_library->decodePhoto(m_unreadable, QSize(600, 600)).result();
        QVERIFY(!broken.ok());
        QVERIFY(broken.image.isNull());
        QVERIFY(broken.error.startsWith(QStringLiteral("scan.jpg:")));
    }

    void findsDuplicatesOnAWorker()
    {
        QVERIFY(m_library);
        QVERIFY(m_library->duplicatesUnavailableReason().isEmpty());
        QFuture<DuplicateReport> future = m_library->findDuplicates();
        QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), kTimeoutMs);
        QCOMPARE(future.resultCount(), 1);
        const DuplicateReport report = future.result();
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.stats.photos, qint64(99));
        QList<QStringList> groups;
        for (const DuplicateGroup &group : report.groups) {
            QStringList paths;
            for (const DuplicatePhoto &photo : group.photos) {
                paths << photo.path;
            }
            groups << paths;
        }
        std::sort(groups.begin(), groups.end());
        const QList<QStringList> expected{
            {m_photos + QStringLiteral("/img_0008.jpg"), m_photos + QStringLiteral("/img_0008 q80.jpg")},
            {m_photos + QStringLiteral("/img_0010.jpg"), m_photos + QStringLiteral("/img_0010 half.jpg")},
        };
        QCOMPARE(groups, expected);
        // The fingerprint stage counted its photos to the end: at least the four in the groups.
        QVERIFY2(future.progressMaximum() >= 4, qPrintable(QString::number(future.progressMaximum())));
        QCOMPARE(future.progressValue(), future.progressMaximum());

        // One search at a time on one thread: a search queued behind another and cancelled before it starts
        // finishes without a result; the older one is replaced by the newer (cancelled or done, never both).
        QFuture<DuplicateReport> older = m_library->findDuplicates();
        QFuture<DuplicateReport> cancelled = m_library->findDuplicates();
        cancelled.cancel();
        QFuture<DuplicateReport> newest = m_library->findDuplicates();
        QTRY_VERIFY_WITH_TIMEOUT(older.isFinished() && cancelled.isFinished() && newest.isFinished(), kTimeoutMs);
        QVERIFY(cancelled.isCanceled());
        QCOMPARE(cancelled.resultCount(), 0);
        QVERIFY(older.resultCount() == 0 || older.result().groups.size() == 2);
        QCOMPARE(newest.resultCount(), 1);
        QCOMPARE(newest.result().groups.size(), size_t(2));
    }

    void aLaunchLoadsTheModelAfterTheFirstPhotosOrAQuery()
    {
        const QString folder = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/launched");
        QVERIFY(QDir().mkpath(folder));
        const QString shapes = dataPath(QStringLiteral("shapes-clip/images/"));
        QVERIFY(QFile::copy(shapes + QStringLiteral("img_0001.jpg"), folder + QStringLiteral("/a.jpg")));
        ClipEncoder::Settings settings;
        settings.load.device = clip::DeviceChoice::Cpu;
        const QString model = dataPath(QStringLiteral("shapes-clip/model.pt"));

        // No thumbnail asked for: the model waits (shown as loading) until a query is typed.
        {
            PhotoLibrary library(m_dir.filePath(QStringLiteral("launched-data/cache.sqlite")), m_thumbnails.get());
            QSignalSpy loading(&library, &PhotoLibrary::modelLoading);
            QSignalSpy encoderReady(&library, &PhotoLibrary::encoderReady);
            QString error;
            QVERIFY2(library.openFolder(folder, IndexOptions{}, &error), qPrintable(error));
            library.loadModelAfterFirstPhotos(model, settings);
            QCOMPARE(loading.count(), 1);
            QVERIFY(library.isLoadingModel());
            QTest::qWait(300);
            QVERIFY(encoderReady.isEmpty());
            library.startDeferredModel(); // the first key of a query
            QTRY_COMPARE_WITH_TIMEOUT(encoderReady.count(), 1, kTimeoutMs);
            QVERIFY(library.hasModel());
        }
        // The first thumbnail starts it.
        {
            PhotoLibrary library(m_dir.filePath(QStringLiteral("launched-data2/cache.sqlite")), m_thumbnails.get());
            QSignalSpy encoderReady(&library, &PhotoLibrary::encoderReady);
            QString error;
            QVERIFY2(library.openFolder(folder, IndexOptions{}, &error), qPrintable(error));
            library.loadModelAfterFirstPhotos(model, settings);
            QTest::qWait(300);
            QVERIFY(encoderReady.isEmpty());
            QVERIFY(!library.thumbnails()->thumbnail(folder + QStringLiteral("/a.jpg"))); // queued: a grid asks
            QTRY_COMPARE_WITH_TIMEOUT(encoderReady.count(), 1, kTimeoutMs);
        }
        // Nothing at all: it starts after a second.
        {
            PhotoLibrary library(m_dir.filePath(QStringLiteral("launched-data3/cache.sqlite")), m_thumbnails.get());
            QSignalSpy encoderReady(&library, &PhotoLibrary::encoderReady);
            QString error;
            QVERIFY2(library.openFolder(folder, IndexOptions{}, &error), qPrintable(error));
            QElapsedTimer waited;
            waited.start();
            library.loadModelAfterFirstPhotos(model, settings);
            QTRY_COMPARE_WITH_TIMEOUT(encoderReady.count(), 1, kTimeoutMs);
            QVERIFY(waited.elapsed() >= 900);
        }
    }

    void browsesWithoutAModelAndIndexesOnceOneIsReady()
    {
        // Ten shape photos, two more in sub/.
        const QString folder = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/browsed");
        const QString sub = folder + QStringLiteral("/sub");
        QVERIFY(QDir().mkpath(sub));
        const QString shapes = dataPath(QStringLiteral("shapes-clip/images/"));
        const QStringList names = QDir(shapes).entryList(QDir::Files, QDir::Name);
        for (int i = 0; i < 13; ++i) {
            const QString target = (i < 10 ? folder : sub) + QLatin1Char('/') + names[i];
            if (i < 12) {
                QVERIFY(QFile::copy(shapes + names[i], target));
            }
        }
        PhotoLibrary library(m_dir.filePath(QStringLiteral("browsed-data/cache.sqlite")), m_thumbnails.get());
        library.indexer()->setWatchDelays(50, 200);
        QSignalSpy listings(library.browser(), &FolderBrowser::listingChanged);
        QSignalSpy encoderReady(&library, &PhotoLibrary::encoderReady);
        QSignalSpy finished(library.indexer(), &LibraryIndexer::runFinished);
        QString error;
        QVERIFY2(library.openFolder(folder, IndexOptions{}, &error), qPrintable(error));
        auto photos = [&library] {
            const auto listing = library.browser()->listing();
            return listing ? int(listing->photos.size()) : -1;
        };
        // The photos are listed without a model; nothing is indexed, there is nothing to search.
        QTRY_COMPARE_WITH_TIMEOUT(photos(), 12, kTimeoutMs);
        QVERIFY(!library.hasModel());
        QCOMPARE(library.searchableRows(), qint64(-1));
        // Duplicates need the model: a finished future that says why, nothing run.
        QVERIFY(library.duplicatesUnavailableReason().contains(QStringLiteral("needs a CLIP model")));
        const QFuture<DuplicateReport> noModel = library.findDuplicates();
        QVERIFY(noModel.isFinished());
        QCOMPARE(noModel.result().error, library.duplicatesUnavailableReason());
        QCOMPARE(library.indexer()->state(), LibraryIndexer::State::Idle);
        // The folder is watched all the same: a photo added shows up.
        QVERIFY(QFile::copy(shapes + names[12], folder + QLatin1Char('/') + names[12]));
        QTRY_COMPARE_WITH_TIMEOUT(photos(), 13, kTimeoutMs);
        QVERIFY(finished.isEmpty());
        // A scope limits the listing.
        library.setScope(sub);
        QTRY_COMPARE_WITH_TIMEOUT(photos(), 2, kTimeoutMs);
        QCOMPARE(library.browser()->listing()->scope, sub);
        library.setScope(QString());
        QTRY_COMPARE_WITH_TIMEOUT(photos(), 13, kTimeoutMs);

        // The encoder arrives: indexing starts, and the search sees the photos.
        ClipEncoder::Settings settings;
        settings.load.device = clip::DeviceChoice::Cpu;
        std::shared_ptr<ClipEncoder> encoder =
            ClipEncoder::load(dataPath(QStringLiteral("shapes-clip/model.pt")), settings, &error);
        QVERIFY2(encoder, qPrintable(error));
        library.setEncoder(encoder);
        QCOMPARE(encoderReady.count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 2 * kTimeoutMs);
        QCOMPARE(finished.first().at(0).value<IndexReport>().indexed, 13);
        QTRY_COMPARE_WITH_TIMEOUT(library.searchableRows(), qint64(13), kTimeoutMs);
        // Searching follows the scope too: the engine holds the subtree's rows only.
        library.setScope(sub);
        QTRY_COMPARE_WITH_TIMEOUT(library.searchableRows(), qint64(2), kTimeoutMs);
        QSignalSpy results(library.search(), &LiveSearch::resultsReady);
        library.search()->searchNow(QStringLiteral("a red circle"));
        QTRY_VERIFY_WITH_TIMEOUT(!results.isEmpty() && !results.last().at(0).value<SearchResults>().hits.empty(),
                                 kTimeoutMs);
        const SearchResults found = results.last().at(0).value<SearchResults>();
        QCOMPARE(found.hits.size(), size_t(2));
        for (const SearchHit &hit : found.hits) {
            QVERIFY(hit.path.startsWith(sub + QLatin1Char('/')));
        }
    }
};

QTEST_GUILESS_MAIN(PhotoLibraryTest)
#include "photolibrarytest.moc"
