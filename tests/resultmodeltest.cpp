// SPDX-License-Identifier: MIT
// ResultModel under QAbstractItemModelTester (failures fail the test) through result lists, refreshes of the same
// list, thumbnails arriving, photos that cannot be read and clears; and what a drag out of the grid carries.
#include "fixturedata.h"
#include "testfiles.h"

#include "core/thumbnails/thumbnailcache.h"
#include "core/thumbnails/thumbnailloader.h"
#include "ui/resultmodel.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QImageReader>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

namespace {

constexpr int kTimeoutMs = 30000;

std::vector<SearchHit> hitsOf(const QStringList &paths)
{
    std::vector<SearchHit> hits;
    float score = 0.9f;
    for (const QString &path : paths) {
        hits.push_back({path, score, {}});
        score -= 0.1f;
    }
    return hits;
}

QImage decorationOf(const ResultModel &model, int row)
{
    return model.data(model.index(row), Qt::DecorationRole).value<QImage>();
}

} // namespace

class ResultModelTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_landscape;  // 2000 x 1500
    QString m_portrait;   // 1600 x 1200 stored, EXIF 6: 1200 x 1600 upright
    QString m_small;      // 120 x 90
    QString m_unreadable; // not an image

    // Asks for the thumbnails of every row, as a view painting them would, and waits until each has arrived.
    static bool loadAll(ResultModel *model)
    {
        QSignalSpy changed(model, &QAbstractItemModel::dataChanged);
        for (int row = 0; row < model->rowCount(); ++row) {
            decorationOf(*model, row);
        }
        QSet<int> arrived;
        for (int waited = 0; waited < kTimeoutMs && arrived.size() < model->rowCount(); waited += 20) {
            QTest::qWait(20);
            for (const QList<QVariant> &signal : std::as_const(changed)) {
                const auto roles = signal.at(2).value<QList<int>>();
                if (roles.contains(Qt::DecorationRole)) {
                    arrived.insert(signal.at(0).toModelIndex().row());
                }
            }
        }
        return arrived.size() == model->rowCount();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        auto copy = [this](const QString &name) {
            const QString target = m_dir.filePath(name);
            return QFile::copy(dataPath(QStringLiteral("images/") + name), target) ? target : QString();
        };
        m_landscape = copy(QStringLiteral("landscape_2000x1500.jpg"));
        m_portrait = copy(QStringLiteral("portrait_exif6_1600x1200.jpg"));
        m_small = copy(QStringLiteral("small_120x90.png"));
        QVERIFY(!m_landscape.isEmpty() && !m_portrait.isEmpty() && !m_small.isEmpty());
        m_unreadable = m_dir.filePath(QStringLiteral("notes.jpg"));
        QVERIFY(writeBytes(m_unreadable, QByteArray("shopping list: milk, eggs")));
    }

    void thumbnailsArriveThroughRefreshesAndClears()
    {
        const ThumbnailCache store(m_dir.filePath(QStringLiteral("cache")), m_dir.filePath(QStringLiteral("own")));
        ThumbnailLoader loader(&store);
        ResultModel model(&loader);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

        model.setHits(hitsOf({m_landscape, m_portrait, m_small, m_unreadable}));
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.pathAt(model.index(1)), m_portrait);
        QCOMPARE(model.indexOf(m_small).row(), 2);
        QVERIFY(!model.indexOf(m_dir.filePath(QStringLiteral("elsewhere.jpg"))).isValid());
        const QImage placeholder = decorationOf(model, 0);
        QVERIFY(!placeholder.isNull()); // a placeholder until the thumbnail is there

        QVERIFY(loadAll(&model));
        QCOMPARE(decorationOf(model, 0).size(), QSize(256, 192));
        QCOMPARE(decorationOf(model, 1).size(), QSize(192, 256)); // upright
        QCOMPARE(decorationOf(model, 2).size(), QSize(120, 90));
        const QImage unreadable = decorationOf(model, 3);
        QVERIFY(!unreadable.isNull());
        QVERIFY(unreadable != placeholder);            // "cannot be read", not "still loading"
        QVERIFY(decorationOf(model, 3) == unreadable); // and not asked for again
        const QString tip = model.data(model.index(3), Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("notes.jpg:")), qPrintable(tip)); // the decoder's reason
        QVERIFY(model.data(model.index(1), Qt::ToolTipRole).toString().contains(QStringLiteral("1200 × 1600")));

        // A refresh with the same photos in another order: the thumbnails are there at once.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setHits(hitsOf({m_small, m_landscape, m_portrait}));
        QCOMPARE(reset.size(), 1);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(decorationOf(model, 0).size(), QSize(120, 90));
        QCOMPARE(decorationOf(model, 2).size(), QSize(192, 256));
        QCOMPARE(model.data(model.index(0), ResultModel::PathRole).toString(), m_small);
        QCOMPARE(model.data(model.index(0), ResultModel::ScoreRole).toDouble(), double(0.9f));

        // Cleared while a thumbnail is on its way: the empty list gets no change for it.
        const QString fresh = m_dir.filePath(QStringLiteral("copy.jpg"));
        QVERIFY(QFile::copy(m_landscape, fresh));
        model.setHits(hitsOf({fresh}));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        decorationOf(model, 0);
        model.setHits({});
        QCOMPARE(model.rowCount(), 0);
        loader.pool()->waitForDone();
        QTest::qWait(50);
        QCOMPARE(changed.size(), 0);
        QVERIFY(!model.data(model.index(0), Qt::DecorationRole).isValid());
    }

    void aDraggedPhotoCarriesItsUprightImage()
    {
        ThumbnailLoader loader(nullptr);
        ResultModel model(&loader);
        model.setHits(hitsOf({m_portrait, m_landscape}));
        std::unique_ptr<QMimeData> one(model.mimeData({model.index(0)}));
        QVERIFY(one && one->hasImage());
        const QImage image = qvariant_cast<QImage>(one->imageData());
        QImageReader reader(m_portrait); // Qt's own decoder: an independent opinion on "upright"
        reader.setAutoTransform(true);
        QCOMPARE(image.size(), reader.read().size());
        std::unique_ptr<QMimeData> both(model.mimeData({model.index(1), model.index(0)}));
        QCOMPARE(both->urls(), (QList<QUrl>{QUrl::fromLocalFile(m_portrait), QUrl::fromLocalFile(m_landscape)}));
        QVERIFY(!both->hasImage());
    }
};

QTEST_MAIN(ResultModelTest)
#include "resultmodeltest.moc"
