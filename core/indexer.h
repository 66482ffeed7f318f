// SPDX-License-Identifier: MIT
#pragma once

#include "core/photoscanner.h"

#include <QString>

#include <atomic>
#include <functional>
#include <vector>

namespace clipfind {

class ClipEncoder;
class EmbeddingCache;
class ThumbnailStore;

struct IndexOptions {
    ScanOptions scan;
    bool exactDecode = false; ///< false: JPEG fast path (DCT scaling, mean |diff| <= 0.01 of the exact input)
    int decodeThreads = 0;    ///< 0 = all cores but the one feeding the model (at least 1)
    int batchSize = 0;        ///< 0 = 32 on the CPU, 512 on CUDA
};

struct IndexFailure {
    QString path;
    QString reason;
};

struct IndexProgress {
    qint64 done = 0;  ///< files encoded or failed in this run
    qint64 total = 0; ///< files this run has to decode
    double imagesPerSecond = 0;
    double etaSeconds = 0;
};

/// What a run did. Counts are files; `failed` lists this run's new failures (plus scan problems).
struct IndexReport {
    qint64 scanned = 0;
    qint64 indexed = 0;   ///< decoded and encoded
    qint64 unchanged = 0; ///< same size and mtime, already known for this model (or a known failure)
    qint64 reused = 0;    ///< new path whose content hash already had an embedding (rename, move, copy)
    qint64 removed = 0;   ///< known files that are gone
    std::vector<IndexFailure> failed;
    double seconds = 0;
    double imagesPerSecond = 0;
    bool cancelled = false;
    QString error; ///< the run itself failed (cache or model); counts hold what was committed before
};

/// Brings the cache up to date with the photos under `root` for the encoder's model: scan, diff with the cache,
/// reuse embeddings by content hash, decode + crop on an explicit pool of `decodeThreads`, encode in batches on one
/// inference thread (CropBatcher), one cache transaction per batch (a killed run keeps every committed batch),
/// thumbnails from the decoded image. Blocks the calling thread, which must own `cache`; run it through
/// QtConcurrent::run to keep a GUI responsive. `cancel` is polled; `progress` is called from the inference thread.
IndexReport indexFolder(const QString &root, ClipEncoder &encoder, EmbeddingCache &cache, const ThumbnailStore *thumbnails,
                        const IndexOptions &options, const std::atomic_bool *cancel = nullptr,
                        const std::function<void(const IndexProgress &)> &progress = {});

} // namespace clipfind
