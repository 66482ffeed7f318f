// SPDX-License-Identifier: MIT
// Why this file is long: rows, query terms and ranking share the rows lock and the candidates' exact rescoring (query
// parsing: searchquery.cpp; the matrix: core/clip/matrix).
#include "core/search/searchengine.h"

#include "core/clip/matrix/half.h"
#include "core/decode/exifdate.h"
#include "core/encode/photoencoder.h"
#include "core/engine/engine.h"
#include "core/search/pathtable.h"
#include "core/search/searchquery.h"
#include "core/store/librarydatabase.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QMutex>

#include <algorithm>
#include <cmath>
#include <list>
#include <mutex>
#include <shared_mutex>

namespace clipfind {

namespace {

double elapsedMs(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

// Scales to unit length; false for a zero (or non-finite) vector.
bool normalize(std::vector<float> *v)
{
    double squares = 0;
    for (float x : *v) {
        squares += double(x) * x;
    }
    if (!(squares > 0) || !std::isfinite(squares)) {
        return false;
    }
    const float inverse = float(1.0 / std::sqrt(squares));
    for (float &x : *v) {
        x *= inverse;
    }
    return true;
}

QString cleanRoot(const QString &root)
{
    const QFileInfo info(root);
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? QDir::cleanPath(info.absoluteFilePath()) : canonical;
}

bool isUnder(const QString &path, const QString &root)
{
    if (root == QLatin1String("/")) {
        return path.startsWith(QLatin1Char('/'));
    }
    return path == root
           || (path.startsWith(root) && path.size() > root.size() && path.at(root.size()) == QLatin1Char('/'));
}

// Text term -> normalized embedding, least recently used dropped first.
class QueryCache
{
public:
    explicit QueryCache(int capacity)
        : m_capacity(std::max(0, capacity))
    {
    }

    bool find(const QString &text, std::vector<float> *out)
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_index.find(text);
        if (it == m_index.end()) {
            return false;
        }
        m_order.splice(m_order.begin(), m_order, it.value());
        *out = it.value()->second;
        return true;
    }

    void insert(const QString &text, const std::vector<float> &embedding)
    {
        QMutexLocker lock(&m_mutex);
        if (m_capacity == 0 || m_index.contains(text)) {
            return;
        }
        m_order.emplace_front(text, embedding);
        m_index.insert(text, m_order.begin());
        if (int(m_order.size()) > m_capacity) {
            m_index.remove(m_order.back().first);
            m_order.pop_back();
        }
    }

private:
    using Entry = std::pair<QString, std::vector<float>>;
    QMutex m_mutex;
    int m_capacity;
    std::list<Entry> m_order; // most recent first
    QHash<QString, std::list<Entry>::iterator> m_index;
};

} // namespace

struct SearchEngine::Private {
    PhotoEncoder *encoder = nullptr;
    QString databasePath;
    QString root;
    Options options;
    int dim = 0;

    mutable std::shared_mutex rowsLock; // guards matrix, paths, embeddingIds and keptRows
    std::unique_ptr<clip::EmbeddingMatrix> matrix;
    PathTable paths; // row <-> path
    // Where each row's stored fp16 values are when the matrix does not keep them: the cache's embedding id, or -1
    // for a row that arrived through upsertRows() and is not in the cache, whose values are then in keptRows.
    std::vector<qint64> embeddingIds;
    QHash<qint64, std::vector<quint16>> keptRows; // row -> stored values
    double loadMs = 0;

    // The read-only connection the rescoring reads candidates' rows through (one statement at a time).
    std::mutex rowStoreLock;
    std::unique_ptr<LibraryDatabase> rowStore;

    std::unique_ptr<QueryCache> queryCache;

    QMutex datesLock;
    QHash<QString, QDateTime> dates; // path -> date taken or file time

