// SPDX-License-Identifier: MIT
// The browsing models under QAbstractItemModelTester (failures fail the test): BrowseModel through listings that
// add, drop and move photos (changed in place, row runs signalled), many scattered changes and another scope
// (reset); FolderTreeModel through new counts (in place) and new folders (reset); ResultModel's sections around
// the close-match cut.
#include "ui/browsemodel.h"
#include "core/thumbnails/thumbnailloader.h"
#include "ui/foldertreemodel.h"
#include "ui/resultmodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QSignalSpy>
#include <QtTest>

using namespace clipfind;

namespace {

qint64 localMs(int year, int month, int day)
{
    return QDateTime(QDate(year, month, day), QTime(12, 0)).toMSecsSinceEpoch();
}

// A listing of /r with the given photos (sorted here) and its months.
std::shared_ptr<const PhotoListing> listingOf(std::vector<ListedPhoto> photos,
                                              const QString &scope = QStringLiteral("/r"))
{
    auto listing = std::make_shared<PhotoListing>();
    listing->root = QStringLiteral("/r");
    listing->scope = scope;
    sortNewestFirst(&photos);
    listing->photos = std::move(photos);
    listing->sections = monthSections(listing->photos);
    return listing;
}

QStringList rowsOf(const BrowseModel &model)
{
    QStringList rows;
    for (int row = 0; row < model.rowCount(); ++row) {
        rows << model.data(model.index(row), PhotoModel::PathRole).toString();
    }
    return rows;
}

QStringList pathsOf(const PhotoListing &listing)
{
    QStringList paths;
    for (const ListedPhoto &photo : listing.photos) {
        paths << photo.path;
    }
    return paths;
}

} // namespace

class BrowseModelTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void listingsChangeRowsInPlace()
    {
        ThumbnailLoader thumbnails(nullptr);
        BrowseModel model(&thumbnails);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

        const auto first = listingOf({{QStringLiteral("/r/a.jpg"), localMs(2026, 11, 20), false},
                                      {QStringLiteral("/r/b.jpg"), localMs(2026, 11, 3), false},
                                      {QStringLiteral("/r/x/c.jpg"), localMs(2026, 10, 9), false},
                                      {QStringLiteral("/r/x/d.jpg"), localMs(2025, 2, 1), false}});
        QVERIFY(model.setListing(first)); // the first listing: a reset
        QCOMPARE(reset.size(), 1);
        QCOMPARE(rowsOf(model), pathsOf(*first));
        // Months as sections with headers, per row too.
        const std::vector<GridSection> sections = model.gridSections();
        QCOMPARE(sections.size(), size_t(3));
        QCOMPARE(sections[0].title, BrowseModel::monthTitle(2026, 11));
        QCOMPARE(sections[0].count, 2);
        QCOMPARE(sections[0].detail, QStringLiteral("2 photos"));
        QCOMPARE(sections[2].detail, QStringLiteral("1 photo"));
        QCOMPARE(sections[0].kind, GridSection::Kind::Header);
        QCOMPARE(model.data(model.index(2), BrowseModel::SectionRole).toInt(), 1);
        QCOMPARE(model.data(model.index(3), BrowseModel::SectionTitleRole).toString(),
                 BrowseModel::monthTitle(2025, 2));
        QCOMPARE(model.data(model.index(0), PhotoModel::DateRole).toDateTime(),
                 QDateTime::fromMSecsSinceEpoch(localMs(2026, 11, 20)));
        QCOMPARE(model.data(model.index(0), Qt::DisplayRole).toString(), QStringLiteral("a.jpg"));
        QCOMPARE(model.indexOf(QStringLiteral("/r/x/c.jpg")).row(), 2);

        // b deleted, c found to be taken in 2024, e new: rows move, no reset.
        const auto second = listingOf({{QStringLiteral("/r/a.jpg"), localMs(2026, 11, 20), false},
                                       {QStringLiteral("/r/e.jpg"), localMs(2026, 12, 24), false},
                                       {QStringLiteral("/r/x/c.jpg"), localMs(2024, 1, 1), true},
                                       {QStringLiteral("/r/x/d.jpg"), localMs(2025, 2, 1), false}});
        QVERIFY(!model.setListing(second));
        QCOMPARE(reset.size(), 1);
        QVERIFY(!inserted.isEmpty());
        QVERIFY(!removed.isEmpty());
        QCOMPARE(rowsOf(model), pathsOf(*second));
        QCOMPARE(model.indexOf(QStringLiteral("/r/x/c.jpg")).row(), 3);
        QCOMPARE(model.gridSections().size(), size_t(4)); // Dec 2026, Nov 2026, Feb 2025, Jan 2024

        // Another scope: a reset.
        QVERIFY(model.setListing(
            listingOf({{QStringLiteral("/r/x/d.jpg"), localMs(2025, 2, 1), false}}, QStringLiteral("/r/x"))));
        QCOMPARE(reset.size(), 2);
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(model.setListing(nullptr));
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.gridSections().empty());
    }

    void manyScatteredChangesReset()
    {
        ThumbnailLoader thumbnails(nullptr);
        BrowseModel model(&thumbnails);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        std::vector<ListedPhoto> photos;
        for (int i = 0; i < 400; ++i) {
            const QString path = QStringLiteral("/r/%1.jpg").arg(i, 3, 10, QLatin1Char('0'));
            photos.push_back({path, localMs(2020, 1, 1) + i * 60000, false});
        }
        model.setListing(listingOf(photos));
        // Every third photo gets a date taken years later: hundreds of runs.
        for (size_t i = 0; i < photos.size(); i += 3) {
            photos[i].dateMs += qint64(3) * 365 * 24 * 3600 * 1000;
            photos[i].taken = true;
        }
        const auto moved = listingOf(photos);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QVERIFY(model.setListing(moved));
        QCOMPARE(reset.size(), 1);
        QCOMPARE(rowsOf(model), pathsOf(*moved));
    }

    void folderTreeCountsAndShape()
    {
        FolderTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QHash<QString, qint64> direct{
            {QStringLiteral("/r"), 2}, {QStringLiteral("/r/b"), 3}, {QStringLiteral("/r/a/deep"), 4}};
        model.setTree(buildFolderTree(QStringLiteral("/r"), direct));
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex root = model.index(0, 0);
        QCOMPARE(root.data(FolderTreeModel::PathRole).toString(), QStringLiteral("/r"));
        QCOMPARE(root.data(FolderTreeModel::PhotoCountRole).toLongLong(), qint64(9));
        QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("9"));
        QCOMPARE(model.rowCount(root), 2);
        const QModelIndex a = model.index(0, 0, root);
        QCOMPARE(a.data().toString(), QStringLiteral("a"));
        QCOMPARE(a.data(FolderTreeModel::PhotoCountRole).toLongLong(), qint64(4));
        QCOMPARE(model.rowCount(a), 1);
        QCOMPARE(model.parent(model.index(0, 0, a)), a);
        QCOMPARE(model.indexOf(QStringLiteral("/r/a/deep")), model.index(0, 0, a));
        QCOMPARE(model.index(1, 0, root).data().toString(), QStringLiteral("b"));

        // New counts, same folders: changed in place.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QHash<QString, qint64> more = direct;
        more[QStringLiteral("/r/b")] = 10;
        model.setTree(buildFolderTree(QStringLiteral("/r"), more));
        QCOMPARE(reset.size(), 0);
        QVERIFY(!changed.isEmpty());
        QCOMPARE(model.index(1, 0, model.index(0, 0)).data(FolderTreeModel::PhotoCountRole).toLongLong(), qint64(10));
        // A new folder: reset.
        more[QStringLiteral("/r/c")] = 1;
        model.setTree(buildFolderTree(QStringLiteral("/r"), more));
        QCOMPARE(reset.size(), 1);
        QCOMPARE(model.rowCount(model.index(0, 0)), 3);
        model.setTree({});
        QCOMPARE(model.rowCount(), 0);
    }

    void resultSectionsMarkTheCloseMatches()
    {
        ThumbnailLoader thumbnails(nullptr);
        ResultModel model(&thumbnails);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const std::vector<SearchHit> ranked{{QStringLiteral("/r/1"), 0.65f, {}},
                                            {QStringLiteral("/r/2"), 0.64f, {}},
                                            {QStringLiteral("/r/3"), 0.40f, {}},
                                            {QStringLiteral("/r/4"), 0.38f, {}}};
        model.setHits(ranked, 0.60f);
        QCOMPARE(model.closeMatches(), 2);
        std::vector<GridSection> sections = model.gridSections();
        QCOMPARE(sections.size(), size_t(2));
        QCOMPARE(sections[1].first, 2);
        QCOMPARE(sections[1].count, 2);
        QCOMPARE(sections[1].kind, GridSection::Kind::Divider);
        QVERIFY(model.data(model.index(1), PhotoModel::CloseMatchRole).toBool());
        QVERIFY(!model.data(model.index(2), PhotoModel::CloseMatchRole).toBool());
        QVERIFY(model.data(model.index(2), Qt::ToolTipRole).toString().contains(QStringLiteral("Score 0.400")));
        // In date order the close matches are not together: no divider, the others dimmed (CloseMatchRole).
        model.setHits({ranked[2], ranked[0], ranked[3], ranked[1]}, 0.60f);
        sections = model.gridSections();
        QCOMPARE(sections.size(), size_t(1));
        QCOMPARE(sections[0].kind, GridSection::Kind::Plain);
        QVERIFY(!model.data(model.index(0), PhotoModel::CloseMatchRole).toBool());
        QVERIFY(model.data(model.index(1), PhotoModel::CloseMatchRole).toBool());
        // All close (the cut on, or nothing below it): one plain section.
        model.setHits({ranked[0], ranked[1]}, 0.60f);
        QCOMPARE(model.gridSections().size(), size_t(1));
    }
};

QTEST_MAIN(BrowseModelTest)
#include "browsemodeltest.moc"
