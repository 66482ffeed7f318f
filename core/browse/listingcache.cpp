// SPDX-License-Identifier: MIT
#include "core/browse/listingcache.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sqlite3.h>

#include <algorithm>
#include <functional>

namespace clipfind {

namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr int kApplicationId = 0x43464c43; // "CFLC": tells this file from any other SQLite file
constexpr int kSchemaVersion = 1;

// taken_ms is NULL when the photo has no date taken; looked is 0 until its file was searched for one.
constexpr const char *kSchemaSql = R"sql(
CREATE TABLE photos(
    path TEXT PRIMARY KEY NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    taken_ms INTEGER,
    looked INTEGER NOT NULL) WITHOUT ROWID;
PRAGMA application_id = 1128680515;
PRAGMA user_version = 1;
)sql";

static_assert(kApplicationId == 1128680515, "the schema's application_id");

QString sqliteError(sqlite3 *db, const QString &path)
{
    return QStringLiteral("%1: %2").arg(path, QString::fromUtf8(db ? sqlite3_errmsg(db) : "out of memory"));
}

// A prepared statement, finalized when it goes out of scope.
class Statement
{
public:
    Statement(sqlite3 *db, const char *sql) { sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr); }
    ~Statement() { sqlite3_finalize(m_stmt); }
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    bool valid() const { return m_stmt != nullptr; }
    void bind(int i, const QByteArray &utf8)
    {
        sqlite3_bind_text(m_stmt, i, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    }
    void bind(int i, qint64 value) { sqlite3_bind_int64(m_stmt, i, value); }
    void bindNull(int i) { sqlite3_bind_null(m_stmt, i); }
    int step() { return sqlite3_step(m_stmt); }
    void reset() { sqlite3_reset(m_stmt); }
    qint64 integer(int column) const { return sqlite3_column_int64(m_stmt, column); }
    bool isNull(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }
    QString text(int column) const
    {
        return QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column)),
                                 sqlite3_column_bytes(m_stmt, column));
    }

private:
    sqlite3_stmt *m_stmt = nullptr;
};

