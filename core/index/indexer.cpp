// SPDX-License-Identifier: MIT
// Why this file is long: indexFolder() is one pipeline (scan, diff, decode on the pool, encode, commit) whose stages
// share the report, the memory budget and cancellation; it reads top to bottom in the order it runs.
#include "core/index/indexer.h"

#include "core/clip/matrix/half.h"
#include "core/decode/imagedecoder.h"
#include "core/encode/photoencoder.h"
#include "core/index/indexcontrol.h"
#include "core/index/memorybudget.h"
#include "core/scan/regularfile.h"
#include "core/store/filehash.h"
#include "core/store/librarydatabase.h"
#include "core/threads/pooltasks.h"
#include "core/thumbnails/thumbnailcache.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QThreadPool>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <mutex>
#include <thread>
#include <utility>

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

// One decoder per core, beside the encoder's own threads. Decoders that get ahead block on the batcher (they sleep),
// so the encoder is not starved of cores; with one core fewer, the second core of a 2-core machine idled whenever
// the encoder waited for crops: bench-index on 2 cores, both decoders vs one: 39 real photographs 14.8 vs 13.3
// photos/s (95 % vs 87 % of the cores busy), 24 generated 12-MP photos 11.5 vs 10.5 photos/s.
int defaultDecodeThreads()
{
    return std::max(1, int(std::thread::hardware_concurrency()));
}

// Wall time of one stage, summed over the threads that run it.
class StageClock
{
public:
    void add(std::chrono::steady_clock::time_point since)
    {
        m_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - since).count();
    }
    void addSeconds(double seconds) { m_ns += int64_t(seconds * 1e9); }
    double seconds() const { return double(m_ns.load()) / 1e9; }

private:
    std::atomic<int64_t> m_ns{0};
};

FileUpdate failureUpdate(const Work &work)
{
    FileUpdate update;
    update.state = {work.file.path, work.file.size, work.file.mtimeNs, work.hash, 0, 0, work.failure};
    return update;
}

QString parentFolder(const QString &path)
{
    return path.left(path.lastIndexOf(QLatin1Char('/')));
}

// The photos on disk in the places this run covers, and what the cache knows about the same places.
struct Survey {
    std::vector<ScannedFile> files;
    std::vector<ScanProblem> problems;
    QHash<QString, FileState> known;
    bool cancelled = false;
    QString error;
};

Survey survey(const QString &canonicalRoot, const IndexOptions &options, const LibraryDatabase &cache,
              const IndexHooks &hooks)
{
    Survey result;
    const std::atomic_bool *cancel = hooks.control ? hooks.control->cancelFlag() : nullptr;
    // A file the cache knows is compared with the disk only where this run looked: a non-recursive run does not
    // look below the root, an incremental run only directly inside its folders (or below a folder that is gone).
    auto remember = [&](const QString &place, bool directOnly) {
        for (FileState &state : cache.filesUnder(place, &result.error)) {
            if (!directOnly || parentFolder(state.path) == place) {
                result.known.insert(state.path, std::move(state));
            }
        }
    };
    if (options.folders.isEmpty()) {
        ScanResult scan = scanPhotos(canonicalRoot, options.scan, cancel, [&hooks](qint64 found) {
            if (hooks.progress) {
                IndexProgress p;
                p.phase = IndexProgress::Phase::Scanning;
                p.found = found;
                hooks.progress(p);
            }
        });
        result.files = std::move(scan.files);
        result.problems = std::move(scan.problems);
        result.cancelled = scan.cancelled;
        remember(canonicalRoot, !options.scan.recursive);
        return result;
    }
    QSet<QString> seen;
    for (const QString &folder : options.folders) {
        const QString place = QDir::cleanPath(folder);
        if (place.isEmpty() || seen.contains(place)) {
            continue;
        }
        seen.insert(place);
        if (place != canonicalRoot && !place.startsWith(canonicalRoot + QLatin1Char('/'))) {
            result.problems.push_back(
                {place, QCoreApplication::translate("clipfind::Indexer", "not inside the indexed folder %1")
                            .arg(canonicalRoot)});
            continue;
        }
        ScanResult scan = scanFolder(place, options.scan, nullptr, canonicalRoot);
        std::move(scan.files.begin(), scan.files.end(), std::back_inserter(result.files));
        std::move(scan.problems.begin(), scan.problems.end(), std::back_inserter(result.problems));
        remember(place, QFileInfo(place).isDir());
        if (cancel && cancel->load()) {
            result.cancelled = true;
            break;
        }
    }
    return result;
}

// Beyond what the decoder estimates: the thumbnail's and the crop's buffers (a few MB even for the largest photos).
constexpr qint64 kWorkingBytes = 32 << 20;

