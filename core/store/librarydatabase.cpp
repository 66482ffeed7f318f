// SPDX-License-Identifier: MIT
// Why this file is long: every SQL statement on the library's tables lives here, so transactions, the schema version
// and crash safety can be checked in one place (helpers without a connection: librarydatabasesupport.cpp).
#include "core/store/librarydatabase.h"

#include "core/clip/matrix/half.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>

namespace clipfind {

namespace {

constexpr int kBusyTimeoutMs = 5000;

// Rows are only ever added inside one BEGIN IMMEDIATE transaction, so a killed writer leaves either
// the whole batch or none of it. CHECKs are a last line of defence the up-front validation misses.
constexpr const char *kSchemaSql = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value);
CREATE TABLE files(
    path TEXT PRIMARY KEY NOT NULL,
    size INTEGER NOT NULL CHECK(size >= 0),
    mtime_ns INTEGER NOT NULL,
    content_hash BLOB,
    width INTEGER NOT NULL DEFAULT 0 CHECK(width >= 0),
    height INTEGER NOT NULL DEFAULT 0 CHECK(height >= 0),
    failure TEXT);
CREATE INDEX files_content_hash ON files(content_hash);
CREATE TABLE embeddings(
    content_hash BLOB NOT NULL,
    model_id TEXT NOT NULL,
    dim INTEGER NOT NULL CHECK(dim > 0),
    vector BLOB NOT NULL CHECK(length(vector) = 2 * dim),
    PRIMARY KEY(content_hash, model_id));
CREATE INDEX embeddings_model ON embeddings(model_id, dim);
)sql";

// "Under root" is an exact match or a byte range: UTF-8 text compares with memcmp, and every path
// starting with "root/" lies in ["root/", "root0") because '0' is the byte after '/'.
struct PathRange {
    QByteArray exact, low, high;
};

PathRange pathRange(const QString &root)
{
    QString r = QDir::fromNativeSeparators(root);
    while (r.size() > 1 && r.endsWith(QLatin1Char('/'))) {
        r.chop(1);
    }
    if (r.isEmpty()) {
        return {QByteArray(), QByteArray(""), QByteArray("\xff")}; // 0xff never occurs in UTF-8
    }
    const QByteArray prefix = r.endsWith(QLatin1Char('/')) ? r.toUtf8() : (r + QLatin1Char('/')).toUtf8();
    QByteArray high = prefix;
    high.back() = '0';
    return {r.toUtf8(), prefix, high};
}

constexpr const char *kRangeWhere = "(f.path = ?1 OR (f.path >= ?2 AND f.path < ?3))";

// A cached statement in use: bindings and cursor are cleared when it goes out of scope, so an early
// return never leaves a read transaction open.
class Query
{
public:
    explicit Query(sqlite3_stmt *stmt)
        : m_stmt(stmt)
    {
    }
    ~Query()
    {
        if (m_stmt) {
            sqlite3_reset(m_stmt);
            sqlite3_clear_bindings(m_stmt);
        }
    }
    Query(const Query &) = delete;
    Query &operator=(const Query &) = delete;

    bool valid() const { return m_stmt != nullptr; }
    void bind(int i, qint64 v) { sqlite3_bind_int64(m_stmt, i, v); }
    void bind(int i, const QByteArray &utf8)
    {
        sqlite3_bind_text(m_stmt, i, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    }
    void bind(int i, const QString &s) { bind(i, s.toUtf8()); }
    void bindTextOrNull(int i, const QString &s) { s.isEmpty() ? void(sqlite3_bind_null(m_stmt, i)) : bind(i, s); }
    void bindBlobOrNull(int i, const QByteArray &b)
    {
        if (b.isEmpty()) {
            sqlite3_bind_null(m_stmt, i);
        } else {
            sqlite3_bind_blob(m_stmt, i, b.constData(), int(b.size()), SQLITE_TRANSIENT);
        }
    }
    void bindRange(const PathRange &r)
    {
        bind(1, r.exact);
        bind(2, r.low);
        bind(3, r.high);
    }
    int step() { return sqlite3_step(m_stmt); }
    sqlite3_stmt *statement() const { return m_stmt; }
    qint64 integer(int c) const { return sqlite3_column_int64(m_stmt, c); }
    QString text(int c) const
    {
        return QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, c)),
                                 sqlite3_column_bytes(m_stmt, c));
    }
    QByteArray blob(int c) const
    {
        const void *data = sqlite3_column_blob(m_stmt, c);
        return QByteArray(static_cast<const char *>(data), sqlite3_column_bytes(m_stmt, c));
    }

