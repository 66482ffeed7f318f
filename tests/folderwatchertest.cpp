// SPDX-License-Identifier: MIT
#include "core/scan/folderwatcher.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;

namespace {

constexpr int kTimeoutMs = 5000;

void makeFile(const QString &path)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
    file.write("x");
}

// The union of all folders reported so far.
QStringList reported(const QSignalSpy &spy)
{
    QStringList folders;
    for (const QList<QVariant> &args : spy) {
        folders += args.at(0).toStringList();
    }
    folders.sort();
    folders.removeDuplicates();
    return folders;
}

} // namespace

class FolderWatcherTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir *m_dir = nullptr;
    QString m_root; // canonical
    FolderWatcher *m_watcher = nullptr;

private Q_SLOTS:
    void init()
    {
        m_dir = new QTemporaryDir;
        m_root = QFileInfo(m_dir->path()).canonicalFilePath();
        QVERIFY(QDir().mkpath(m_root + "/sub"));
        QVERIFY(QDir().mkpath(m_root + "/.hidden/inner"));
        QVERIFY(QDir().mkpath(m_root + "/excluded"));
        m_watcher = new FolderWatcher;
        m_watcher->setDelays(200, 800);
        ScanOptions options;
        options.excludePatterns = {QStringLiteral("excluded")};
        QString error;
        QVERIFY2(m_watcher->watch(m_dir->path(), options, &error), qPrintable(error));
    }

    void cleanup()
    {
        delete m_watcher;
        delete m_dir;
    }

    void watchesDirectoriesOnly() { QCOMPARE(m_watcher->watchedFolders(), QStringList({m_root, m_root + "/sub"})); }

    void missingRootFails()
    {
        FolderWatcher watcher;
        QString error;
        QVERIFY(!watcher.watch(m_root + "/nope", {}, &error));
        QVERIFY(error.contains(QStringLiteral("not a folder")));
    }

    void addedFileReportedOnce()
    {
        QSignalSpy spy(m_watcher, &FolderWatcher::foldersChanged);
        makeFile(m_root + "/sub/new.jpg");
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kTimeoutMs);
        QCOMPARE(spy.at(0).at(0).toStringList(), QStringList{m_root + "/sub"});
        QTest::qWait(400);
        QCOMPARE(spy.count(), 1);
    }

    void inPlaceRewriteIsSeen()
    {
        makeFile(m_root + "/sub/edited.jpg");
        QSignalSpy spy(m_watcher, &FolderWatcher::foldersChanged);
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kTimeoutMs);
        spy.clear();
        // Rewritten in place (open with truncation, write, close), as an image editor saving over it does: no
        // create, delete or rename in the folder, only the file's close-after-write.
        QFile file(m_root + "/sub/edited.jpg");
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QVERIFY(file.write("new pixels") > 0);
        file.close();
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kTimeoutMs);
        QCOMPARE(spy.at(0).at(0).toStringList(), QStringList{m_root + "/sub"});
    }

    void hiddenAndNonPhotoFilesAreIgnored()
    {
        QSignalSpy spy(m_watcher, &FolderWatcher::foldersChanged);
        makeFile(m_root + "/.cache.sqlite-wal");
        makeFile(m_root + "/sub/notes.txt");
        makeFile(m_root + "/sub/photo.jpg.part");
        QTest::qWait(1200); // well past the 800 ms bound: a batch would have been emitted
        QCOMPARE(spy.count(), 0);
        // A partial download renamed to its photo name is a new photo.
        QVERIFY(QFile::rename(m_root + "/sub/photo.jpg.part", m_root + "/sub/photo.jpg"));
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kTimeoutMs);
        QCOMPARE(spy.at(0).at(0).toStringList(), QStringList{m_root + "/sub"});
    }

    void burstIsCoalesced()
    {
        // A 1 s quiet period and a 10 s bound: however slowly this busy machine creates the 50 files, they
        // form one burst, so the assertion does not depend on timing.
        m_watcher->setDelays(1000, 10000);
        QSignalSpy spy(m_watcher, &FolderWatcher::foldersChanged);
        for (int i = 0; i < 50; ++i) {
            makeFile(m_root + QStringLiteral("/IMG_%1.jpg").arg(i));
            QTest::qWait(5); // events are delivered in between, as during a camera import
        }
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kTimeoutMs + 10000);
        QTest::qWait(1500);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toStringList(), QStringList{m_root});
    }

    void maxDelayBoundsALongBurst()
    {
        QSignalSpy spy(m_watcher, &FolderWatcher::foldersChanged);
        // A change every 100 ms never leaves 200 ms of quiet, so only the 800 ms bound can flush, long
        // before the 3 s of changes end.
        int written = 0;
        for (; written < 30 && spy.isEmpty(); ++written) {
            makeFile(m_root + QStringLiteral("/slow_%1.jpg").arg(written));
            QTest::qWait(100);
        }
        QCOMPARE(spy.count(), 1);
        QVERIFY2(written < 20, qPrintable(QString::number(written)));
    }

    void newSubfolderGetsWatched()
    {
        QSignalSpy spy(m_watcher, &FolderWatcher::foldersChanged);
        QVERIFY(QDir().mkpath(m_root + "/fresh/deeper"));
        makeFile(m_root + "/fresh/deeper/a.jpg");
        QTRY_VERIFY_WITH_TIMEOUT(reported(spy).contains(m_root + "/fresh/deeper"), kTimeoutMs);
        QVERIFY(m_watcher->watchedFolders().contains(m_root + "/fresh/deeper"));

        // Now watched: a later file there is reported for that folder.
        spy.clear();
        makeFile(m_root + "/fresh/deeper/b.jpg");
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kTimeoutMs);
        QCOMPARE(spy.at(0).at(0).toStringList(), QStringList{m_root + "/fresh/deeper"});
    }

    void deleteAndRenameAreSeen()
    {
        makeFile(m_root + "/sub/a.jpg");
        QSignalSpy spy(m_watcher, &FolderWatcher::foldersChanged);
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kTimeoutMs);

        spy.clear();
        QVERIFY(QFile::rename(m_root + "/sub/a.jpg", m_root + "/sub/b.jpg"));
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kTimeoutMs);
        QCOMPARE(spy.at(0).at(0).toStringList(), QStringList{m_root + "/sub"});

        spy.clear();
        QVERIFY(QFile::rename(m_root + "/sub/b.jpg", m_root + "/moved.jpg")); // across folders
        QTRY_COMPARE_WITH_TIMEOUT(reported(spy), QStringList({m_root, m_root + "/sub"}), kTimeoutMs);

        spy.clear();
        QVERIFY(QFile::remove(m_root + "/moved.jpg"));
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kTimeoutMs);
        QCOMPARE(spy.at(0).at(0).toStringList(), QStringList{m_root});
    }

    void removedAndRenamedFolders()
    {
        QSignalSpy spy(m_watcher, &FolderWatcher::foldersChanged);
        QVERIFY(QDir(m_root).rename(QStringLiteral("sub"), QStringLiteral("renamed")));
        QTRY_VERIFY_WITH_TIMEOUT(reported(spy).contains(m_root + "/renamed"), kTimeoutMs);
        QVERIFY(reported(spy).contains(m_root + "/sub"));
        QCOMPARE(m_watcher->watchedFolders(), QStringList({m_root, m_root + "/renamed"}));

        spy.clear();
        QVERIFY(QDir(m_root + "/renamed").removeRecursively());
        QTRY_VERIFY_WITH_TIMEOUT(reported(spy).contains(m_root + "/renamed"), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_watcher->watchedFolders(), QStringList{m_root}, kTimeoutMs);
    }

    void stopStopsSignals()
    {
        QSignalSpy spy(m_watcher, &FolderWatcher::foldersChanged);
        makeFile(m_root + "/before-stop.jpg");
        QTest::qWait(50);
        m_watcher->stop(); // also drops the change still waiting for its quiet period
        makeFile(m_root + "/after-stop.jpg");
        QTest::qWait(1200);
        QCOMPARE(spy.count(), 0);
        QVERIFY(m_watcher->watchedFolders().isEmpty());
    }

    void largeTreeIsWatchedCompletely()
    {
        // 2,000 folders take longer than one setup slice: the rest is watched from the event loop.
        QTemporaryDir dir;
        const QString root = QFileInfo(dir.path()).canonicalFilePath();
        for (int i = 0; i < 2000; ++i) {
            QVERIFY(QDir().mkpath(root + QStringLiteral("/%1/%2").arg(i / 100).arg(i)));
        }
        FolderWatcher watcher;
        watcher.setDelays(100, 400);
        QString error;
        QVERIFY2(watcher.watch(root, {}, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(!watcher.isSettingUp(), kTimeoutMs);
        QCOMPARE(watcher.watchedFolders().size(), 1 + 20 + 2000);
        QSignalSpy spy(&watcher, &FolderWatcher::foldersChanged);
        makeFile(root + "/19/1999/last.jpg");
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kTimeoutMs);
        QCOMPARE(spy.at(0).at(0).toStringList(), QStringList{root + "/19/1999"});
    }

    void hiddenAndExcludedNotWatched()
    {
        QSignalSpy spy(m_watcher, &FolderWatcher::foldersChanged);
        makeFile(m_root + "/.hidden/inner/x.jpg");
        makeFile(m_root + "/excluded/y.jpg");
        // A new hidden folder is nothing a scan would enter: no change, no watch.
        QVERIFY(QDir().mkpath(m_root + "/.newhidden"));
        QTest::qWait(300);
        makeFile(m_root + "/.newhidden/z.jpg");
        QTest::qWait(1200); // well past the 800 ms bound
        QCOMPARE(spy.count(), 0);
        QCOMPARE(m_watcher->watchedFolders(), QStringList({m_root, m_root + "/sub"}));
    }
};

QTEST_GUILESS_MAIN(FolderWatcherTest)
#include "folderwatchertest.moc"