QString megabytes(qint64 bytes)
{
    return QStringLiteral("%1 MiB").arg((bytes + (1 << 19)) >> 20);
}

// Reads and decodes one photo within the run's memory budget. The file is read and its header probed under
// `readLock`, one file at a time, so that the only bytes not yet reserved are those of the file being read; then the
// decode waits until its estimate fits beside the decodes in flight. `*held` keeps the memory until the caller is done
// with the image; a photo that needs more than the whole budget fails.
DecodedImage decodeWithinBudget(const QString &path, const DecodeOptions &options, MemoryBudget &budget,
                                std::mutex &readLock, MemoryBudget::Reservation *held)
{
    const QString name = QFileInfo(path).fileName();
    const auto failed = [&name](const QString &problem) {
        DecodedImage result;
        result.error = name + QStringLiteral(": ") + problem;
        return result;
    };
    const auto tooLarge = [&](qint64 needed, const QString &what) {
        return failed(
            QCoreApplication::translate("clipfind::Indexer",
                                        "needs about %1 of memory to decode%2, more than the indexer's %3 budget")
                .arg(megabytes(needed), what, megabytes(budget.capacity())));
    };
    QByteArray bytes;
    {
        std::lock_guard<std::mutex> reading(readLock);
        RegularFile file;
        QString problem;
        if (!file.open(path, &problem)) {
            return failed(problem);
        }
        if (file.size() > kMaxImageFileBytes) {
            return failed(
                QCoreApplication::translate("clipfind::Indexer", "file is too large (%1 MB)").arg(file.size() >> 20));
        }
        if (!budget.grow(held, file.size())) {
            return tooLarge(file.size(), QString());
        }
        if (!file.read(0, file.size(), &bytes, &problem)) {
            return failed(problem);
        }
        const ImageProbe probe = probeImageData(bytes, name, options);
        if (!probe.ok()) {
            DecodedImage result;
            result.error = probe.error;
            return result;
        }
        if (!budget.grow(held, probe.decodeBytes + kWorkingBytes)) {
            return tooLarge(held->bytes() + probe.decodeBytes + kWorkingBytes,
                            QCoreApplication::translate("clipfind::Indexer", " (%1 x %2 pixels)")
                                .arg(probe.width)
                                .arg(probe.height));
        }
    }
    return decodeImageData(bytes, name, options);
}

// Rates and ETAs over the time the run was not paused.
class RateClock
{
public:
    explicit RateClock(const IndexControl *control)
        : m_control(control)
        , m_pausedAtStart(control ? control->pausedSeconds() : 0)
    {
        m_clock.start();
    }
    double activeSeconds() const
    {
        const double paused = m_control ? m_control->pausedSeconds() - m_pausedAtStart : 0;
        return std::max(1e-3, m_clock.elapsed() / 1000.0 - paused);
    }

private:
    const IndexControl *m_control;
    double m_pausedAtStart;
    QElapsedTimer m_clock;
};

} // namespace

