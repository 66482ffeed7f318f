// SPDX-License-Identifier: MIT
// Search end to end with the trained shapes-clip model: the fixture photos are indexed into a temporary cache,
// then queries must find their class (eval.json's precision), reproduce the reference rankings
// (expected_rankings.json), and the query syntax, "more like this", the cutoff, date order, live row updates,
// the query cache and cancellation must behave.
#include "fixturedata.h"

#include "core/encode/clipencoder.h"
#include "core/index/indexer.h"
#include "core/search/searchengine.h"
#include "core/search/searchquery.h"
#include "core/store/librarydatabase.h"

#include <QDir>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

#include <utime.h>

using namespace clipfind;
using namespace clipfind::test;

namespace {

const QStringList kColors{QStringLiteral("red"),    QStringLiteral("green"),  QStringLiteral("blue"),
                          QStringLiteral("yellow"), QStringLiteral("purple"), QStringLiteral("orange"),
                          QStringLiteral("black"),  QStringLiteral("white")};
const QStringList kShapes{QStringLiteral("circle"), QStringLiteral("square"), QStringLiteral("triangle"),
                          QStringLiteral("star")};

struct Label {
    QString color;
    QString shape;
};

struct ReferenceHit {
    QString file;
    double score;
};

QString fixture(const QString &relative)
{
    return dataPath(QStringLiteral("shapes-clip/") + relative);
}

} // namespace

class SearchEngineTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_photos; // canonical
    QString m_database;
    std::unique_ptr<ClipEncoder> m_encoder;
    std::unique_ptr<SearchEngine> m_engine;
    QHash<QString, Label> m_labels; // file name -> label
    QMap<QString, std::vector<ReferenceHit>> m_reference;

    Label labelOf(const QString &path) const { return m_labels.value(QFileInfo(path).fileName()); }

    SearchResults search(const QString &query, SearchOptions options = {}) const
    {
        SearchResults results = m_engine->search(query, options);
        if (!results.error.isEmpty()) {
            qWarning("%s", qPrintable(results.error));
        }
        return results;
    }

    // Our top hits against the reference's: same files in the same order (files whose reference scores differ by
    // less than the tolerance may swap) and scores within the tolerance. Returns the largest score difference.
    double compareRanking(const QString &query, const SearchResults &results, double tolerance)
    {
        const std::vector<ReferenceHit> &reference = m_reference[query];
        if (results.hits.size() < reference.size()) {
            QTest::qFail(qPrintable(query + QLatin1String(": too few hits")), __FILE__, __LINE__);
            return 1.0;
        }
        double worst = 0;
        for (size_t i = 0; i < reference.size(); ++i) {
            const QString file = QFileInfo(results.hits[i].path).fileName();
            const double score = results.hits[i].score;
            auto same =
                std::find_if(reference.begin(), reference.end(), [&](const ReferenceHit &h) { return h.file == file; });
            double referenceScore;
            if (same != reference.end()) {
                referenceScore = same->score;
            } else if (i + 1 == reference.size()) {
                referenceScore = reference.back().score; // a tie with the reference's 11th may take the last place
            } else {
                referenceScore = -1;
            }
            const bool placeOk = std::fabs(referenceScore - reference[i].score) < tolerance;
            worst = std::max(worst, std::fabs(score - referenceScore));
            if (!placeOk || std::fabs(score - referenceScore) > tolerance) {
                QTest::qFail(qPrintable(QStringLiteral("%1: place %2 is %3 (%4), the reference has %5 (%6)")
                                            .arg(query)
                                            .arg(i + 1)
                                            .arg(file)
                                            .arg(score, 0, 'f', 6)
                                            .arg(reference[i].file)
                                            .arg(reference[i].score, 0, 'f', 6)),
                             __FILE__, __LINE__);
                return worst;
            }
        }
        return worst;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("photos"))));
        m_photos = QFileInfo(m_dir.filePath(QStringLiteral("photos"))).canonicalFilePath();
        const QDir images(fixture(QStringLiteral("images")));
        for (const QString &name : images.entryList({QStringLiteral("*.jpg")}, QDir::Files)) {
            QVERIFY(QFile::copy(images.filePath(name), m_photos + QLatin1Char('/') + name));
        }
        const QJsonObject labels = readJsonObject(fixture(QStringLiteral("labels.json")));
        QCOMPARE(labels.size(), 96);
        for (auto it = labels.begin(); it != labels.end(); ++it) {
            const QJsonArray pair = it.value().toArray();
            m_labels.insert(it.key(), {pair.at(0).toString(), pair.at(1).toString()});
        }
        const QJsonObject rankings = readJsonObject(fixture(QStringLiteral("expected_rankings.json")))
                                         .value(QStringLiteral("queries"))
                                         .toObject();
        QCOMPARE(rankings.size(), 41);
        for (auto it = rankings.begin(); it != rankings.end(); ++it) {
            for (const QJsonValue &hit : it.value().toArray()) {
                m_reference[it.key()].push_back(
                    {hit[QStringLiteral("file")].toString(), hit[QStringLiteral("score")].toDouble()});
            }
        }

        ClipEncoder::Settings settings;
        settings.load.device = clip::DeviceChoice::Cpu;
        QString error;
        m_encoder = ClipEncoder::load(fixture(QStringLiteral("model.pt")), settings, &error);
        QVERIFY2(m_encoder, qPrintable(error));
        m_database = databasePathIn(m_dir.filePath(QStringLiteral("data")));
        auto cache = LibraryDatabase::open(m_database, &error);
        QVERIFY2(cache, qPrintable(error));
        IndexOptions options;
        options.exactDecode = true; // the reference pipeline, as the rankings were made with it
        const IndexReport report = indexFolder(m_photos, *m_encoder, *cache, nullptr, options);
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.indexed, 96);
        m_engine = SearchEngine::open(m_encoder.get(), m_database, m_photos, &error);
        QVERIFY2(m_engine, qPrintable(error));
        QCOMPARE(m_engine->rowCount(), 96);
    }

    // Every color x shape query: precision at 3 at least the reference model's own (eval.json).
    void classQueriesFindTheirClass()
    {
        const double required = readJsonObject(fixture(QStringLiteral("eval.json")))
                                    .value(QStringLiteral("precision_at_3_class_queries"))
                                    .toDouble();
        QVERIFY(required > 0);
        double sum = 0;
        int queries = 0;
        for (const QString &color : kColors) {
            for (const QString &shape : kShapes) {
                const QString article = color == QLatin1String("orange") ? QStringLiteral("an") : QStringLiteral("a");
                const SearchResults results = search(QStringLiteral("%1 %2 %3").arg(article, color, shape));
                QVERIFY(results.hits.size() >= 3);
                int correct = 0;
                for (int i = 0; i < 3; ++i) {
                    const Label label = labelOf(results.hits[size_t(i)].path);
                    correct += label.color == color && label.shape == shape ? 1 : 0;
                }
                sum += correct / 3.0;
                ++queries;
            }
        }
        QCOMPARE(queries, 32);
        QVERIFY2(sum / queries >= required - 1e-9, qPrintable(QString::number(sum / queries)));
    }

    // The reference's top 10 for each of its 41 queries, from the rows as the cache stores them (fp16).
    void rankingsMatchReference()
    {
        double worst = 0;
        for (auto it = m_reference.begin(); it != m_reference.end(); ++it) {
            worst = std::max(worst, compareRanking(it.key(), search(it.key()), 1e-4));
            if (QTest::currentTestFailed()) {
                return;
            }
        }
        qInfo("largest score difference from the reference (fp16 cache rows): %.3g", worst);
    }

    // The same with fp32 rows handed over as the indexer's encoder output (upsertRows), no fp16 rounding.
    void rankingsMatchReferenceFromFloatRows()
    {
        SearchEngine::Options options;
        options.matrix.precision = clip::RowPrecision::Float32;
        QString error;
        auto engine = SearchEngine::open(m_encoder.get(), QString(), m_photos, options, &error);
        QVERIFY2(engine, qPrintable(error));
        QStringList paths;
        for (const QString &name : QDir(m_photos).entryList({QStringLiteral("*.jpg")}, QDir::Files)) {
            paths << m_photos + QLatin1Char('/') + name;
        }
        const EmbeddingRows rows = m_encoder->encodeImageFiles(paths);
        QVERIFY2(rows.error.isEmpty(), qPrintable(rows.error));
        engine->upsertRows(paths, rows.values, rows.dim);
        QCOMPARE(engine->rowCount(), 96);
        double worst = 0;
        for (auto it = m_reference.begin(); it != m_reference.end(); ++it) {
            worst = std::max(worst, compareRanking(it.key(), engine->search(it.key(), {}), 1e-4));
            if (QTest::currentTestFailed()) {
                return;
            }
        }
        qInfo("largest score difference from the reference (fp32 rows): %.3g", worst);
    }

    void partialAndCombinedQueries()
    {
        const SearchResults stars = search(QStringLiteral("a star"));
        const SearchResults red = search(QStringLiteral("something red"));
        const SearchResults notRed = search(QStringLiteral("circle - red"));
        QVERIFY(stars.hits.size() >= 3 && red.hits.size() >= 3 && notRed.hits.size() >= 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(labelOf(stars.hits[size_t(i)].path).shape, QStringLiteral("star"));
            QCOMPARE(labelOf(red.hits[size_t(i)].path).color, QStringLiteral("red"));
            QCOMPARE(labelOf(notRed.hits[size_t(i)].path).shape, QStringLiteral("circle"));
            QVERIFY(labelOf(notRed.hits[size_t(i)].path).color != QLatin1String("red"));
        }
        // Weights move the balance: 3:red + circle ranks red shapes, red circles first.
        const SearchResults weighted = search(QStringLiteral("3:red + circle"));
        QCOMPARE(labelOf(weighted.hits[0].path).color, QStringLiteral("red"));
        QCOMPARE(labelOf(weighted.hits[0].path).shape, QStringLiteral("circle"));
    }

    // Each image of a blue square, from outside the folder (encoded on the fly) and indexed (its stored row): the
    // photo itself (or the original of the copy) first, then another blue square, and only blue shapes in the top 3
    // (the reference model puts a blue circle third for one of the three).
    void similarFindsTheSameClass()
    {
        QStringList blueSquares;
        for (auto it = m_labels.begin(); it != m_labels.end(); ++it) {
            if (it.value().color == QLatin1String("blue") && it.value().shape == QLatin1String("square")) {
                blueSquares << it.key();
            }
        }
        blueSquares.sort();
        QCOMPARE(blueSquares.size(), 3);
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("outside"))));
        for (const QString &blueSquare : blueSquares) {
            const QString outside = m_dir.filePath(QStringLiteral("outside/query image %1").arg(blueSquare));
            QVERIFY(QFile::copy(fixture(QStringLiteral("images/")) + blueSquare, outside));
            for (const QString &image : {outside, m_photos + QLatin1Char('/') + blueSquare}) {
                const SearchResults results = m_engine->similar(image, {});
                QVERIFY2(results.error.isEmpty(), qPrintable(results.error));
                QVERIFY(results.hits.size() >= 3);
                QCOMPARE(results.encodedTexts, 0);
                QCOMPARE(QFileInfo(results.hits[0].path).fileName(), blueSquare);
                QVERIFY(results.hits[0].score > 0.999f);
                for (int i = 0; i < 3; ++i) {
                    const Label label = labelOf(results.hits[size_t(i)].path);
                    QVERIFY2(label.color == QLatin1String("blue") && (i == 2 || label.shape == QLatin1String("square")),
                             qPrintable(results.hits[size_t(i)].path));
                }
            }
            // As a query term, quoted because of the spaces, combined with text.
            const SearchResults combined = search(formatImageTerm(outside) + QStringLiteral(" + square"));
            QVERIFY2(combined.error.isEmpty(), qPrintable(combined.error));
            QCOMPARE(labelOf(combined.hits[0].path).shape, QStringLiteral("square"));
        }
    }

    void cutoffKeepsTheCloseOnes()
    {
        SearchOptions options;
        options.cutoff = true;
        const SearchResults results = search(QStringLiteral("a red circle"), options);
        // The reference: three red circles at 0.640-0.653, then a red square at 0.394.
        QCOMPARE(results.hits.size(), size_t(3));
        for (const SearchHit &hit : results.hits) {
            QCOMPARE(labelOf(hit.path).shape, QStringLiteral("circle"));
            QCOMPARE(labelOf(hit.path).color, QStringLiteral("red"));
        }
        options.k = 2;
        QCOMPARE(search(QStringLiteral("a red circle"), options).hits.size(), size_t(2));
        // Without the cutoff every hit comes back, and the cutoff score says where the cut falls: between the
        // three red circles (0.640-0.653) and the red square (0.394).
        options.cutoff = false;
        options.k = 20;
        const SearchResults all = search(QStringLiteral("a red circle"), options);
        QCOMPARE(all.hits.size(), size_t(20));
        QVERIFY(all.cutoffScore <= all.hits[2].score);
        QVERIFY(all.cutoffScore > all.hits[3].score);
        QCOMPARE(results.cutoffScore, all.cutoffScore);
    }

    void dateSortUsesFileTimeWithoutExif()
    {
        SearchOptions options;
        options.cutoff = true;
        const SearchResults byScore = search(QStringLiteral("a red circle"), options);
        QCOMPARE(byScore.hits.size(), size_t(3));
        // Give the best hit the oldest time and the last one the newest.
        const qint64 times[] = {1500000000, 1600000000, 1700000000};
        for (int i = 0; i < 3; ++i) {
            utimbuf t{times[i], times[i]};
            QVERIFY(utime(QFile::encodeName(byScore.hits[size_t(i)].path).constData(), &t) == 0);
        }
        options.sort = SearchSort::Date;
        const SearchResults byDate = search(QStringLiteral("a red circle"), options);
        QCOMPARE(byDate.hits.size(), size_t(3));
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(byDate.hits[size_t(i)].path, byScore.hits[size_t(2 - i)].path);
            QCOMPARE(byDate.hits[size_t(i)].date.toSecsSinceEpoch(), times[2 - i]);
        }
    }

    void repeatedQueriesSkipTheEncoder()
    {
        const SearchResults first = search(QStringLiteral("a white triangle + yellow"));
        const SearchResults second = search(QStringLiteral("a white triangle + yellow"));
        QCOMPARE(second.encodedTexts, 0);
        QVERIFY(first.encodedTexts <= 2);
        QCOMPARE(second.hits.size(), first.hits.size());
        for (size_t i = 0; i < first.hits.size(); ++i) {
            QCOMPARE(second.hits[i].path, first.hits[i].path);
            QCOMPARE(second.hits[i].score, first.hits[i].score);
        }
        QCOMPARE(search(QStringLiteral("yellow + purple shapes")).encodedTexts, 1); // "yellow" is cached already
    }

    void liveRowUpdates()
    {
        QString error;
        auto engine = SearchEngine::open(m_encoder.get(), m_database, m_photos, &error);
        QVERIFY2(engine, qPrintable(error));
        const SearchResults before = engine->search(QStringLiteral("a blue circle"), {});
        const QString best = before.hits[0].path;
        engine->removePaths({best});
        QCOMPARE(engine->rowCount(), 95);
        const SearchResults without = engine->search(QStringLiteral("a blue circle"), {});
        QCOMPARE(without.hits[0].path, before.hits[1].path);
        for (const SearchHit &hit : without.hits) {
            QVERIFY(hit.path != best);
        }
        // Back as the indexer would hand it over; a path outside the root is ignored.
        const EmbeddingRows rows = m_encoder->encodeImageFiles({best, best});
        engine->upsertRows({best, QStringLiteral("/elsewhere/x.jpg")}, rows.values, rows.dim);
        QCOMPARE(engine->rowCount(), 96);
        const SearchResults after = engine->search(QStringLiteral("a blue circle"), {});
        QCOMPARE(after.hits[0].path, best);
        QVERIFY(std::fabs(after.hits[0].score - before.hits[0].score) < 1e-3);
        // A replaced row: the best blue circle now holds a red star's embedding.
        QString redStar;
        for (auto it = m_labels.begin(); it != m_labels.end() && redStar.isEmpty(); ++it) {
            if (it.value().color == QLatin1String("red") && it.value().shape == QLatin1String("star")) {
                redStar = m_photos + QLatin1Char('/') + it.key();
            }
        }
        const EmbeddingRows star = m_encoder->encodeImageFiles({redStar});
        engine->upsertRows({best}, star.values, star.dim);
        QCOMPARE(engine->rowCount(), 96);
        QVERIFY(engine->search(QStringLiteral("a blue circle"), {}).hits[0].path != best);
        QVERIFY(engine->reload(&error));
        QCOMPARE(engine->search(QStringLiteral("a blue circle"), {}).hits[0].path, best);
    }

    // Issue 12: the rows load while the model does. A search started before the text tower is ready waits for it
    // and returns exactly what a ready engine returns; nothing of the image tower is built for it.
    void searchStartedBeforeTheModelIsReady()
    {
        ClipEncoder::Settings settings;
        settings.load.device = clip::DeviceChoice::Cpu;
        settings.preload = ClipEncoder::Preload::Nothing;
        QString error;
        auto encoder = ClipEncoder::load(fixture(QStringLiteral("model.pt")), settings, &error);
        QVERIFY2(encoder, qPrintable(error));
        QCOMPARE(encoder->sha256(), m_encoder->sha256());
        QVERIFY(!encoder->isTextTowerReady());
        auto engine = SearchEngine::open(encoder.get(), m_database, m_photos, &error);
        QVERIFY2(engine, qPrintable(error));
        QCOMPARE(engine->rowCount(), 96);
        QVERIFY(!encoder->isTextTowerReady()); // the rows are in, the model is not
        const QStringList queries{QStringLiteral("a red circle"), QStringLiteral("a yellow star"),
                                  QStringLiteral("blue square")};
        std::vector<SearchResults> results(size_t(queries.size()));
        std::vector<std::thread> searches;
        for (int i = 0; i < queries.size(); ++i) {
            searches.emplace_back([&, i] { results[size_t(i)] = engine->search(queries[i], {}); });
        }
        std::thread model([&] { encoder->prepareTextTower(); });
        model.join();
        for (std::thread &search : searches) {
            search.join();
        }
        QVERIFY(encoder->isTextTowerReady());
        QVERIFY(!encoder->isImageTowerReady());
        for (int i = 0; i < queries.size(); ++i) {
            const SearchResults &lazy = results[size_t(i)];
            QVERIFY2(lazy.error.isEmpty(), qPrintable(lazy.error));
            const SearchResults ready = search(queries[i]);
            QCOMPARE(lazy.hits.size(), ready.hits.size());
            for (size_t h = 0; h < ready.hits.size(); ++h) {
                QCOMPARE(lazy.hits[h].path, ready.hits[h].path);
                QCOMPARE(lazy.hits[h].score, ready.hits[h].score);
            }
            compareRanking(queries[i], lazy, 1e-4);
        }
    }

    // Issue 12: only the int8 codes stay in memory; the candidates' fp16 rows are read back from the cache, with
    // the very scores of rows kept in memory, and a cache changed behind the engine's back is read again.
    void rowsAreReadBackFromTheCache()
    {
        SearchEngine::Options kept;
        kept.matrix.keepRows = true;
        QString error;
        auto inMemory = SearchEngine::open(m_encoder.get(), m_database, m_photos, kept, &error);
        QVERIFY2(inMemory, qPrintable(error));
        QVERIFY(!SearchEngine::Options().matrix.keepRows); // the default (memory: embeddingmatrixtest)
        for (auto it = m_reference.begin(); it != m_reference.end(); ++it) {
            const SearchResults lean = search(it.key());
            const SearchResults full = inMemory->search(it.key(), {});
            QCOMPARE(lean.hits.size(), full.hits.size());
            for (size_t h = 0; h < full.hits.size(); ++h) {
                QCOMPARE(lean.hits[h].path, full.hits[h].path);
                QCOMPARE(lean.hits[h].score, full.hits[h].score);
            }
        }

        // Another process rewrites a photo's stored embedding (here: the best red circle gets a yellow star's).
        QTemporaryDir dir;
        const QString folder = QFileInfo(dir.path()).canonicalFilePath();
        QVERIFY(QFile::copy(fixture(QStringLiteral("images/img_0062.jpg")), folder + QStringLiteral("/circle.jpg")));
        QVERIFY(QFile::copy(fixture(QStringLiteral("images/img_0012.jpg")), folder + QStringLiteral("/other.jpg")));
        const QString database = databasePathIn(dir.filePath(QStringLiteral("data")));
        auto cache = LibraryDatabase::open(database, &error);
        QVERIFY2(cache, qPrintable(error));
        IndexOptions options;
        options.exactDecode = true;
        QVERIFY(indexFolder(folder, *m_encoder, *cache, nullptr, options).error.isEmpty());
        auto engine = SearchEngine::open(m_encoder.get(), database, folder, &error);
        QVERIFY2(engine, qPrintable(error));
        const SearchResults before = engine->search(QStringLiteral("a red circle"), {});
        QCOMPARE(before.hits[0].path, folder + QStringLiteral("/circle.jpg"));
        QString yellowStar;
        for (auto it = m_labels.begin(); it != m_labels.end() && yellowStar.isEmpty(); ++it) {
            if (it.value().color == QLatin1String("yellow") && it.value().shape == QLatin1String("star")) {
                yellowStar = m_photos + QLatin1Char('/') + it.key();
            }
        }
        const EmbeddingRows star = m_encoder->encodeImageFiles({yellowStar});
        const std::vector<FileState> files = cache->filesUnder(folder);
        QCOMPARE(files.size(), size_t(2));
        FileUpdate update;
        update.state = files[0].path.endsWith(QLatin1String("/circle.jpg")) ? files[0] : files[1];
        update.embedding = star.values;
        QVERIFY(cache->writeBatch(m_encoder->sha256(), {update}, {}, &error));
        const SearchResults after = engine->search(QStringLiteral("a red circle"), {});
        QVERIFY2(after.error.isEmpty(), qPrintable(after.error));
        auto fresh = SearchEngine::open(m_encoder.get(), database, folder, &error);
        QVERIFY2(fresh, qPrintable(error));
        const SearchResults expected = fresh->search(QStringLiteral("a red circle"), {});
        QCOMPARE(after.hits.size(), expected.hits.size());
        for (size_t h = 0; h < expected.hits.size(); ++h) {
            QCOMPARE(after.hits[h].path, expected.hits[h].path);
            QCOMPARE(after.hits[h].score, expected.hits[h].score);
        }
        QVERIFY(after.hits[0].path != before.hits[0].path || after.hits[0].score != before.hits[0].score);
    }

    // Searches on one thread while rows are removed and added back on another (the GUI beside the indexer): every
    // search sees a consistent matrix, and the rows end as they started.
    void searchesRunBesideRowUpdates()
    {
        QString error;
        auto engine = SearchEngine::open(m_encoder.get(), m_database, m_photos, &error);
        QVERIFY2(engine, qPrintable(error));
        QStringList paths;
        for (const QString &name : QDir(m_photos).entryList({QStringLiteral("*.jpg")}, QDir::Files)) {
            paths << m_photos + QLatin1Char('/') + name;
        }
        const QStringList some = paths.mid(0, 20);
        const EmbeddingRows rows = m_encoder->encodeImageFiles(some);
        std::atomic_bool done{false};
        std::atomic_int badResults{0};
        std::thread searcher([&] {
            int i = 0;
            while (!done) {
                const SearchResults r =
                    engine->search(i++ % 2 ? QStringLiteral("a green square") : QStringLiteral("red"), {});
                const bool ok = r.error.isEmpty() && !r.hits.empty()
                                && std::all_of(r.hits.begin(), r.hits.end(),
                                               [&](const SearchHit &h) { return paths.contains(h.path); });
                badResults += ok ? 0 : 1;
            }
        });
        for (int round = 0; round < 30; ++round) {
            engine->removePaths(some);
            engine->upsertRows(some, rows.values, rows.dim);
        }
        done = true;
        searcher.join();
        QCOMPARE(badResults.load(), 0);
        QCOMPARE(engine->rowCount(), 96);
        QCOMPARE(labelOf(engine->search(QStringLiteral("a green square"), {}).hits[0].path).shape,
                 QStringLiteral("square"));
    }

    // Copies of one photo share one stored embedding (the indexer reuses it by content hash): each copy is a hit.
    void copiesShareARow()
    {
        QTemporaryDir dir;
        const QString folder = QFileInfo(dir.path()).canonicalFilePath();
        const QString redCircle = fixture(QStringLiteral("images/img_0062.jpg")); // the reference's best red circle
        QVERIFY(QFile::copy(redCircle, folder + QStringLiteral("/a.jpg")));
        QVERIFY(QDir().mkpath(folder + QStringLiteral("/sub")));
        QVERIFY(QFile::copy(redCircle, folder + QStringLiteral("/sub/b.jpg")));
        QVERIFY(QFile::copy(fixture(QStringLiteral("images/img_0012.jpg")), folder + QStringLiteral("/c.jpg")));
        QString error;
        const QString database = databasePathIn(dir.filePath(QStringLiteral("data")));
        auto cache = LibraryDatabase::open(database, &error);
        QVERIFY2(cache, qPrintable(error));
        IndexOptions options;
        options.exactDecode = true;
        const IndexReport report = indexFolder(folder, *m_encoder, *cache, nullptr, options);
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.indexed + report.reused, qint64(3));
        auto engine = SearchEngine::open(m_encoder.get(), database, folder, &error);
        QVERIFY2(engine, qPrintable(error));
        QCOMPARE(engine->rowCount(), 3);
        const SearchResults results = engine->search(QStringLiteral("a red circle"), {});
        QCOMPARE(results.hits.size(), size_t(3));
        QCOMPARE(QSet<QString>({results.hits[0].path, results.hits[1].path}),
                 QSet<QString>({folder + QStringLiteral("/a.jpg"), folder + QStringLiteral("/sub/b.jpg")}));
        QCOMPARE(results.hits[0].score, results.hits[1].score);
        QVERIFY(std::fabs(results.hits[0].score - 0.65312) <= 1e-4); // expected_rankings.json
        QCOMPARE(results.hits[2].path, folder + QStringLiteral("/c.jpg"));
        // Only the folder's own rows: a subfolder as root sees one photo.
        auto sub = SearchEngine::open(m_encoder.get(), database, folder + QStringLiteral("/sub"), &error);
        QVERIFY2(sub, qPrintable(error));
        QCOMPARE(sub->rowCount(), 1);
    }

    void staleQueriesAreDropped()
    {
        std::atomic<quint64> generation{5};
        SearchOptions options;
        options.generation = &generation;
        options.startGeneration = 4; // a newer query has started
        const SearchResults stale = search(QStringLiteral("a black square"), options);
        QVERIFY(stale.cancelled);
        QVERIFY(stale.hits.empty());
        options.startGeneration = 5;
        const SearchResults current = search(QStringLiteral("a black square"), options);
        QVERIFY(!current.cancelled);
        QCOMPARE(labelOf(current.hits[0].path).shape, QStringLiteral("square"));
    }

    void errorsAreOneLine()
    {
        const SearchResults syntax = search(QStringLiteral("red +"));
        QVERIFY(syntax.hits.empty());
        QCOMPARE(syntax.error, QStringLiteral("query \"red +\": '+' at the end of the query needs a term after it"));
        const QString notImage = m_dir.filePath(QStringLiteral("notes.txt"));
        QVERIFY(QFile(notImage).open(QIODevice::WriteOnly));
        const SearchResults bad = m_engine->similar(notImage, {});
        QVERIFY(bad.hits.empty());
        QVERIFY2(bad.error.startsWith(QStringLiteral("cannot use the image "))
                     && bad.error.contains(QLatin1String("notes.txt")),
                 qPrintable(bad.error));
        QVERIFY(!bad.error.contains(QLatin1Char('\n')));
        const SearchResults missing = m_engine->similar(m_dir.filePath(QStringLiteral("gone.jpg")), {});
        QVERIFY(missing.error.endsWith(QStringLiteral("gone.jpg does not exist")));
        const SearchResults cancel = search(QStringLiteral("red - red"));
        QVERIFY(cancel.error.endsWith(QStringLiteral("the terms cancel out")));
        QVERIFY(search(QStringLiteral("   ")).hits.empty());
    }
};

QTEST_GUILESS_MAIN(SearchEngineTest)
#include "searchenginetest.moc"
