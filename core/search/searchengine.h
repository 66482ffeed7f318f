// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/matrix/embeddingmatrix.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <atomic>
#include <limits>
#include <memory>
#include <vector>

namespace clipfind {

class PhotoEncoder;

enum class SearchSort {
    Relevance, ///< best score first
    Date,      ///< the kept hits newest first: EXIF date taken, else the file's modification time
};

struct SearchOptions {
    int k = 100; ///< at most this many hits
    /// Adaptive cutoff: of the k best, keep those with score >= max(best - cutoffMargin, mean + cutoffZ * stddev),
    /// mean and stddev taken over every photo's score. The best hit is always kept.
    bool cutoff = false;
    float cutoffMargin = 0.05f;
    float cutoffZ = 2.0f;
    SearchSort sort = SearchSort::Relevance;
    /// Dropping stale queries: when `generation` is set, the search gives up (SearchResults::cancelled) as soon as
    /// *generation differs from `startGeneration`: before and after encoding, and every few thousand rows of the
    /// scan. A GUI bumps one counter per keystroke and passes the value it started the search with:
    ///     const quint64 g = ++m_generation;   // GUI thread
    ///     pool->start([=] { SearchOptions o; o.generation = &m_generation; o.startGeneration = g; ... });
    /// and shows a result only when it is not cancelled and its startGeneration is still the latest.
    const std::atomic<quint64> *generation = nullptr;
    quint64 startGeneration = 0;
};

struct SearchHit {
    QString path;
    float score = 0; ///< cosine similarity with the (combined, normalized) query
    QDateTime date;  ///< set when sorting by date: when the photo was taken, or its file time
};

/// Milliseconds per stage.
struct SearchTimings {
    double parse = 0;
    double encode = 0; ///< tokenize + encode the uncached text terms, fetch or encode image terms
    double score = 0;  ///< scan + top-k
    double sort = 0;   ///< cutoff and date order
    double total = 0;
};

struct SearchResults {
    QString query;
    std::vector<SearchHit> hits;
    QString error;          ///< one line (bad query syntax, unreadable image, ...); hits are then empty
    bool cancelled = false; ///< superseded (see SearchOptions::generation); hits are empty
    qint64 rows = 0;        ///< photos searched
    /// The score Only Close Matches (SearchOptions::cutoff) cuts at: the hits below it are those it drops (and
    /// dropped, when it is on). Set whenever there are hits, so a grid can show where the cut falls.
    float cutoffScore = -std::numeric_limits<float>::infinity();
    int encodedTexts = 0; ///< text terms that went through the encoder (0 when all came from the query cache)
    SearchTimings timings;
};

/// Text and image search over the cached embeddings of one folder (its subtree) for one model.
///
/// Threading: every public method is thread-safe. Searches share a reader lock on the rows; upsertRows(),
/// removePaths() and reload() take it exclusively for the short time they change rows (reload() reads the cache
/// first, without the lock). The query cache and the date cache have their own locks. The encoder is called from
/// the searching thread without a lock of ours (PhotoEncoder's own contract applies). Typical use: the GUI runs
/// search() on one worker thread while the indexer's batches arrive through upsertRows() from another.
class SearchEngine
{
public:
    struct Options {
        /// Default: the int8 codes on the CPU in memory, the fp16 rows of the candidates read back from the cache
        /// (keepRows = false; 0.5 KB a photo of dimension 512 instead of 1.5 KB). Rows that arrive through
        /// upsertRows() and are not in the cache (yet) are kept in memory.
        clip::MatrixOptions matrix = leanMatrix();
        int queryCacheSize = 256; ///< text terms whose normalized embedding is kept (LRU)

        static clip::MatrixOptions leanMatrix()
        {
            clip::MatrixOptions options;
            options.keepRows = false;
            return options;
        }
    };

    /// Loads the rows of encoder->modelId() under `root` from the cache at `databasePath` through its own read-only
    /// connection (kept open: the exact rescoring reads candidates' rows through it). A database that does not
    /// exist yet gives an empty engine (rows arrive through upsertRows, or a later reload()). Null with *error when
    /// the cache cannot be read. Opens the encoder's checkpoint for its dimension (milliseconds) but does not wait
    /// for its text tower: search() does, so the rows and the model can load at the same time on two threads (a
    /// search started before the text tower is ready waits for it and then returns the right results).
    /// `encoder` must outlive the engine.
    static std::unique_ptr<SearchEngine> open(PhotoEncoder *encoder, const QString &databasePath, const QString &root,
                                              QString *error);
    static std::unique_ptr<SearchEngine> open(PhotoEncoder *encoder, const QString &databasePath, const QString &root,
                                              const Options &options, QString *error);
    ~SearchEngine();
    SearchEngine(const SearchEngine &) = delete;
    SearchEngine &operator=(const SearchEngine &) = delete;

    /// Replaces every row with what the cache holds now. False with *error (rows unchanged) when it cannot be read.
    bool reload(QString *error);
    /// Milliseconds the last open()/reload() took to read the cache and build the matrix.
    double lastLoadMs() const;
    /// Bytes the rows take in memory: the matrix, where each row is read back from, and the paths with their index.
    qint64 rowMemoryBytes() const;

    /// Adds or replaces the rows of `paths` (rows: paths.size() x dim floats, the encoder's unnormalized output as
    /// the indexer stores it). Paths outside the root and rows of another dimension are ignored.
    void upsertRows(const QStringList &paths, const std::vector<float> &rows, int dim);
    void removePaths(const QStringList &paths);
    qint64 rowCount() const;
    QString root() const;

    /// Runs a query in the search field's syntax (see searchquery.h). A blank query gives no hits and no error.
    SearchResults search(const QString &query, const SearchOptions &options);
    /// "More like this": an indexed photo's stored embedding is the query (no encoding); any other image file is
    /// encoded on the fly. The photo itself is among the hits (score 1 when indexed).
    SearchResults similar(const QString &imagePath, const SearchOptions &options);

private:
    SearchEngine();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace clipfind
