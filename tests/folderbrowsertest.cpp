// SPDX-License-Identifier: MIT
// FolderBrowser on a real folder: photos with EXIF dates taken and with file times only, in subfolders, plus files
// it must not list. Newest first with the right months and folder counts, scopes, folders changed on disk, dates
// kept between sessions, and a folder that cannot be read.
#include "fixturedata.h"
#include "photofiles.h"

#include "core/browse/folderbrowser.h"
#include "core/browse/listingcache.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

namespace {

constexpr int kTimeoutMs = 30000;

QDateTime local(int year, int month, int day, int hour = 12)
{
    return QDateTime(QDate(year, month, day), QTime(hour, 0));
}

QStringList namesOf(const PhotoListing &listing)
{
    QStringList names;
    for (const ListedPhoto &photo : listing.photos) {
        names << QFileInfo(photo.path).fileName();
    }
    return names;
}

// "2025-03:2" per month section.
QStringList monthsOf(const PhotoListing &listing)
{
    QStringList months;
    for (const MonthSection &section : listing.sections) {
        months << QStringLiteral("%1-%2:%3")
                      .arg(section.year)
                      .arg(section.month, 2, 10, QLatin1Char('0'))
                      .arg(section.count);
    }
    return months;
}

// Waits for the browser's next listing whose dates are all looked for.
std::shared_ptr<const PhotoListing> settledListing(FolderBrowser &browser, QSignalSpy &spy)
{
    for (int waited = 0; waited < kTimeoutMs; waited += 20) {
        if (!spy.isEmpty()) {
            const auto listing = spy.last().at(0).value<std::shared_ptr<const PhotoListing>>();
            if (listing && listing->datesComplete) {
                return listing;
            }
        }
        QTest::qWait(20);
    }
    return browser.listing();
}

} // namespace

class FolderBrowserTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_root;
    QByteArray m_jpeg; // a fixture JPEG without a date of its own

    QString photo(const QString &relative) const { return m_root + QLatin1Char('/') + relative; }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_root = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/photos");
        QVERIFY(QDir().mkpath(m_root + QStringLiteral("/sub/deeper")));
        QVERIFY(QDir().mkpath(m_root + QStringLiteral("/.hidden")));
        m_jpeg = readBytes(dataPath(QStringLiteral("images/gray_800x600.jpg")));
        QVERIFY(!m_jpeg.isEmpty());
        // a.jpg: taken 2024-11-20, its file written much later. b.jpg: no date in it, file time 2025-03-10.
        QVERIFY(writeJpegTakenAt(photo(QStringLiteral("a.jpg")), m_jpeg, "2024:11:20 10:00:00"));
        QVERIFY(setModificationTime(photo(QStringLiteral("a.jpg")), local(2026, 1, 5)));
        QVERIFY(writeBytes(photo(QStringLiteral("b.jpg")), m_jpeg));
        QVERIFY(setModificationTime(photo(QStringLiteral("b.jpg")), local(2025, 3, 10)));
        QVERIFY(QFile::copy(dataPath(QStringLiteral("images/small_120x90.png")), photo(QStringLiteral("c.png"))));
        QVERIFY(setModificationTime(photo(QStringLiteral("c.png")), local(2024, 11, 2)));
        QVERIFY(writeBytes(photo(QStringLiteral("sub/d.jpg")), m_jpeg));
        QVERIFY(setModificationTime(photo(QStringLiteral("sub/d.jpg")), local(2025, 3, 1)));
        QVERIFY(writeJpegTakenAt(photo(QStringLiteral("sub/deeper/e.jpg")), m_jpeg, "2023:06:01 08:30:00"));
        // Not photos, or hidden: never listed.
        QVERIFY(writeBytes(photo(QStringLiteral("notes.txt")), "text"));
        QVERIFY(writeBytes(photo(QStringLiteral(".hidden/x.jpg")), m_jpeg));
    }

    void listsNewestFirstByMonth()
    {
        FolderBrowser browser(m_dir.filePath(QStringLiteral("browse.sqlite")));
        QSignalSpy changed(&browser, &FolderBrowser::listingChanged);
        browser.open(m_root, ScanOptions{});
        const auto listing = settledListing(browser, changed);
        QVERIFY(listing);
        QVERIFY(listing->error.isEmpty());
        QCOMPARE(listing->root, m_root);
        QCOMPARE(listing->scope, m_root);
        QCOMPARE(namesOf(*listing),
                 (QStringList{QStringLiteral("b.jpg"), QStringLiteral("d.jpg"), QStringLiteral("a.jpg"),
                              QStringLiteral("c.png"), QStringLiteral("e.jpg")}));
        QCOMPARE(monthsOf(*listing),
                 (QStringList{QStringLiteral("2025-03:2"), QStringLiteral("2024-11:2"), QStringLiteral("2023-06:1")}));
        // The dates: EXIF where there is one, else the file time.
        QCOMPARE(listing->photos[2].dateMs, local(2024, 11, 20, 10).toMSecsSinceEpoch());
        QVERIFY(listing->photos[2].taken);
        QCOMPARE(listing->photos[0].dateMs, local(2025, 3, 10).toMSecsSinceEpoch());
        QVERIFY(!listing->photos[0].taken);
        // The folder tree: every folder with photos, counting what is below it.
        const FolderTree &tree = listing->folders;
        QCOMPARE(tree.nodes.size(), size_t(3));
        QCOMPARE(tree.nodes[0].path, m_root);
        QCOMPARE(tree.nodes[0].photos, qint64(5));
        QCOMPARE(tree.nodes[size_t(tree.indexOf(m_root + QStringLiteral("/sub")))].photos, qint64(2));
        QCOMPARE(tree.nodes[size_t(tree.indexOf(m_root + QStringLiteral("/sub/deeper")))].photos, qint64(1));
        QVERIFY(listing->timings.scan > 0);
        // Each photo's row from its path (the listing's own index, no hash).
        for (size_t row = 0; row < listing->photos.size(); ++row) {
            QCOMPARE(listing->rowOf(listing->photos[row].path), int(row));
        }
        QCOMPARE(listing->rowOf(m_root + QStringLiteral("/notes.txt")), -1);

        // A scope: only the photos below it, the tree still whole.
        changed.clear();
        browser.setScope(m_root + QStringLiteral("/sub"));
        QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), kTimeoutMs);
        const auto scoped = changed.last().at(0).value<std::shared_ptr<const PhotoListing>>();
        QCOMPARE(scoped->scope, m_root + QStringLiteral("/sub"));
        QCOMPARE(namesOf(*scoped), (QStringList{QStringLiteral("d.jpg"), QStringLiteral("e.jpg")}));
        QCOMPARE(monthsOf(*scoped), (QStringList{QStringLiteral("2025-03:1"), QStringLiteral("2023-06:1")}));
        QCOMPARE(scoped->folders.nodes[0].photos, qint64(5));
        // Back to everything.
        changed.clear();
        browser.setScope(QString());
        QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), kTimeoutMs);
        QCOMPARE(changed.last().at(0).value<std::shared_ptr<const PhotoListing>>()->photos.size(), size_t(5));
    }

    void followsChangedFolders()
    {
        QTemporaryDir dir;
        const QString root = QFileInfo(dir.path()).canonicalFilePath();
        QVERIFY(QDir().mkpath(root + QStringLiteral("/trip/day1")));
        QVERIFY(writeBytes(root + QStringLiteral("/old.jpg"), m_jpeg));
        QVERIFY(setModificationTime(root + QStringLiteral("/old.jpg"), local(2020, 5, 5)));
        QVERIFY(writeBytes(root + QStringLiteral("/trip/day1/beach.jpg"), m_jpeg));
        QVERIFY(setModificationTime(root + QStringLiteral("/trip/day1/beach.jpg"), local(2021, 8, 1)));
        FolderBrowser browser{QString()}; // dates in memory only
        QSignalSpy changed(&browser, &FolderBrowser::listingChanged);
        browser.open(root, ScanOptions{});
        QVERIFY(settledListing(browser, changed));
        QCOMPARE(namesOf(*browser.listing()), (QStringList{QStringLiteral("beach.jpg"), QStringLiteral("old.jpg")}));

        // A new photo taken at Christmas 2025 (its file copied today), one deleted: only the root is listed again.
        QVERIFY(writeJpegTakenAt(root + QStringLiteral("/xmas.jpg"), m_jpeg, "2025:12:24 18:00:00"));
        QVERIFY(QFile::remove(root + QStringLiteral("/old.jpg")));
        changed.clear();
        browser.refreshFolders({root});
        const auto refreshed = settledListing(browser, changed);
        QCOMPARE(namesOf(*refreshed), (QStringList{QStringLiteral("xmas.jpg"), QStringLiteral("beach.jpg")}));
        QCOMPARE(monthsOf(*refreshed), (QStringList{QStringLiteral("2025-12:1"), QStringLiteral("2021-08:1")}));

        // A whole folder deleted: everything below it goes.
        QVERIFY(QDir(root + QStringLiteral("/trip")).removeRecursively());
        changed.clear();
        browser.refreshFolders({root + QStringLiteral("/trip")});
        QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), kTimeoutMs);
        const auto pruned = changed.last().at(0).value<std::shared_ptr<const PhotoListing>>();
        QCOMPARE(namesOf(*pruned), QStringList{QStringLiteral("xmas.jpg")});
        QCOMPARE(pruned->folders.nodes.size(), size_t(1));
    }

    void datesAreKeptBetweenSessions()
    {
        QTemporaryDir dir;
        const QString root = QFileInfo(dir.path()).canonicalFilePath();
        const QString path = root + QStringLiteral("/kept.jpg");
        const QString datesFile = dir.filePath(QStringLiteral("state/browse.sqlite"));
        QVERIFY(writeJpegTakenAt(path, m_jpeg, "2024:11:20 10:00:00"));
        const QDateTime written = local(2026, 1, 5);
        QVERIFY(setModificationTime(path, written));
        {
            FolderBrowser browser(datesFile);
            QSignalSpy changed(&browser, &FolderBrowser::listingChanged);
            browser.open(root, ScanOptions{});
            QCOMPARE(settledListing(browser, changed)->photos.at(0).dateMs,
                     local(2024, 11, 20, 10).toMSecsSinceEpoch());
        }
        // The date in the file changes but size and time stay: the next session takes the date it stored.
        QVERIFY(writeJpegTakenAt(path, m_jpeg, "2022:02:02 10:00:00"));
        QVERIFY(setModificationTime(path, written));
        {
            FolderBrowser browser(datesFile);
            QSignalSpy changed(&browser, &FolderBrowser::listingChanged);
            browser.open(root, ScanOptions{});
            QCOMPARE(settledListing(browser, changed)->photos.at(0).dateMs,
                     local(2024, 11, 20, 10).toMSecsSinceEpoch());
        }
        // Touched: read again.
        QVERIFY(setModificationTime(path, written.addSecs(60)));
        {
            FolderBrowser browser(datesFile);
            QSignalSpy changed(&browser, &FolderBrowser::listingChanged);
            browser.open(root, ScanOptions{});
            QCOMPARE(settledListing(browser, changed)->photos.at(0).dateMs, local(2022, 2, 2, 10).toMSecsSinceEpoch());
        }
        // A damaged dates file is replaced, and browsing works on.
        QVERIFY(writeBytes(datesFile, QByteArray(4096, 'x')));
        {
            FolderBrowser browser(datesFile);
            QSignalSpy changed(&browser, &FolderBrowser::listingChanged);
            browser.open(root, ScanOptions{});
            QCOMPARE(settledListing(browser, changed)->photos.at(0).dateMs, local(2022, 2, 2, 10).toMSecsSinceEpoch());
        }
        QVERIFY(!readBytes(datesFile).startsWith(QByteArray(16, 'x')));
    }

    void theLastSessionsListingComesFirst()
    {
        QTemporaryDir dir;
        const QString root = QFileInfo(dir.path()).canonicalFilePath() + QStringLiteral("/photos");
        const QString cacheFile = dir.filePath(QStringLiteral("browse.sqlite"));
        QVERIFY(QDir().mkpath(root));
        QVERIFY(writeBytes(root + QStringLiteral("/kept.jpg"), m_jpeg));
        QVERIFY(setModificationTime(root + QStringLiteral("/kept.jpg"), local(2024, 5, 1)));
        QVERIFY(writeBytes(root + QStringLiteral("/deleted.jpg"), m_jpeg));
        QVERIFY(setModificationTime(root + QStringLiteral("/deleted.jpg"), local(2024, 6, 1)));
        {
            FolderBrowser browser(cacheFile);
            QSignalSpy changed(&browser, &FolderBrowser::listingChanged);
            browser.open(root, ScanOptions{});
            QVERIFY(settledListing(browser, changed));
            QVERIFY(!changed.first().at(0).value<std::shared_ptr<const PhotoListing>>()->fromCache); // nothing known
        }
        // Between sessions one photo goes, one comes.
        QVERIFY(QFile::remove(root + QStringLiteral("/deleted.jpg")));
        QVERIFY(writeBytes(root + QStringLiteral("/new.jpg"), m_jpeg));
        QVERIFY(setModificationTime(root + QStringLiteral("/new.jpg"), local(2025, 1, 1)));
        FolderBrowser browser(cacheFile);
        QSignalSpy changed(&browser, &FolderBrowser::listingChanged);
        browser.open(root, ScanOptions{});
        const auto settled = settledListing(browser, changed);
        // First what the last session saw, at once; then what the walk found.
        const auto first = changed.first().at(0).value<std::shared_ptr<const PhotoListing>>();
        QVERIFY(first->fromCache);
        QVERIFY(!first->datesComplete);
        QCOMPARE(namesOf(*first), (QStringList{QStringLiteral("deleted.jpg"), QStringLiteral("kept.jpg")}));
        QVERIFY(!settled->fromCache);
        QCOMPARE(namesOf(*settled), (QStringList{QStringLiteral("new.jpg"), QStringLiteral("kept.jpg")}));
        // Excluded folders: the cache cannot tell what the walk would leave out, so the walk comes first.
        FolderBrowser excluding(cacheFile);
        QSignalSpy excluded(&excluding, &FolderBrowser::listingChanged);
        ScanOptions options;
        options.excludePatterns << QStringLiteral("raw");
        excluding.open(root, options);
        QVERIFY(settledListing(excluding, excluded));
        QVERIFY(!excluded.first().at(0).value<std::shared_ptr<const PhotoListing>>()->fromCache);
    }

    void equalDatesGoByPath()
    {
        QTemporaryDir dir;
        const QString root = QFileInfo(dir.path()).canonicalFilePath();
        QVERIFY(QDir().mkpath(root + QStringLiteral("/sub")));
        for (const char *name : {"z.jpg", "a.png", "sub/m.jpg"}) {
            const QString path = root + QLatin1Char('/') + QLatin1String(name);
            QVERIFY(writeBytes(path, m_jpeg));
            QVERIFY(setModificationTime(path, local(2022, 7, 7)));
        }
        FolderBrowser browser{QString()};
        QSignalSpy changed(&browser, &FolderBrowser::listingChanged);
        browser.open(root, ScanOptions{});
        const auto listing = settledListing(browser, changed);
        QStringList paths;
        for (const ListedPhoto &photo : listing->photos) {
            paths << photo.path.mid(root.size() + 1);
        }
        QCOMPARE(paths, (QStringList{QStringLiteral("a.png"), QStringLiteral("sub/m.jpg"), QStringLiteral("z.jpg")}));
        QVERIFY(std::is_sorted(listing->photos.begin(), listing->photos.end(), newerFirst));
    }

    void theCacheKeepsPhotosByFolder()
    {
        QTemporaryDir dir;
        QString error;
        auto cache = ListingCache::open(dir.filePath(QStringLiteral("browse.sqlite")), &error);
        QVERIFY2(cache, qPrintable(error));
        KnownPhoto inside;
        inside.path = QStringLiteral("/r/a/1.jpg");
        inside.size = 10;
        inside.mtimeNs = 123;
        inside.taken = true;
        inside.takenMs = 456;
        inside.looked = true;
        KnownPhoto sibling = inside;
        sibling.path = QStringLiteral("/r/ab/2.jpg"); // /r/a is not a prefix of /r/ab on a folder boundary
        KnownPhoto sneaky = inside;
        sneaky.path = QStringLiteral("/r/a/../../etc/passwd.jpg"); // below /r/a only as text
        QVERIFY2(cache->store({inside, sibling, sneaky}, &error), qPrintable(error));
        std::vector<KnownPhoto> loaded;
        QVERIFY2(cache->load(QStringLiteral("/r/a"), &loaded, &error), qPrintable(error));
        QCOMPARE(loaded.size(), size_t(1));
        QCOMPARE(loaded[0].path, inside.path);
        QCOMPARE(loaded[0].size, qint64(10));
        QCOMPARE(loaded[0].mtimeNs, qint64(123));
        QVERIFY(loaded[0].taken && loaded[0].looked);
        QCOMPARE(loaded[0].takenMs, qint64(456));
        QCOMPARE(loaded[0].dateMs(), qint64(456));
        QVERIFY(cache->forget({inside.path}, &error));
        loaded.clear();
        QVERIFY(cache->load(QStringLiteral("/r"), &loaded, &error));
        QCOMPARE(loaded.size(), size_t(1)); // the sibling; the sneaky path is never loaded
        QCOMPARE(loaded[0].path, sibling.path);
    }

    void aFolderThatCannotBeRead()
    {
        FolderBrowser browser{QString()};
        QSignalSpy changed(&browser, &FolderBrowser::listingChanged);
        const QString missing = m_dir.filePath(QStringLiteral("no-such-folder"));
        browser.open(missing, ScanOptions{});
        QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), kTimeoutMs);
        const auto listing = changed.last().at(0).value<std::shared_ptr<const PhotoListing>>();
        QVERIFY(listing->photos.empty());
        QVERIFY2(listing->error.startsWith(missing + QStringLiteral(": cannot read folder")),
                 qPrintable(listing->error));
    }

    void aNewerFolderWins()
    {
        FolderBrowser browser{QString()};
        QSignalSpy changed(&browser, &FolderBrowser::listingChanged);
        QTemporaryDir other;
        browser.open(m_root, ScanOptions{});
        browser.open(other.path(), ScanOptions{});
        QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), kTimeoutMs);
        QTest::qWait(200);
        for (const QList<QVariant> &arguments : std::as_const(changed)) {
            QCOMPARE(arguments.at(0).value<std::shared_ptr<const PhotoListing>>()->root, other.path());
        }
        browser.close();
        QVERIFY(!browser.listing());
    }
};

QTEST_GUILESS_MAIN(FolderBrowserTest)
#include "folderbrowsertest.moc"
