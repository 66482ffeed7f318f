// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <functional>
#include <memory>
#include <vector>

namespace clipfind {

/// $CLIPFIND_DATA_DIR when set, else QStandardPaths::GenericDataLocation + "/clipfind"
/// (~/.local/share/clipfind on Linux). `--data-dir DIR` is handled by the app and wins over both.
QString defaultDataDir();

/// The cache file inside a data folder.
QString databasePathIn(const QString &dataDir);

/// What the cache knows about one file. `failure` empty means the file decoded.
struct FileState {
    QString path;
    qint64 size = 0;
    qint64 mtimeNs = 0;
    QByteArray contentHash;
    int width = 0;
    int height = 0;
    QString failure;
};

/// One file to upsert. `embedding` is empty for failures, and also when the indexer reuses the
/// embedding already stored under the same content hash (a rename, move or copy).
struct FileUpdate {
    FileState state;
    std::vector<float> embedding;
};

struct FolderCounts {
    qint64 files = 0;
    qint64 indexed = 0; ///< decodable and an embedding exists for the model
    qint64 failed = 0;  ///< failure recorded (independent of the model)
    qint64 pending = 0; ///< neither
};

/// SQLite cache of per-file state and embeddings (fp16, keyed by content hash and model id).
///
/// Threading: one object is one SQLite connection and must be used from one thread at a time. The
/// indexer owns one writer; searches open their own (WAL lets readers run beside the writer).
///
/// Durability: WAL with synchronous=NORMAL. A killed process loses nothing that writeBatch()
/// reported as committed; a power loss may lose the last few batches but never corrupts the file.
class LibraryDatabase
{
public:
    static constexpr int kSchemaVersion = 1;

    /// Opens or creates the database (and its folders): WAL, busy timeout, schema. A corrupt or
    /// non-SQLite file, a foreign SQLite file, or a newer schema version gives nullptr and an
    /// *error naming the file.
    static std::unique_ptr<LibraryDatabase> open(const QString &databasePath, QString *error);
    /// A read-only connection to an existing cache (search reads beside the indexer's writer). A missing file, a
    /// file that is not a ClipFind cache or a newer schema gives nullptr and an *error naming the file.
    static std::unique_ptr<LibraryDatabase> openReadOnly(const QString &databasePath, QString *error);
    ~LibraryDatabase();
    LibraryDatabase(const LibraryDatabase &) = delete;
    LibraryDatabase &operator=(const LibraryDatabase &) = delete;

    QString databasePath() const;

    /// Known files equal to `root` or below it on a folder boundary (/a/b matches /a/b/x, not
    /// /a/bc), sorted by path. An empty root or "/" means everything.
    std::vector<FileState> filesUnder(const QString &root, QString *error = nullptr) const;

    /// Whether an embedding exists for (contentHash, modelId); true lets the indexer skip decoding
    /// a renamed, moved or copied file.
    bool hasEmbedding(const QByteArray &contentHash, const QString &modelId, QString *error = nullptr) const;

    /// The stored embedding (fp16 values as floats) of (contentHash, modelId) into *embedding. False when there is
    /// none (*error stays empty) or the lookup failed (*error set).
    bool embeddingFor(const QByteArray &contentHash, const QString &modelId, std::vector<float> *embedding,
                      QString *error = nullptr) const;

    /// One transaction: upsert every update (its embedding, if any, stored once under
    /// (contentHash, modelId)) and delete `removedPaths`. All or nothing. Arguments are checked
    /// before anything is written: non-empty modelId and paths, a content hash and a finite,
    /// fp16-representable embedding of one dimension per model for every decodable file.
    /// Embeddings that lose their last file are kept until dropUnreferencedEmbeddings(), so a
    /// move whose delete and add land in different batches still reuses its embedding.
    bool writeBatch(const QString &modelId, const std::vector<FileUpdate> &updates, const QStringList &removedPaths,
                    QString *error);

    /// Deletes embeddings (of every model) whose content no file has any more. The indexer calls
    /// it once at the end of a complete run. Returns the number dropped, or -1 and *error.
    qint64 dropUnreferencedEmbeddings(QString *error);

    /// Counts for a folder (same prefix rule as filesUnder) and a model.
    FolderCounts counts(const QString &root, const QString &modelId, QString *error = nullptr) const;

    /// Everything search needs: decodable paths under root with an embedding for modelId (sorted),
    /// and their row-major fp32 matrix (paths->size() x *dim). *dim is 0 when there are none.
    bool loadEmbeddings(const QString &root, const QString &modelId, QStringList *paths, std::vector<float> *matrix,
                        int *dim, QString *error) const;

    /// loadEmbeddings() for search, streamed: `reserve` (if set) first gets an upper bound of the row count (the
    /// decodable files under root), then `row` is called per file (in no particular order) with the stored fp16 bits
    /// (IEEE binary16, valid during the call). No per-value conversion and no second copy of the matrix: 100k rows of
    /// 512 load in a fraction of loadEmbeddings()' time. False with *error (rows delivered so far are then void).
    bool readStoredEmbeddings(const QString &root, const QString &modelId, const std::function<void(qint64)> &reserve,
                              const std::function<void(const QString &path, const quint16 *halves, int dim)> &row,
                              QString *error) const;

    /// readStoredEmbeddings() for an index that keeps paths as UTF-8: every path under root is read once into *paths
    /// (back to back, before the first row is delivered), and `row` gets each path as its place in *paths, no QString
    /// per photo. Also each row's id in the cache (the embedding's rowid; copies of one photo share it), with which
    /// embeddingsById() reads the row back later.
    bool readStoredEmbeddingsWithIds(
        const QString &root, const QString &modelId, const std::function<void(qint64)> &reserve,
        const std::function<void(qint64 pathOffset, int pathLength, const quint16 *halves, int dim, qint64 id)> &row,
        QByteArray *paths, QString *error) const;

    /// The stored rows (IEEE binary16 bits, `dim` each, in the order of `ids`) of embeddings by id, in one read
    /// transaction: search reads back the few rows its exact rescoring needs instead of keeping every row in memory.
    /// False with *error when one is gone or has another dimension.
    bool embeddingsById(const qint64 *ids, size_t count, int dim, quint16 *out, QString *error) const;

    /// The id of the embedding stored for the decodable file at `path` and modelId; -1 when there is none (or the
    /// lookup failed: then *error is set).
    qint64 embeddingIdForPath(const QString &path, const QString &modelId, QString *error = nullptr) const;

    /// PRAGMA integrity_check; *details gets SQLite's report when it is not "ok".
    bool integrityOk(QString *details) const;

private:
    struct Private;
    explicit LibraryDatabase(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace clipfind
