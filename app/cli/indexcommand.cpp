// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/encode/clipencoder.h"
#include "core/encode/photoencoderloader.h"
#include "core/index/indexcontrol.h"
#include "core/index/indexer.h"
#include "core/store/librarydatabase.h"
#include "core/thumbnails/thumbnailcache.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>
#include <unistd.h>

namespace clipfind::cli {

namespace {

std::atomic_bool s_interrupted{false};

void onInterrupt(int)
{
    s_interrupted = true; // the run stops after the batches in flight, which are committed
}

std::unique_ptr<LibraryDatabase> openCache(const QCommandLineParser &parser, QString *error)
{
    return LibraryDatabase::open(databasePathIn(dataDirOption(parser)), error);
}

void addCommonOptions(QCommandLineParser &parser)
{
    parser.addPositionalArgument(QStringLiteral("folder"), QStringLiteral("The photo folder."), QStringLiteral("DIR"));
    parser.addOption({QStringLiteral("model"),
                      QStringLiteral("A CLIP checkpoint or a Chinese-CLIP folder (default: $CLIPFIND_MODEL, "
                                     "~/.cache/clip/ViT-B-32.pt)."),
                      QStringLiteral("path")});
    parser.addOption({QStringLiteral("data-dir"),
                      QStringLiteral("Where the cache lives (default: $CLIPFIND_DATA_DIR, ~/.local/share/clipfind)."),
                      QStringLiteral("dir")});
    parser.addOption({QStringLiteral("no-recursive"), QStringLiteral("Only the folder itself, not its subfolders.")});
}

void printProgress(const IndexProgress &p, bool tty)
{
    static QElapsedTimer lastLine;
    if (!tty && lastLine.isValid() && lastLine.elapsed() < 2000 && p.done < p.total) {
        return; // a log gets a line every two seconds; a terminal gets a live bar
    }
    lastLine.start();
    const int width = 30;
    const int filled = p.total > 0 ? int(width * p.done / p.total) : width;
    std::fprintf(stderr, "%s[%s%s] %lld/%lld  %.1f img/s  ETA %.0f s%s", tty ? "\r" : "",
                 std::string(size_t(filled), '#').c_str(), std::string(size_t(width - filled), '.').c_str(),
                 static_cast<long long>(p.done), static_cast<long long>(p.total), p.imagesPerSecond, p.etaSeconds,
                 tty ? "   " : "\n");
    std::fflush(stderr);
}

} // namespace

// clipfind-cli index DIR [--model PATH] [--data-dir DIR] [--device D] [--no-recursive] [--exact] [--batch N]
//                    [--decode-threads N] [--decode-memory MB]
int runIndex(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Indexes the photos of DIR into the library database; prints a JSON summary."));
    addCommonOptions(parser);
    parser.addOption(
        {QStringLiteral("exact"), QStringLiteral("Decode JPEGs at full resolution (the reference pipeline; slower).")});
    parser.addOption({QStringLiteral("batch"),
                      QStringLiteral("Images per forward pass (default 8 on the CPU, 512 on CUDA)."),
                      QStringLiteral("n"), QStringLiteral("0")});
    addDecodeThreadsOption(parser);
    parser.addOption({QStringLiteral("decode-memory"),
                      QStringLiteral("Memory the photos being decoded may hold at once, in MiB (default 1024); a photo "
                                     "that needs more fails."),
                      QStringLiteral("mb"), QStringLiteral("0")});
    addDeviceOptions(parser);
    addEagerOption(parser);
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    if (parser.positionalArguments().size() != 1) {
        return fail(QStringLiteral("index needs exactly one folder"), 2);
    }
    const QString folder = parser.positionalArguments().first();
    if (!QFileInfo(folder).isDir()) {
        return fail(QStringLiteral("%1: not a folder").arg(folder));
    }
    ClipEncoder::Settings settings;
    QString error;
    if (!readDeviceOptions(parser, &settings.load, &error)) {
        return fail(error, 2);
    }
    // Nothing of the model is read before a photo needs encoding: a folder where nothing changed never opens it.
    applyStartOptions(parser, ClipEncoder::Preload::Nothing, dataDirOption(parser), &settings);
    auto encoder = loadModelOption(parser, settings, &error);
    if (!encoder) {
        return fail(error);
    }
    auto cache = openCache(parser, &error);
    if (!cache) {
        return fail(error);
    }
    IndexOptions options;
    options.scan.recursive = !parser.isSet(QStringLiteral("no-recursive"));
    options.exactDecode = parser.isSet(QStringLiteral("exact"));
    options.batchSize = parser.value(QStringLiteral("batch")).toInt();
    const bool threadsOk = readDecodeThreadsOption(parser, &options.decodeThreads);
    bool memoryOk = false;
    const qint64 memoryMiB = parser.value(QStringLiteral("decode-memory")).toLongLong(&memoryOk);
    if (!threadsOk || !memoryOk || memoryMiB < 0 || memoryMiB > (qint64(1) << 30)) {
        return fail(QStringLiteral("--decode-threads must be 0..256 and --decode-memory a number of MiB"), 2);
    }
    options.decodeMemory = memoryMiB << 20;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    const bool tty = isatty(STDERR_FILENO);
    const ThumbnailCache thumbnails = ThumbnailCache::standard();
    IndexControl control;
    // A signal handler may only set a flag; this thread turns it into a cancel (IndexControl takes a lock).
    std::atomic_bool runDone{false};
    std::thread interruptPoller([&] {
        while (!runDone.load()) {
            if (s_interrupted.load()) {
                control.cancel();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    IndexHooks hooks;
    hooks.control = &control;
    hooks.progress = [tty](const IndexProgress &p) {
        if (p.phase == IndexProgress::Phase::Encoding) {
            printProgress(p, tty);
        }
    };
    const IndexReport report = indexFolder(folder, *encoder, *cache, &thumbnails, options, hooks);
    runDone = true;
    interruptPoller.join();
    if (tty) {
        std::fprintf(stderr, "\n");
    }
    QJsonArray failed;
    for (const IndexFailure &f : report.failed) {
        failed.append(QJsonObject{{QStringLiteral("path"), f.path}, {QStringLiteral("reason"), f.reason}});
    }
    const QJsonObject out{
        {QStringLiteral("scanned"), report.scanned},     {QStringLiteral("indexed"), report.indexed},
        {QStringLiteral("unchanged"), report.unchanged}, {QStringLiteral("reused"), report.reused},
        {QStringLiteral("removed"), report.removed},     {QStringLiteral("failed"), failed},
        {QStringLiteral("seconds"), report.seconds},     {QStringLiteral("images_per_second"), report.imagesPerSecond},
        {QStringLiteral("cancelled"), report.cancelled},
    };
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
    if (!report.error.isEmpty()) {
        return fail(report.error);
    }
    return report.cancelled ? 130 : 0;
}

// clipfind-cli status DIR [--model PATH] [--data-dir DIR]
int runStatus(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Counts indexed, pending and failed photos of DIR for a model."));
    addCommonOptions(parser);
    addEagerOption(parser);
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    if (parser.positionalArguments().size() != 1) {
        return fail(QStringLiteral("status needs exactly one folder"), 2);
    }
    const QString folder = parser.positionalArguments().first();
    QString error;
    const QString modelPath = resolveModel(parser, &error);
    if (modelPath.isEmpty()) {
        return fail(error);
    }
    // The cache keys embeddings by the checkpoint's SHA-256, remembered in the data folder: the model is not read.
    const QString modelId = photoModelIdFor(modelPath, isEager(parser) ? QString() : dataDirOption(parser), &error);
    if (modelId.isEmpty()) {
        return fail(error);
    }
    auto cache = openCache(parser, &error);
    if (!cache) {
        return fail(error);
    }
    ScanOptions scanOptions;
    scanOptions.recursive = !parser.isSet(QStringLiteral("no-recursive"));
    const ScanResult scan = scanPhotos(folder, scanOptions);
    const FolderCounts counts = cache->counts(QFileInfo(folder).canonicalFilePath(), modelId, &error);
    if (!error.isEmpty()) {
        return fail(error);
    }
    const qint64 onDisk = qint64(scan.files.size());
    const QJsonObject out{
        {QStringLiteral("folder"), QFileInfo(folder).canonicalFilePath()},
        {QStringLiteral("photos"), onDisk},
        {QStringLiteral("indexed"), counts.indexed},
        {QStringLiteral("failed"), counts.failed},
        {QStringLiteral("pending"), std::max<qint64>(0, onDisk - counts.indexed - counts.failed)},
        {QStringLiteral("model_sha256"), modelId},
    };
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}

} // namespace clipfind::cli