IndexReport indexFolder(const QString &root, PhotoEncoder &encoder, LibraryDatabase &cache,
                        const ThumbnailCache *thumbnails, const IndexOptions &options, const IndexHooks &hooks)
{
    QElapsedTimer clock;
    clock.start();
    IndexReport report;
    const QString modelId = encoder.modelId();
    IndexControl *control = hooks.control;
    auto cancelled = [control] { return control && control->isCancelled(); };
    // Workers call this at each file: it blocks while paused and says whether to go on.
    auto mayContinue = [control] { return !control || control->waitWhilePaused(); };

    // 1. Scan and diff with what the cache knows. A missing root is an error, not an empty folder: an unmounted
    //    drive must not wipe its photos from the cache.
    const QString canonicalRoot = QFileInfo(root).canonicalFilePath();
    if (canonicalRoot.isEmpty() || !QFileInfo(canonicalRoot).isDir()) {
        report.error = QCoreApplication::translate("clipfind::Indexer", "%1: not a folder or not readable").arg(root);
        return report;
    }
    Survey scan = survey(canonicalRoot, options, cache, hooks);
    report.scanned = qint64(scan.files.size());
    for (const ScanProblem &problem : scan.problems) {
        report.failed.push_back({problem.path, problem.reason});
    }
    if (!scan.error.isEmpty()) {
        report.error = scan.error;
        return report;
    }
    if (scan.cancelled) {
        report.cancelled = true;
        return report;
    }
    QString error;
    std::vector<Work> candidates;
    QSet<QString> present;
    for (const ScannedFile &file : scan.files) {
        present.insert(file.path);
        const auto it = scan.known.constFind(file.path);
        if (it != scan.known.constEnd() && it->size == file.size && it->mtimeNs == file.mtimeNs
            && (!it->failure.isEmpty() || cache.hasEmbedding(it->contentHash, modelId))) {
            ++report.unchanged; // a known failure is retried only when the file changes
            continue;
        }
        candidates.push_back({file, {}, {}, 0, 0});
    }
    QStringList removed;
    for (auto it = scan.known.constBegin(); it != scan.known.constEnd(); ++it) {
        if (!present.contains(it.key())) {
            removed << it.key();
        }
    }
    auto reportProgress = [&hooks, &scan](IndexProgress::Phase phase, qint64 done, qint64 total, double rate) {
        if (hooks.progress) {
            IndexProgress p;
            p.phase = phase;
            p.found = qint64(scan.files.size());
            p.done = done;
            p.total = total;
            p.imagesPerSecond = rate;
            p.etaSeconds = rate > 0 ? double(total - done) / rate : 0;
            hooks.progress(p);
        }
    };
    reportProgress(IndexProgress::Phase::Hashing, 0, qint64(candidates.size()), 0);

    // 2. Content hashes on the pool; files whose content already has an embedding are renames or copies.
    QThreadPool pool;
    pool.setMaxThreadCount(options.decodeThreads > 0 ? options.decodeThreads : defaultDecodeThreads());
    parallelFor(pool, qsizetype(candidates.size()), [&](qsizetype i) {
        Work &work = candidates[size_t(i)];
        if (!mayContinue()) {
            return;
        }
        QString hashError;
        work.hash = contentHash(work.file.path, &hashError);
        work.failure = hashError;
    });
    if (cancelled()) {
        report.cancelled = true; // nothing written yet: the next run redoes the (cheap) hashing
        report.seconds = clock.elapsed() / 1000.0;
        return report;
    }
    std::vector<FileUpdate> first; // reuses, unreadable files and removals go in one transaction
    IndexedRows firstRows;
    firstRows.removed = removed;
    std::vector<Work> todo;
    for (Work &work : candidates) {
        if (!work.failure.isEmpty()) {
            report.failed.push_back({work.file.path, work.failure});
            first.push_back(failureUpdate(work));
            firstRows.removed << work.file.path;
        } else if (cache.hasEmbedding(work.hash, modelId)) {
            FileUpdate update;
            update.state = {work.file.path, work.file.size, work.file.mtimeNs, work.hash, 0, 0, {}};
            first.push_back(std::move(update));
            ++report.reused;
            std::vector<float> row;
            if (hooks.committed && cache.embeddingFor(work.hash, modelId, &row)) {
                firstRows.dim = int(row.size());
                firstRows.paths << work.file.path;
                firstRows.embeddings.insert(firstRows.embeddings.end(), row.begin(), row.end());
            }
        } else {
            todo.push_back(std::move(work));
        }
    }
    if (!cache.writeBatch(modelId, first, removed, &error)) {
        report.error = error;
        return report;
    }
    report.removed = removed.size();
    if (hooks.committed && (!firstRows.paths.isEmpty() || !firstRows.removed.isEmpty())) {
        hooks.committed(firstRows);
    }
    reportProgress(IndexProgress::Phase::Encoding, 0, qint64(todo.size()), 0);

    // 3. Decode + crop on the pool, encode on the batcher's inference thread, one transaction per batch. The model
    //    is opened (and its image tower built) only now, and only when there is something to encode.
    if (!todo.empty() && !encoder.prepareImageTower(&error)) {
        report.error = error;
        report.seconds = clock.elapsed() / 1000.0;
        return report;
    }
    const int size = todo.empty() ? 0 : encoder.inputSize();
    // The CPU encodes in micro-batches of 8 whatever it is handed (clipmodelprivate.h), so a batch of 8 costs no
    // speed: the encoder starts after 8 decodes instead of 32, and the last partial batch is as short.
    // (isCuda() may load the model engine: it is asked only when there is something to encode.)
    const int batchSize = options.batchSize > 0 ? options.batchSize : (!todo.empty() && encoder.isCuda() ? 512 : 8);
    std::mutex failuresMutex;
    std::vector<FileUpdate> pendingFailures; // decode failures, written with the next batch
    std::atomic<qint64> done{0};
    const RateClock encodeClock(control);
    StageClock decodeStage, preprocessStage, thumbnailStage, encodeStage, storeStage;
    const int encodeThreads = std::max(0, options.encodeThreads);
    std::unique_ptr<ImageBatchEncoder> batcher;
    if (!todo.empty()) {
        batcher = encoder.startImageBatches(
            batchSize,
            [&](clip::CropBatchResult result) {
                encodeStage.addSeconds(result.encodeSeconds);
                const auto storeStart = std::chrono::steady_clock::now();
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
                IndexedRows rows;
                for (const FileUpdate &failure : updates) {
                    rows.removed << failure.state.path;
                }
                rows.dim = int(result.features.dim);
                for (size_t i = 0; i < result.tickets.size(); ++i) {
                    const Work &work = todo[size_t(result.tickets[i])];
                    FileUpdate update;
                    update.state = {
                        work.file.path, work.file.size, work.file.mtimeNs, work.hash, work.width, work.height, {}};
                    const float *row = result.features.row(int64_t(i));
                    update.embedding.assign(row, row + result.features.dim);
                    if (hooks.committed) {
                        rows.paths << work.file.path;
                        for (float value : update.embedding) {
                            rows.embeddings.push_back(
                                clip::halfToFloat(clip::floatToHalf(value))); // what the cache keeps
                        }
                    }
                    updates.push_back(std::move(update));
                }
                QString writeError;
                if (!cache.writeBatch(modelId, updates, {}, &writeError)) {
                    report.error = writeError;
                    return;
                }
                report.indexed += qint64(result.tickets.size());
                done += qint64(result.tickets.size()) + failuresInBatch;
                if (hooks.committed) {
                    hooks.committed(rows);
                }
                storeStage.add(storeStart);
                reportProgress(IndexProgress::Phase::Encoding, done, qint64(todo.size()),
                               double(report.indexed) / encodeClock.activeSeconds());
            },
            encodeThreads, &error);
    }
    if (!todo.empty() && !batcher) {
        report.error = error;
        report.seconds = clock.elapsed() / 1000.0;
        return report;
    }
    if (batcher) {
        DecodeOptions decodeOptions;
        decodeOptions.minShortSide = options.exactDecode ? 0 : 2 * size;
        MemoryBudget budget(options.decodeMemory > 0 ? options.decodeMemory : kDefaultDecodeMemory);
        std::mutex readLock;
        parallelFor(pool, qsizetype(todo.size()), [&](qsizetype i) {
            const int64_t ticket = i; // the batcher hands it back with the row: the index into todo
            Work &work = todo[size_t(ticket)];
            if (!mayContinue()) {
                return;
            }
            MemoryBudget::Reservation held;
            auto start = std::chrono::steady_clock::now();
            DecodedImage decoded = decodeWithinBudget(work.file.path, decodeOptions, budget, readLock, &held);
            decodeStage.add(start);
            if (!decoded.ok()) {
                work.failure = decoded.error;
                std::lock_guard<std::mutex> lock(failuresMutex);
                pendingFailures.push_back(failureUpdate(work));
                return;
            }
            work.width = decoded.image.width();
            work.height = decoded.image.height();
            if (thumbnails) {
                start = std::chrono::steady_clock::now();
                QString thumbnailError; // a missing thumbnail is regenerated later; it never fails the photo
                // Shrunk first: Qt's smooth scaling would convert the whole photo to 32 bits per pixel.
                const QImage source = shrinkImage(decoded.image, 2 * ThumbnailCache::kLargeSize);
                thumbnails->save(work.file.path, work.file.mtimeNs / 1000000000, source, &thumbnailError);
                thumbnailStage.add(start);
            }
            start = std::chrono::steady_clock::now();
            PreparedPhoto input = batcher->prepare(decoded.image); // the model's own pipeline
            preprocessStage.add(start);
            decoded.image = QImage(); // the photo's memory goes back before waiting for room in the batch
            held.release();
            batcher->push(ticket, std::move(input)); // blocks while the encoder is behind (waiting, not work)
        });
        batcher->finish();
    }
    if (!pendingFailures.empty() && report.error.isEmpty()) {
        if (!cache.writeBatch(modelId, pendingFailures, {}, &error)) {
            report.error = error;
        } else if (hooks.committed) {
            IndexedRows rows;
            for (const FileUpdate &failure : pendingFailures) {
                rows.removed << failure.state.path;
            }
            hooks.committed(rows);
        }
    }
    for (const Work &work : todo) {
        if (!work.failure.isEmpty()) {
            report.failed.push_back({work.file.path, work.failure});
        }
    }
    report.cancelled = cancelled();
    // Only a full run sees every file; after an incremental one, a moved photo's other half may still come.
    if (!report.cancelled && report.error.isEmpty() && options.folders.isEmpty()) {
        cache.dropUnreferencedEmbeddings(&error);
    }
    report.stages = {decodeStage.seconds(), preprocessStage.seconds(), thumbnailStage.seconds(), encodeStage.seconds(),
                     storeStage.seconds()};
    report.seconds = clock.elapsed() / 1000.0;
    report.imagesPerSecond = report.indexed / encodeClock.activeSeconds();
    return report;
}

} // namespace clipfind
