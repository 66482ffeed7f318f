// SPDX-License-Identifier: MIT
// The listing's pure parts: newest-first order, months in local time, the folder tree with counts, and the
// change from one listing to the next (checked by applying it, also on random listings).
#include "core/browse/photolisting.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QtTest>

#include <array>

using namespace clipfind;

namespace {

qint64 localMs(int year, int month, int day, int hour = 12, int minute = 0, int second = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second)).toMSecsSinceEpoch();
}

QStringList pathsOf(const std::vector<ListedPhoto> &photos)
{
    QStringList paths;
    for (const ListedPhoto &photo : photos) {
        paths << photo.path;
    }
    return paths;
}

// Applies `change` as a model does: removals from the last run back, then insertions from the first run on.
std::vector<ListedPhoto> applied(std::vector<ListedPhoto> rows, const ListingChange &change,
                                 const std::vector<ListedPhoto> &after)
{
    for (auto run = change.removed.rbegin(); run != change.removed.rend(); ++run) {
        rows.erase(rows.begin() + run->first, rows.begin() + run->first + run->count);
    }
    for (const RowRun &run : change.inserted) {
        rows.insert(rows.begin() + run.first, after.begin() + run.first, after.begin() + run.first + run.count);
    }
    return rows;
}

bool same(const std::vector<ListedPhoto> &a, const std::vector<ListedPhoto> &b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const ListedPhoto &x, const ListedPhoto &y) {
        return x.path == y.path && x.dateMs == y.dateMs;
    });
}

} // namespace

class PhotoListingTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newestFirstThenByPath()
    {
        std::vector<ListedPhoto> photos{{QStringLiteral("/p/b.jpg"), 100, false},
                                        {QStringLiteral("/p/c.jpg"), 300, true},
                                        {QStringLiteral("/p/a.jpg"), 100, false},
                                        {QStringLiteral("/p/d.jpg"), -5, false}};
        sortNewestFirst(&photos);
        QCOMPARE(pathsOf(photos), (QStringList{QStringLiteral("/p/c.jpg"), QStringLiteral("/p/a.jpg"),
                                               QStringLiteral("/p/b.jpg"), QStringLiteral("/p/d.jpg")}));
    }

    void rowOfBisectsThePathOrder()
    {
        PhotoListing listing;
        listing.photos = {{QStringLiteral("/p/b"), 30, false},
                          {QStringLiteral("/p/c"), 20, false},
                          {QStringLiteral("/p/a"), 10, false}};
        listing.pathOrder = {2, 0, 1}; // a, b, c
        QCOMPARE(listing.rowOf(QStringLiteral("/p/a")), 2);
        QCOMPARE(listing.rowOf(QStringLiteral("/p/b")), 0);
        QCOMPARE(listing.rowOf(QStringLiteral("/p/c")), 1);
        QCOMPARE(listing.rowOf(QStringLiteral("/p/bb")), -1);
        QCOMPARE(PhotoListing().rowOf(QStringLiteral("/p/a")), -1);
    }

    void monthsInLocalTime()
    {
        // The edges of months: the last second of a month and the first of the next fall in different sections.
        std::vector<ListedPhoto> photos{
            {QStringLiteral("/p/1"), localMs(2026, 11, 30, 23, 59, 59), true},
            {QStringLiteral("/p/2"), localMs(2026, 11, 1, 0, 0, 0), true},
            {QStringLiteral("/p/3"), localMs(2026, 10, 31, 23, 59, 59), false},
            {QStringLiteral("/p/4"), localMs(2026, 1, 15), false},
            {QStringLiteral("/p/5"), localMs(2025, 12, 31, 23, 0, 0), false},
            {QStringLiteral("/p/6"), localMs(2025, 12, 1, 1, 0, 0), false},
        };
        sortNewestFirst(&photos);
        const std::vector<MonthSection> sections = monthSections(photos);
        QCOMPARE(sections.size(), size_t(4));
        const std::vector<std::array<int, 4>> expected{
            {0, 2, 2026, 11}, {2, 1, 2026, 10}, {3, 1, 2026, 1}, {4, 2, 2025, 12}};
        for (size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(sections[i].first, expected[i][0]);
            QCOMPARE(sections[i].count, expected[i][1]);
            QCOMPARE(sections[i].year, expected[i][2]);
            QCOMPARE(sections[i].month, expected[i][3]);
        }
        QVERIFY(monthSections({}).empty());
    }

    void folderTreeCountsPhotosBelow()
    {
        const QHash<QString, qint64> direct{{QStringLiteral("/r"), 4},         {QStringLiteral("/r/a"), 2},
                                            {QStringLiteral("/r/a/b"), 3},     {QStringLiteral("/r/C/d"), 1},
                                            {QStringLiteral("/elsewhere"), 5}, {QStringLiteral("/rx"), 7},
                                            {QStringLiteral("/r/empty"), 0}};
        const FolderTree tree = buildFolderTree(QStringLiteral("/r"), direct);
        QCOMPARE(tree.nodes.size(), size_t(5)); // /r, /r/a, /r/a/b, /r/C, /r/C/d; not /elsewhere, /rx, /r/empty
        const FolderNode &root = tree.nodes[0];
        QCOMPARE(root.path, QStringLiteral("/r"));
        QCOMPARE(root.name, QStringLiteral("r"));
        QCOMPARE(root.parent, -1);
        QCOMPARE(root.photos, qint64(10));
        auto node = [&tree](const char *path) -> const FolderNode & {
            return tree.nodes[size_t(tree.indexOf(QString::fromLatin1(path)))];
        };
        QCOMPARE(node("/r/a").photos, qint64(5));
        QCOMPARE(node("/r/a/b").photos, qint64(3));
        QCOMPARE(node("/r/C").photos, qint64(1)); // no photos of its own: there because /r/C/d has one
        QCOMPARE(node("/r/C/d").photos, qint64(1));
        QCOMPARE(node("/r/C/d").name, QStringLiteral("d"));
        QCOMPARE(tree.indexOf(QStringLiteral("/elsewhere")), -1);
        // Children by name, case-insensitively: a before C.
        QCOMPARE(root.children.size(), size_t(2));
        QCOMPARE(tree.nodes[size_t(root.children[0])].path, QStringLiteral("/r/a"));
        QCOMPARE(tree.nodes[size_t(root.children[1])].path, QStringLiteral("/r/C"));
        for (size_t i = 1; i < tree.nodes.size(); ++i) {
            QVERIFY(tree.nodes[i].parent >= 0 && size_t(tree.nodes[i].parent) < i); // parents first
        }
        // Only counts differ: same shape. A new folder: not.
        QHash<QString, qint64> more = direct;
        more[QStringLiteral("/r/a")] = 9;
        QVERIFY(tree.sameShape(buildFolderTree(QStringLiteral("/r"), more)));
        more[QStringLiteral("/r/new")] = 1;
        QVERIFY(!tree.sameShape(buildFolderTree(QStringLiteral("/r"), more)));
        // A root without photos is still there.
        QCOMPARE(buildFolderTree(QStringLiteral("/r"), {}).nodes.size(), size_t(1));
    }

    void isUnderOnFolderBoundaries()
    {
        QVERIFY(isPathUnder(QStringLiteral("/a/b"), QStringLiteral("/a")));
        QVERIFY(isPathUnder(QStringLiteral("/a"), QStringLiteral("/a")));
        QVERIFY(!isPathUnder(QStringLiteral("/ab"), QStringLiteral("/a")));
        QVERIFY(isPathUnder(QStringLiteral("/x"), QStringLiteral("/")));
    }

    void changeBetweenTwoListings()
    {
        const std::vector<ListedPhoto> before{{QStringLiteral("/a"), 50, false},
                                              {QStringLiteral("/b"), 40, false},
                                              {QStringLiteral("/c"), 30, false},
                                              {QStringLiteral("/d"), 20, false},
                                              {QStringLiteral("/e"), 10, false}};
        // b is deleted, d got an EXIF date that puts it first, f is new between c and e.
        const std::vector<ListedPhoto> after{{QStringLiteral("/d"), 60, true},
                                             {QStringLiteral("/a"), 50, false},
                                             {QStringLiteral("/c"), 30, false},
                                             {QStringLiteral("/f"), 15, false},
                                             {QStringLiteral("/e"), 10, false}};
        const ListingChange change = listingChange(before, after);
        QCOMPARE(change.removed.size(), size_t(2)); // b (row 1) and d (row 3): not adjacent
        QCOMPARE(change.removed[0].first, 1);
        QCOMPARE(change.removed[0].count, 1);
        QCOMPARE(change.removed[1].first, 3);
        QCOMPARE(change.inserted.size(), size_t(2)); // d at 0, f at 3
        QCOMPARE(change.inserted[0].first, 0);
        QCOMPARE(change.inserted[1].first, 3);
        QVERIFY(same(applied(before, change, after), after));
        QVERIFY(listingChange(after, after).isEmpty());
        // Everything new, everything gone.
        QCOMPARE(listingChange({}, after).inserted.size(), size_t(1));
        QCOMPARE(listingChange({}, after).inserted[0].count, 5);
        QCOMPARE(listingChange(before, {}).removed[0].count, 5);
    }

    void randomChangesApplyExactly()
    {
        QRandomGenerator random(1234);
        for (int round = 0; round < 200; ++round) {
            std::vector<ListedPhoto> before;
            const int n = int(random.bounded(60));
            for (int i = 0; i < n; ++i) {
                before.push_back({QStringLiteral("/p/%1").arg(i), qint64(random.bounded(20)), false});
            }
            std::vector<ListedPhoto> after;
            for (const ListedPhoto &photo : before) {
                const int what = int(random.bounded(10));
                if (what == 0) {
                    continue; // deleted
                }
                after.push_back(photo);
                if (what == 1) {
                    after.back().dateMs = qint64(random.bounded(20)); // a date found
                }
            }
            for (int i = 0, added = int(random.bounded(10)); i < added; ++i) {
                after.push_back({QStringLiteral("/q/%1").arg(i), qint64(random.bounded(20)), false});
            }
            sortNewestFirst(&before);
            sortNewestFirst(&after);
            const ListingChange change = listingChange(before, after);
            QVERIFY2(same(applied(before, change, after), after), qPrintable(QString::number(round)));
        }
    }
};

QTEST_GUILESS_MAIN(PhotoListingTest)
#include "photolistingtest.moc"