private:
    sqlite3_stmt *m_stmt;
};

// Appends a stored vector (`dim` little-endian binary16 values) to *out as floats.
void appendHalfBlob(const QByteArray &blob, int dim, std::vector<float> *out)
{
    const auto *bytes = reinterpret_cast<const uchar *>(blob.constData());
    for (int i = 0; i < dim; ++i) {
        out->push_back(clip::halfToFloat(quint16(bytes[2 * i] | (bytes[2 * i + 1] << 8))));
    }
}

void setError(QString *error, const QString &message)
{
    if (error) {
        *error = message;
    }
}

} // namespace

struct LibraryDatabase::Private {
    QString path;
    sqlite3 *db = nullptr;
    std::unordered_map<std::string, sqlite3_stmt *> statements;

    ~Private()
    {
        for (auto &entry : statements) {
            sqlite3_finalize(entry.second);
        }
        sqlite3_close(db); // after finalising every statement, so it always succeeds
    }

    // Opens `path` with SQLite `flags`: extended result codes, the busy timeout. False with *error naming the file.
    bool connect(const QString &databasePath, int flags, QString *error)
    {
        path = databasePath;
        // SQLite wants UTF-8 on Windows (it converts to UTF-16 itself) and passes bytes to open() elsewhere.
#ifdef Q_OS_WIN
        const QByteArray fileName = databasePath.toUtf8();
#else
        const QByteArray fileName = QFile::encodeName(databasePath);
#endif
        if (sqlite3_open_v2(fileName.constData(), &db, flags, nullptr) != SQLITE_OK) {
            setError(
                error,
                db ? sqliteError(QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot open the cache"))
                   : QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot open the cache %1: out of memory")
                         .arg(databasePath));
            return false;
        }
        sqlite3_extended_result_codes(db, 1);
        sqlite3_busy_timeout(db, kBusyTimeoutMs);
        return true;
    }

    QString sqliteError(const QString &what) const
    {
        return QStringLiteral("%1 in %2: %3").arg(what, path, QString::fromUtf8(sqlite3_errmsg(db)));
    }

    bool exec(const char *sql, QString *error)
    {
        if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK) {
            return true;
        }
        setError(error, sqliteError(QStringLiteral("SQL failed")));
        return false;
    }

