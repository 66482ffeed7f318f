// SPDX-License-Identifier: MIT
#include "commands.h"
#include "startclock.h"

#include "core/encode/clipencoder.h"
#include "core/engine/engine.h"
#include "core/search/searchengine.h"
#include "core/store/librarydatabase.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <thread>

namespace clipfind::cli {

void addSearchOptions(QCommandLineParser &parser)
{
    parser.addOption(
        {QStringLiteral("model"),
         QStringLiteral("The model the folder was indexed with: a CLIP checkpoint or a Chinese-CLIP folder (default: "
                        "$CLIPFIND_MODEL, ~/.cache/clip/ViT-B-32.pt)."),
         QStringLiteral("path")});
    parser.addOption({QStringLiteral("data-dir"),
                      QStringLiteral("Where the cache lives (default: $CLIPFIND_DATA_DIR, ~/.local/share/clipfind)."),
                      QStringLiteral("dir")});
    parser.addOption({QStringLiteral("k"), QStringLiteral("At most this many results (default 20)."),
                      QStringLiteral("n"), QStringLiteral("20")});
    parser.addOption({QStringLiteral("cutoff"),
                      QStringLiteral("Keep only results close to the best (within 0.05 of the top score and "
                                     "2 standard deviations above the mean score).")});
    parser.addOption({QStringLiteral("sort"),
                      QStringLiteral("relevance (default) or date (newest first: EXIF date taken, else file time)."),
                      QStringLiteral("order"), QStringLiteral("relevance")});
    parser.addOption({QStringLiteral("json"),
                      QStringLiteral("Print {\"query\",\"results\":[{\"path\",\"score\"}],\"timings_ms\":{...}}.")});
    addDeviceOptions(parser);
    addEagerOption(parser);
}

bool readSearchOptions(const QCommandLineParser &parser, SearchOptions *options, QString *error)
{
    bool ok = false;
    options->k = parser.value(QStringLiteral("k")).toInt(&ok);
    if (!ok || options->k < 1) {
        *error = QStringLiteral("-k needs a positive number, got '%1'").arg(parser.value(QStringLiteral("k")));
        return false;
    }
    options->cutoff = parser.isSet(QStringLiteral("cutoff"));
    const QString sort = parser.value(QStringLiteral("sort"));
    if (sort == QLatin1String("relevance")) {
        options->sort = SearchSort::Relevance;
    } else if (sort == QLatin1String("date")) {
        options->sort = SearchSort::Date;
    } else {
        *error = QStringLiteral("--sort must be relevance or date, got '%1'").arg(sort);
        return false;
    }
    return true;
}

void addTextModelOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("text-model"),
                      QStringLiteral("A multilingual text model folder trained into the CLIP model's embedding space "
                                     "(sentence-transformers clip-ViT-B-32-multilingual-v1 with ViT-B/32): queries in "
                                     "other languages are encoded by it and ranked against the same index."),
                      QStringLiteral("dir")});
    parser.addOption({QStringLiteral("text-tower"),
                      QStringLiteral("With --text-model, which tower encodes a query, as Settings > Languages: auto "
                                     "(CLIP for ASCII text, the multilingual model for anything else; default), clip "
                                     "or multilingual."),
                      QStringLiteral("tower"), QStringLiteral("auto")});
}

bool readTextModelOptions(const QCommandLineParser &parser, ClipEncoder::Settings *settings, QString *error)
{
    const QString tower = parser.value(QStringLiteral("text-tower"));
    if (!parseTextTowerChoice(tower, &settings->textTower)) {
        *error = QStringLiteral("--text-tower must be auto, clip or multilingual, got '%1'").arg(tower);
        return false;
    }
    settings->multilingualText = parser.value(QStringLiteral("text-model"));
    if (settings->multilingualText.isEmpty() && parser.isSet(QStringLiteral("text-tower"))
        && settings->textTower == TextTowerChoice::Multilingual) {
        *error = QStringLiteral("--text-tower multilingual needs --text-model DIR");
        return false;
    }
    if (!settings->multilingualText.isEmpty() && !QFileInfo(settings->multilingualText).isDir()) {
        *error = QStringLiteral("%1: --text-model needs a model folder").arg(settings->multilingualText);
        return false;
    }
    return true;
}

