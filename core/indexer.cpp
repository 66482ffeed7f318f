// SPDX-License-Identifier: MIT
#include "core/indexer.h"

#include "core/clip/cropbatcher.h"
#include "core/clip/imageprep.h"
#include "core/clipencoder.h"
#include "core/embeddingcache.h"
#include "core/imagedecoder.h"
#include "core/thumbnailstore.h"

#include <QElapsedTimer>
#include <QHash>
#include <QThreadPool>
#include <QtConcurrent>

#include <algorithm>
#include <mutex>
#include <thread>

namespace clipfind {

namespace {

// One file this run has to look at beyond its size and mtime.
struct Work {
    ScannedFile file;
    QByteArray hash;
    QString failure;
    int width = 0;
    int height = 0;
};

int defaultDecodeThreads()
{
    return std::max(1, int(std::thread::hardware_concurrency()) - 1);
}

FileUpdate failureUpdate(const Work &work)
{
    FileUpdate update;
    update.state = {work.file.path, work.file.size, work.file.mtimeNs, work.hash, 0, 0, work.failure};
    return update;
}

} // namespace

IndexReport indexFolder(const QString &root, ClipEncoder &encoder, EmbeddingCache &cache, const ThumbnailStore *thumbnails,
                        const IndexOptions &options, const std::atomic_bool *cancel,
                        const std::function<void(const IndexProgress &)> &progress)
{
    QElapsedTimer clock;
    clock.start();
    IndexReport report;
    const QString modelId = encoder.sha256();
    auto cancelled = [cancel] { return cancel && cancel->load(); };

    // 1. Scan and diff with what the cache knows.
    const ScanResult scan = scanPhotos(root, options.scan, cancel);
    report.scanned = qint64(scan.files.size());
    for (const ScanProblem &problem : scan.problems) {
        report.failed.push_back({problem.path, problem.reason});
    }
    if (scan.cancelled) {
        report.cancelled = true;
        return report;
    }
    QString error;
    QHash<QString, FileState> known;
    for (FileState &state : cache.filesUnder(QFileInfo(root).canonicalFilePath(), &error)) {
        known.insert(state.path, std::move(state));
    }
    if (!error.isEmpty()) {
        report.error = error;
        return report;
    }
    std::vector<Work> candidates;
    QSet<QString> present;
    for (const ScannedFile &file : scan.files) {
        present.insert(file.path);
        const auto it = known.constFind(file.path);
        if (it != known.constEnd() && it->size == file.size && it->mtimeNs == file.mtimeNs
            && (!it->failure.isEmpty() || cache.hasEmbedding(it->contentHash, modelId))) {
            ++report.unchanged; // a known failure is retried only when the file changes
            continue;
        }
        candidates.push_back({file, {}, {}, 0, 0});
    }
    QStringList removed;
    for (auto it = known.constBegin(); it != known.constEnd(); ++it) {
        if (!present.contains(it.key())) {
            removed << it.key();
        }
    }

    // 2. Content hashes on the pool; files whose content already has an embedding are renames or copies.
    QThreadPool pool;
    pool.setMaxThreadCount(options.decodeThreads > 0 ? options.decodeThreads : defaultDecodeThreads());
    QtConcurrent::blockingMap(&pool, candidates, [](Work &work) {
        QString hashError;
        work.hash = contentHash(work.file.path, &hashError);
        work.failure = hashError;
    });
    std::vector<FileUpdate> first; // reuses, unreadable files and removals go in one transaction
    std::vector<Work> todo;
    for (Work &work : candidates) {
        if (!work.failure.isEmpty()) {
            report.failed.push_back({work.file.path, work.failure});
            first.push_back(failureUpdate(work));
        } else if (cache.hasEmbedding(work.hash, modelId)) {
            FileUpdate update;
            update.state = {work.file.path, work.file.size, work.file.mtimeNs, work.hash, 0, 0, {}};
            first.push_back(std::move(update));
            ++report.reused;
        } else {
            todo.push_back(std::move(work));
        }
    }
    if (!cache.writeBatch(modelId, first, removed, &error)) {
        report.error = error;
        return report;
    }
    report.removed = removed.size();

    // 3. Decode + crop on the pool, encode on the batcher's inference thread, one transaction per batch.
    const int size = encoder.imageSize();
    const int batchSize = options.batchSize > 0 ? options.batchSize : (encoder.model().isCuda() ? 512 : 32);
    std::mutex failuresMutex;
    std::vector<FileUpdate> pendingFailures; // decode failures, written with the next batch
    std::atomic<qint64> done{0};
    QElapsedTimer encodeClock;
    encodeClock.start();
    {
        clip::CropBatcher batcher(encoder.model(), batchSize, [&](clip::CropBatchResult result) {
            std::vector<FileUpdate> updates;
            {
                std::lock_guard<std::mutex> lock(failuresMutex);
                updates.swap(pendingFailures);
            }
            const qint64 failuresInBatch = qint64(updates.size());
            if (!result.features.ok()) {
                report.error = QString::fromStdString(result.features.error);
                return;
            }
            for (size_t i = 0; i < result.tickets.size(); ++i) {
                const Work &work = todo[size_t(result.tickets[i])];
                FileUpdate update;
                update.state = {work.file.path, work.file.size, work.file.mtimeNs, work.hash, work.width, work.height, {}};
                const float *row = result.features.row(int64_t(i));
                update.embedding.assign(row, row + result.features.dim);
                updates.push_back(std::move(update));
            }
            QString writeError;
            if (!cache.writeBatch(modelId, updates, {}, &writeError)) {
                report.error = writeError;
                return;
            }
            report.indexed += qint64(result.tickets.size());
            done += qint64(result.tickets.size()) + failuresInBatch;
            if (progress) {
                IndexProgress p;
                p.done = done;
                p.total = qint64(todo.size());
                p.imagesPerSecond = double(report.indexed) / std::max(1e-3, encodeClock.elapsed() / 1000.0);
                p.etaSeconds = p.imagesPerSecond > 0 ? double(p.total - p.done) / p.imagesPerSecond : 0;
                progress(p);
            }
        });
        DecodeOptions decodeOptions;
        decodeOptions.minShortSide = options.exactDecode ? 0 : 2 * size;
        std::vector<int64_t> tickets(todo.size());
        for (size_t i = 0; i < todo.size(); ++i) {
            tickets[i] = int64_t(i);
        }
        QtConcurrent::blockingMap(&pool, tickets, [&](int64_t ticket) {
            Work &work = todo[size_t(ticket)];
            if (cancelled()) {
                return;
            }
            const DecodedImage decoded = decodeImage(work.file.path, decodeOptions);
            if (!decoded.ok()) {
                work.failure = decoded.error;
                std::lock_guard<std::mutex> lock(failuresMutex);
                pendingFailures.push_back(failureUpdate(work));
                return;
            }
            work.width = decoded.image.width();
            work.height = decoded.image.height();
            if (thumbnails) {
                QString thumbnailError; // a missing thumbnail is regenerated later; it never fails the photo
                thumbnails->save(work.file.path, work.file.mtimeNs / 1000000000, decoded.image, &thumbnailError);
            }
            const clip::RgbView view{decoded.image.constBits(), decoded.image.width(), decoded.image.height(),
                                     decoded.image.bytesPerLine()};
            const clip::RgbImage crop = clip::clipCenterCrop(view, size);
            batcher.push(ticket, crop.pixels.data());
        });
        batcher.finish();
    }
    if (!pendingFailures.empty() && report.error.isEmpty() && !cache.writeBatch(modelId, pendingFailures, {}, &error)) {
        report.error = error;
    }
    for (const Work &work : todo) {
        if (!work.failure.isEmpty()) {
            report.failed.push_back({work.file.path, work.failure});
        }
    }
    report.cancelled = cancelled();
    if (!report.cancelled && report.error.isEmpty()) {
        cache.dropUnreferencedEmbeddings(&error);
    }
    report.seconds = clock.elapsed() / 1000.0;
    report.imagesPerSecond = report.indexed / std::max(1e-3, encodeClock.elapsed() / 1000.0);
    return report;
}

} // namespace clipfind
