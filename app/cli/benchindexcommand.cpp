// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/encode/clipencoder.h"
#include "core/index/indexer.h"
#include "core/store/librarydatabase.h"
#include "core/thumbnails/thumbnailcache.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QtConcurrent>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <numeric>
#include <sys/resource.h>
#include <unistd.h>

namespace clipfind::cli {

namespace {

// A 4000 x 3000 photo-like JPEG of about 3 MB: gradients, shapes and sensor-like noise, as a phone writes them.
bool writePhoto(const QString &path, quint32 seed)
{
    QRandomGenerator random(seed);
    QImage image(4000, 3000, QImage::Format_RGB888);
    QPainter painter(&image);
    QLinearGradient sky(0, 0, 0, 3000);
    sky.setColorAt(0, QColor::fromHsv(int(random.bounded(360)), 120, 200));
    sky.setColorAt(1, QColor::fromHsv(int(random.bounded(360)), 180, 80));
    painter.fillRect(image.rect(), sky);
    for (int i = 0; i < 12; ++i) {
        painter.setBrush(QColor::fromHsv(int(random.bounded(360)), 200, 220));
        painter.drawEllipse(QPoint(int(random.bounded(4000)), int(random.bounded(3000))), int(random.bounded(600)),
                            int(random.bounded(600)));
    }
    painter.end();
    for (int y = 0; y < image.height(); ++y) {
        uchar *line = image.scanLine(y);
        for (int x = 0; x < image.width() * 3; ++x) {
            line[x] = uchar(std::clamp(int(line[x]) + int(random.bounded(21)) - 10, 0, 255));
        }
    }
    return image.save(path, "JPEG", 95);
}

double processCpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

// scripts/seed_baseline.py: --baseline-script, else $CLIPFIND_SEED_BASELINE, else next to the build tree
// (build/app/clipfind-cli -> scripts/), else empty.
QString findBaselineScript(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("baseline-script"))) {
        return parser.value(QStringLiteral("baseline-script"));
    }
    if (!qEnvironmentVariableIsEmpty("CLIPFIND_SEED_BASELINE")) {
        return qEnvironmentVariable("CLIPFIND_SEED_BASELINE");
    }
    const QDir bin(QCoreApplication::applicationDirPath());
    for (const QString &relative :
         {QStringLiteral("../../scripts/seed_baseline.py"), QStringLiteral("../scripts/seed_baseline.py")}) {
        const QString candidate = QDir::cleanPath(bin.filePath(relative));
        if (QFileInfo::exists(candidate)) {
            return candidate;
        }
    }
    return {};
}

// The seed loop on the same photos, in a child process; its JSON object, or empty with *problem (one line).
QJsonObject runSeedBaseline(const QString &script, const QString &photos, int threads, QString *problem)
{
    const QString python = QStringLiteral("/usr/bin/python3");
    if (!QFileInfo(python).isExecutable()) {
        *problem = QStringLiteral("seed baseline skipped: %1 not found (apt install python3 python3-torch "
                                  "python3-torchvision python3-pil)")
                       .arg(python);
        return {};
    }
    if (script.isEmpty() || !QFileInfo::exists(script)) {
        *problem =
            QStringLiteral("seed baseline skipped: scripts/seed_baseline.py not found (pass --baseline-script PATH)");
        return {};
    }
    QProcess process;
    rusage before{};
    getrusage(RUSAGE_CHILDREN, &before);
    process.start(python, {script, photos, QStringLiteral("--threads"), QString::number(std::max(0, threads))});
    if (!process.waitForFinished(-1) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        const QString line =
            QString::fromLocal8Bit(process.readAllStandardError()).trimmed().split(QLatin1Char('\n')).last();
        *problem = QStringLiteral("seed baseline failed: %1").arg(line.isEmpty() ? process.errorString() : line);
        return {};
    }
    QJsonObject result = QJsonDocument::fromJson(process.readAllStandardOutput().trimmed()).object();
    rusage after{};
    getrusage(RUSAGE_CHILDREN, &after);
    auto seconds = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    // The whole child (interpreter start and model building included): an upper bound of the loop's CPU time.
    result.insert(QStringLiteral("process_cpu_seconds"), seconds(after.ru_utime) - seconds(before.ru_utime)
                                                             + seconds(after.ru_stime) - seconds(before.ru_stime));
    if (result.value(QStringLiteral("photos_per_second")).toDouble() <= 0) {
        *problem = QStringLiteral("seed baseline failed: no result from %1").arg(script);
        return {};
    }
    return result;
}

} // namespace