int runRankingCommand(const QStringList &arguments, const RankingCommand &command)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(command.description);
    parser.addPositionalArgument(QStringLiteral("folder"), QStringLiteral("The indexed photo folder."),
                                 QStringLiteral("DIR"));
    parser.addPositionalArgument(command.argumentName.toLower(), command.argumentHelp, command.argumentName);
    addSearchOptions(parser);
    if (command.encodesText) {
        addTextModelOptions(parser);
    }
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2) {
        return fail(command.usageError, 2);
    }
    const QString folder = positional.at(0);
    const QString argument = positional.at(1);
    const auto query = [&command, &argument](SearchEngine &engine, const SearchOptions &options) {
        return command.rank(engine, argument, options);
    };
    QString error;
    SearchOptions options;
    ClipEncoder::Settings settings;
    if (!readSearchOptions(parser, &options, &error) || !readDeviceOptions(parser, &settings.load, &error)
        || (command.encodesText && !readTextModelOptions(parser, &settings, &error))) {
        return fail(error, 2);
    }
    if (!QFileInfo(folder).isDir()) {
        return fail(QStringLiteral("%1: not a folder").arg(folder));
    }
    // The model's id comes from the hash remembered in the data folder; then the text tower is built on a second
    // thread while this one reads the folder's rows (each about a third of a second for ViT-B/32 and 100k photos).
    applyStartOptions(parser, ClipEncoder::Preload::Nothing, dataDirOption(parser), &settings);
    auto encoder = loadModelOption(parser, settings, &error);
    if (!encoder) {
        return fail(error);
    }
    std::thread textTower;
    double textReadyMs = 0;
    if (command.encodesText) {
        textTower = std::thread([&encoder, &textReadyMs] {
            encoder->prepareTextTower(); // a failure shows when searching
            textReadyMs = msSinceStart();
        });
    }
    const QString database = databasePathIn(dataDirOption(parser));
    SearchEngine::Options engineOptions;
    engineOptions.matrix.device = encoder->isCuda() ? clip::DeviceChoice::Cuda : clip::DeviceChoice::Cpu;
    engineOptions.matrix.keepRows = isEager(parser);
    std::unique_ptr<SearchEngine> engine;
    {
        // One core for the rows, one for the text tower (see clip::ScopedCpuThreads); the query then uses them all.
        const ScopedEngineThreads oneThread(command.encodesText ? 1 : 0);
        engine = SearchEngine::open(encoder.get(), database, folder, engineOptions, &error);
    }
    const double rowsLoadedMs = msSinceStart();
    if (textTower.joinable()) {
        textTower.join();
    }
    if (!engine) {
        return fail(error);
    }
    if (engine->rowCount() == 0) {
        return fail(QStringLiteral("%1: no indexed photos for this model in %2; run 'clipfind-cli index %1' first")
                        .arg(folder, database));
    }
    const SearchResults results = query(*engine, options);
    const double firstResultMs = msSinceStart();
    if (!results.error.isEmpty()) {
        return fail(results.error);
    }
    QTextStream out(stdout);
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray hits;
        for (const SearchHit &hit : results.hits) {
            QJsonObject item{{QStringLiteral("path"), hit.path}, {QStringLiteral("score"), double(hit.score)}};
            if (hit.date.isValid()) {
                item.insert(QStringLiteral("date"), hit.date.toString(Qt::ISODate));
            }
            hits.append(item);
        }
        const SearchTimings &t = results.timings;
        const QJsonObject timings{{QStringLiteral("load"), engine->lastLoadMs()},
                                  {QStringLiteral("parse"), t.parse},
                                  {QStringLiteral("encode"), t.encode},
                                  {QStringLiteral("score"), t.score},
                                  {QStringLiteral("sort"), t.sort},
                                  {QStringLiteral("total"), t.total}};
        // From process start (see startclock.h): the rows and the text tower load at the same time.
        const QJsonObject phases{{QStringLiteral("rows_loaded"), rowsLoadedMs},
                                 {QStringLiteral("text_ready"), textReadyMs},
                                 {QStringLiteral("first_result"), firstResultMs}};
        out << QJsonDocument(QJsonObject{{QStringLiteral("query"), results.query},
                                         {QStringLiteral("results"), hits},
                                         {QStringLiteral("timings_ms"), timings},
                                         {QStringLiteral("phases_ms"), phases},
                                         {QStringLiteral("rows"), engine->rowCount()},
                                         {QStringLiteral("row_memory_bytes"), engine->rowMemoryBytes()}})
                   .toJson(QJsonDocument::Compact)
            << '\n';
    } else {
        for (const SearchHit &hit : results.hits) {
            out << QString::number(double(hit.score), 'f', 4) << '\t' << hit.path << '\n';
        }
    }
    return 0;
}

// clipfind-cli search DIR QUERY [--model PATH] [--data-dir DIR] [-k N] [--cutoff] [--sort relevance|date] [--json]
//                   [--text-model DIR] [--text-tower auto|clip|multilingual]
int runSearch(const QStringList &arguments)
{
    return runRankingCommand(
        arguments,
        {QStringLiteral(
             "Ranks the indexed photos of DIR for QUERY: text, weighted terms joined by + and - (dog + snow, "
             "beach - people, 2:sunset) and image paths (./kitchen.jpg + christmas, \"/photos/my cat.jpg\")."),
         QStringLiteral("QUERY"), QStringLiteral("The query (quote it for the shell)."),
         QStringLiteral("search needs a folder and one query (quote a query of several words)"),
         [](SearchEngine &engine, const QString &text, const SearchOptions &options) {
             return engine.search(text, options);
         },
         true});
}

} // namespace clipfind::cli
