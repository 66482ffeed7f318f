// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/clip/bench/benchmark.h"
#include "core/clip/bench/searchbench.h"
#include "core/encode/clipencoder.h"
#include "core/search/searchengine.h"
#include "core/store/librarydatabase.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <random>

#include <unistd.h>

namespace clipfind::cli {

namespace {

// Short queries of a few words; the number makes every timed query new (nothing comes from a cache).
const char *const kQueries[] = {"dog on a beach", "red car",      "sunset over the sea", "birthday cake",
                                "snowy mountain", "cat sleeping", "city at night",       "people dancing"};

QString queryText(int i)
{
    return QStringLiteral("%1 %2").arg(QLatin1String(kQueries[i % 8])).arg(i);
}

// A cache with `rows` photos under /bench/photos (random embeddings), then the time SearchEngine::open takes to load
// them: the first load in this process and the best of three more (the file is in the OS page cache throughout, as
// it is when the app starts soon after indexing; a cold disk adds its read time).
struct CacheBench {
    double firstMs = -1; // the first load in this process
    double warmMs = -1;  // best of three more
    double queryMs = -1; // median of new queries through the engine: tokenize + encode + scan + exact rescoring
    double scoreMs = -1; // the scan + rescoring part (reading candidates' rows back from the cache when lean)
    double memoryMb = -1;
};

// Loads `rows` rows from a cache written for the purpose, as SearchEngine does when a folder opens, and times it: the
// first load in this process and the best of three more (the file is in the OS page cache throughout, as it is when
// the app starts soon after indexing; a cold disk adds its read time). Then queries through the engine. `kept`: the
// rows kept in memory as before issue 12 (else only the int8 codes, rows read back from the cache).
bool timeCache(ClipEncoder &encoder, const QString &database, qint64 rows, bool kept, int queries, int *nextQuery,
               CacheBench *out, QString *error)
{
    SearchEngine::Options options;
    options.matrix.device = encoder.isCuda() ? clip::DeviceChoice::Cuda : clip::DeviceChoice::Cpu;
    options.matrix.keepRows = kept;
    std::unique_ptr<SearchEngine> engine;
    out->warmMs = 1e300;
    for (int round = 0; round < 4; ++round) {
        QElapsedTimer timer;
        timer.start();
        engine = SearchEngine::open(&encoder, database, QStringLiteral("/bench/photos"), options, error);
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        if (!engine) {
            return false;
        }
        if (engine->rowCount() != rows) {
            *error = QStringLiteral("loaded %1 rows of %2").arg(engine->rowCount()).arg(rows);
            return false;
        }
        if (round == 0) {
            out->firstMs = ms;
        } else {
            out->warmMs = std::min(out->warmMs, ms);
        }
    }
    out->memoryMb = double(engine->rowMemoryBytes()) / 1e6;
    std::vector<double> total, score;
    SearchOptions search;
    search.k = 100;
    for (int i = 0; i < queries + 3; ++i) {
        const SearchResults results = engine->search(queryText((*nextQuery)++), search);
        if (!results.error.isEmpty()) {
            *error = results.error;
            return false;
        }
        if (i >= 3) {
            total.push_back(results.timings.total);
            score.push_back(results.timings.score);
        }
    }
    std::sort(total.begin(), total.end());
    std::sort(score.begin(), score.end());
    out->queryMs = total[total.size() / 2];
    out->scoreMs = score[score.size() / 2];
    return true;
}

bool writeCache(ClipEncoder &encoder, const QString &database, qint64 rows, QString *error)
{
    auto cache = LibraryDatabase::open(database, error);
    if (!cache) {
        return false;
    }
    std::mt19937 random(1);
    std::normal_distribution<float> normal(0.0f, 0.05f);
    const int dim = encoder.embeddingDim();
    const qint64 batch = 5000;
    for (qint64 start = 0; start < rows; start += batch) {
        std::vector<FileUpdate> updates;
        for (qint64 i = start; i < std::min(rows, start + batch); ++i) {
            FileUpdate u;
            u.state.path = QStringLiteral("/bench/photos/%1/%2.jpg")
                               .arg(i / 1000, 3, 10, QLatin1Char('0'))
                               .arg(i, 7, 10, QLatin1Char('0'));
            u.state.size = 1000 + i;
            u.state.mtimeNs = 1700000000000000000LL + i;
            u.state.contentHash = QCryptographicHash::hash(QByteArray::number(i), QCryptographicHash::Sha256);
            u.state.width = 4000;
            u.state.height = 3000;
            u.embedding.resize(size_t(dim));
            for (float &v : u.embedding) {
                v = normal(random);
            }
            updates.push_back(std::move(u));
        }
        if (!cache->writeBatch(encoder.sha256(), updates, {}, error)) {
            return false;
        }
    }
    cache.reset();
    ::sync(); // the freshly written file's writeback would otherwise run during (and slow) the timed loads
    return true;
}

} // namespace

// clipfind-cli bench-search [--model PATH | --arch ViT-B/32] [--device D] [--rows LIST] [--queries N] [--json]
int runBenchSearch(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Search latency over synthetic unit-length embeddings: median time of a short query (tokenize + encode + score "
        "+ top-100) at 10k, 100k and 1M photos next to a plain fp32 torch baseline, and the time to load 100k rows "
        "from the cache."));
    parser.addOption(
        {QStringLiteral("model"), QStringLiteral("A checkpoint for the text encoder."), QStringLiteral("path")});
    parser.addOption({QStringLiteral("arch"), QStringLiteral("An architecture with random weights (default ViT-B/32)."),
                      QStringLiteral("name"), QStringLiteral("ViT-B/32")});
    parser.addOption({QStringLiteral("rows"), QStringLiteral("Row counts (default 10000,100000,1000000)."),
                      QStringLiteral("list"), QStringLiteral("10000,100000,1000000")});
    parser.addOption({QStringLiteral("queries"), QStringLiteral("Timed queries per row count (default 25)."),
                      QStringLiteral("n"), QStringLiteral("25")});
    parser.addOption({QStringLiteral("load-rows"),
                      QStringLiteral("Rows in the cache-load measurement (default 100000; 0 skips it)."),
                      QStringLiteral("n"), QStringLiteral("100000")});
    parser.addOption({QStringLiteral("no-baseline"), QStringLiteral("Skip the fp32 torch baseline.")});
    parser.addOption(
        {QStringLiteral("keep-rows"), QStringLiteral("Synthetic rows: keep the fp16 rows in memory (before "
                                                     "issue 12) instead of fetching the candidates' rows.")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON instead of a table.")});
    addDeviceOptions(parser);
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    ClipEncoder::Settings settings;
    QString error;
    if (!readDeviceOptions(parser, &settings.load, &error)) {
        return fail(error, 2);
    }
    clip::SearchBenchOptions bench;
    std::string listError;
    if (!clip::parseCountList("--rows", parser.value(QStringLiteral("rows")).toStdString(), &bench.rowCounts,
                              &listError)) {
        return fail(QString::fromStdString(listError), 2);
    }
    bench.queries = parser.value(QStringLiteral("queries")).toInt();
    const qint64 loadRows = parser.value(QStringLiteral("load-rows")).toLongLong();
    if (bench.queries < 1 || bench.rowCounts.empty() || loadRows < 0) {
        return fail(QStringLiteral("--queries, --rows and --load-rows need positive numbers"), 2);
    }
    bench.baseline = !parser.isSet(QStringLiteral("no-baseline"));
    bench.matrix.keepRows = parser.isSet(QStringLiteral("keep-rows"));

    std::unique_ptr<ClipEncoder> encoder;
    QString modelName;
    if (parser.isSet(QStringLiteral("model"))) {
        modelName = parser.value(QStringLiteral("model"));
        encoder = ClipEncoder::load(modelName, settings, &error);
    } else {
        bool usageError = false;
        const QString arch = parser.value(QStringLiteral("arch"));
        auto model = randomModel(arch, settings.load, &error, &usageError);
        if (!model) {
            return fail(error, usageError ? 2 : 1);
        }
        modelName = arch + QStringLiteral(" (random weights)");
        encoder = ClipEncoder::fromModel(std::move(model), QStringLiteral("bench-search ") + arch, &error);
    }
    if (!encoder) {
        return fail(error);
    }
    bench.matrix.device = encoder->isCuda() ? clip::DeviceChoice::Cuda : clip::DeviceChoice::Cpu;
    auto encode = [&encoder](int i) {
        EmbeddingRows rows = encoder->encodeTexts({queryText(i)}); // tokenize + encode
        return rows.values;
    };
    std::string problem;
    const clip::SearchBenchResult result = clip::runSearchBenchmark(encoder->embeddingDim(), encode, bench, &problem);
    if (!problem.empty()) {
        return fail(QString::fromStdString(problem));
    }
    CacheBench lean;
    CacheBench kept;
    if (loadRows > 0) {
        QTemporaryDir dir;
        const QString database = databasePathIn(dir.path());
        int nextQuery = 100000; // new texts: nothing from the query cache
        if (!writeCache(*encoder, database, loadRows, &error)
            || !timeCache(*encoder, database, loadRows, false, bench.queries, &nextQuery, &lean, &error)
            || !timeCache(*encoder, database, loadRows, true, bench.queries, &nextQuery, &kept, &error)) {
            return fail(error);
        }
    }
    const double firstLoadMs = lean.firstMs;
    const double loadMs = lean.warmMs;

    QTextStream out(stdout);
    if (parser.isSet(QStringLiteral("json"))) {
        const QJsonObject ours =
            QJsonDocument::fromJson(QByteArray::fromStdString(clip::json::serialize(clip::searchBenchToJson(result))))
                .object();
        QJsonObject json{{QStringLiteral("device"), encoder->deviceDescription()},
                         {QStringLiteral("model"), modelName}};
        for (auto it = ours.begin(); it != ours.end(); ++it) {
            json.insert(it.key(), it.value());
        }
        json.insert(QStringLiteral("load_rows"), loadRows);
        json.insert(QStringLiteral("load_100k_ms"), loadMs);
        json.insert(QStringLiteral("load_100k_first_ms"), firstLoadMs);
        json.insert(QStringLiteral("cache_query_ms"), lean.queryMs);
        json.insert(QStringLiteral("cache_score_ms"), lean.scoreMs);
        json.insert(QStringLiteral("cache_row_memory_mb"), lean.memoryMb);
        json.insert(QStringLiteral("kept_rows"), QJsonObject{{QStringLiteral("load_ms"), kept.warmMs},
                                                             {QStringLiteral("load_first_ms"), kept.firstMs},
                                                             {QStringLiteral("query_ms"), kept.queryMs},
                                                             {QStringLiteral("score_ms"), kept.scoreMs},
                                                             {QStringLiteral("row_memory_mb"), kept.memoryMb}});
        json.insert(QStringLiteral("note"),
                    QStringLiteral(
                        "synthetic unit rows; k = 100; load: best of 3 after a first load, file in the OS page cache"));
        out << QJsonDocument(json).toJson(QJsonDocument::Compact) << '\n';
        return 0;
    }
    out << "model     " << modelName << "\ndevice    " << encoder->deviceDescription() << "\nscan      "
        << QString::fromStdString(result.method) << "\nbaseline  "
        << (result.baselineMethod.empty() ? QStringLiteral("-") : QString::fromStdString(result.baselineMethod))
        << "\n(synthetic unit rows, k = 100, medians over " << bench.queries << " new queries)\n\n"
        << "      rows   query ms  encode ms  score ms   baseline query ms  score ms\n";
    for (const clip::SearchBenchCase &c : result.cases) {
        out << QStringLiteral("%1  %2  %3  %4  %5  %6\n")
                   .arg(c.rows, 10)
                   .arg(c.queryMs, 9, 'f', 2)
                   .arg(c.encodeMs, 9, 'f', 2)
                   .arg(c.scoreMs, 8, 'f', 2)
                   .arg(c.baselineQueryMs, 18, 'f', 2)
                   .arg(c.baselineScoreMs, 8, 'f', 2);
    }
    if (loadRows > 0) {
        out << QStringLiteral("\n%1 rows from the cache          load ms (first)   query ms  score ms  rows MB\n")
                   .arg(loadRows, 10);
        for (const auto &[name, c] : {std::pair<const char *, const CacheBench &>{"int8 codes, rows read back", lean},
                                      {"int8 + fp16 rows in memory", kept}}) {
            out << QStringLiteral("%1  %2 (%3)  %4  %5  %6\n")
                       .arg(QLatin1String(name), -32)
                       .arg(c.warmMs, 7, 'f', 1)
                       .arg(c.firstMs, 7, 'f', 1)
                       .arg(c.queryMs, 8, 'f', 2)
                       .arg(c.scoreMs, 8, 'f', 2)
                       .arg(c.memoryMb, 7, 'f', 1);
        }
    }
    return 0;
}

} // namespace clipfind::cli
