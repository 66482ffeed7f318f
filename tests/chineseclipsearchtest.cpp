// SPDX-License-Identifier: MIT
// Chinese-CLIP as the library's model, end to end: the tiny ChineseCLIPModel of tests/data/multilingual (random
// weights, expected features made by a forward written from transformers' code, see that folder's README) chosen by
// its folder, photos indexed through PhotoLibrary (ClipFind's decoder, the folder's own preprocessing), the stored
// rows compared with the fixture's image features, and text, weighted, image and mixed queries ranked through the
// live search compared with the ranking the fixture's own text and image features give. Then the same folder indexed
// with a CLIP model into the same database (its rows stay apart), and broken Chinese-CLIP folders (one line each).
#include "fixturedata.h"

#include "core/encode/chineseclipencoder.h"
#include "core/encode/photoencoderloader.h"
#include "core/index/libraryindexer.h"
#include "core/models/modelcheck.h"
#include "core/models/modelmanifest.h"
#include "core/photolibrary.h"
#include "core/search/livesearch.h"
#include "core/search/searchengine.h"
#include "core/search/searchquery.h"
#include "core/store/filehash.h"
#include "core/store/librarydatabase.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace clipfind;
using namespace clipfind::test;

namespace {

constexpr int kTimeoutMs = 60000;
// Scores come from the stored fp16 rows (and the int8 pre-selection's exact rescoring): a few 1e-4 off the float64
// cosine of the reference features. Two photos closer than this in the reference may come in either order.
constexpr double kScoreTolerance = 2e-3;

const QString kModel = QStringLiteral("multilingual/tiny-chinese-clip");

std::vector<double> normalized(std::vector<double> v)
{
    double norm = 0;
    for (double x : v) {
        norm += x * x;
    }
    norm = std::sqrt(norm);
    for (double &x : v) {
        x /= norm;
    }
    return v;
}

// sum of weight x normalized term, as the search field's syntax defines a query.
std::vector<double> combine(const std::vector<std::pair<double, std::vector<double>>> &terms)
{
    std::vector<double> sum(terms.front().second.size(), 0.0);
    for (const auto &[weight, term] : terms) {
        const std::vector<double> n = normalized(term);
        for (size_t i = 0; i < sum.size(); ++i) {
            sum[i] += weight * n[i];
        }
    }
    return normalized(sum);
}

double cosine(const std::vector<double> &unitQuery, const std::vector<double> &row)
{
    const std::vector<double> n = normalized(row);
    double dot = 0;
    for (size_t i = 0; i < n.size(); ++i) {
        dot += unitQuery[i] * n[i];
    }
    return dot;
}

bool isOneLineNaming(const QString &error, const QString &folder)
{
    return !error.isEmpty() && !error.contains(QLatin1Char('\n')) && error.contains(QDir::toNativeSeparators(folder));
}

void copyFolder(const QString &from, const QString &to)
{
    QDir().mkpath(to);
    for (const QFileInfo &entry : QDir(from).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (entry.isDir()) {
            copyFolder(entry.filePath(), QDir(to).filePath(entry.fileName()));
        } else {
            QFile::copy(entry.filePath(), QDir(to).filePath(entry.fileName()));
        }
    }
}

} // namespace

class ChineseClipSearchTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_photos;
    QString m_database;
    ExpectedModel m_expected;
    QStringList m_names; // the fixture images' file names, in expected.json's order
    std::unique_ptr<PhotoLibrary> m_library;
    int m_clearPairs = 0; // pairs of hits whose reference scores differ by more than the tolerance

    QString modelFolder() const { return dataPath(kModel); }

    int referenceIndex(const QString &path) const { return m_names.indexOf(QFileInfo(path).fileName()); }

    // The live search's hits for `query` against the reference ranking of `unitQuery`: every photo, each score
    // within the tolerance of the reference cosine, and no two in an order the reference contradicts by more.
    void checkRanking(const QString &query, const std::vector<double> &unitQuery)
    {
        if (QTest::currentTestFailed()) {
            return; // one failure is enough to read
        }
        QSignalSpy results(m_library->search(), &LiveSearch::resultsReady);
        m_library->search()->searchNow(query);
        QTRY_VERIFY_WITH_TIMEOUT(!results.isEmpty(), kTimeoutMs);
        const SearchResults found = results.last().at(0).value<SearchResults>();
        QVERIFY2(found.error.isEmpty(), qPrintable(found.error));
        QCOMPARE(found.hits.size(), size_t(m_names.size()));
        std::vector<double> reference;
        for (const SearchHit &hit : found.hits) {
            const int index = referenceIndex(hit.path);
            QVERIFY2(index >= 0, qPrintable(hit.path));
            reference.push_back(cosine(unitQuery, m_expected.imageFeatures[size_t(index)]));
            QVERIFY2(std::fabs(double(hit.score) - reference.back()) <= kScoreTolerance,
                     qPrintable(QStringLiteral("%1: %2 scored %3, the reference %4")
                                    .arg(query, hit.path)
                                    .arg(double(hit.score))
                                    .arg(reference.back())));
        }
        for (size_t i = 0; i + 1 < reference.size(); ++i) {
            QVERIFY2(reference[i] >= reference[i + 1] - kScoreTolerance,
                     qPrintable(QStringLiteral("%1: hit %2 ranks above a better photo").arg(query).arg(i)));
        }
        for (size_t i = 0; i < reference.size(); ++i) {
            for (size_t j = i + 1; j < reference.size(); ++j) {
                m_clearPairs += std::fabs(reference[i] - reference[j]) > kScoreTolerance ? 1 : 0;
            }
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_expected = readExpected(kModel);
        QCOMPARE(m_expected.imagePaths.size(), 4);
        QCOMPARE(m_expected.imageFeatures.size(), size_t(4));
        m_photos = QDir(m_dir.path()).filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(m_photos));
        for (const QJsonValue &image : m_expected.json.value(QStringLiteral("images")).toArray()) {
            // expected.json's paths are relative to tests/data/multilingual ("../images/x.jpg").
            const QString source = QDir::cleanPath(dataPath(QStringLiteral("multilingual/") + image.toString()));
            QVERIFY2(QFile::copy(source, QDir(m_photos).filePath(QFileInfo(source).fileName())), qPrintable(source));
            m_names << QFileInfo(source).fileName();
        }
        m_photos = QFileInfo(m_photos).canonicalFilePath();
        m_database = QDir(m_dir.path()).filePath(QStringLiteral("data/cache.sqlite"));
    }

    void cleanupTestCase() { m_library.reset(); }

    void recognisesTheFolder()
    {
        QVERIFY(ChineseClipEncoder::isChineseClipFolder(modelFolder()));
        QVERIFY(!ChineseClipEncoder::isChineseClipFolder(dataPath(QStringLiteral("tiny-hf"))));
        QVERIFY(
            !ChineseClipEncoder::isChineseClipFolder(dataPath(QStringLiteral("multilingual/tiny-st-multilingual"))));
        // A sentence-transformers text model cannot be a library's model: it has no image tower.
        QString error;
        ClipEncoder::Settings settings;
        QVERIFY(!loadPhotoEncoder(dataPath(QStringLiteral("multilingual/tiny-st-multilingual")), settings, &error));
        QVERIFY2(isOneLineNaming(error, dataPath(QStringLiteral("multilingual/tiny-st-multilingual"))),
                 qPrintable(error));
        // The model store's check (model dialog, clipfind-cli models check) knows the folder too.
        const ModelCheck check = checkModelFile(modelFolder(), ModelManifest::builtIn());
        QVERIFY2(check.ok, qPrintable(check.error));
        QCOMPARE(check.format, QStringLiteral("hf-chinese-clip"));
        QCOMPARE(check.architecture, QStringLiteral("Chinese-CLIP"));
    }

    void indexesTheReferenceImageFeatures()
    {
        m_library = std::make_unique<PhotoLibrary>(m_database, nullptr);
        QSignalSpy ready(m_library.get(), &PhotoLibrary::modelReady);
        QSignalSpy failed(m_library.get(), &PhotoLibrary::modelFailed);
        QSignalSpy finished(m_library->indexer(), &LibraryIndexer::runFinished);
        QSignalSpy searchReady(m_library.get(), &PhotoLibrary::searchReady);
        ClipEncoder::Settings settings;
        settings.load.device = clip::DeviceChoice::Cpu;
        settings.dataDir = QDir(m_dir.path()).filePath(QStringLiteral("data"));
        m_library->loadModel(modelFolder(), settings); // chosen by its folder, as the app and the CLI do
        IndexOptions options;
        options.exactDecode = true; // the reference decodes every photo at full size
        QString error;
        QVERIFY2(m_library->openFolder(m_photos, options, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() || !failed.isEmpty(), kTimeoutMs);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        QVERIFY2(ready.first().at(0).toString().contains(QStringLiteral("Chinese-CLIP")),
                 qPrintable(ready.first().at(0).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 2 * kTimeoutMs);
        const IndexReport report = finished.first().at(0).value<IndexReport>();
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.indexed, qint64(4));
        QVERIFY(report.failed.empty());

        // The rows as stored (fp16), against the fixture's image features: the README's tolerance (1e-4 of the
        // row's largest value) plus the storage's rounding (half a unit in the last place of fp16, 2^-11 relative).
        const QString modelId = m_library->encoder()->modelId();
        QVERIFY(modelId.startsWith(QStringLiteral("chinese-clip:")));
        auto cache = LibraryDatabase::openReadOnly(m_database, &error);
        QVERIFY2(cache, qPrintable(error));
        QStringList paths;
        std::vector<float> rows;
        int dim = 0;
        QVERIFY2(cache->loadEmbeddings(m_photos, modelId, &paths, &rows, &dim, &error), qPrintable(error));
        QCOMPARE(paths.size(), 4);
        QCOMPARE(dim, int(m_expected.imageFeatures.front().size()));
        for (int r = 0; r < paths.size(); ++r) {
            const int index = referenceIndex(paths[r]);
            QVERIFY2(index >= 0, qPrintable(paths[r]));
            const std::vector<double> &reference = m_expected.imageFeatures[size_t(index)];
            double maxRef = 0;
            for (double v : reference) {
                maxRef = std::max(maxRef, std::fabs(v));
            }
            for (int j = 0; j < dim; ++j) {
                const double ref = reference[size_t(j)];
                const double ours = rows[size_t(r) * size_t(dim) + size_t(j)];
                const double tolerance = 1e-4 * maxRef + std::fabs(ref) * std::ldexp(1.0, -11) + std::ldexp(1.0, -25);
                QVERIFY2(
                    std::fabs(ours - ref) <= tolerance,
                    qPrintable(QStringLiteral("%1[%2]: %3, the reference %4").arg(paths[r]).arg(j).arg(ours).arg(ref)));
            }
        }
        QTRY_VERIFY_WITH_TIMEOUT(!searchReady.isEmpty(), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_library->searchableRows(), qint64(4), kTimeoutMs);
    }

    void ranksTextQueriesAsTheReference()
    {
        QVERIFY(m_library);
        SearchOptions options;
        options.k = 100;
        options.cutoff = false;
        m_library->search()->setOptions(options);
        int queries = 0;
        for (int i = 0; i < m_expected.texts.size(); ++i) {
            const QString &text = m_expected.texts[i];
            if (text.trimmed().isEmpty() || parseSearchQuery(text).terms.size() != 1) {
                continue; // a blank query has no hits; the fixture's texts are meant as single terms
            }
            checkRanking(text, normalized(m_expected.textFeatures[size_t(i)]));
            if (QTest::currentTestFailed()) {
                return;
            }
            ++queries;
        }
        QVERIFY(queries >= 8);
    }

    void ranksArithmeticAndImageTermsAsTheReference()
    {
        QVERIFY(m_library);
        const std::vector<std::vector<double>> &t = m_expected.textFeatures;
        const std::vector<std::vector<double>> &img = m_expected.imageFeatures;
        // Texts 0 and 1 are "一只猫在沙发上" and "海边的日落".
        checkRanking(m_expected.texts[1] + QStringLiteral(" + ") + m_expected.texts[0],
                     combine({{1, t[1]}, {1, t[0]}}));
        checkRanking(QStringLiteral("2:") + m_expected.texts[1] + QStringLiteral(" - ") + m_expected.texts[0],
                     combine({{2, t[1]}, {-1, t[0]}}));
        // "More like this" of an indexed photo: its stored row is the query.
        const QString first = QDir(m_photos).filePath(m_names[0]);
        checkRanking(formatImageTerm(first), combine({{1, img[0]}}));
        checkRanking(formatImageTerm(first) + QStringLiteral(" - 0.5:") + m_expected.texts[1],
                     combine({{1, img[0]}, {-0.5, t[1]}}));
        // A dropped image from outside the folder is encoded on the fly, with the same pipeline.
        const QString outside = QDir(m_dir.path()).filePath(QStringLiteral("dropped-") + m_names[3]);
        QVERIFY(QFile::copy(QDir(m_photos).filePath(m_names[3]), outside));
        checkRanking(formatImageTerm(outside), combine({{1, img[3]}}));
        // The comparison could fail: the reference separates most pairs by more than the tolerance.
        qInfo() << "pairs the reference separates by more than the tolerance:" << m_clearPairs;
        QVERIFY2(m_clearPairs >= 30, qPrintable(QString::number(m_clearPairs)));
    }

    void clipRowsStayApart()
    {
        // The same folder, the same database, a CLIP model: it indexes every photo itself (nothing reused from
        // the Chinese-CLIP rows) and each model sees only its own rows.
        QVERIFY(m_library);
        const QString chineseId = m_library->encoder()->modelId();
        m_library.reset();
        QString error;
        ClipEncoder::Settings settings;
        settings.load.device = clip::DeviceChoice::Cpu;
        std::unique_ptr<PhotoEncoder> clipModel =
            loadPhotoEncoder(dataPath(QStringLiteral("tiny-hf")), settings, &error);
        QVERIFY2(clipModel, qPrintable(error));
        QVERIFY(clipModel->modelId() != chineseId);
        QCOMPARE(clipModel->modelId(), sha256OfFile(dataPath(QStringLiteral("tiny-hf/model.safetensors")), &error));
        auto cache = LibraryDatabase::open(m_database, &error);
        QVERIFY2(cache, qPrintable(error));
        IndexOptions options;
        options.exactDecode = true;
        const IndexReport clipRun = indexFolder(m_photos, *clipModel, *cache, nullptr, options);
        QVERIFY2(clipRun.error.isEmpty(), qPrintable(clipRun.error));
        QCOMPARE(clipRun.indexed, qint64(4));
        QCOMPARE(clipRun.reused, qint64(0));
        QCOMPARE(cache->counts(m_photos, clipModel->modelId()).indexed, qint64(4));
        QCOMPARE(cache->counts(m_photos, chineseId).indexed, qint64(4));

        QStringList paths;
        std::vector<float> rows;
        int dim = 0;
        QVERIFY(cache->loadEmbeddings(m_photos, clipModel->modelId(), &paths, &rows, &dim, &error));
        QCOMPARE(dim, 48); // tiny-hf's projection
        QCOMPARE(paths.size(), 4);
        QVERIFY(cache->loadEmbeddings(m_photos, chineseId, &paths, &rows, &dim, &error));
        QCOMPARE(dim, int(m_expected.imageFeatures.front().size()));
        QCOMPARE(paths.size(), 4);

        // The Chinese-CLIP model, again: its rows are still there (nothing to encode), and its search has 4 rows of
        // its own dimension.
        std::unique_ptr<PhotoEncoder> chinese = loadPhotoEncoder(modelFolder(), settings, &error);
        QVERIFY2(chinese, qPrintable(error));
        QCOMPARE(chinese->modelId(), chineseId);
        QCOMPARE(photoModelIdFor(modelFolder(), {}, &error), chineseId);
        const IndexReport again = indexFolder(m_photos, *chinese, *cache, nullptr, options);
        QVERIFY2(again.error.isEmpty(), qPrintable(again.error));
        QCOMPARE(again.unchanged, qint64(4));
        QCOMPARE(again.indexed, qint64(0));
        for (PhotoEncoder *encoder : {chinese.get(), clipModel.get()}) {
            auto engine = SearchEngine::open(encoder, m_database, m_photos, &error);
            QVERIFY2(engine, qPrintable(error));
            QCOMPARE(engine->rowCount(), qint64(4));
            const SearchResults found = engine->search(m_expected.texts[1], SearchOptions{});
            QVERIFY2(found.error.isEmpty(), qPrintable(found.error));
            QCOMPARE(found.hits.size(), size_t(4));
        }
    }

    void cliIndexesAndSearches()
    {
        // clipfind-cli chooses the model by its folder too: index, status and search with their own data folder.
        const QString dataDir = QDir(m_dir.path()).filePath(QStringLiteral("cli-data"));
        const QStringList common{QStringLiteral("--model"), modelFolder(), QStringLiteral("--data-dir"), dataDir};
        auto run = [](const QStringList &arguments, QJsonObject *out) {
            QProcess cli;
            cli.start(QStringLiteral(CLIPFIND_CLI), arguments);
            if (!cli.waitForFinished(kTimeoutMs) || cli.exitCode() != 0) {
                qWarning().noquote() << cli.readAllStandardError();
                return false;
            }
            *out = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
            return true;
        };
        QJsonObject out;
        QVERIFY(run(QStringList{QStringLiteral("index"), m_photos, QStringLiteral("--exact"),
                                QStringLiteral("--device"), QStringLiteral("cpu")}
                        + common,
                    &out));
        QCOMPARE(out.value(QStringLiteral("indexed")).toInt(), 4);
        QVERIFY(run(QStringList{QStringLiteral("status"), m_photos} + common, &out));
        QCOMPARE(out.value(QStringLiteral("indexed")).toInt(), 4);
        QVERIFY(out.value(QStringLiteral("model_sha256")).toString().startsWith(QStringLiteral("chinese-clip:")));
        const int text = 2; // "两只狗在雪地里玩耍"
        QVERIFY(run(QStringList{QStringLiteral("search"), m_photos, m_expected.texts[text], QStringLiteral("--json"),
                                QStringLiteral("--device"), QStringLiteral("cpu")}
                        + common,
                    &out));
        const QJsonArray hits = out.value(QStringLiteral("results")).toArray();
        QCOMPARE(hits.size(), 4);
        const std::vector<double> query = normalized(m_expected.textFeatures[size_t(text)]);
        double previous = 2;
        for (const QJsonValue &hit : hits) {
            const QJsonObject h = hit.toObject();
            const int index = referenceIndex(h.value(QStringLiteral("path")).toString());
            QVERIFY(index >= 0);
            const double reference = cosine(query, m_expected.imageFeatures[size_t(index)]);
            QVERIFY(std::fabs(h.value(QStringLiteral("score")).toDouble() - reference) <= kScoreTolerance);
            QVERIFY(reference <= previous + kScoreTolerance);
            previous = reference;
        }
    }

    void brokenFolders_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::newRow("no model.safetensors") << QStringLiteral("remove model.safetensors");
        QTest::newRow("truncated model.safetensors") << QStringLiteral("truncate model.safetensors");
        QTest::newRow("no tokenizer") << QStringLiteral("remove vocab.txt tokenizer.json");
        QTest::newRow("no preprocessor_config.json") << QStringLiteral("remove preprocessor_config.json");
        QTest::newRow("config of another size") << QStringLiteral("resize config.json");
    }

    void brokenFolders()
    {
        QFETCH(QString, damage);
        QTemporaryDir dir;
        const QString folder = QDir(dir.path()).filePath(QStringLiteral("chinese-clip"));
        copyFolder(modelFolder(), folder);
        const QString file = QDir(folder).filePath(damage.section(' ', 1, 1));
        if (damage.startsWith(QStringLiteral("remove"))) {
            for (const QString &name : damage.split(' ').mid(1)) {
                QVERIFY(QFile::remove(QDir(folder).filePath(name)));
            }
        } else if (damage.startsWith(QStringLiteral("truncate"))) {
            QVERIFY(QFile::resize(file, QFileInfo(file).size() / 2));
        } else {
            QFile config(file);
            QVERIFY(config.open(QIODevice::ReadOnly));
            QByteArray text = config.readAll();
            config.close();
            QVERIFY(text.contains("\"projection_dim\": 32"));
            text.replace("\"projection_dim\": 32", "\"projection_dim\": 40");
            QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
            config.write(text);
        }
        QString error;
        ClipEncoder::Settings settings;
        settings.load.device = clip::DeviceChoice::Cpu;
        QVERIFY(!loadPhotoEncoder(folder, settings, &error));
        QVERIFY2(isOneLineNaming(error, folder), qPrintable(error));
        qInfo().noquote() << error;
        if (!damage.contains(QStringLiteral("vocab.txt"))) { // the check reads the model, not the tokenizer
            const ModelCheck check = checkModelFile(folder, ModelManifest::builtIn());
            QVERIFY(!check.ok);
            QVERIFY2(isOneLineNaming(check.error, folder), qPrintable(check.error));
        }

        // The app's path reports the same line; the CLI prints it and fails.
        PhotoLibrary library(QDir(dir.path()).filePath(QStringLiteral("cache.sqlite")), nullptr);
        QSignalSpy failed(&library, &PhotoLibrary::modelFailed);
        library.loadModel(folder, settings);
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), kTimeoutMs);
        QCOMPARE(failed.first().at(0).toString(), error);
        QVERIFY(!library.hasModel());

        QProcess cli;
        cli.start(QStringLiteral(CLIPFIND_CLI),
                  {QStringLiteral("index"), m_photos, QStringLiteral("--model"), folder, QStringLiteral("--data-dir"),
                   dir.path(), QStringLiteral("--device"), QStringLiteral("cpu")});
        QVERIFY(cli.waitForFinished(kTimeoutMs));
        QCOMPARE(cli.exitCode(), 1);
        // `index` opens the model when the first photo needs it, after its progress line: the error is the last line,
        // and every line before it is progress.
        const QString stderrText = QString::fromLocal8Bit(cli.readAllStandardError()).trimmed();
        QStringList lines = stderrText.split(QLatin1Char('\n'));
        const QString last = lines.takeLast();
        QVERIFY2(last.startsWith(QStringLiteral("clipfind-cli: ")) && isOneLineNaming(last, folder),
                 qPrintable(stderrText));
        for (const QString &line : lines) {
            QVERIFY2(line.startsWith(QLatin1Char('[')), qPrintable(stderrText));
        }
    }
};

QTEST_GUILESS_MAIN(ChineseClipSearchTest)
#include "chineseclipsearchtest.moc"