// clipfind-cli bench-index [--photos N | --folder DIR] [--arch ViT-B/32] [--device D] [--precision P] [--exact]
//                          [--no-thumbnails] [--decode-threads N] [--no-baseline] [--baseline-script PATH]
//                          [--rescan-files N] [--json]
int runBenchIndex(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Generates 4000x3000 photo-like JPEGs (or takes --folder), indexes them end to end with a random-weight model "
        "of the given architecture as `clipfind-cli index` does (thumbnails included), runs the seed's Python loop "
        "(scripts/seed_baseline.py) on the same photos, then times the rescan of an unchanged folder of many files."));
    parser.addOption({QStringLiteral("photos"), QStringLiteral("Photos to generate and index."), QStringLiteral("n"),
                      QStringLiteral("48")});
    parser.addOption({QStringLiteral("folder"),
                      QStringLiteral("Index the photos directly in DIR instead of generated ones."),
                      QStringLiteral("dir")});
    parser.addOption({QStringLiteral("arch"), QStringLiteral("Model architecture (random weights)."),
                      QStringLiteral("name"), QStringLiteral("ViT-B/32")});
    parser.addOption({QStringLiteral("exact"), QStringLiteral("Decode JPEGs at full resolution.")});
    parser.addOption({QStringLiteral("no-thumbnails"), QStringLiteral("Do not write thumbnails (index writes them).")});
    addDecodeThreadsOption(parser);
    parser.addOption({QStringLiteral("no-baseline"), QStringLiteral("Skip the seed's Python loop.")});
    parser.addOption({QStringLiteral("baseline-script"), QStringLiteral("Path of scripts/seed_baseline.py."),
                      QStringLiteral("path")});
    parser.addOption({QStringLiteral("baseline-threads"),
                      QStringLiteral("torch threads of the seed loop (default: torch's own, as the seed runs)."),
                      QStringLiteral("n"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("rescan-files"),
                      QStringLiteral("Files in the unchanged-folder rescan (0 = skip)."), QStringLiteral("n"),
                      QStringLiteral("10000")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("One JSON object instead of text.")});
    addDeviceOptions(parser);
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    clip::LoadOptions load;
    QString error;
    int decodeThreads = 0;
    if (!readDecodeThreadsOption(parser, &decodeThreads)) {
        return fail(QStringLiteral("--decode-threads must be 0..256"), 2);
    }
    if (!readDeviceOptions(parser, &load, &error)) {
        return fail(error, 2);
    }
    const QString arch = parser.value(QStringLiteral("arch"));
    bool usageError = false;
    std::unique_ptr<clip::ClipModel> model = randomModel(arch, load, &error, &usageError);
    if (!model) {
        return fail(error, usageError ? 2 : 1);
    }
    const QString precision = QString::fromStdString(model->precisionName());
    const QString imagePrecision = QString::fromStdString(model->imagePrecisionName());
    auto encoder = ClipEncoder::fromModel(std::move(model), QStringLiteral("random-") + arch, &error);
    if (!encoder) {
        return fail(error);
    }
    QTemporaryDir dir;
    QString photos = dir.filePath(QStringLiteral("photos"));
    int count = parser.value(QStringLiteral("photos")).toInt();
    if (parser.isSet(QStringLiteral("folder"))) {
        photos = QFileInfo(parser.value(QStringLiteral("folder"))).absoluteFilePath();
        count = int(QDir(photos).entryList(QDir::Files).size());
        if (count == 0) {
            return fail(QStringLiteral("%1: no files").arg(photos));
        }
    } else {
        if (count <= 0 || count > 100000) {
            return fail(QStringLiteral("--photos needs a number from 1 to 100000"), 2);
        }
        QDir().mkpath(photos);
        std::fprintf(stderr, "generating %d photos of 4000x3000...\n", count);
        QVector<int> seeds(count);
        std::iota(seeds.begin(), seeds.end(), 1);
        QtConcurrent::blockingMap(seeds, [&](int seed) {
            writePhoto(photos + QStringLiteral("/IMG_%1.jpg").arg(seed, 5, 10, QLatin1Char('0')), quint32(seed));
        });
    }
    qint64 bytes = 0;
    for (const QFileInfo &info : QDir(photos).entryInfoList(QDir::Files)) {
        bytes += info.size();
    }
    auto cache = LibraryDatabase::open(dir.filePath(QStringLiteral("cache.sqlite")), &error);
    if (!cache) {
        return fail(error);
    }
    const ThumbnailCache thumbnails(dir.filePath(QStringLiteral("thumbnails")),
                                    dir.filePath(QStringLiteral("fallback")));
    const bool withThumbnails = !parser.isSet(QStringLiteral("no-thumbnails"));
    IndexOptions options;
    options.scan.recursive = false; // what the seed loop sees: the files directly in the folder
    options.exactDecode = parser.isSet(QStringLiteral("exact"));
    options.decodeThreads = decodeThreads;
    std::fprintf(stderr, "indexing...\n");
    const double cpuBefore = processCpuSeconds();
    const IndexReport report = indexFolder(photos, *encoder, *cache, withThumbnails ? &thumbnails : nullptr, options);
    const double cpuSeconds = processCpuSeconds() - cpuBefore;
    if (!report.error.isEmpty()) {
        return fail(report.error);
    }
    const int cores = std::max(1, QThread::idealThreadCount());
    const double ours = double(report.indexed) / std::max(1e-9, report.seconds);

    QJsonObject seed;
    QString seedProblem;
    if (!parser.isSet(QStringLiteral("no-baseline"))) {
        std::fprintf(stderr, "running the seed loop (scripts/seed_baseline.py) on the same photos...\n");
        seed = runSeedBaseline(findBaselineScript(parser), photos,
                               parser.value(QStringLiteral("baseline-threads")).toInt(), &seedProblem);
    } else {
        seedProblem = QStringLiteral("seed baseline skipped (--no-baseline)");
    }
    const double seedRate = seed.value(QStringLiteral("photos_per_second")).toDouble();

    // Rescan: a folder of many files the cache already knows (entered directly: encoding 10,000 files is not
    // what this measures).
    const int manyCount = parser.value(QStringLiteral("rescan-files")).toInt();
    double rescanSeconds = 0;
    qint64 rescanFiles = 0;
    if (manyCount > 0) {
        const QString many = dir.filePath(QStringLiteral("many"));
        QDir().mkpath(many);
        for (int i = 0; i < manyCount; ++i) {
            const QByteArray name = QFile::encodeName(many + QStringLiteral("/%1/p%2.jpg").arg(i / 500).arg(i));
            QDir().mkpath(many + QStringLiteral("/%1").arg(i / 500));
            const int fd = ::open(name.constData(), O_CREAT | O_WRONLY, 0644);
            if (fd >= 0) {
                ::close(fd);
            }
        }
        const ScanResult known = scanPhotos(many, {});
        std::vector<FileUpdate> updates;
        for (const ScannedFile &file : known.files) {
            FileUpdate update;
            update.state = {
                file.path, file.size, file.mtimeNs, QByteArray(32, 'x'), 1, 1, QStringLiteral("(benchmark)")};
            updates.push_back(std::move(update));
        }
        if (!cache->writeBatch(encoder->sha256(), updates, {}, &error)) {
            return fail(error);
        }
        QElapsedTimer rescanClock;
        rescanClock.start();
        IndexOptions rescanOptions;
        const IndexReport rescan = indexFolder(many, *encoder, *cache, nullptr, rescanOptions);
        rescanSeconds = rescanClock.elapsed() / 1000.0;
        rescanFiles = rescan.unchanged;
    }

    const IndexStageSeconds &st = report.stages;
    const double utilization = cpuSeconds / std::max(1e-9, report.seconds) / cores;
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonObject out{
            {QStringLiteral("device"), encoder->deviceDescription()},
            {QStringLiteral("model"), arch + QStringLiteral(" (random weights)")},
            {QStringLiteral("precision"), precision},
            {QStringLiteral("image_precision"), imagePrecision},
            {QStringLiteral("photos"), count},
            {QStringLiteral("indexed"), report.indexed},
            {QStringLiteral("photo_megabytes_average"), double(bytes) / count / 1e6},
            {QStringLiteral("exact_decode"), options.exactDecode},
            {QStringLiteral("thumbnails"), withThumbnails},
            {QStringLiteral("index_seconds"), report.seconds},
            {QStringLiteral("images_per_second_end_to_end"), ours},
            {QStringLiteral("stage_seconds"), QJsonObject{{QStringLiteral("decode"), st.decode},
                                                          {QStringLiteral("preprocess"), st.preprocess},
                                                          {QStringLiteral("thumbnails"), st.thumbnails},
                                                          {QStringLiteral("encode"), st.encode},
                                                          {QStringLiteral("store"), st.store}}},
            {QStringLiteral("cores"), cores},
            {QStringLiteral("process_cpu_seconds"), cpuSeconds},
            {QStringLiteral("core_utilization"), utilization},
            {QStringLiteral("rescan_files"), rescanFiles},
            {QStringLiteral("rescan_seconds"), rescanSeconds},
        };
        if (seedRate > 0) {
            out.insert(QStringLiteral("seed"), seed);
            out.insert(QStringLiteral("seed_photos_per_second"), seedRate);
            out.insert(QStringLiteral("ratio"), ours / seedRate);
        } else {
            out.insert(QStringLiteral("seed_problem"), seedProblem);
        }
        QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
    } else {
        QTextStream text(stdout);
        text << QStringLiteral("photos     %1 (%2 MB average) in %3\n")
                    .arg(count)
                    .arg(double(bytes) / count / 1e6, 0, 'f', 1)
                    .arg(photos)
             << QStringLiteral("model      %1, random weights, %2, text %3, images %4%5\n")
                    .arg(arch, encoder->deviceDescription(), precision, imagePrecision,
                         options.exactDecode ? QStringLiteral(", --exact decode") : QString())
             << QStringLiteral("ClipFind   %1 photos/s (%2 photos in %3 s, thumbnails %4)\n")
                    .arg(ours, 0, 'f', 2)
                    .arg(report.indexed)
                    .arg(report.seconds, 0, 'f', 2)
                    .arg(withThumbnails ? QStringLiteral("on") : QStringLiteral("off"));
        if (seedRate > 0) {
            text << QStringLiteral("seed loop  %1 photos/s (PIL + torchvision + batch-1 fp32 encode, %2 torch threads, "
                                   "%3 s; preprocessing %4 s, encoding %5 s)\n")
                        .arg(seedRate, 0, 'f', 2)
                        .arg(seed.value(QStringLiteral("threads")).toInt())
                        .arg(seed.value(QStringLiteral("seconds")).toDouble(), 0, 'f', 2)
                        .arg(seed.value(QStringLiteral("open_preprocess_seconds")).toDouble(), 0, 'f', 2)
                        .arg(seed.value(QStringLiteral("encode_seconds")).toDouble(), 0, 'f', 2)
                 << QStringLiteral("ratio      %1x (CPU time per photo: ClipFind %2 ms, seed process %3 ms)\n")
                        .arg(ours / seedRate, 0, 'f', 2)
                        .arg(1000 * cpuSeconds / std::max<qint64>(1, report.indexed), 0, 'f', 0)
                        .arg(1000 * seed.value(QStringLiteral("process_cpu_seconds")).toDouble() / std::max(1, count),
                             0, 'f', 0);
        } else {
            text << QStringLiteral("seed loop  -- %1\n").arg(seedProblem);
        }
        text << QStringLiteral(
                    "stages     thread-seconds: decode %1, preprocess %2, thumbnails %3, encode %4, store %5\n")
                    .arg(st.decode, 0, 'f', 2)
                    .arg(st.preprocess, 0, 'f', 2)
                    .arg(st.thumbnails, 0, 'f', 2)
                    .arg(st.encode, 0, 'f', 2)
                    .arg(st.store, 0, 'f', 3)
             << QStringLiteral("cores      %1: process CPU %2 s over %3 s wall = %4 % utilization\n")
                    .arg(cores)
                    .arg(cpuSeconds, 0, 'f', 2)
                    .arg(report.seconds, 0, 'f', 2)
                    .arg(100 * utilization, 0, 'f', 0);
        if (manyCount > 0) {
            text << QStringLiteral("rescan     %1 unchanged files in %2 s\n")
                        .arg(rescanFiles)
                        .arg(rescanSeconds, 0, 'f', 3);
        }
    }
    return report.indexed == count ? 0 : 1;
}

} // namespace clipfind::cli