    // Statements are prepared once per connection and reused; the SQL text is the key.
    sqlite3_stmt *prepare(const std::string &sql, QString *error)
    {
        auto it = statements.find(sql);
        if (it != statements.end()) {
            return it->second;
        }
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v3(db, sql.c_str(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr)
            != SQLITE_OK) {
            setError(error,
                     sqliteError(QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot prepare a query")));
            return nullptr;
        }
        statements.emplace(sql, stmt);
        return stmt;
    }

    // The prefix test is spliced into queries that filter by folder.
    sqlite3_stmt *prepareRanged(const char *before, const char *after, QString *error)
    {
        return prepare(std::string(before) + kRangeWhere + after, error);
    }

    bool createOrCheckSchema(QString *error);
};

// Runs inside BEGIN IMMEDIATE so two processes creating the same cache cannot interleave, and a
// kill during creation leaves an empty database that the next open simply creates again.
bool LibraryDatabase::Private::createOrCheckSchema(QString *error)
{
    Query hasMeta(prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'", error));
    Query anyObject(prepare("SELECT count(*) FROM sqlite_master", error));
    if (!hasMeta.valid() || !anyObject.valid() || hasMeta.step() != SQLITE_ROW || anyObject.step() != SQLITE_ROW) {
        setError(error,
                 sqliteError(QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot read the schema")));
        return false;
    }
    if (hasMeta.integer(0) == 0) {
        if (anyObject.integer(0) != 0) {
            setError(error, QStringLiteral("%1 is an SQLite database but not a ClipFind cache; "
                                           "move it away or choose another --data-dir")
                                .arg(path));
            return false;
        }
        if (!exec(kSchemaSql, error)) {
            return false;
        }
        Query insert(prepare("INSERT INTO meta(key, value) VALUES('schema_version', ?1)", error));
        if (!insert.valid()) {
            return false;
        }
        insert.bind(1, qint64(kSchemaVersion));
        if (insert.step() != SQLITE_DONE) {
            setError(error, sqliteError(QCoreApplication::translate("clipfind::LibraryDatabase",
                                                                    "Cannot write the schema version")));
            return false;
        }
        return true;
    }
    Query version(prepare("SELECT value FROM meta WHERE key = 'schema_version'", error));
    if (!version.valid() || version.step() != SQLITE_ROW) {
        setError(error, QCoreApplication::translate("clipfind::LibraryDatabase",
                                                    "%1 has no schema version; it is not a usable ClipFind cache")
                            .arg(path));
        return false;
    }
    const qint64 found = version.integer(0);
    if (found > kSchemaVersion) {
        setError(error, QStringLiteral("%1 was written by a newer ClipFind (cache schema version %2, this "
                                       "version understands up to %3); update ClipFind or use another --data-dir")
                            .arg(path)
                            .arg(found)
                            .arg(kSchemaVersion));
        return false;
    }
    if (found < 1) {
        setError(error, QCoreApplication::translate("clipfind::LibraryDatabase", "%1 has an invalid schema version %2")
                            .arg(path)
                            .arg(found));
        return false;
    }
    return true; // version 1 is the only one so far: no migrations yet
}

LibraryDatabase::LibraryDatabase(std::unique_ptr<Private> d)
    : d(std::move(d))
{
}
LibraryDatabase::~LibraryDatabase() = default;

std::unique_ptr<LibraryDatabase> LibraryDatabase::open(const QString &databasePath, QString *error)
{
    const QFileInfo info(databasePath);
    if (info.exists() && !info.isFile()) {
        setError(error,
                 QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot open the cache %1: it is not a file")
                     .arg(databasePath));
        return nullptr;
    }
    if (!QDir().mkpath(info.absolutePath())) {
        setError(error,
                 QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot create the folder %1 for the cache")
                     .arg(info.absolutePath()));
        return nullptr;
    }
    auto d = std::make_unique<Private>();
    if (!d->connect(databasePath, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error)) {
        return nullptr;
    }
    // The first real read is where SQLite notices a file that is not a database (SQLITE_NOTADB).
    if (sqlite3_exec(d->db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) != SQLITE_OK) {
        setError(error, QStringLiteral("Cannot open the cache %1: %2. It is not a ClipFind cache or it is "
                                       "damaged; move it away or choose another --data-dir")
                            .arg(databasePath, QString::fromUtf8(sqlite3_errmsg(d->db))));
        return nullptr;
    }
    // WAL: readers never block the writer; synchronous=NORMAL: a commit survives a process kill
    // (the WAL is in the OS cache) and power loss can only drop the latest commits, never corrupt.
    {
        Query wal(d->prepare("PRAGMA journal_mode=WAL", error));
        if (!wal.valid() || wal.step() != SQLITE_ROW
            || wal.text(0).compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
            setError(error, d->sqliteError(QCoreApplication::translate("clipfind::LibraryDatabase",
                                                                       "Cannot switch the cache to WAL mode")));
            return nullptr;
        }
    }
    if (!d->exec("PRAGMA synchronous=NORMAL", error) || !d->exec("BEGIN IMMEDIATE", error)) {
        return nullptr;
    }
    if (!d->createOrCheckSchema(error) || !d->exec("COMMIT", error)) {
        sqlite3_exec(d->db, "ROLLBACK", nullptr, nullptr, nullptr);
        return nullptr;
    }
    return std::unique_ptr<LibraryDatabase>(new LibraryDatabase(std::move(d)));
}

std::unique_ptr<LibraryDatabase> LibraryDatabase::openReadOnly(const QString &databasePath, QString *error)
{
    if (!QFileInfo(databasePath).isFile()) {
        setError(error, QCoreApplication::translate("clipfind::LibraryDatabase",
                                                    "Cannot open the cache %1: no such file (index a folder first)")
                            .arg(databasePath));
        return nullptr;
    }
    auto d = std::make_unique<Private>();
    if (!d->connect(databasePath, SQLITE_OPEN_READONLY, error)) {
        return nullptr;
    }
    // No schema yet (a writer is creating it) reads as "not a cache", like a foreign file: the caller retries later.
    Query version(d->prepare("SELECT value FROM meta WHERE key = 'schema_version'", nullptr));
    if (!version.valid() || version.step() != SQLITE_ROW) {
        setError(error, QCoreApplication::translate(
                            "clipfind::LibraryDatabase",
                            "Cannot open the cache %1: %2. It is not a ClipFind cache or it is damaged")
                            .arg(databasePath, QString::fromUtf8(sqlite3_errmsg(d->db))));
        return nullptr;
    }
    if (version.integer(0) > kSchemaVersion) {
        setError(error, QStringLiteral("%1 was written by a newer ClipFind (cache schema version %2, this version "
                                       "understands up to %3); update ClipFind")
                            .arg(databasePath)
                            .arg(version.integer(0))
                            .arg(kSchemaVersion));
        return nullptr;
    }
    return std::unique_ptr<LibraryDatabase>(new LibraryDatabase(std::move(d)));
}

QString LibraryDatabase::databasePath() const
{
    return d->path;
}

std::vector<FileState> LibraryDatabase::filesUnder(const QString &root, QString *error) const
{
    std::vector<FileState> files;
    Query q(d->prepareRanged("SELECT f.path, f.size, f.mtime_ns, f.content_hash, f.width, f.height, "
                             "f.failure FROM files f WHERE ",
                             " ORDER BY f.path", error));
    if (!q.valid()) {
        return files;
    }
    q.bindRange(pathRange(root));
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
        files.push_back(
            {q.text(0), q.integer(1), q.integer(2), q.blob(3), int(q.integer(4)), int(q.integer(5)), q.text(6)});
    }
    if (rc != SQLITE_DONE) {
        setError(error, d->sqliteError(QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot list files")));
        files.clear();
    }
    return files;
}

bool LibraryDatabase::hasEmbedding(const QByteArray &contentHash, const QString &modelId, QString *error) const
{
    Query q(d->prepare("SELECT 1 FROM embeddings WHERE content_hash = ?1 AND model_id = ?2", error));
    if (!q.valid() || contentHash.isEmpty()) {
        return false;
    }
    q.bindBlobOrNull(1, contentHash);
    q.bind(2, modelId);
    const int rc = q.step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        setError(error, d->sqliteError(
                            QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot look up an embedding")));
    }
    return rc == SQLITE_ROW;
}

bool LibraryDatabase::embeddingFor(const QByteArray &contentHash, const QString &modelId, std::vector<float> *embedding,
                                   QString *error) const
{
    embedding->clear();
    Query q(d->prepare("SELECT dim, vector FROM embeddings WHERE content_hash = ?1 AND model_id = ?2", error));
    if (!q.valid() || contentHash.isEmpty()) {
        return false;
    }
    q.bindBlobOrNull(1, contentHash);
    q.bind(2, modelId);
    const int rc = q.step();
    if (rc != SQLITE_ROW) {
        if (rc != SQLITE_DONE) {
            setError(error, d->sqliteError(
                                QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot read an embedding")));
        }
        return false;
    }
    const int dim = int(q.integer(0));
    const QByteArray vector = q.blob(1);
    if (dim <= 0 || vector.size() != 2 * dim) {
        setError(error,
                 QCoreApplication::translate("clipfind::LibraryDatabase", "%1: inconsistent embedding (dimension %2)")
                     .arg(d->path)
                     .arg(dim));
        return false;
    }
    embedding->reserve(size_t(dim));
    appendHalfBlob(vector, dim, embedding);
    return true;
}

bool LibraryDatabase::writeBatch(const QString &modelId, const std::vector<FileUpdate> &updates,
                                 const QStringList &removedPaths, QString *error)
{
    // Validate everything before the transaction starts, so bad input never reaches the database.
    if (modelId.isEmpty()) {
        setError(error, QStringLiteral("writeBatch: empty model id"));
        return false;
    }
    size_t dim = 0;
    for (const FileUpdate &u : updates) {
        const QString where = QStringLiteral("writeBatch: %1: ").arg(u.state.path);
        QString problem;
        if (u.state.path.isEmpty()) {
            problem = QStringLiteral("empty path");
        } else if (u.state.failure.isEmpty() && u.state.contentHash.isEmpty()) {
            problem = QStringLiteral("a decodable file needs a content hash");
        } else if (!u.state.failure.isEmpty() && !u.embedding.empty()) {
            problem = QStringLiteral("a failed file cannot have an embedding");
        } else if (!u.embedding.empty() && dim != 0 && u.embedding.size() != dim) {
            problem = QStringLiteral("embedding dimension %1 differs from %2 in the same batch")
                          .arg(u.embedding.size())
                          .arg(dim);
        }
        for (float v : u.embedding) {
            if (problem.isEmpty() && !(std::fabs(v) <= 65504.0f)) {
                problem = QStringLiteral("embedding value %1 is not finite or does not fit fp16").arg(double(v));
            }
        }
        if (!problem.isEmpty()) {
            setError(error, where + problem);
            return false;
        }
        if (!u.embedding.empty()) {
            dim = u.embedding.size();
        }
    }
    for (const QString &path : removedPaths) {
        if (path.isEmpty()) {
            setError(error, QStringLiteral("writeBatch: empty path to remove"));
            return false;
        }
    }
    if (dim != 0) {
        Query storedDim(d->prepare("SELECT dim FROM embeddings WHERE model_id = ?1 LIMIT 1", error));
        if (!storedDim.valid()) {
            return false;
        }
        storedDim.bind(1, modelId);
        if (storedDim.step() == SQLITE_ROW && size_t(storedDim.integer(0)) != dim) {
            setError(error, QStringLiteral("writeBatch: embedding dimension %1 differs from the stored %2 for model %3")
                                .arg(dim)
                                .arg(storedDim.integer(0))
                                .arg(modelId));
            return false;
        }
    }

    // IMMEDIATE takes the write lock now (waiting out another writer) instead of failing at the first write.
    if (!d->exec("BEGIN IMMEDIATE", error)) {
        return false;
    }
    auto fail = [&](const QString &what) {
        setError(error, d->sqliteError(what));
        for (auto &entry : d->statements) { // no statement may still be running during the rollback
            sqlite3_reset(entry.second);
        }
        sqlite3_exec(d->db, "ROLLBACK", nullptr, nullptr, nullptr);
        return false;
    };
    QByteArray vector;
    for (const FileUpdate &u : updates) {
        {
            Query q(d->prepare(
                "INSERT INTO files(path, size, mtime_ns, content_hash, width, height, failure) "
                "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(path) DO UPDATE SET size = excluded.size, "
                "mtime_ns = excluded.mtime_ns, content_hash = excluded.content_hash, width = excluded.width, "
                "height = excluded.height, failure = excluded.failure",
                error));
            if (!q.valid()) {
                return fail(QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot prepare the file update"));
            }
            q.bind(1, u.state.path);
            q.bind(2, u.state.size);
            q.bind(3, u.state.mtimeNs);
            q.bindBlobOrNull(4, u.state.contentHash);
            q.bind(5, qint64(u.state.width));
            q.bind(6, qint64(u.state.height));
            q.bindTextOrNull(7, u.state.failure);
            if (q.step() != SQLITE_DONE) {
                return fail(
                    QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot store %1").arg(u.state.path));
            }
        }
        if (u.embedding.empty()) {
            continue;
        }
        vector.resize(qsizetype(u.embedding.size() * 2));
        for (size_t i = 0; i < u.embedding.size(); ++i) {
            const quint16 h = clip::floatToHalf(u.embedding[i]);
            vector[qsizetype(2 * i)] = char(h & 0xff);
            vector[qsizetype(2 * i + 1)] = char(h >> 8);
        }
        Query q(d->prepare("INSERT INTO embeddings(content_hash, model_id, dim, vector) VALUES(?1, ?2, ?3, ?4) "
                           "ON CONFLICT(content_hash, model_id) DO UPDATE SET dim = excluded.dim, "
                           "vector = excluded.vector",
                           error));
        if (!q.valid()) {
            return fail(
                QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot prepare the embedding update"));
        }
        q.bindBlobOrNull(1, u.state.contentHash);
        q.bind(2, modelId);
        q.bind(3, qint64(u.embedding.size()));
        q.bindBlobOrNull(4, vector);
        if (q.step() != SQLITE_DONE) {
            return fail(QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot store the embedding of %1")
                            .arg(u.state.path));
        }
    }
    for (const QString &path : removedPaths) {
        Query q(d->prepare("DELETE FROM files WHERE path = ?1", error));
        if (!q.valid()) {
            return fail(QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot prepare the removal"));
        }
        q.bind(1, path);
        if (q.step() != SQLITE_DONE) {
            return fail(QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot remove %1").arg(path));
        }
    }
    if (sqlite3_exec(d->db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
        return fail(QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot commit the batch"));
    }
    return true;
}

qint64 LibraryDatabase::dropUnreferencedEmbeddings(QString *error)
{
    if (!d->exec("DELETE FROM embeddings WHERE NOT EXISTS "
                 "(SELECT 1 FROM files f WHERE f.content_hash = embeddings.content_hash)",
                 error)) {
        return -1;
    }
    return sqlite3_changes64(d->db);
}

FolderCounts LibraryDatabase::counts(const QString &root, const QString &modelId, QString *error) const
{
    FolderCounts counts;
    Query q(d->prepareRanged(
        "SELECT count(*), total(f.failure IS NOT NULL), total(f.failure IS NULL AND EXISTS (SELECT 1 FROM "
        "embeddings e WHERE e.content_hash = f.content_hash AND e.model_id = ?4)) FROM files f WHERE ",
        "", error));
    if (!q.valid()) {
        return counts;
    }
    q.bindRange(pathRange(root));
    q.bind(4, modelId);
    if (q.step() != SQLITE_ROW) {
        setError(error, d->sqliteError(QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot count files")));
        return counts;
    }
    counts.files = q.integer(0);
    counts.failed = q.integer(1);
    counts.indexed = q.integer(2);
    counts.pending = counts.files - counts.failed - counts.indexed;
    return counts;
}

bool LibraryDatabase::loadEmbeddings(const QString &root, const QString &modelId, QStringList *paths,
                                     std::vector<float> *matrix, int *dim, QString *error) const
{
    paths->clear();
    matrix->clear();
    *dim = 0;
    Query q(d->prepareRanged("SELECT f.path, e.dim, e.vector FROM files f JOIN embeddings e ON "
                             "e.content_hash = f.content_hash AND e.model_id = ?4 WHERE f.failure IS NULL AND ",
                             " ORDER BY f.path", error));
    if (!q.valid()) {
        return false;
    }
    q.bindRange(pathRange(root));
    q.bind(4, modelId);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
        const int rowDim = int(q.integer(1));
        const QByteArray vector = q.blob(2);
        if ((*dim != 0 && rowDim != *dim) || rowDim <= 0 || vector.size() != 2 * rowDim) {
            setError(error, QCoreApplication::translate("clipfind::LibraryDatabase",
                                                        "%1: inconsistent embedding for %2 (dimension %3)")
                                .arg(d->path, q.text(0))
                                .arg(rowDim));
            paths->clear();
            matrix->clear();
            *dim = 0;
            return false;
        }
        *dim = rowDim;
        paths->append(q.text(0));
        appendHalfBlob(vector, rowDim, matrix);
    }
    if (rc != SQLITE_DONE) {
        setError(error,
                 d->sqliteError(QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot load embeddings")));
        paths->clear();
        matrix->clear();
        *dim = 0;
        return false;
    }
    return true;
}

namespace {

// Files by content hash for the join in readStoredEmbeddings: the hashes in one flat buffer, an open-addressing
// index on their first 8 bytes (SHA-256 bytes are uniform), the paths' UTF-8 back to back in a buffer the caller
// keeps. No allocation per file: on 100k files twice as fast as a QMultiHash of QByteArray keys, building, probing
// and freeing, and 64 bytes a file besides its path.
class FilesByContent
{
public:
    explicit FilesByContent(QByteArray *paths)
        : m_paths(paths)
    {
    }

    void reserve(size_t files)
    {
        m_files.reserve(files);
        m_hashes.reserve(qsizetype(files * 32));
        m_paths->reserve(qsizetype(files * 64));
        size_t capacity = 16;
        while (capacity < files * 2) {
            capacity *= 2;
        }
        m_slots.assign(capacity, 0);
    }
    void add(const void *hash, int length, const char *path, int pathLength)
    {
        m_files.push_back(
            {uint64_t(m_paths->size()), uint32_t(pathLength), uint32_t(m_hashes.size()), uint32_t(length)});
        m_hashes.append(static_cast<const char *>(hash), length);
        m_paths->append(path, pathLength);
        if (m_slots.size() < m_files.size() * 2) {
            rebuild(m_files.size() * 2);
        } else {
            insert(uint32_t(m_files.size() - 1));
        }
    }
    size_t size() const { return m_files.size(); }
    /// Calls found(pathOffset, pathLength) for every file whose content hash is `hash`.
    template<typename Found>
    void forEach(const void *hash, int length, Found found) const
    {
        if (m_slots.empty()) {
            return;
        }
        const size_t mask = m_slots.size() - 1;
        for (size_t slot = prefix(hash, length) & mask; m_slots[slot] != 0; slot = (slot + 1) & mask) {
            const File &f = m_files[m_slots[slot] - 1];
            if (int(f.hashLength) == length
                && std::memcmp(m_hashes.constData() + f.hashOffset, hash, size_t(length)) == 0) {
                found(f.pathOffset, int(f.pathLength));
            }
        }
    }

private:
    struct File {
        uint64_t pathOffset;
        uint32_t pathLength;
        uint32_t hashOffset;
        uint32_t hashLength;
    };
    static uint64_t prefix(const void *hash, int length)
    {
        uint64_t key = 0;
        std::memcpy(&key, hash, size_t(std::min(length, 8)));
        return key;
    }
    void insert(uint32_t index)
    {
        const File &f = m_files[index];
        const size_t mask = m_slots.size() - 1;
        size_t slot = prefix(m_hashes.constData() + f.hashOffset, int(f.hashLength)) & mask;
        while (m_slots[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        m_slots[slot] = index + 1;
    }
    void rebuild(size_t atLeast)
    {
        size_t capacity = 16;
        while (capacity < atLeast * 2) {
            capacity *= 2;
        }
        m_slots.assign(capacity, 0);
        for (uint32_t i = 0; i < uint32_t(m_files.size()); ++i) {
            insert(i);
        }
    }
    std::vector<File> m_files;
    std::vector<uint32_t> m_slots; // file index + 1, 0 = empty
    QByteArray m_hashes;
    QByteArray *m_paths;
};

} // namespace

// Two sequential scans and a hash join in memory instead of one join in path order: the join looked up every row
// in four B-trees (path index, files, embedding key index, embeddings) and took most of a second on 100k rows.
bool LibraryDatabase::readStoredEmbeddings(const QString &root, const QString &modelId,
                                           const std::function<void(qint64)> &reserve,
                                           const std::function<void(const QString &, const quint16 *, int)> &row,
                                           QString *error) const
{
    QByteArray paths;
    return readStoredEmbeddingsWithIds(
        root, modelId, reserve,
        [&row, &paths](qint64 pathOffset, int pathLength, const quint16 *halves, int dim, qint64) {
            row(QString::fromUtf8(paths.constData() + pathOffset, pathLength), halves, dim);
        },
        &paths, error);
}

bool LibraryDatabase::readStoredEmbeddingsWithIds(
    const QString &root, const QString &modelId, const std::function<void(qint64)> &reserve,
    const std::function<void(qint64, int, const quint16 *, int, qint64)> &row, QByteArray *paths, QString *error) const
{
    paths->clear();
    FilesByContent files(paths);
    {
        const PathRange range = pathRange(root);
        Query count(d->prepareRanged("SELECT count(*) FROM files f WHERE f.failure IS NULL AND ", "", error));
        if (!count.valid()) {
            return false;
        }
        count.bindRange(range);
        if (count.step() != SQLITE_ROW) {
            setError(error,
                     d->sqliteError(QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot count files")));
            return false;
        }
        files.reserve(size_t(count.integer(0)));
        Query q(d->prepareRanged("SELECT f.path, f.content_hash FROM files f WHERE f.failure IS NULL AND "
                                 "f.content_hash IS NOT NULL AND ",
                                 "", error));
        if (!q.valid()) {
            return false;
        }
        q.bindRange(range);
        int rc;
        while ((rc = q.step()) == SQLITE_ROW) {
            files.add(sqlite3_column_blob(q.statement(), 1), sqlite3_column_bytes(q.statement(), 1),
                      reinterpret_cast<const char *>(sqlite3_column_text(q.statement(), 0)),
                      sqlite3_column_bytes(q.statement(), 0));
        }
        if (rc != SQLITE_DONE) {
            setError(error,
                     d->sqliteError(QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot list files")));
            return false;
        }
    }
    if (reserve) {
        reserve(qint64(files.size()));
    }
    if (files.size() == 0) {
        return true;
    }
    // "+model_id" keeps SQLite off the embeddings_model index: a plain table scan reads the pages in order, where
    // the index made it jump to each row (20% slower on one model's 100k rows).
    Query q(d->prepare("SELECT content_hash, dim, vector, rowid FROM embeddings WHERE +model_id = ?1", error));
    if (!q.valid()) {
        return false;
    }
    q.bind(1, modelId);
    std::vector<quint16> halves;
    int dim = 0;
    bool consistent = true;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
        const int rowDim = int(q.integer(1));
        const void *blob = sqlite3_column_blob(q.statement(), 2);
        const int bytes = sqlite3_column_bytes(q.statement(), 2);
        bool converted = false;
        files.forEach(
            sqlite3_column_blob(q.statement(), 0), sqlite3_column_bytes(q.statement(), 0),
            [&](qint64 path, int pathLength) {
                if (!consistent) {
                    return;
                }
                if (!converted) {
                    if ((dim != 0 && rowDim != dim) || rowDim <= 0 || bytes != 2 * rowDim || !blob) {
                        setError(error, QCoreApplication::translate("clipfind::LibraryDatabase",
                                                                    "%1: inconsistent embedding for %2 (dimension %3)")
                                            .arg(d->path, QString::fromUtf8(paths->constData() + path, pathLength))
                                            .arg(rowDim));
                        consistent = false;
                        return;
                    }
                    dim = rowDim;
                    halves.resize(size_t(dim));
#if Q_BYTE_ORDER == Q_LITTLE_ENDIAN
                    std::memcpy(halves.data(), blob, size_t(bytes)); // stored little-endian; the blob may be unaligned
#else
                    const auto *b = static_cast<const uchar *>(blob);
                    for (int i = 0; i < dim; ++i) {
                        halves[size_t(i)] = quint16(b[2 * i] | (b[2 * i + 1] << 8));
                    }
#endif
                    converted = true;
                }
                row(path, pathLength, halves.data(), dim, q.integer(3)); // copies of one photo share a row
            });
        if (!consistent) {
            return false;
        }
    }
    if (rc != SQLITE_DONE) {
        setError(error,
                 d->sqliteError(QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot load embeddings")));
        return false;
    }
    return true;
}

bool LibraryDatabase::embeddingsById(const qint64 *ids, size_t count, int dim, quint16 *out, QString *error) const
{
    if (count == 0) {
        return true;
    }
    // One read transaction: the rows come from one snapshot, and SQLite takes the WAL read lock once.
    if (!d->exec("BEGIN", error)) {
        return false;
    }
    bool ok = true;
    {
        Query q(d->prepare("SELECT dim, vector FROM embeddings WHERE rowid = ?1", error));
        ok = q.valid();
        for (size_t i = 0; ok && i < count; ++i) {
            q.bind(1, ids[i]);
            const int rc = q.step();
            const void *blob = rc == SQLITE_ROW ? sqlite3_column_blob(q.statement(), 1) : nullptr;
            if (rc != SQLITE_ROW || q.integer(0) != dim || !blob || sqlite3_column_bytes(q.statement(), 1) != 2 * dim) {
                setError(error,
                         rc == SQLITE_ROW || rc == SQLITE_DONE
                             ? QCoreApplication::translate("clipfind::LibraryDatabase",
                                                           "%1: embedding %2 is gone or changed since it was loaded")
                                   .arg(d->path)
                                   .arg(ids[i])
                             : d->sqliteError(
                                 QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot read an embedding")));
                ok = false;
                break;
            }
#if Q_BYTE_ORDER == Q_LITTLE_ENDIAN
            std::memcpy(out + i * size_t(dim), blob,
                        size_t(2 * dim)); // stored little-endian; the blob may be unaligned
#else
            const auto *b = static_cast<const uchar *>(blob);
            for (int j = 0; j < dim; ++j) {
                out[i * size_t(dim) + size_t(j)] = quint16(b[2 * j] | (b[2 * j + 1] << 8));
            }
#endif
            sqlite3_reset(q.statement());
        }
    }
    sqlite3_exec(d->db, "COMMIT", nullptr, nullptr, nullptr); // ends the read transaction; nothing was written
    return ok;
}

qint64 LibraryDatabase::embeddingIdForPath(const QString &path, const QString &modelId, QString *error) const
{
    Query q(d->prepare("SELECT e.rowid FROM files f JOIN embeddings e ON e.content_hash = f.content_hash "
                       "WHERE f.path = ?1 AND e.model_id = ?2 AND f.failure IS NULL",
                       error));
    if (!q.valid()) {
        return -1;
    }
    q.bind(1, path);
    q.bind(2, modelId);
    const int rc = q.step();
    if (rc == SQLITE_ROW) {
        return q.integer(0);
    }
    if (rc != SQLITE_DONE) {
        setError(error, d->sqliteError(
                            QCoreApplication::translate("clipfind::LibraryDatabase", "Cannot look up an embedding")));
    }
    return -1;
}

bool LibraryDatabase::integrityOk(QString *details) const
{
    Query q(d->prepare("PRAGMA integrity_check", details));
    if (!q.valid()) {
        return false;
    }
    QStringList lines;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
        lines.append(q.text(0));
    }
    if (rc != SQLITE_DONE) {
        setError(details, d->sqliteError(QStringLiteral("integrity_check failed")));
        return false;
    }
    const bool ok = lines == QStringList{QStringLiteral("ok")};
    if (!ok) {
        setError(details, lines.join(QLatin1Char('\n')));
    }
    return ok;
}

} // namespace clipfind
