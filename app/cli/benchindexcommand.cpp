// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/encode/clipencoder.h"
#include "core/store/librarydatabase.h"
#include "core/index/indexer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtConcurrent>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <fcntl.h>
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

} // namespace

// clipfind-cli bench-index [--photos N] [--arch ViT-B/32] [--device D] [--exact] [--rescan-files N]
int runBenchIndex(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Generates 4000x3000 photo-like JPEGs, indexes them end to end with a random-weight model of the given "
        "architecture, then times the rescan of an unchanged folder of many files."));
    parser.addOption({QStringLiteral("photos"), QStringLiteral("Photos to generate and index."), QStringLiteral("n"),
                      QStringLiteral("48")});
    parser.addOption({QStringLiteral("arch"), QStringLiteral("Model architecture (random weights)."), QStringLiteral("name"),
                      QStringLiteral("ViT-B/32")});
    parser.addOption({QStringLiteral("exact"), QStringLiteral("Decode JPEGs at full resolution.")});
    parser.addOption({QStringLiteral("rescan-files"), QStringLiteral("Files in the unchanged-folder rescan."),
                      QStringLiteral("n"), QStringLiteral("10000")});
    addDeviceOptions(parser);
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    clip::LoadOptions load;
    QString error;
    if (!readDeviceOptions(parser, &load, &error)) {
        return fail(error, 2);
    }
    const QString arch = parser.value(QStringLiteral("arch"));
    bool usageError = false;
    std::unique_ptr<clip::ClipModel> model = randomModel(arch, load, &error, &usageError);
    if (!model) {
        return fail(error, usageError ? 2 : 1);
    }
    auto encoder = ClipEncoder::fromModel(std::move(model), QStringLiteral("random-") + arch, &error);
    if (!encoder) {
        return fail(error);
    }
    QTemporaryDir dir;
    const QString photos = dir.filePath(QStringLiteral("photos"));
    QDir().mkpath(photos);
    const int count = parser.value(QStringLiteral("photos")).toInt();
    std::fprintf(stderr, "generating %d photos of 4000x3000...\n", count);
    QVector<int> seeds(count);
    std::iota(seeds.begin(), seeds.end(), 1);
    QtConcurrent::blockingMap(seeds, [&](int seed) {
        writePhoto(photos + QStringLiteral("/IMG_%1.jpg").arg(seed, 5, 10, QLatin1Char('0')), quint32(seed));
    });
    qint64 bytes = 0;
    for (const QFileInfo &info : QDir(photos).entryInfoList(QDir::Files)) {
        bytes += info.size();
    }
    auto cache = LibraryDatabase::open(dir.filePath(QStringLiteral("cache.sqlite")), &error);
    if (!cache) {
        return fail(error);
    }
    IndexOptions options;
    options.exactDecode = parser.isSet(QStringLiteral("exact"));
    std::fprintf(stderr, "indexing...\n");
    const IndexReport report = indexFolder(photos, *encoder, *cache, nullptr, options);
    if (!report.error.isEmpty()) {
        return fail(report.error);
    }

    // Rescan: a folder of many files the cache already knows (entered directly: encoding 10,000 files is not
    // what this measures).
    const QString many = dir.filePath(QStringLiteral("many"));
    QDir().mkpath(many);
    const int manyCount = parser.value(QStringLiteral("rescan-files")).toInt();
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
        update.state = {file.path, file.size, file.mtimeNs, QByteArray(32, 'x'), 1, 1, QStringLiteral("(benchmark)")};
        updates.push_back(std::move(update));
    }
    if (!cache->writeBatch(encoder->sha256(), updates, {}, &error)) {
        return fail(error);
    }
    QElapsedTimer rescanClock;
    rescanClock.start();
    const IndexReport rescan = indexFolder(many, *encoder, *cache, nullptr, options);
    const double rescanSeconds = rescanClock.elapsed() / 1000.0;

    const QJsonObject out{
        {QStringLiteral("device"), encoder->deviceDescription()},
        {QStringLiteral("model"), arch + QStringLiteral(" (random weights)")},
        {QStringLiteral("photos"), count},
        {QStringLiteral("photo_megabytes_average"), double(bytes) / count / 1e6},
        {QStringLiteral("exact_decode"), options.exactDecode},
        {QStringLiteral("index_seconds"), report.seconds},
        {QStringLiteral("images_per_second_end_to_end"), double(report.indexed) / report.seconds},
        {QStringLiteral("rescan_files"), rescan.unchanged},
        {QStringLiteral("rescan_seconds"), rescanSeconds},
    };
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
    return report.indexed == count ? 0 : 1;
}

} // namespace clipfind::cli
