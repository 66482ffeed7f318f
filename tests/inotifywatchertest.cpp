// SPDX-License-Identifier: MIT
#include "core/scan/inotifywatcher.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;

namespace {

constexpr int kTimeoutMs = 10000;

bool writeFile(const QString &path, const QByteArray &bytes = "x")
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// The folders reported so far, in order, one entry per signal.
QStringList reported(const QSignalSpy &spy)
{
    QStringList folders;
    for (const QList<QVariant> &args : spy) {
        folders << args.at(0).toString();
    }
    return folders;
}

} // namespace

// Each test watches `m_root` (and whatever else it adds) with a fresh watcher. Assertions that something is NOT
// reported do not sleep: they end with a photo created in `m_sentinel`, a second watched folder. inotify delivers
// one watcher's events in order, so once the sentinel's event has been reported every earlier event has been read.
class InotifyWatcherTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir *m_dir = nullptr;
    QString m_root;     // watched
    QString m_sentinel; // watched, for the "nothing else was reported" checks
    QString m_outside;  // never watched, same file system
    InotifyWatcher *m_watcher = nullptr;
    QSignalSpy *m_spy = nullptr;
    int m_sentinelCount = 0;

    // Creates a photo in the sentinel folder and waits until it is reported; then every event queued before it has
    // been handled. Returns the folders reported before the sentinel (each once, in order, unless `all`) and clears
    // the spy.
    QStringList reportedBeforeSentinel(bool all = false)
    {
        const QString sentinel = m_sentinel + QStringLiteral("/s%1.jpg").arg(++m_sentinelCount);
        if (!writeFile(sentinel)) {
            return {QStringLiteral("(cannot write %1)").arg(sentinel)};
        }
        if (!QTest::qWaitFor([this] { return reported(*m_spy).contains(m_sentinel); }, kTimeoutMs)) {
            return {QStringLiteral("(the sentinel %1 was not reported)").arg(sentinel)};
        }
        QStringList before = reported(*m_spy);
        before.removeAll(m_sentinel);
        if (!all) {
            before.removeDuplicates();
        }
        m_spy->clear();
        return before;
    }