bool execute(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

qint64 pragma(sqlite3 *db, const char *sql, bool *ok)
{
    Statement statement(db, sql);
    *ok = statement.valid() && statement.step() == SQLITE_ROW;
    return *ok ? statement.integer(0) : 0;
}

// Opens the file and makes sure it is a listing cache of this version; false (file left as it is) when it is not
// one, cannot be read, or is damaged.
bool openCache(const QString &path, sqlite3 **out, QString *error)
{
    sqlite3 *db = nullptr;
    const QByteArray name = QFile::encodeName(path);
    if (sqlite3_open_v2(name.constData(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        *error = sqliteError(db, path);
        sqlite3_close(db);
        return false;
    }
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    bool ok = false;
    const qint64 id = pragma(db, "PRAGMA application_id", &ok);
    const qint64 version = ok ? pragma(db, "PRAGMA user_version", &ok) : 0;
    const qint64 tables = ok ? pragma(db, "SELECT count(*) FROM sqlite_master", &ok) : 0;
    if (ok && id == 0 && tables == 0) {
        ok = execute(db, kSchemaSql);
    } else if (ok && (id != kApplicationId || version != kSchemaVersion)) {
        ok = false;
        *error = QCoreApplication::translate("clipfind::ListingCache", "%1: not a ClipFind listing cache of version %2")
                     .arg(path)
                     .arg(kSchemaVersion);
    }
    if (ok) {
        ok = execute(db, "PRAGMA journal_mode=WAL") && execute(db, "PRAGMA synchronous=NORMAL");
    }
    if (!ok) {
        if (error->isEmpty()) {
            *error = sqliteError(db, path);
        }
        sqlite3_close(db);
        return false;
    }
    *out = db;
    return true;
}

// Every path equal to root or below it: root itself, or in ["root/", "root0") ('0' is the byte after '/').
struct PathRange {
    QByteArray exact, low, high;
};

PathRange rangeOf(const QString &root)
{
    QString r = root;
    while (r.size() > 1 && r.endsWith(QLatin1Char('/'))) {
        r.chop(1);
    }
    const QByteArray prefix = r.endsWith(QLatin1Char('/')) ? r.toUtf8() : (r + QLatin1Char('/')).toUtf8();
    QByteArray high = prefix;
    high.back() = '0';
    return {r.toUtf8(), prefix, high};
}

} // namespace

struct ListingCache::Private {
    QString path;
    sqlite3 *db = nullptr;

    ~Private() { sqlite3_close(db); }

    bool transaction(const std::function<bool()> &work, QString *error)
    {
        if (!execute(db, "BEGIN IMMEDIATE")) {
            *error = sqliteError(db, path);
            return false;
        }
        if (!work() || !execute(db, "COMMIT")) {
            *error = sqliteError(db, path);
            execute(db, "ROLLBACK");
            return false;
        }
        return true;
    }
};

ListingCache::ListingCache(std::unique_ptr<Private> d)
    : d(std::move(d))
{
}
ListingCache::~ListingCache() = default;

std::unique_ptr<ListingCache> ListingCache::open(const QString &path, QString *error)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    sqlite3 *db = nullptr;
    QString problem;
    if (!openCache(path, &db, &problem)) {
        // Only a cache: whatever is in the way goes, and a new one starts empty.
        for (const QString &file : {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm")}) {
            QFile::remove(file);
        }
        problem.clear();
        if (!openCache(path, &db, &problem)) {
            if (error) {
                *error = problem;
            }
            return nullptr;
        }
    }
    auto d = std::make_unique<Private>();
    d->path = path;
    d->db = db;
    return std::unique_ptr<ListingCache>(new ListingCache(std::move(d)));
}

bool ListingCache::load(const QString &root, std::vector<KnownPhoto> *photos, QString *error) const
{
    Statement select(d->db, "SELECT path, size, mtime_ns, taken_ms, looked FROM photos "
                            "WHERE path = ?1 OR (path >= ?2 AND path < ?3) ORDER BY path");
    if (!select.valid()) {
        *error = sqliteError(d->db, d->path);
        return false;
    }
    const PathRange range = rangeOf(root);
    select.bind(1, range.exact);
    select.bind(2, range.low);
    select.bind(3, range.high);
    int status = SQLITE_ROW;
    while ((status = select.step()) == SQLITE_ROW) {
        KnownPhoto photo;
        photo.path = select.text(0);
        if (QDir::cleanPath(photo.path) != photo.path) {
            continue; // "root/../elsewhere" is below root only as text: never shown, not even until the walk
        }
        photo.size = select.integer(1);
        photo.mtimeNs = select.integer(2);
        photo.taken = !select.isNull(3);
        photo.takenMs = photo.taken ? select.integer(3) : 0;
        photo.looked = select.integer(4) != 0;
        photos->push_back(std::move(photo));
    }
    if (status != SQLITE_DONE) {
        *error = sqliteError(d->db, d->path);
        return false;
    }
    // SQLite orders UTF-8 bytes (code points), QString UTF-16 units: they differ only around surrogates.
    const auto byPath = [](const KnownPhoto &a, const KnownPhoto &b) { return a.path < b.path; };
    if (!std::is_sorted(photos->begin(), photos->end(), byPath)) {
        std::sort(photos->begin(), photos->end(), byPath);
    }
    return true;
}

bool ListingCache::store(const std::vector<KnownPhoto> &photos, QString *error)
{
    if (photos.empty()) {
        return true;
    }
    return d->transaction(
        [&] {
            Statement insert(d->db, "INSERT OR REPLACE INTO photos(path, size, mtime_ns, taken_ms, looked) "
                                    "VALUES(?1, ?2, ?3, ?4, ?5)");
            if (!insert.valid()) {
                return false;
            }
            for (const KnownPhoto &photo : photos) {
                insert.bind(1, photo.path.toUtf8());
                insert.bind(2, photo.size);
                insert.bind(3, photo.mtimeNs);
                if (photo.taken) {
                    insert.bind(4, photo.takenMs);
                } else {
                    insert.bindNull(4);
                }
                insert.bind(5, qint64(photo.looked ? 1 : 0));
                if (insert.step() != SQLITE_DONE) {
                    return false;
                }
                insert.reset();
            }
            return true;
        },
        error);
}

bool ListingCache::forget(const QStringList &paths, QString *error)
{
    if (paths.isEmpty()) {
        return true;
    }
    return d->transaction(
        [&] {
            Statement remove(d->db, "DELETE FROM photos WHERE path = ?1");
            if (!remove.valid()) {
                return false;
            }
            for (const QString &path : paths) {
                remove.bind(1, path.toUtf8());
                if (remove.step() != SQLITE_DONE) {
                    return false;
                }
                remove.reset();
            }
            return true;
        },
        error);
}

} // namespace clipfind
