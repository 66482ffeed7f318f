// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QImage>
#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

namespace clipfind {

/// Cosine of the stored embeddings at or above which two photos are duplicate candidates (see README "Duplicates").
inline constexpr float kDefaultDuplicateThreshold = 0.90f;
/// Perceptual-hash bits (of 64) in which two photos of one shot may differ.
inline constexpr int kDefaultMaxHashDistance = 10;
/// Mean difference (0..255) of their 8 x 8 color averages.
inline constexpr double kDefaultMaxColorDifference = 8.0;

struct DuplicateOptions {
    float threshold = kDefaultDuplicateThreshold;
    /// The second check, on every candidate pair (imagefingerprint.h): perceptual hashes at most this many bits
    /// apart, 8 x 8 color averages at most this far apart, and aspect ratios (from the indexed width and height)
    /// within this relative difference. -1 turns a part off; all three off: the embeddings alone decide.
    int maxHashDistance = kDefaultMaxHashDistance;
    double maxColorDifference = kDefaultMaxColorDifference;
    double maxAspectDifference = 0.03;
    /// The picture a photo's fingerprint is computed from: by default its stored 256 px thumbnail
    /// (ThumbnailCache::standard()) when it is fresh, else the photo decoded at reduced size. Called from several
    /// threads at once.
    std::function<QImage(const QString &path, qint64 mtimeSeconds)> picture;
    /// Fingerprinting is what takes time (a thumbnail read or a decode per photo in a pair): called with photos done
    /// and photos to do, from the pool's threads, at most every 100 ms and once at the end.
    std::function<void(qint64 done, qint64 total)> progress;
    const std::atomic_bool *cancel = nullptr; ///< polled between stages and photos; a cancelled run has no groups
};

struct DuplicatePhoto {
    QString path;
    qint64 bytes = 0;
    int width = 0; ///< upright pixels, from the headers (readImageSize(); as indexed when they give none)
    int height = 0;
    QDateTime date;         ///< when it was taken (EXIF, HEIF, RAW), else the file's modification time
    bool dateTaken = false; ///< true: `date` is the date taken
};

struct DuplicateGroup {
    /// photos[0] is the one to keep: the largest resolution, then the earliest date, then the largest file, then the
    /// first path. The others follow by path.
    std::vector<DuplicatePhoto> photos;
    float similarity = 0; ///< the lowest cosine among the pairs that joined the group (every photo is this close)

    const DuplicatePhoto &keep() const { return photos.front(); }
    QStringList duplicatePaths() const; ///< all but the one to keep
    qint64 duplicateBytes() const;      ///< what moving those to the trash frees
};

struct DuplicateStats {
    qint64 photos = 0;            ///< indexed photos looked at
    qint64 windowPairs = 0;       ///< pairs the principal-component filter looked at (of photos * (photos - 1) / 2)
    qint64 candidatePairs = 0;    ///< pairs that passed the filter and were scored in full
    double projectedVariance = 0; ///< share of the embeddings' variance the filter's components hold
    qint64 similarPairs = 0;      ///< pairs at or above the cosine threshold
    qint64 checkedPairs = 0;      ///< of those, given the second check (the others were already in one group)
    qint64 confirmedPairs = 0;
    qint64 fingerprinted = 0; ///< photos whose fingerprint was computed
    double loadMs = 0;
    double pairsMs = 0; ///< of which: projecting, filtering, scoring the candidates in full
    double projectMs = 0;
    double filterMs = 0;
    double scoreMs = 0;
    double checkMs = 0;
    double totalMs = 0;
};

struct DuplicateReport {
    std::vector<DuplicateGroup> groups; ///< most bytes to free first, then by the keeper's path
    QStringList unreadable;             ///< "path: reason": photos without a fingerprint (kept out of groups)
    DuplicateStats stats;
    QString error; ///< one line; groups are then empty
    bool cancelled = false;
};

/// Near-identical photos under `root` (its subtree), from the embeddings of `modelId` stored in the library database
/// at `databasePath` (read through its own read-only connection):
///  1. pairs whose stored embeddings have cosine >= threshold, without scoring all pairs in full
///     (clip::findNearPairs: a principal-component bound, a sorted window, blocked products);
///  2. each pair, most similar first, unless its photos are already in one group, confirmed by the second check
///     (perceptual hash, color averages, aspect ratio), so that two different photos of one scene are not called
///     duplicates;
///  3. confirmed pairs joined into groups (union-find), with sizes, resolutions, dates and the photo to keep.
/// Photos that no longer exist are left out. Runs on the calling thread (fingerprints on a pool of its own): call it
/// off the GUI thread. Never throws.
DuplicateReport findDuplicates(const QString &databasePath, const QString &root, const QString &modelId,
                               const DuplicateOptions &options = {});

/// Steps 1-3 on rows already in memory (tests, benchmarks): `halves` holds rows * dim fp16 values; `confirm(a, b)`
/// is the second check (true: same shot) and may be empty. Groups of row indices (each sorted, groups sorted by
/// their first row) with their similarity; *stats (may be null) gets the pair counts and timings. Empty with *error
/// on failure.
struct RowGroups {
    std::vector<std::vector<int64_t>> groups;
    std::vector<float> similarity;
};
RowGroups groupSimilarRows(const uint16_t *halves, int64_t rows, int dim, float threshold,
                           const std::function<bool(int64_t, int64_t)> &confirm, DuplicateStats *stats, QString *error,
                           const std::atomic_bool *cancel = nullptr);

} // namespace clipfind
