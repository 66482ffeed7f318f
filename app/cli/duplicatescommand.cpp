// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/duplicates/duplicatefinder.h"
#include "core/encode/photoencoderloader.h"
#include "core/store/librarydatabase.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTextStream>

#include <atomic>
#include <csignal>
#include <cstdio>

#include <unistd.h>

namespace clipfind::cli {

namespace {

std::atomic_bool s_cancel{false};
std::atomic_bool s_progressShown{false};

void onInterrupt(int)
{
    s_cancel = true;
}

QString bytesText(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

QJsonObject groupJson(const DuplicateGroup &group)
{
    QJsonArray paths;
    QJsonArray photos;
    for (const DuplicatePhoto &photo : group.photos) {
        paths.append(photo.path);
        photos.append(QJsonObject{{QStringLiteral("path"), photo.path},
                                  {QStringLiteral("bytes"), photo.bytes},
                                  {QStringLiteral("width"), photo.width},
                                  {QStringLiteral("height"), photo.height},
                                  {QStringLiteral("date"), photo.date.toString(Qt::ISODate)},
                                  {QStringLiteral("date_taken"), photo.dateTaken}});
    }
    return QJsonObject{{QStringLiteral("keep"), group.keep().path},
                       {QStringLiteral("paths"), paths},
                       {QStringLiteral("similarity"), double(group.similarity)},
                       {QStringLiteral("bytes_to_free"), group.duplicateBytes()},
                       {QStringLiteral("photos"), photos}};
}

} // namespace

// clipfind-cli duplicates DIR [--threshold T] [--json] [--model PATH] [--data-dir DIR] [--embeddings-only]
int runDuplicates(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Groups near-identical indexed photos of DIR (the same shot re-saved, resized, re-compressed or "
                       "converted, burst neighbours) from their stored embeddings, each pair confirmed by a perceptual "
                       "hash, color averages and the aspect ratio. Suggests which photo of each group to keep (largest "
                       "resolution, then earliest date). Moves nothing."));
    parser.addPositionalArgument(QStringLiteral("folder"), QStringLiteral("The indexed photo folder."),
                                 QStringLiteral("DIR"));
    parser.addOption({QStringLiteral("threshold"),
                      QStringLiteral("Cosine of the embeddings at or above which photos are compared (default %1).")
                          .arg(double(kDefaultDuplicateThreshold)),
                      QStringLiteral("t"), QString::number(double(kDefaultDuplicateThreshold))});
    parser.addOption({QStringLiteral("json"),
                      QStringLiteral("Print {\"groups\":[{\"keep\",\"paths\",\"similarity\",\"bytes_to_free\","
                                     "\"photos\":[...]}],\"unreadable\":[...]}.")});
    parser.addOption({QStringLiteral("embeddings-only"),
                      QStringLiteral("No second check: the embeddings alone decide (different photos of one scene may "
                                     "be grouped).")});
    parser.addOption({QStringLiteral("model"),
                      QStringLiteral("The model the folder was indexed with: a CLIP checkpoint or a Chinese-CLIP "
                                     "folder (default: $CLIPFIND_MODEL, ~/.cache/clip/ViT-B-32.pt)."),
                      QStringLiteral("path")});
    parser.addOption({QStringLiteral("data-dir"),
                      QStringLiteral("Where the cache lives (default: $CLIPFIND_DATA_DIR, "
                                     "~/.local/share/clipfind)."),
                      QStringLiteral("dir")});
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    if (parser.positionalArguments().size() != 1) {
        return fail(QStringLiteral("duplicates needs exactly one folder"), 2);
    }
    bool ok = false;
    DuplicateOptions options;
    options.threshold = parser.value(QStringLiteral("threshold")).toFloat(&ok);
    if (!ok || !(options.threshold > 0.0f && options.threshold <= 1.0f)) {
        return fail(QStringLiteral("--threshold needs a cosine in (0, 1], got '%1'")
                        .arg(parser.value(QStringLiteral("threshold"))),
                    2);
    }
    if (parser.isSet(QStringLiteral("embeddings-only"))) {
        options.maxHashDistance = -1;
        options.maxColorDifference = -1;
        options.maxAspectDifference = -1;
    }
    const QString folder = parser.positionalArguments().first();
    if (!QFileInfo(folder).isDir()) {
        return fail(QStringLiteral("%1: not a folder").arg(folder));
    }
    QString error;
    const QString modelPath = resolveModel(parser, &error);
    if (modelPath.isEmpty()) {
        return fail(error);
    }
    const QString modelId = photoModelIdFor(modelPath, {}, &error); // what the cache keys the model's rows by
    if (modelId.isEmpty()) {
        return fail(error);
    }
    const QString database = databasePathIn(dataDirOption(parser));
    if (!QFileInfo::exists(database)) {
        return fail(
            QStringLiteral("%1: no library database at %2; run 'clipfind-cli index %1' first").arg(folder, database));
    }
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    options.cancel = &s_cancel;
    if (isatty(STDERR_FILENO)) {
        options.progress = [](qint64 done, qint64 total) {
            s_progressShown = true;
            std::fprintf(stderr, "\rcomparing photos: %lld/%lld", static_cast<long long>(done),
                         static_cast<long long>(total));
            std::fflush(stderr);
        };
    }
    const DuplicateReport report = findDuplicates(database, folder, modelId, options);
    if (s_progressShown) {
        std::fprintf(stderr, "\n");
    }
    if (report.cancelled) {
        return fail(QStringLiteral("cancelled"), 130);
    }
    if (!report.error.isEmpty()) {
        return fail(report.error);
    }
    if (report.stats.photos == 0) {
        return fail(QStringLiteral("%1: no indexed photos for this model in %2; run 'clipfind-cli index %1' first")
                        .arg(folder, database));
    }
    for (const QString &problem : report.unreadable) {
        std::fprintf(stderr, "clipfind-cli: warning: %s\n", problem.toLocal8Bit().constData());
    }