    std::unique_ptr<clip::EmbeddingMatrix> newMatrix(QString *error) const
    {
        // The rows live in libclipfind_torch.so's matrix (the same one on the CPU and on CUDA); loading it here,
        // on the thread that reads the rows, keeps it off the GUI thread.
        const Engine *models = modelEngine(error);
        if (!models) {
            return nullptr;
        }
        std::string problem;
        auto m = models->createEmbeddingMatrix(dim, options.matrix, &problem);
        if (!m) {
            *error = QCoreApplication::translate("clipfind::SearchEngine", "cannot set up the search (%1)")
                         .arg(QString::fromStdString(problem));
        }
        return m;
    }

    void forgetDates(const QStringList &changed)
    {
        QMutexLocker lock(&datesLock);
        for (const QString &p : changed) {
            dates.remove(p);
        }
    }

    QDateTime dateOf(const QString &path)
    {
        {
            QMutexLocker lock(&datesLock);
            const auto it = dates.constFind(path);
            if (it != dates.constEnd()) {
                return it.value();
            }
        }
        QDateTime date = readExifDateTaken(path);
        if (!date.isValid()) {
            date = QFileInfo(path).lastModified();
        }
        QMutexLocker lock(&datesLock);
        dates.insert(path, date);
        return date;
    }

    bool fetchesRows() const { return options.matrix.keepRows == false; }
    /// Reads rows back for the matrix (call with rowsLock held, shared or exclusive).
    bool fetchRows(const int64_t *rows, size_t count, uint16_t *out, std::string *error);
    clip::RowFetcher fetcher()
    {
        return [this](const int64_t *rows, size_t count, uint16_t *out, std::string *error) {
            return fetchRows(rows, count, out, error);
        };
    }
    bool reload(QString *error);
    /// Swaps the rows of `row` and the last row out of the per-row stores, as removeSwapLast does in the matrix.
    void removeRowSwapLast(qint64 row);

