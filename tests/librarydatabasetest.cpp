// SPDX-License-Identifier: MIT
#include "core/store/librarydatabase.h"

#include "core/clip/matrix/half.h"
#include "core/store/filehash.h"

#include <QtTest>

#include <sqlite3.h> // only to tamper with and inspect the file behind the API's back

#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

using namespace clipfind;

namespace {

const QString kModelA = QStringLiteral("aaaa1111");
const QString kModelB = QStringLiteral("bbbb2222");
constexpr int kBatch = 50;
constexpr int kCrashDim = 512;

QByteArray fakeHash(const QString &content)
{
    return QCryptographicHash::hash(content.toUtf8(), QCryptographicHash::Sha256);
}

std::vector<float> embeddingFor(int seed, int dim)
{
    std::vector<float> v(static_cast<size_t>(dim));
    for (int i = 0; i < dim; ++i) {
        v[size_t(i)] = std::sin(float(seed * 131 + i) * 0.37f) * 0.5f;
    }
    return v;
}

FileUpdate update(const QString &path, const QString &content, int seed, int dim = 8)
{
    FileUpdate u;
    u.state = {path, 1000 + seed, 1700000000000000000LL + seed, fakeHash(content), 640, 480, QString()};
    u.embedding = embeddingFor(seed, dim);
    return u;
}

FileUpdate failed(const QString &path, const QString &reason)
{
    FileUpdate u;
    u.state = {path, 12, 5, fakeHash(path), 0, 0, reason};
    return u;
}

qint64 rawScalar(const QString &dbPath, const char *sql)
{
    sqlite3 *db = nullptr;
    qint64 value = -1;
    if (sqlite3_open_v2(QFile::encodeName(dbPath).constData(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK) {
            int rc;
            while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                value = sqlite3_column_int64(stmt, 0);
            }
            if (rc != SQLITE_DONE) {
                value = -1;
            }
        }
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return value;
}

// The child writer: batches of kBatch new files forever (or up to maxBatches), continuing from what
// the cache holds, and reporting each committed batch on stdout so the parent needs no connection.
int runChildWriter(const QString &dbPath, int maxBatches)
{
    QString error;
    auto cache = LibraryDatabase::open(dbPath, &error);
    if (!cache) {
        std::fprintf(stderr, "child: %s\n", qPrintable(error));
        return 2;
    }
    for (int batch = int(cache->counts(QString(), kModelA).files / kBatch); maxBatches < 0 || batch < maxBatches;
         ++batch) {
        std::vector<FileUpdate> updates;
        for (int j = 0; j < kBatch; ++j) {
            const int seed = batch * kBatch + j;
            updates.push_back(update(QStringLiteral("/photos/b%1/img%2.jpg").arg(batch, 5, 10, QLatin1Char('0')).arg(j),
                                     QString::number(seed), seed, kCrashDim));
        }
        if (batch > 0) { // also rewrite a file of the previous batch, so kills hit updates too
            const int seed = (batch - 1) * kBatch;
            FileUpdate again = update(QStringLiteral("/photos/b%1/img0.jpg").arg(batch - 1, 5, 10, QLatin1Char('0')),
                                      QString::number(seed), seed, kCrashDim);
            again.state.mtimeNs += batch;
            updates.push_back(again);
        }
        if (!cache->writeBatch(kModelA, updates, {}, &error)) {
            std::fprintf(stderr, "child: %s\n", qPrintable(error));
            return 3;
        }
        std::printf("committed %d\n", batch + 1);
        std::fflush(stdout);
    }
    return 0;
}

} // namespace

class LibraryDatabaseTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_dbCounter = 0;

    std::unique_ptr<LibraryDatabase> freshCache(QString *path = nullptr)
    {
        const QString dbPath = m_dir.filePath(QStringLiteral("db%1/d\u00f6nn\u00e9es/cache.sqlite").arg(++m_dbCounter));
        if (path) {
            *path = dbPath;
        }
        QString error;
        auto cache = LibraryDatabase::open(dbPath, &error);
        if (!cache) {
            qWarning() << error;
        }
        return cache;
    }

