// SPDX-License-Identifier: MIT
// The app's indexing controller: a full run on open, then incremental runs for what changes on disk (added,
// rewritten in place, deleted), pause and resume, and committed rows reported for a live search index.
#include "fixturedata.h"

#include "core/encode/clipencoder.h"
#include "core/index/libraryindexer.h"
#include "core/store/librarydatabase.h"

#include <QDir>
#include <QImage>
#include <QMutex>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

namespace {

constexpr int kTimeoutMs = 60000;

bool savePhoto(const QString &path, int hue)
{
    QImage image(64, 48, QImage::Format_RGB888);
    image.fill(QColor::fromHsv(hue % 360, 200, 160));
    return image.save(path);
}

} // namespace

class LibraryIndexerTest : public QObject
{
    Q_OBJECT

private:
    std::shared_ptr<ClipEncoder> m_encoder;

private Q_SLOTS:
    void initTestCase()
    {
        ClipEncoder::Settings settings;
        settings.load.device = clip::DeviceChoice::Cpu;
        QString error;
        m_encoder = ClipEncoder::load(dataPath(QStringLiteral("tiny-openai/model.pt")), settings, &error);
        QVERIFY2(m_encoder, qPrintable(error));
    }

    void followsTheFolder()
    {
        QTemporaryDir dir;
        const QString root = QFileInfo(dir.path()).canonicalFilePath() + QStringLiteral("/photos");
        QVERIFY(QDir().mkpath(root + QStringLiteral("/sub")));
        for (int i = 0; i < 4; ++i) {
            QVERIFY(savePhoto(root + QStringLiteral("/sub/p%1.png").arg(i), i * 40));
        }
        const QString databasePath = dir.filePath(QStringLiteral("cache.sqlite"));
        LibraryIndexer indexer(databasePath, nullptr);
        indexer.setWatchDelays(100, 400);
        QMutex mutex;
        QStringList committed;
        QStringList removed;
        indexer.setCommittedHook([&](const IndexedRows &rows) {
            QMutexLocker lock(&mutex);
            committed += rows.paths;
            removed += rows.removed;
        });
        QSignalSpy finished(&indexer, &LibraryIndexer::runFinished);
        QSignalSpy progress(&indexer, &LibraryIndexer::progressChanged);
        QSignalSpy rows(&indexer, &LibraryIndexer::rowsChanged);
        QString error;
        QVERIFY2(indexer.open(root, m_encoder, IndexOptions{}, &error), qPrintable(error));
        QCOMPARE(indexer.state(), LibraryIndexer::State::Running);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        auto report = finished.takeFirst().at(0).value<IndexReport>();
        QCOMPARE(report.indexed, 4);
        QCOMPARE(indexer.state(), LibraryIndexer::State::Idle);
        QVERIFY(!rows.isEmpty());
        QVERIFY(!progress.isEmpty());
        const auto last = progress.last().at(0).value<IndexProgress>();
        QCOMPARE(last.phase, IndexProgress::Phase::Encoding);
        QCOMPARE(last.done, 4);
        QCOMPARE(last.total, 4);
        {
            QMutexLocker lock(&mutex);
            committed.sort();
            QCOMPARE(committed.size(), 4);
            QVERIFY(committed.first().endsWith(QStringLiteral("/sub/p0.png")));
            committed.clear();
        }

        // Added in a subfolder, rewritten in place, deleted: picked up by incremental runs, no rescan asked for.
        QVERIFY(savePhoto(root + QStringLiteral("/sub/new.png"), 200));
        QVERIFY(savePhoto(root + QStringLiteral("/sub/p1.png"), 300)); // QImage::save truncates and rewrites
        QVERIFY(QFile::remove(root + QStringLiteral("/sub/p2.png")));
        const auto cacheCounts = [&] {
            QString openError;
            auto cache = LibraryDatabase::open(databasePath, &openError);
            return cache ? cache->counts(root, m_encoder->sha256()).indexed : -1;
        };
        QTRY_VERIFY_WITH_TIMEOUT(
            !finished.isEmpty() && indexer.state() == LibraryIndexer::State::Idle && cacheCounts() == 4 &&
                [&] {
                    QMutexLocker lock(&mutex);
                    return committed.contains(root + QStringLiteral("/sub/p1.png"));
                }(),
            kTimeoutMs);
        for (const QList<QVariant> &args : finished) {
            QVERIFY(args.at(1).toBool()); // incremental
        }
        {
            QMutexLocker lock(&mutex);
            QVERIFY(committed.contains(root + QStringLiteral("/sub/new.png")));
            QVERIFY(removed.contains(root + QStringLiteral("/sub/p2.png")));
        }
    }

    void pauseHoldsQueuedWork()
    {
        QTemporaryDir dir;
        const QString root = QFileInfo(dir.path()).canonicalFilePath();
        QVERIFY(savePhoto(root + QStringLiteral("/a.png"), 10));
        LibraryIndexer indexer(dir.filePath(QStringLiteral(".cache.sqlite")), nullptr);
        indexer.setWatchDelays(100, 400);
        QSignalSpy finished(&indexer, &LibraryIndexer::runFinished);
        QSignalSpy states(&indexer, &LibraryIndexer::stateChanged);
        QString error;
        QVERIFY(indexer.open(root, m_encoder, IndexOptions{}, &error));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        indexer.pause();
        QCOMPARE(indexer.state(), LibraryIndexer::State::Paused);
        QVERIFY(savePhoto(root + QStringLiteral("/b.png"), 90));
        // The change is seen but not indexed while paused (the watcher's 400 ms bound has long passed).
        QTest::qWait(1500);
        QCOMPARE(finished.count(), 1);
        indexer.resume();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTimeoutMs);
        QCOMPARE(finished.at(1).at(0).value<IndexReport>().indexed, 1);
        QVERIFY(finished.at(1).at(1).toBool());
        // The cache file lives in the watched folder here (hidden): writing it must not set off more runs.
        QTest::qWait(1500);
        QCOMPARE(finished.count(), 2);
    }

    void missingFolderIsRefused()
    {
        LibraryIndexer indexer(QStringLiteral("/nonexistent/cache.sqlite"), nullptr);
        QString error;
        QVERIFY(!indexer.open(QStringLiteral("/nonexistent/photos"), m_encoder, IndexOptions{}, &error));
        QVERIFY(error.contains(QStringLiteral("/nonexistent/photos")));
    }

    void brokenCacheIsReported()
    {
        QTemporaryDir dir;
        QVERIFY(savePhoto(dir.filePath(QStringLiteral("a.png")), 10));
        const QString databasePath = dir.filePath(QStringLiteral("not-a-database.sqlite"));
        QFile file(databasePath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, 'x'));
        file.close();
        LibraryIndexer indexer(databasePath, nullptr);
        QSignalSpy finished(&indexer, &LibraryIndexer::runFinished);
        QString error;
        QVERIFY(indexer.open(dir.path(), m_encoder, IndexOptions{}, &error));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        const auto report = finished.first().at(0).value<IndexReport>();
        QVERIFY2(report.error.contains(databasePath), qPrintable(report.error));
    }
};

QTEST_GUILESS_MAIN(LibraryIndexerTest)
#include "libraryindexertest.moc"