private Q_SLOTS:
    void init()
    {
        m_dir = new QTemporaryDir;
        QVERIFY(m_dir->isValid());
        const QString base = QFileInfo(m_dir->path()).canonicalFilePath();
        m_root = base + "/photos";
        m_sentinel = base + "/sentinel";
        m_outside = base + "/outside";
        for (const QString &folder : {m_root, m_sentinel, m_outside}) {
            QVERIFY(QDir().mkpath(folder));
        }
        m_watcher = new InotifyWatcher;
        m_spy = new QSignalSpy(m_watcher, &InotifyWatcher::directoryChanged);
        QVERIFY(m_watcher->addPath(m_root));
        QVERIFY(m_watcher->addPath(m_sentinel));
        m_sentinelCount = 0;
    }

    void cleanup()
    {
        delete m_spy;
        delete m_watcher;
        delete m_dir;
    }

    void missingFolderOrFileCannotBeWatched()
    {
        QVERIFY(!m_watcher->addPath(m_root + "/nope"));
        QVERIFY(writeFile(m_outside + "/file.jpg"));
        QVERIFY(!m_watcher->addPath(m_outside + "/file.jpg")); // folders only
    }

    void fileCreated()
    {
        QVERIFY(writeFile(m_root + "/new.jpg"));
        QCOMPARE(reportedBeforeSentinel(), QStringList{m_root});
    }

    // An editor or sync tool that opens the photo, writes and closes it (no rename) must be seen: only IN_CLOSE_WRITE
    // tells. The file exists before the watch starts, so its creation cannot be what is reported.
    void fileRewrittenInPlace()
    {
        QVERIFY(writeFile(m_outside + "/kept.jpg", "old content"));
        delete m_spy;
        delete m_watcher;
        m_watcher = new InotifyWatcher;
        m_spy = new QSignalSpy(m_watcher, &InotifyWatcher::directoryChanged);
        QVERIFY(m_watcher->addPath(m_outside));
        QVERIFY(m_watcher->addPath(m_sentinel));

        QFile file(m_outside + "/kept.jpg");
        QVERIFY(file.open(QIODevice::ReadWrite)); // no truncation, no new inode: a write in place
        QVERIFY(file.seek(0));
        QCOMPARE(file.write("new content"), qint64(11));
        file.close();
        QCOMPARE(reportedBeforeSentinel(), QStringList{m_outside});
        QCOMPARE(QFile(m_outside + "/kept.jpg").size(), qint64(11));
    }

    // Reading a photo (IN_OPEN, IN_ACCESS, IN_CLOSE_NOWRITE) changes nothing and is not reported.
    void fileReadIsNotReported()
    {
        QVERIFY(writeFile(m_root + "/read.jpg"));
        QCOMPARE(reportedBeforeSentinel(), QStringList{m_root});

        QFile file(m_root + "/read.jpg");
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("x"));
        file.close();
        QCOMPARE(reportedBeforeSentinel(), QStringList());
    }

    void attributesChanged()
    {
        QVERIFY(writeFile(m_outside + "/mode.jpg"));
        QVERIFY(QFile::rename(m_outside + "/mode.jpg", m_root + "/mode.jpg"));
        QCOMPARE(reportedBeforeSentinel(), QStringList{m_root});

        QVERIFY(QFile::setPermissions(m_root + "/mode.jpg", QFile::ReadOwner));
        QCOMPARE(reportedBeforeSentinel(), QStringList{m_root});
    }

    void fileRenamedInAndOut()
    {
        QVERIFY(writeFile(m_outside + "/moved.png"));
        QCOMPARE(reportedBeforeSentinel(), QStringList()); // not watched

        QVERIFY(QFile::rename(m_outside + "/moved.png", m_root + "/moved.png"));
        QCOMPARE(reportedBeforeSentinel(), QStringList{m_root});

        QVERIFY(QFile::rename(m_root + "/moved.png", m_outside + "/moved.png"));
        QCOMPARE(reportedBeforeSentinel(), QStringList{m_root});
    }

    // A download or an editor writes a hidden or oddly named temporary file, then renames it to the photo's name:
    // only the rename is reported.
    void temporaryFileRenamedToPhoto()
    {
        QVERIFY(writeFile(m_root + "/.photo.jpg.part", "partial"));
        QVERIFY(writeFile(m_root + "/photo.jpg.crdownload", "partial"));
        QCOMPARE(reportedBeforeSentinel(), QStringList());

        QVERIFY(QFile::rename(m_root + "/.photo.jpg.part", m_root + "/photo.jpg"));
        QCOMPARE(reportedBeforeSentinel(), QStringList{m_root});
    }

    void entryRules_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("folder");
        QTest::addColumn<bool>("expected");
        // Photos by extension, any case: jpg jpeg png webp bmp tif tiff gif.
        for (const char *name : {"a.jpg", "b.JPEG", "c.png", "d.webp", "e.bmp", "f.tif", "g.TIFF", "h.gif"}) {
            QTest::newRow(name) << QString::fromLatin1(name) << false << true;
        }
        QTest::newRow("text file") << "notes.txt" << false << false;
        QTest::newRow("no extension") << "README" << false << false;
        QTest::newRow("photo name inside") << "photo.jpg.bak" << false << false;
        QTest::newRow("cache file") << "cache.sqlite-wal" << false << false;
        QTest::newRow("hidden photo") << ".hidden.jpg" << false << false;
        QTest::newRow("folder") << "holiday" << true << true;
        QTest::newRow("folder with a dot") << "2024.06 trip" << true << true;
        QTest::newRow("hidden folder") << ".thumbnails" << true << false;
    }

    void entryRules()
    {
        QFETCH(QString, name);
        QFETCH(bool, folder);
        QFETCH(bool, expected);
        const QString path = m_root + '/' + name;
        QVERIFY(folder ? QDir().mkdir(path) : writeFile(path));
        QCOMPARE(reportedBeforeSentinel(), expected ? QStringList{m_root} : QStringList());
        // Removing it follows the same rule.
        QVERIFY(folder ? QDir().rmdir(path) : QFile::remove(path));
        QCOMPARE(reportedBeforeSentinel(), expected ? QStringList{m_root} : QStringList());
    }

    // Watches are per folder, not per tree: a new subfolder is reported in its parent, and what happens inside it is
    // seen only once it is watched itself (FolderWatcher adds it).
    void subfolderCreatedThenFileInside()
    {
        const QString sub = m_root + "/new folder";
        QVERIFY(QDir().mkdir(sub));
        QCOMPARE(reportedBeforeSentinel(), QStringList{m_root});

        QVERIFY(writeFile(sub + "/before.jpg"));
        QCOMPARE(reportedBeforeSentinel(), QStringList()); // not watched yet

        QVERIFY(m_watcher->addPath(sub));
        QVERIFY(writeFile(sub + "/after.jpg"));
        QCOMPARE(reportedBeforeSentinel(), QStringList{sub});
    }

    // A watched folder that is deleted is reported itself (IN_DELETE_SELF), and in its watched parent.
    void watchedFolderDeleted()
    {
        const QString sub = m_root + "/sub";
        QVERIFY(QDir().mkdir(sub));
        QVERIFY(m_watcher->addPath(sub));
        QVERIFY(writeFile(sub + "/inside.jpg"));
        reportedBeforeSentinel();

        QVERIFY(QDir(sub).removeRecursively());
        QStringList folders = reportedBeforeSentinel();
        folders.sort();
        QCOMPARE(folders, QStringList({m_root, sub}));

        // The kernel dropped the watch: a new folder of the same name is not watched until added again.
        QVERIFY(QDir().mkdir(sub));
        QCOMPARE(reportedBeforeSentinel(), QStringList{m_root});
        QVERIFY(writeFile(sub + "/again.jpg"));
        QCOMPARE(reportedBeforeSentinel(), QStringList());
        QVERIFY(m_watcher->addPath(sub));
        QVERIFY(writeFile(sub + "/watched.jpg"));
        QCOMPARE(reportedBeforeSentinel(), QStringList{sub});
    }

    void watchedRootDeleted()
    {
        QVERIFY(writeFile(m_root + "/a.jpg"));
        reportedBeforeSentinel();
        QVERIFY(QDir(m_root).removeRecursively());
        QCOMPARE(reportedBeforeSentinel(), QStringList{m_root}); // IN_DELETE_SELF, after IN_DELETE of a.jpg
    }

    void watchedFolderRenamedAway()
    {
        QVERIFY(QFile::rename(m_root, m_outside + "/photos-moved"));
        QCOMPARE(reportedBeforeSentinel(), QStringList{m_root}); // IN_MOVE_SELF
    }

    void removingAWatchStopsEvents()
    {
        const QString sub = m_root + "/sub";
        QVERIFY(QDir().mkdir(sub));
        QVERIFY(m_watcher->addPath(sub));
        reportedBeforeSentinel();

        m_watcher->removePaths({sub});
        QVERIFY(writeFile(sub + "/a.jpg"));
        QCOMPARE(reportedBeforeSentinel(), QStringList());

        m_watcher->removePaths({m_root, m_root + "/never-watched"});
        QVERIFY(writeFile(m_root + "/b.jpg"));
        QVERIFY(QDir().mkdir(m_root + "/folder"));
        QCOMPARE(reportedBeforeSentinel(), QStringList());

        // Watching again works.
        QVERIFY(m_watcher->addPath(m_root));
        QVERIFY(writeFile(m_root + "/c.jpg"));
        QCOMPARE(reportedBeforeSentinel(), QStringList{m_root});
    }

    // One folder reached under two names (a symbolic link) is one inotify watch; it keeps the first name.
    void sameFolderTwiceKeepsFirstName()
    {
        const QString link = m_outside + "/link-to-photos";
        QVERIFY(QFile::link(m_root, link));
        QVERIFY(m_watcher->addPath(link));
        QVERIFY(writeFile(m_root + "/a.jpg"));
        QCOMPARE(reportedBeforeSentinel(), QStringList{m_root});
    }

    // Everything queued when the watcher reads is read at once, and each folder is reported once for it.
    void burstIsReportedOnce()
    {
        for (int i = 0; i < 20; ++i) {
            QVERIFY(writeFile(m_root + QStringLiteral("/burst%1.jpg").arg(i))); // IN_CREATE + IN_CLOSE_WRITE each
        }
        QCOMPARE(reportedBeforeSentinel(true), QStringList{m_root});
    }
};

QTEST_GUILESS_MAIN(InotifyWatcherTest)
#include "inotifywatchertest.moc"