    bool termEmbedding(const QueryTerm &term, std::vector<float> *out, int *encodedTexts, QString *error);
    SearchResults run(const QString &display, const std::vector<QueryTerm> &terms, const SearchOptions &options,
                      QElapsedTimer total, double parseMs);
};

// The normalized embedding of one term: text from the query cache or the encoder, an indexed image from its row,
// another image from the encoder.
bool SearchEngine::Private::termEmbedding(const QueryTerm &term, std::vector<float> *out, int *encodedTexts,
                                          QString *error)
{
    if (term.kind == QueryTerm::Kind::Text) {
        const QString cacheKey = encoder->textCacheKey(term.text); // the same text, another tower: another key
        if (queryCache->find(cacheKey, out)) {
            return true;
        }
        const EmbeddingRows rows = encoder->encodeTexts({term.text});
        if (!rows.error.isEmpty() || rows.rows() != 1) {
            *error = QCoreApplication::translate("clipfind::SearchEngine", "cannot encode \"%1\": %2")
                         .arg(term.text, rows.error);
            return false;
        }
        ++*encodedTexts;
        out->assign(rows.row(0), rows.row(0) + rows.dim);
        if (!normalize(out)) {
            *error = QCoreApplication::translate("clipfind::SearchEngine", "the text \"%1\" encodes to a zero vector")
                         .arg(term.text);
            return false;
        }
        queryCache->insert(cacheKey, *out);
        return true;
    }
    {
        std::shared_lock lock(rowsLock);
        const QString canonical = QFileInfo(term.text).canonicalFilePath(); // rows are keyed by canonical paths
        const qint64 row = paths.find(canonical.isEmpty() ? term.text : canonical);
        if (row >= 0) {
            out->resize(static_cast<size_t>(dim));
            std::string problem;
            if (!matrix->normalizedRow(row, out->data(), fetcher(), &problem)) {
                *error = QCoreApplication::translate("clipfind::SearchEngine", "cannot use the image %1: %2")
                             .arg(term.text, QString::fromStdString(problem));
                return false;
            }
            return true;
        }
    }
    const EmbeddingRows rows = encoder->encodeImageFiles({term.text});
    if (!rows.error.isEmpty() || rows.rows() != 1 || rows.errors.size() != 1 || !rows.errors.at(0).isEmpty()) {
        *error = QCoreApplication::translate("clipfind::SearchEngine", "cannot use the image %1: %2")
                     .arg(term.text, rows.error.isEmpty() ? rows.errors.at(0) : rows.error);
        return false;
    }
    out->assign(rows.row(0), rows.row(0) + rows.dim);
    if (!normalize(out)) {
        *error = QCoreApplication::translate("clipfind::SearchEngine", "the image %1 encodes to a zero vector")
                     .arg(term.text);
        return false;
    }
    return true;
}

SearchResults SearchEngine::Private::run(const QString &display, const std::vector<QueryTerm> &terms,
                                         const SearchOptions &options, QElapsedTimer total, double parseMs)
{
    SearchResults results;
    results.query = display;
    results.timings.parse = parseMs;
    auto stale = [&options] {
        return options.generation && options.generation->load(std::memory_order_relaxed) != options.startGeneration;
    };
    auto finish = [&]() -> SearchResults & {
        results.timings.total = elapsedMs(total);
        if (results.cancelled || !results.error.isEmpty()) {
            results.hits.clear();
        }
        return results;
    };
    if (terms.empty()) {
        return finish();
    }
    if (stale()) {
        results.cancelled = true;
        return finish();
    }

    // Combined query: sum of weight x normalized term embedding, normalized (as rclip).
    QElapsedTimer stage;
    stage.start();
    std::vector<float> query(size_t(dim), 0.0f);
    std::vector<float> term;
    for (const QueryTerm &t : terms) {
        if (!termEmbedding(t, &term, &results.encodedTexts, &results.error)) {
            return finish();
        }
        for (int i = 0; i < dim; ++i) {
            query[size_t(i)] += t.weight * term[size_t(i)];
        }
    }
    if (!normalize(&query)) {
        results.error =
            QCoreApplication::translate("clipfind::SearchEngine", "query \"%1\": the terms cancel out").arg(display);
        return finish();
    }
    results.timings.encode = elapsedMs(stage);
    if (stale()) {
        results.cancelled = true;
        return finish();
    }

    stage.start();
    clip::TopKResult top;
    for (int attempt = 0; attempt < 2; ++attempt) {
        {
            std::shared_lock lock(rowsLock);
            results.rows = matrix->rows();
            top = matrix->topK(query.data(), std::max(0, options.k), stale, fetcher());
            for (const clip::ScoredRow &hit : top.hits) {
                results.hits.push_back({paths.path(hit.row), hit.score, QDateTime()});
            }
        }
        // The cache changed behind our back (another process indexed the folder): read it again, once.
        QString reloadError;
        if (!top.staleRows || attempt == 1 || !reload(&reloadError)) {
            break;
        }
        results.hits.clear();
    }
    results.timings.score = elapsedMs(stage);
    if (top.cancelled) {
        results.cancelled = true;
        return finish();
    }
    if (!top.error.empty()) {
        results.error = QCoreApplication::translate("clipfind::SearchEngine", "the search could not finish (%1)")
                            .arg(QString::fromStdString(top.error));
        return finish();
    }

    stage.start();
    if (!results.hits.empty()) {
        const double floor = std::max(double(results.hits.front().score) - options.cutoffMargin,
                                      top.mean + options.cutoffZ * top.stddev);
        // The smallest float not below the floor: score >= cutoffScore exactly when the cut keeps a hit. The best
        // hit is always kept, so the cut never falls above it.
        float cut = float(floor);
        if (double(cut) < floor) {
            cut = std::nextafter(cut, std::numeric_limits<float>::infinity());
        }
        results.cutoffScore = std::min(cut, results.hits.front().score);
        if (options.cutoff) {
            const auto keep = std::find_if(results.hits.begin() + 1, results.hits.end(),
                                           [floor](const SearchHit &h) { return double(h.score) < floor; });
            results.hits.erase(keep, results.hits.end());
        }
    }
    if (options.sort == SearchSort::Date) {
        for (SearchHit &hit : results.hits) {
            hit.date = dateOf(hit.path);
        }
        // Newest first; photos without any date (unreadable files) last, in score order.
        std::stable_sort(results.hits.begin(), results.hits.end(), [](const SearchHit &a, const SearchHit &b) {
            if (a.date.isValid() != b.date.isValid()) {
                return a.date.isValid();
            }
            return a.date.isValid() && a.date > b.date;
        });
    }
    results.timings.sort = elapsedMs(stage);
    return finish();
}

SearchEngine::SearchEngine()
    : d(std::make_unique<Private>())
{
}
SearchEngine::~SearchEngine() = default;

std::unique_ptr<SearchEngine> SearchEngine::open(PhotoEncoder *encoder, const QString &databasePath,
                                                 const QString &root, QString *error)
{
    Options options; // rows live where the model runs: fp16 on the GPU with CUDA, int8 + fp16 on the CPU
    options.matrix.device = encoder->isCuda() ? clip::DeviceChoice::Cuda : clip::DeviceChoice::Cpu;
    return open(encoder, databasePath, root, options, error);
}

std::unique_ptr<SearchEngine> SearchEngine::open(PhotoEncoder *encoder, const QString &databasePath,
                                                 const QString &root, const Options &options, QString *error)
{
    std::unique_ptr<SearchEngine> engine(new SearchEngine);
    Private &d = *engine->d;
    d.encoder = encoder;
    d.databasePath = databasePath;
    d.root = cleanRoot(root);
    d.options = options;
    if (!encoder->ensureCheckpoint(error)) { // the dimension; a text tower being built meanwhile is not waited for
        return nullptr;
    }
    d.dim = encoder->embeddingDim();
    d.queryCache = std::make_unique<QueryCache>(options.queryCacheSize);
    d.matrix = d.newMatrix(error);
    if (!d.matrix) {
        return nullptr;
    }
    if (!databasePath.isEmpty() && QFileInfo::exists(databasePath) && !d.reload(error)) {
        return nullptr;
    }
    return engine;
}

bool SearchEngine::Private::fetchRows(const int64_t *rows, size_t count, uint16_t *out, std::string *error)
{
    std::vector<qint64> ids;
    std::vector<size_t> slots;
    for (size_t i = 0; i < count; ++i) {
        const qint64 id = embeddingIds[size_t(rows[i])];
        if (id >= 0) {
            ids.push_back(id);
            slots.push_back(i);
            continue;
        }
        const auto kept = keptRows.constFind(rows[i]);
        if (kept == keptRows.constEnd()) {
            *error = "search failed: row " + std::to_string(rows[i]) + " has no stored values";
            return false;
        }
        std::copy(kept->begin(), kept->end(), out + i * size_t(dim));
    }
    if (ids.empty()) {
        return true;
    }
    std::vector<quint16> read(ids.size() * size_t(dim));
    QString problem;
    {
        std::lock_guard<std::mutex> lock(rowStoreLock);
        if (!rowStore || !rowStore->embeddingsById(ids.data(), ids.size(), dim, read.data(), &problem)) {
            *error = problem.isEmpty() ? std::string("search failed: the cache is not open")
                                       : ("search failed: " + problem.toStdString());
            return false;
        }
    }
    for (size_t j = 0; j < ids.size(); ++j) {
        std::copy_n(read.data() + j * size_t(dim), dim, out + slots[j] * size_t(dim));
    }
    return true;
}

void SearchEngine::Private::removeRowSwapLast(qint64 row)
{
    const qint64 last = paths.size() - 1;
    keptRows.remove(row);
    paths.removeSwapLast(row);
    if (row != last) {
        embeddingIds[size_t(row)] = embeddingIds[size_t(last)];
        const auto kept = keptRows.find(last);
        if (kept != keptRows.end()) {
            keptRows.insert(row, std::move(kept.value()));
            keptRows.erase(kept);
        }
    }
    embeddingIds.pop_back();
}

bool SearchEngine::Private::reload(QString *error)
{
    QElapsedTimer timer;
    timer.start();
    auto cache = LibraryDatabase::openReadOnly(databasePath, error);
    if (!cache) {
        return false;
    }
    auto fresh = newMatrix(error);
    if (!fresh) {
        return false;
    }
    PathTable freshPaths;
    QByteArray pathBytes; // every path once, filled before the first row; the table adopts it
    std::vector<qint64> ids;
    int storedDim = 0;
    // Rows go to the matrix in blocks (which it may quantize on several cores); small ones keep the peak low.
    constexpr size_t kRowsPerAppend = 1024;
    std::vector<quint16> pending;
    pending.reserve(kRowsPerAppend * size_t(dim));
    const bool read = cache->readStoredEmbeddingsWithIds(
        root, encoder->modelId(),
        [&](qint64 upperBound) {
            fresh->reserve(upperBound);
            freshPaths.reserve(upperBound, 0);
            ids.reserve(size_t(upperBound));
        },
        [&](qint64 pathOffset, int pathLength, const quint16 *halves, int rowDim, qint64 id) {
            storedDim = rowDim;
            if (rowDim != dim) {
                return;
            }
            if (freshPaths.size() == 0) {
                freshPaths.adoptBuffer(pathBytes);
            }
            freshPaths.appendStored(uint64_t(pathOffset), pathLength);
            ids.push_back(id);
            pending.insert(pending.end(), halves, halves + rowDim);
            if (pending.size() >= kRowsPerAppend * size_t(rowDim)) {
                fresh->appendHalf(pending.data(), qint64(pending.size()) / rowDim);
                pending.clear();
            }
        },
        &pathBytes, error);
    pathBytes = QByteArray();
    freshPaths.squeeze(); // the paths of files without a row for this model
    if (read && !pending.empty()) {
        fresh->appendHalf(pending.data(), qint64(pending.size()) / dim);
    }
    if (!read) {
        return false;
    }
    if (storedDim != 0 && storedDim != dim) {
        *error = QCoreApplication::translate("clipfind::SearchEngine",
                                             "%1: the cached embeddings have %2 dimensions, the model %3")
                     .arg(databasePath)
                     .arg(storedDim)
                     .arg(dim);
        return false;
    }
    {
        std::unique_lock lock(rowsLock);
        matrix = std::move(fresh);
        paths = std::move(freshPaths);
        embeddingIds = std::move(ids);
        keptRows.clear();
        std::lock_guard<std::mutex> storeLock(rowStoreLock);
        rowStore = std::move(cache); // the connection the rows were read through reads candidates back
        loadMs = elapsedMs(timer);
    }
    QMutexLocker lock(&datesLock);
    dates.clear();
    return true;
}

bool SearchEngine::reload(QString *error)
{
    return d->reload(error);
}

double SearchEngine::lastLoadMs() const
{
    std::shared_lock lock(d->rowsLock);
    return d->loadMs;
}

qint64 SearchEngine::rowMemoryBytes() const
{
    std::shared_lock lock(d->rowsLock);
    qint64 kept = 0;
    for (const std::vector<quint16> &row : d->keptRows) {
        kept += qint64(row.capacity() * sizeof(quint16));
    }
    return d->matrix->memoryBytes() + kept + qint64(d->embeddingIds.capacity() * sizeof(qint64))
           + d->paths.memoryBytes();
}

void SearchEngine::upsertRows(const QStringList &paths, const std::vector<float> &rows, int dim)
{
    if (dim != d->dim || rows.size() != size_t(paths.size()) * size_t(dim)) {
        return;
    }
    // Where each row can be read back: the indexer calls this after committing the rows, so the cache normally
    // holds exactly them (looked up and compared before the rows lock is taken); a row the cache does not hold as
    // given is kept in memory.
    std::vector<qint64> ids(size_t(paths.size()), -1);
    if (d->fetchesRows()) {
        std::lock_guard<std::mutex> storeLock(d->rowStoreLock);
        if (!d->rowStore && QFileInfo::exists(d->databasePath)) {
            d->rowStore = LibraryDatabase::openReadOnly(d->databasePath, nullptr);
        }
        std::vector<quint16> stored(static_cast<size_t>(dim));
        for (int i = 0; d->rowStore && i < paths.size(); ++i) {
            if (!isUnder(paths[i], d->root)) {
                continue;
            }
            const qint64 id = d->rowStore->embeddingIdForPath(paths[i], d->encoder->modelId());
            if (id < 0 || !d->rowStore->embeddingsById(&id, 1, dim, stored.data(), nullptr)) {
                continue;
            }
            const float *row = rows.data() + size_t(i) * size_t(dim);
            bool same = true;
            for (int j = 0; j < dim && same; ++j) {
                same = stored[size_t(j)] == clip::floatToHalf(row[j]);
            }
            ids[size_t(i)] = same ? id : -1;
        }
    }
    {
        std::unique_lock lock(d->rowsLock);
        for (int i = 0; i < paths.size(); ++i) {
            const QString &path = paths[i];
            if (!isUnder(path, d->root)) {
                continue;
            }
            const float *row = rows.data() + size_t(i) * size_t(dim);
            qint64 target = -1;
            target = d->paths.find(path);
            if (target >= 0) {
                d->matrix->replace(target, row);
                d->embeddingIds[size_t(target)] = ids[size_t(i)];
            } else {
                target = d->paths.append(path);
                d->embeddingIds.push_back(ids[size_t(i)]);
                d->matrix->append(row, 1);
            }
            if (d->fetchesRows() && ids[size_t(i)] < 0) {
                std::vector<quint16> stored(static_cast<size_t>(dim));
                for (int j = 0; j < dim; ++j) {
                    stored[size_t(j)] = clip::floatToHalf(row[j]);
                }
                d->keptRows.insert(target, std::move(stored));
            } else {
                d->keptRows.remove(target);
            }
        }
    }
    d->forgetDates(paths);
}

void SearchEngine::removePaths(const QStringList &paths)
{
    {
        std::unique_lock lock(d->rowsLock);
        for (const QString &path : paths) {
            const qint64 row = d->paths.find(path);
            if (row < 0) {
                continue;
            }
            d->matrix->removeSwapLast(row);
            d->removeRowSwapLast(row);
        }
    }
    d->forgetDates(paths);
}

qint64 SearchEngine::rowCount() const
{
    std::shared_lock lock(d->rowsLock);
    return d->matrix->rows();
}

QString SearchEngine::root() const
{
    return d->root;
}

SearchResults SearchEngine::search(const QString &query, const SearchOptions &options)
{
    QElapsedTimer total;
    total.start();
    const ParsedQuery parsed = parseSearchQuery(query);
    const double parseMs = elapsedMs(total);
    if (!parsed.ok()) {
        SearchResults results;
        results.query = query;
        results.error = parsed.error;
        results.timings.parse = parseMs;
        results.timings.total = parseMs;
        return results;
    }
    return d->run(query, parsed.terms, options, total, parseMs);
}

SearchResults SearchEngine::similar(const QString &imagePath, const SearchOptions &options)
{
    QElapsedTimer total;
    total.start();
    const QFileInfo info(imagePath);
    if (!info.isFile()) {
        SearchResults results;
        results.query = imagePath;
        results.error =
            info.exists()
                ? QCoreApplication::translate("clipfind::SearchEngine", "image %1 is not a file").arg(imagePath)
                : QCoreApplication::translate("clipfind::SearchEngine", "image %1 does not exist").arg(imagePath);
        return results;
    }
    const QString canonical = info.canonicalFilePath();
    return d->run(imagePath, {{QueryTerm::Kind::Image, canonical, 1.0f}}, options, total, 0.0);
}

} // namespace clipfind
