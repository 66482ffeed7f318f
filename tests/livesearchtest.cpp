// SPDX-License-Identifier: MIT
// LiveSearch with the trained shapes model: results refresh while indexing adds photos, rows committed while the
// engine loads are replayed into it, a superseded query's results are never delivered, and a query typed while
// an engine loads waits for it.
#include "fixturedata.h"

#include "core/encode/clipencoder.h"
#include "core/index/indexer.h"
#include "core/search/livesearch.h"
#include "core/search/searchengine.h"
#include "core/store/librarydatabase.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

namespace {

constexpr int kTimeoutMs = 60000;

} // namespace

class LiveSearchTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_photos;
    QStringList m_names;
    QHash<QString, QString> m_labelOf;
    std::shared_ptr<ClipEncoder> m_encoder;

    QString labelOf(const QString &path) const { return m_labelOf.value(QFileInfo(path).fileName()); }

    bool copyPhotos(int from, int to)
    {
        for (int i = from; i < to; ++i) {
            if (!QFile::copy(dataPath(QStringLiteral("shapes-clip/images/")) + m_names[i],
                             m_photos + QLatin1Char('/') + m_names[i])) {
                return false;
            }
        }
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_photos = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/photos");
        QVERIFY(QDir().mkpath(m_photos));
        m_names = QDir(dataPath(QStringLiteral("shapes-clip/images"))).entryList(QDir::Files, QDir::Name);
        QCOMPARE(m_names.size(), 96);
        m_labelOf = readShapeLabels();
        ClipEncoder::Settings settings;
        settings.load.device = clip::DeviceChoice::Cpu;
        QString error;
        m_encoder = ClipEncoder::load(dataPath(QStringLiteral("shapes-clip/model.pt")), settings, &error);
        QVERIFY2(m_encoder, qPrintable(error));
    }

    void resultsFollowIndexing()
    {
        const QString databasePath = m_dir.filePath(QStringLiteral("cache.sqlite"));
        QString error;
        auto cache = LibraryDatabase::open(databasePath, &error);
        QVERIFY2(cache, qPrintable(error));
        // The first half is indexed before the engine loads.
        QVERIFY(copyPhotos(0, 48));
        QCOMPARE(indexFolder(m_photos, *m_encoder, *cache, nullptr, IndexOptions{}).indexed, 48);

        LiveSearch live;
        live.setRefreshInterval(50);
        live.beginRows();
        auto engine =
            std::shared_ptr<SearchEngine>(SearchEngine::open(m_encoder.get(), databasePath, m_photos, &error));
        QVERIFY2(engine, qPrintable(error));

        // Rows committed while the engine was loading (here: before setEngine) are replayed into it.
        QVERIFY(copyPhotos(48, 60));
        IndexHooks hooks;
        hooks.committed = [&live](const IndexedRows &rows) { live.applyRows(rows); };
        QCOMPARE(indexFolder(m_photos, *m_encoder, *cache, nullptr, IndexOptions{}, hooks).indexed, 12);
        QCOMPARE(engine->rowCount(), 48);
        QSignalSpy ready(&live, &LiveSearch::resultsReady);
        live.setEngine(engine);
        QCOMPARE(engine->rowCount(), 60);

        live.searchNow(QStringLiteral("a red circle"));
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() && !ready.last().at(0).value<SearchResults>().hits.empty(),
                                 kTimeoutMs);
        SearchResults results = ready.last().at(0).value<SearchResults>();
        QCOMPARE(qint64(results.hits.size()), 60);

        // The rest arrives through the indexer's hook; the current query refreshes by itself.
        QVERIFY(copyPhotos(60, 96));
        ready.clear();
        QCOMPARE(indexFolder(m_photos, *m_encoder, *cache, nullptr, IndexOptions{}, hooks).indexed, 36);
        live.scheduleRefresh();
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), kTimeoutMs);
        results = ready.last().at(0).value<SearchResults>();
        QCOMPARE(results.query, QStringLiteral("a red circle"));
        QCOMPARE(qint64(results.hits.size()), 96);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(labelOf(results.hits[size_t(i)].path), QStringLiteral("red circle"));
        }
        // Red circles from both halves are found.
        QStringList redCircles;
        for (int i = 0; i < 3; ++i) {
            redCircles << QFileInfo(results.hits[size_t(i)].path).fileName();
        }
        QStringList expected;
        for (const QString &name : m_names) {
            if (m_labelOf.value(name) == QLatin1String("red circle")) {
                expected << name;
            }
        }
        redCircles.sort();
        QCOMPARE(redCircles, expected);
        // At least one of them came with the last batch, so the refresh, not the first search, found it.
        QVERIFY(std::any_of(expected.cbegin(), expected.cend(),
                            [this](const QString &name) { return m_names.indexOf(name) >= 60; }));

        // A query replaced while it runs: only the newest query's results are delivered.
        ready.clear();
        live.searchNow(QStringLiteral("a purple star"));
        live.searchNow(QStringLiteral("a green square"));
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), kTimeoutMs);
        QTest::qWait(300);
        QCOMPARE(ready.count(), 1);
        results = ready.first().at(0).value<SearchResults>();
        QCOMPARE(results.query, QStringLiteral("a green square"));
        QCOMPARE(labelOf(results.hits.front().path), QStringLiteral("green square"));

        // Typing: the debounced query runs once, for the last text.
        ready.clear();
        live.setQuery(QStringLiteral("a y"));
        live.setQuery(QStringLiteral("a yel"));
        live.setQuery(QStringLiteral("a yellow star"));
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), kTimeoutMs);
        QTest::qWait(300);
        QCOMPARE(ready.count(), 1);
        QCOMPARE(ready.first().at(0).value<SearchResults>().query, QStringLiteral("a yellow star"));
    }

    void aQueryWaitsForTheEngineOnItsWay()
    {
        const QString databasePath = m_dir.filePath(QStringLiteral("cache.sqlite")); // filled by the test above
        QString error;
        std::shared_ptr<SearchEngine> engine = SearchEngine::open(m_encoder.get(), databasePath, m_photos, &error);
        QVERIFY2(engine, qPrintable(error));
        QVERIFY(engine->rowCount() > 0);
        LiveSearch live;
        QSignalSpy ready(&live, &LiveSearch::resultsReady);
        // No engine and none coming: an empty result saying why.
        live.searchNow(QStringLiteral("a red circle"));
        QCOMPARE(ready.count(), 1);
        QVERIFY(!ready.first().at(0).value<SearchResults>().error.isEmpty());
        // An engine on its way (a folder, a scope or a model just arrived): the query waits, nothing is reported...
        ready.clear();
        live.beginRows();
        QVERIFY(live.isWaitingForEngine());
        live.searchNow(QStringLiteral("a blue star"));
        QTest::qWait(300);
        QCOMPARE(ready.count(), 0);
        // ... and runs when the engine is there.
        live.setEngine(engine);
        QVERIFY(!live.isWaitingForEngine());
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), kTimeoutMs);
        const SearchResults results = ready.last().at(0).value<SearchResults>();
        QCOMPARE(results.query, QStringLiteral("a blue star"));
        QCOMPARE(labelOf(results.hits.front().path), QStringLiteral("blue star"));
    }
};

QTEST_GUILESS_MAIN(LiveSearchTest)
#include "livesearchtest.moc"