    QTextStream out(stdout);
    qint64 duplicates = 0;
    qint64 bytes = 0;
    for (const DuplicateGroup &group : report.groups) {
        duplicates += qint64(group.photos.size()) - 1;
        bytes += group.duplicateBytes();
    }
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray groups;
        for (const DuplicateGroup &group : report.groups) {
            groups.append(groupJson(group));
        }
        out << QJsonDocument(QJsonObject{{QStringLiteral("groups"), groups},
                                         {QStringLiteral("unreadable"), QJsonArray::fromStringList(report.unreadable)}})
                   .toJson(QJsonDocument::Compact)
            << '\n';
    } else {
        int number = 0;
        for (const DuplicateGroup &group : report.groups) {
            out << QStringLiteral("group %1: %2 photos, similarity %3, %4 to free\n")
                       .arg(++number)
                       .arg(group.photos.size())
                       .arg(double(group.similarity), 0, 'f', 4)
                       .arg(bytesText(group.duplicateBytes()));
            for (const DuplicatePhoto &photo : group.photos) {
                out << (photo.path == group.keep().path ? "  keep " : "       ")
                    << QStringLiteral("%1x%2").arg(photo.width).arg(photo.height).leftJustified(11) << ' '
                    << bytesText(photo.bytes).rightJustified(9) << "  " << photo.date.toString(Qt::ISODate) << "  "
                    << photo.path << '\n';
            }
        }
    }
    const DuplicateStats &s = report.stats;
    std::fprintf(stderr,
                 "%lld group(s), %lld duplicate photo(s), %s to free; %lld photos, %lld similar pairs, %lld "
                 "confirmed, %.2f s\n",
                 static_cast<long long>(report.groups.size()), static_cast<long long>(duplicates),
                 bytesText(bytes).toLocal8Bit().constData(), static_cast<long long>(s.photos),
                 static_cast<long long>(s.similarPairs), static_cast<long long>(s.confirmedPairs), s.totalMs / 1000.0);
    return 0;
}

} // namespace clipfind::cli
