// SPDX-License-Identifier: MIT
#pragma once

#include "core/scan/photoscanner.h"

#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <vector>

namespace clipfind {

class PhotoEncoder;
class LibraryDatabase;
class ThumbnailCache;

struct IndexOptions {
    ScanOptions scan;
    bool exactDecode = false; ///< false: JPEG fast path (DCT scaling, mean |diff| <= 0.01 of the exact input)
    int decodeThreads = 0;    ///< 0 = one per core
    /// CPU only: intra-op threads of the inference thread; 0 = the model's (--threads, default one per core). In
    /// fp32 the encoder is the heavier stage, so it keeps every core and one decoder fills the gaps.
    int encodeThreads = 0;
    int batchSize = 0; ///< 0 = 8 on the CPU (its micro-batch: no slower, less fill and drain), 512 on CUDA
    /// Memory the photos being read and decoded may hold at once (file bytes + the decoder's estimate from the header,
    /// core/decode/imagedecoder.h): decodes wait for room, and a photo that needs more than all of it fails with a
    /// clear reason. 0 = kDefaultDecodeMemory.
    qint64 decodeMemory = 0;
    /// Empty: the whole tree under the root (a full run). Otherwise an incremental run over just these folders
    /// (canonical paths, as FolderWatcher reports them): the photos directly in each are rescanned, and a folder
    /// that no longer exists drops everything the cache knows below it. Subfolders are not entered.
    QStringList folders;
};

/// The default IndexOptions::decodeMemory: with the model and the rest of the process, `clipfind-cli index` stays
/// near 1.5 GB at most on any folder (decompression bombs included).
inline constexpr qint64 kDefaultDecodeMemory = qint64(1) << 30;

struct IndexFailure {
    QString path;
    QString reason;
};

struct IndexProgress {
    enum class Phase { Scanning, Hashing, Encoding };
    Phase phase = Phase::Scanning;
    qint64 found = 0;           ///< photos found so far (Scanning) or in all (later phases)
    qint64 done = 0;            ///< files encoded or failed in this run (Encoding)
    qint64 total = 0;           ///< files this run has to decode (Hashing and Encoding)
    double imagesPerSecond = 0; ///< time spent paused is left out
    double etaSeconds = 0;      ///< 0 while unknown
};

/// What one committed transaction changed, for a search index that follows the run. `embeddings` holds the rows
/// of `paths` (row-major, paths.size() x dim) exactly as the cache stores them (fp16 values), unnormalized.
/// `removed` lists paths whose embedding is gone: deleted files, and known photos that now fail to decode.
struct IndexedRows {
    QStringList paths;
    std::vector<float> embeddings;
    int dim = 0;
    QStringList removed;
};

class IndexControl;

/// Optional observers and control of a run. Callbacks come from the run's threads (scanning and hashing: the
/// calling thread; encoding: the inference thread), one at a time; keep them short.
struct IndexHooks {
    IndexControl *control = nullptr; ///< pause / resume / cancel; may be null
    std::function<void(const IndexProgress &)> progress;
    std::function<void(const IndexedRows &)> committed; ///< after each transaction that changed rows
};

/// Where the encoding phase spent its time: seconds summed over the threads that did each part (so with several
/// decode threads `decode` can exceed the wall time).
struct IndexStageSeconds {
    double decode = 0;     ///< reading the file and decoding it (the reduced JPEG decode on the fast path)
    double preprocess = 0; ///< resize + centre crop to the model's input, handing the crop to the batcher
    double thumbnails = 0; ///< writing the thumbnail from the decoded image
    double encode = 0;     ///< forward passes (inference thread)
    double store = 0;      ///< cache transactions and the committed hook (inference thread)
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
    IndexStageSeconds stages;
    QString error; ///< the run itself failed (cache or model); counts hold what was committed before
};

/// Brings the cache up to date with the photos under `root` for the encoder's model: scan, diff with the cache,
/// reuse embeddings by content hash, decode + prepare (the model's own pipeline: a CLIP centre crop, a Chinese-CLIP
/// resize) on an explicit pool of `decodeThreads`, encode in batches on one inference thread
/// (PhotoEncoder::startImageBatches), one cache transaction per batch (a killed run keeps every committed batch),
/// thumbnails from the decoded image. Blocks the calling thread, which must own `cache`; run it on a worker
/// thread to keep a GUI responsive. Embeddings no file refers to any more are dropped after a complete full run.
IndexReport indexFolder(const QString &root, PhotoEncoder &encoder, LibraryDatabase &cache,
                        const ThumbnailCache *thumbnails, const IndexOptions &options, const IndexHooks &hooks = {});

} // namespace clipfind