    // Opens a new connection after the writer was killed and checks the invariants of a good cache.
    // Returns what is wrong, or an empty string and the number of files.
    static QString checkAfterCrash(const QString &dbPath, qint64 *files)
    {
        QString error;
        auto cache = LibraryDatabase::open(dbPath, &error);
        if (!cache) {
            return QStringLiteral("reopen failed: ") + error;
        }
        QString details;
        if (!cache->integrityOk(&details)) {
            return QStringLiteral("integrity_check: ") + details;
        }
        const FolderCounts c = cache->counts(QStringLiteral("/photos"), kModelA);
        if (c.files % kBatch != 0 || c.indexed != c.files || c.failed != 0) {
            return QStringLiteral("partial batch: %1 files, %2 indexed").arg(c.files).arg(c.indexed);
        }
        if (rawScalar(dbPath, "SELECT count(*) - count(DISTINCT path) FROM files") != 0) {
            return QStringLiteral("duplicate paths");
        }
        QStringList paths;
        std::vector<float> matrix;
        int dim = 0;
        if (!cache->loadEmbeddings(QStringLiteral("/photos"), kModelA, &paths, &matrix, &dim, &error)
            || paths.size() != c.files || (c.files > 0 && dim != kCrashDim)) {
            return QStringLiteral("embeddings missing: ") + error;
        }
        *files = c.files;
        return QString();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void roundTrip()
    {
        auto cache = freshCache();
        QVERIFY(cache);
        std::vector<FileUpdate> updates = {update(QStringLiteral("/p/a.jpg"), QStringLiteral("a"), 1, 64),
                                           update(QStringLiteral("/p/b.jpg"), QStringLiteral("b"), 2, 64)};
        updates[0].embedding[0] = 0.5f; // representable in fp16: must come back exactly
        updates[0].embedding[1] = -0.25f;
        updates[0].embedding[2] = 1.0f;
        QString error;
        QVERIFY2(cache->writeBatch(kModelA, updates, {}, &error), qPrintable(error));
        const std::vector<FileState> files = cache->filesUnder(QStringLiteral("/p"));
        QCOMPARE(files.size(), size_t(2));
        const FileState &a = files[0];
        QCOMPARE(a.path, updates[0].state.path);
        QCOMPARE(a.size, updates[0].state.size);
        QCOMPARE(a.mtimeNs, updates[0].state.mtimeNs);
        QCOMPARE(a.contentHash, updates[0].state.contentHash);
        QCOMPARE(a.width, 640);
        QCOMPARE(a.height, 480);
        QVERIFY(a.failure.isEmpty());
        QStringList paths;
        std::vector<float> matrix;
        int dim = 0;
        QVERIFY2(cache->loadEmbeddings(QStringLiteral("/p"), kModelA, &paths, &matrix, &dim, &error),
                 qPrintable(error));
        QCOMPARE(paths, QStringList({QStringLiteral("/p/a.jpg"), QStringLiteral("/p/b.jpg")}));
        QCOMPARE(dim, 64);
        QCOMPARE(matrix.size(), size_t(128));
        QCOMPARE(matrix[0], 0.5f);
        QCOMPARE(matrix[1], -0.25f);
        QCOMPARE(matrix[2], 1.0f);
        for (size_t row = 0; row < 2; ++row) {
            for (size_t i = 0; i < 64; ++i) {
                const float expected = updates[row].embedding[i];
                QVERIFY(std::fabs(matrix[row * 64 + i] - expected) <= 1e-3f * std::fabs(expected) + 1e-7f);
            }
        }
        QVERIFY(cache->hasEmbedding(fakeHash(QStringLiteral("a")), kModelA));
    }

    void prefixSemantics()
    {
        auto cache = freshCache();
        QVERIFY(cache);
        const QStringList all = {QStringLiteral("/a/b"),           QStringLiteral("/a/b/x.jpg"),
                                 QStringLiteral("/a/b/sub/y.jpg"), QStringLiteral("/a/b/\u00fc\u65e5.jpg"),
                                 QStringLiteral("/a/bc/z.jpg"),    QStringLiteral("/a/b0.jpg"),
                                 QStringLiteral("/a/b-c/w.jpg"),   QStringLiteral("/a/b.jpg")};
        std::vector<FileUpdate> updates;
        for (int i = 0; i < all.size(); ++i) {
            updates.push_back(update(all[i], all[i], i));
        }
        QString error;
        QVERIFY2(cache->writeBatch(kModelA, updates, {}, &error), qPrintable(error));
        auto pathsUnder = [&](const QString &root) {
            QStringList paths;
            for (const FileState &f : cache->filesUnder(root)) {
                paths.append(f.path);
            }
            return paths;
        };
        const QStringList underB = {QStringLiteral("/a/b"), QStringLiteral("/a/b/sub/y.jpg"),
                                    QStringLiteral("/a/b/x.jpg"), QStringLiteral("/a/b/\u00fc\u65e5.jpg")};
        QCOMPARE(pathsUnder(QStringLiteral("/a/b")), underB);
        QCOMPARE(pathsUnder(QStringLiteral("/a/b/")), underB);
        QCOMPARE(pathsUnder(QStringLiteral("/a/bc")), QStringList{QStringLiteral("/a/bc/z.jpg")});
        QCOMPARE(pathsUnder(QStringLiteral("/a")).size(), all.size());
        QCOMPARE(pathsUnder(QStringLiteral("/")).size(), all.size());
        QCOMPARE(pathsUnder(QString()).size(), all.size());
        QVERIFY(pathsUnder(QStringLiteral("/a/b/x")).isEmpty());
        QCOMPARE(cache->counts(QStringLiteral("/a/b"), kModelA).indexed, 4);
    }

    void renameReusesEmbedding()
    {
        QString dbPath;
        auto cache = freshCache(&dbPath);
        QVERIFY(cache);
        QString error;
        QVERIFY(
            cache->writeBatch(kModelA, {update(QStringLiteral("/p/old.jpg"), QStringLiteral("same"), 7)}, {}, &error));
        // The indexer sees a new path whose content hash already has an embedding: no decode, no vector.
        const QByteArray hash = fakeHash(QStringLiteral("same"));
        QVERIFY(cache->hasEmbedding(hash, kModelA));
        QVERIFY(!cache->hasEmbedding(hash, kModelB));
        FileUpdate moved = update(QStringLiteral("/q/new.jpg"), QStringLiteral("same"), 7);
        moved.embedding.clear();
        QVERIFY2(cache->writeBatch(kModelA, {moved}, {QStringLiteral("/p/old.jpg")}, &error), qPrintable(error));
        QCOMPARE(rawScalar(dbPath, "SELECT count(*) FROM embeddings"), 1);
        QCOMPARE(cache->counts(QString(), kModelA).indexed, 1);
        QCOMPARE(cache->counts(QStringLiteral("/p"), kModelA).files, 0);
        // A copy shares the row as well.
        FileUpdate copy = moved;
        copy.state.path = QStringLiteral("/q/copy.jpg");
        QVERIFY(cache->writeBatch(kModelA, {copy}, {}, &error));
        QCOMPARE(rawScalar(dbPath, "SELECT count(*) FROM embeddings"), 1);
        QStringList paths;
        std::vector<float> matrix;
        int dim = 0;
        QVERIFY(cache->loadEmbeddings(QStringLiteral("/q"), kModelA, &paths, &matrix, &dim, &error));
        QCOMPARE(paths.size(), 2);
        QCOMPARE(cache->dropUnreferencedEmbeddings(&error), 0); // still referenced
        QVERIFY(cache->writeBatch(kModelA, {}, {QStringLiteral("/q/new.jpg"), QStringLiteral("/q/copy.jpg")}, &error));
        QCOMPARE(cache->dropUnreferencedEmbeddings(&error), 1);
        QVERIFY(!cache->hasEmbedding(hash, kModelA));
    }

    void modelIsolation()
    {
        auto cache = freshCache();
        QVERIFY(cache);
        QString error;
        QVERIFY(cache->writeBatch(kModelA,
                                  {update(QStringLiteral("/m/1.jpg"), QStringLiteral("1"), 1, 8),
                                   update(QStringLiteral("/m/2.jpg"), QStringLiteral("2"), 2, 8)},
                                  {}, &error));
        QVERIFY2(
            cache->writeBatch(kModelB, {update(QStringLiteral("/m/1.jpg"), QStringLiteral("1"), 9, 16)}, {}, &error),
            qPrintable(error));
        const FolderCounts a = cache->counts(QStringLiteral("/m"), kModelA);
        const FolderCounts b = cache->counts(QStringLiteral("/m"), kModelB);
        QCOMPARE(a.indexed, 2);
        QCOMPARE(a.pending, 0);
        QCOMPARE(b.indexed, 1);
        QCOMPARE(b.pending, 1);
        QStringList paths;
        std::vector<float> matrix;
        int dim = 0;
        QVERIFY(cache->loadEmbeddings(QStringLiteral("/m"), kModelB, &paths, &matrix, &dim, &error));
        QCOMPARE(paths, QStringList{QStringLiteral("/m/1.jpg")});
        QCOMPARE(dim, 16);
        QCOMPARE(matrix.size(), size_t(16));
        QCOMPARE(matrix[3], clip::halfToFloat(clip::floatToHalf(embeddingFor(9, 16)[3])));
        QVERIFY(cache->loadEmbeddings(QStringLiteral("/m"), kModelA, &paths, &matrix, &dim, &error));
        QCOMPARE(dim, 8);
        QCOMPARE(matrix[3], clip::halfToFloat(clip::floatToHalf(embeddingFor(1, 8)[3])));
        QVERIFY(cache->loadEmbeddings(QStringLiteral("/m"), QStringLiteral("cccc"), &paths, &matrix, &dim, &error));
        QVERIFY(paths.isEmpty() && matrix.empty() && dim == 0);
        // A wrong dimension for a model that already has vectors is refused.
        QVERIFY(
            !cache->writeBatch(kModelA, {update(QStringLiteral("/m/3.jpg"), QStringLiteral("3"), 3, 16)}, {}, &error));
        QVERIFY(error.contains(QLatin1String("dimension")));
    }

    void failuresAndRemovals()
    {
        auto cache = freshCache();
        QVERIFY(cache);
        QString error;
        QVERIFY(cache->writeBatch(kModelA,
                                  {update(QStringLiteral("/f/good.jpg"), QStringLiteral("g"), 1),
                                   failed(QStringLiteral("/f/bad.jpg"), QStringLiteral("truncated JPEG")),
                                   failed(QStringLiteral("/f/empty.png"), QStringLiteral("empty file"))},
                                  {}, &error));
        FolderCounts c = cache->counts(QStringLiteral("/f"), kModelA);
        QCOMPARE(c.files, 3);
        QCOMPARE(c.indexed, 1);
        QCOMPARE(c.failed, 2);
        QCOMPARE(c.pending, 0);
        QCOMPARE(cache->counts(QStringLiteral("/f"), kModelB).pending, 1); // other model: good file pending
        const std::vector<FileState> files = cache->filesUnder(QStringLiteral("/f"));
        QCOMPARE(files[0].path, QStringLiteral("/f/bad.jpg"));
        QCOMPARE(files[0].failure, QStringLiteral("truncated JPEG"));
        QCOMPARE(files[0].size, 12); // what the indexer compares to decide on a retry
        QStringList paths;
        std::vector<float> matrix;
        int dim = 0;
        QVERIFY(cache->loadEmbeddings(QStringLiteral("/f"), kModelA, &paths, &matrix, &dim, &error));
        QCOMPARE(paths, QStringList{QStringLiteral("/f/good.jpg")});
        // The bad file was fixed: it is re-encoded and its failure disappears.
        QVERIFY(cache->writeBatch(kModelA, {update(QStringLiteral("/f/bad.jpg"), QStringLiteral("fixed"), 2)},
                                  {QStringLiteral("/f/empty.png"), QStringLiteral("/f/never-known.jpg")}, &error));
        c = cache->counts(QStringLiteral("/f"), kModelA);
        QCOMPARE(c.files, 2);
        QCOMPARE(c.indexed, 2);
        QCOMPARE(c.failed, 0);
    }

    void batchIsAtomic()
    {
        QString dbPath;
        auto cache = freshCache(&dbPath);
        QVERIFY(cache);
        QString error;
        QVERIFY(
            cache->writeBatch(kModelA, {update(QStringLiteral("/t/keep.jpg"), QStringLiteral("k"), 1)}, {}, &error));
        // Rejected up front: a NaN in the second update.
        std::vector<FileUpdate> bad = {update(QStringLiteral("/t/new1.jpg"), QStringLiteral("n1"), 2),
                                       update(QStringLiteral("/t/new2.jpg"), QStringLiteral("n2"), 3)};
        bad[1].embedding[4] = std::numeric_limits<float>::quiet_NaN();
        QVERIFY(!cache->writeBatch(kModelA, bad, {QStringLiteral("/t/keep.jpg")}, &error));
        QVERIFY2(error.contains(QLatin1String("/t/new2.jpg")), qPrintable(error));
        // Fails inside SQLite on the second row (CHECK size >= 0): the first row must be rolled back.
        bad[1] = update(QStringLiteral("/t/new2.jpg"), QStringLiteral("n2"), 3);
        bad[1].state.size = -1;
        error.clear();
        QVERIFY(!cache->writeBatch(kModelA, bad, {QStringLiteral("/t/keep.jpg")}, &error));
        QVERIFY2(error.contains(QLatin1String("CHECK")), qPrintable(error));
        QCOMPARE(cache->filesUnder(QStringLiteral("/t")).size(), size_t(1));
        QCOMPARE(cache->filesUnder(QStringLiteral("/t"))[0].path, QStringLiteral("/t/keep.jpg"));
        QVERIFY(!cache->hasEmbedding(fakeHash(QStringLiteral("n1")), kModelA));
        QCOMPARE(rawScalar(dbPath, "SELECT count(*) FROM embeddings"), 1);
        // The connection is still usable afterwards.
        QVERIFY2(
            cache->writeBatch(kModelA, {update(QStringLiteral("/t/new1.jpg"), QStringLiteral("n1"), 2)}, {}, &error),
            qPrintable(error));
        QCOMPARE(cache->counts(QStringLiteral("/t"), kModelA).indexed, 2);
    }

    void contentHashes()
    {
        const QByteArray small("hello clipfind\n");
        QByteArray large(200 * 1024, '\0');
        for (int i = 0; i < large.size(); ++i) {
            large[i] = char((i * 7 + 3) % 256);
        }
        const QString smallPath = m_dir.filePath(QStringLiteral("small.bin"));
        const QString largePath = m_dir.filePath(QStringLiteral("large.bin"));
        for (const auto &[path, bytes] : {std::make_pair(smallPath, small), std::make_pair(largePath, large)}) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size());
        }
        auto sizePrefix = [](qint64 size) {
            QByteArray b;
            for (int i = 0; i < 8; ++i) {
                b.append(char((quint64(size) >> (8 * i)) & 0xff));
            }
            return b;
        };
        QString error;
        const QByteArray smallHash = contentHash(smallPath, &error);
        QCOMPARE(smallHash, QCryptographicHash::hash(sizePrefix(small.size()) + small, QCryptographicHash::Sha256));
        const QByteArray largeHash = contentHash(largePath, &error);
        QCOMPARE(largeHash, QCryptographicHash::hash(sizePrefix(large.size()) + large.left(65536) + large.right(65536),
                                                     QCryptographicHash::Sha256));
        // Independent values from:
        // python3 -c "import hashlib; s=b'hello clipfind\n';
        // print(hashlib.sha256(len(s).to_bytes(8,'little')+s).hexdigest());
        //   d=bytes((i*7+3)%256 for i in range(200*1024));
        //   print(hashlib.sha256(len(d).to_bytes(8,'little')+d[:65536]+d[-65536:]).hexdigest())"
        QCOMPARE(smallHash.toHex(), QByteArray("7641a4049f023a4badfdce439c90fae939b6ecfa74b944a1cc209306a50d838f"));
        QCOMPARE(largeHash.toHex(), QByteArray("08378f7ae19944afa0873476129733c9b9c87856cca47ca44de9bb9bf25485ab"));
        error.clear();
        QVERIFY(contentHash(m_dir.filePath(QStringLiteral("missing.jpg")), &error).isEmpty());
        QVERIFY(error.contains(QLatin1String("missing.jpg")));
    }

    void refusesNonDatabase()
    {
        const QString path = m_dir.filePath(QStringLiteral("random.sqlite"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray junk(8192, '\0');
        for (int i = 0; i < junk.size(); ++i) {
            junk[i] = char(QRandomGenerator::global()->bounded(256));
        }
        f.write(junk);
        f.close();
        QString error;
        QVERIFY(!LibraryDatabase::open(path, &error));
        QVERIFY2(error.contains(path), qPrintable(error));
        QFile check(path);
        QVERIFY(check.open(QIODevice::ReadOnly));
        QCOMPARE(check.readAll(), junk);                       // never modified
        QVERIFY(!LibraryDatabase::open(m_dir.path(), &error)); // a folder
        QVERIFY(error.contains(m_dir.path()));
    }

    void refusesNewerSchema()
    {
        QString dbPath;
        freshCache(&dbPath).reset();
        QCOMPARE(rawScalar(dbPath, "SELECT value FROM meta WHERE key = 'schema_version'"),
                 qint64(LibraryDatabase::kSchemaVersion));
        rawScalar(dbPath, "UPDATE meta SET value = 99 WHERE key = 'schema_version'");
        QString error;
        QVERIFY(!LibraryDatabase::open(dbPath, &error));
        QVERIFY2(error.contains(QLatin1String("newer")) && error.contains(QLatin1String("99"))
                     && error.contains(dbPath),
                 qPrintable(error));
    }

    void survivesKill9()
    {
        QString dbPath;
        freshCache(&dbPath).reset();
        qint64 files = 0;
        for (int round = 0; round < 3; ++round) {
            QProcess child;
            child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            child.start(QCoreApplication::applicationFilePath(),
                        {QStringLiteral("--child-writer"), dbPath, QStringLiteral("-1")});
            QVERIFY(child.waitForStarted());
            // Wait for a few commits (more each round), watching through a reader connection that
            // must never see a partial batch; then kill at a random moment in the write loop.
            const int wanted = int(files / kBatch) + 2 + round * 3;
            int committed = 0;
            {
                auto reader = LibraryDatabase::open(dbPath, nullptr);
                QVERIFY(reader);
                QDeadlineTimer deadline(30000);
                while (committed < wanted && !deadline.hasExpired() && child.state() == QProcess::Running) {
                    if (child.canReadLine() || child.waitForReadyRead(100)) {
                        while (child.canReadLine()) {
                            committed = child.readLine().trimmed().split(' ').value(1).toInt();
                        }
                    }
                    QCOMPARE(reader->counts(QStringLiteral("/photos"), kModelA).files % kBatch, 0);
                }
            }
            QVERIFY2(committed >= wanted, "the child writer stopped or stalled");
            QThread::usleep(QRandomGenerator::global()->bounded(20000));
            child.kill(); // SIGKILL
            QVERIFY(child.waitForFinished());
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);
            while (child.canReadLine()) {
                committed = qMax(committed, child.readLine().trimmed().split(' ').value(1).toInt());
            }
            qint64 now = 0;
            const QString problem = checkAfterCrash(dbPath, &now);
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
            QVERIFY2(now >= qint64(committed) * kBatch, "a committed batch was lost");
            QVERIFY(now <= qint64(committed + 1) * kBatch); // at most the batch committed just before the kill
            QVERIFY(now > files);
            qInfo("round %d: %d batches reported, %lld files after kill", round, committed, now);
            files = now;
        }
        // The next run finishes the job.
        const int target = int(files / kBatch) + 10;
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(),
                    {QStringLiteral("--child-writer"), dbPath, QString::number(target)});
        QVERIFY(child.waitForFinished(60000));
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QCOMPARE(child.exitCode(), 0);
        const QString problem = checkAfterCrash(dbPath, &files);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(files, qint64(target) * kBatch);
        QString error;
        auto cache = LibraryDatabase::open(dbPath, &error);
        QVERIFY(cache);
        const std::vector<FileState> all = cache->filesUnder(QStringLiteral("/photos"));
        std::set<QString> unique;
        for (const FileState &f : all) {
            unique.insert(f.path);
        }
        QCOMPARE(unique.size(), all.size());
    }
};

// The test binary doubles as the crash test's writer process, so handle that before QtTest starts.
int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 4 && qstrcmp(argv[1], "--child-writer") == 0) {
        return runChildWriter(QString::fromLocal8Bit(argv[2]), QByteArray(argv[3]).toInt());
    }
    LibraryDatabaseTest test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "librarydatabasetest.moc"
