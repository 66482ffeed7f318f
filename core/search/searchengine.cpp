// SPDX-License-Identifier: MIT
#include "core/search/searchengine.h"

#include "core/encode/clipencoder.h"
#include "core/store/librarydatabase.h"
#include "core/decode/exifdate.h"
#include "core/search/searchquery.h"

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
    return path == root || (path.startsWith(root) && path.size() > root.size() && path.at(root.size()) == QLatin1Char('/'));
}

// Text term -> normalized embedding, least recently used dropped first.
class QueryCache
{
public:
    explicit QueryCache(int capacity) : m_capacity(std::max(0, capacity)) {}

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
    ClipEncoder *encoder = nullptr;
    QString databasePath;
    QString root;
    Options options;
    int dim = 0;

    mutable std::shared_mutex rowsLock; // guards matrix, paths and rowOf
    std::unique_ptr<clip::EmbeddingMatrix> matrix;
    std::vector<QString> paths; // row -> path
    QHash<QString, qint64> rowOf;
    double loadMs = 0;

    std::unique_ptr<QueryCache> queryCache;

    QMutex datesLock;
    QHash<QString, QDateTime> dates; // path -> date taken or file time

    std::unique_ptr<clip::EmbeddingMatrix> newMatrix(QString *error) const
    {
        std::string problem;
        auto m = clip::EmbeddingMatrix::create(dim, options.matrix, &problem);
        if (!m) {
            *error = QString::fromStdString(problem);
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
        if (queryCache->find(term.text, out)) {
            return true;
        }
        const EmbeddingRows rows = encoder->encodeTexts({term.text});
        if (!rows.error.isEmpty() || rows.rows() != 1) {
            *error = QStringLiteral("cannot encode \"%1\": %2").arg(term.text, rows.error);
            return false;
        }
        ++*encodedTexts;
        out->assign(rows.row(0), rows.row(0) + rows.dim);
        if (!normalize(out)) {
            *error = QStringLiteral("the text \"%1\" encodes to a zero vector").arg(term.text);
            return false;
        }
        queryCache->insert(term.text, *out);
        return true;
    }
    {
        std::shared_lock lock(rowsLock);
        const QString canonical = QFileInfo(term.text).canonicalFilePath(); // rows are keyed by canonical paths
        const auto it = rowOf.constFind(canonical.isEmpty() ? term.text : canonical);
        if (it != rowOf.constEnd()) {
            out->resize(static_cast<size_t>(dim));
            matrix->normalizedRow(it.value(), out->data());
            return true;
        }
    }
    const EmbeddingRows rows = encoder->encodeImageFiles({term.text});
    if (!rows.error.isEmpty() || rows.rows() != 1 || rows.errors.size() != 1 || !rows.errors.at(0).isEmpty()) {
        *error = QStringLiteral("cannot use the image %1: %2")
                     .arg(term.text, rows.error.isEmpty() ? rows.errors.at(0) : rows.error);
        return false;
    }
    out->assign(rows.row(0), rows.row(0) + rows.dim);
    if (!normalize(out)) {
        *error = QStringLiteral("the image %1 encodes to a zero vector").arg(term.text);
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
        results.error = QStringLiteral("query \"%1\": the terms cancel out").arg(display);
        return finish();
    }
    results.timings.encode = elapsedMs(stage);
    if (stale()) {
        results.cancelled = true;
        return finish();
    }

    stage.start();
    clip::TopKResult top;
    {
        std::shared_lock lock(rowsLock);
        results.rows = matrix->rows();
        top = matrix->topK(query.data(), std::max(0, options.k), stale);
        for (const clip::ScoredRow &hit : top.hits) {
            results.hits.push_back({paths[size_t(hit.row)], hit.score, QDateTime()});
        }
    }
    results.timings.score = elapsedMs(stage);
    if (top.cancelled) {
        results.cancelled = true;
        return finish();
    }
    if (!top.error.empty()) {
        results.error = QString::fromStdString(top.error);
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

SearchEngine::SearchEngine() : d(std::make_unique<Private>()) {}
SearchEngine::~SearchEngine() = default;

std::unique_ptr<SearchEngine> SearchEngine::open(ClipEncoder *encoder, const QString &databasePath, const QString &root,
                                                 QString *error)
{
    Options options; // rows live where the model runs: fp16 on the GPU with CUDA, int8 + fp16 on the CPU
    options.matrix.device = encoder->model().isCuda() ? clip::DeviceChoice::Cuda : clip::DeviceChoice::Cpu;
    return open(encoder, databasePath, root, options, error);
}

std::unique_ptr<SearchEngine> SearchEngine::open(ClipEncoder *encoder, const QString &databasePath, const QString &root,
                                                 const Options &options, QString *error)
{
    std::unique_ptr<SearchEngine> engine(new SearchEngine);
    Private &d = *engine->d;
    d.encoder = encoder;
    d.databasePath = databasePath;
    d.root = cleanRoot(root);
    d.options = options;
    d.dim = encoder->embeddingDim();
    d.queryCache = std::make_unique<QueryCache>(options.queryCacheSize);
    d.matrix = d.newMatrix(error);
    if (!d.matrix) {
        return nullptr;
    }
    if (!databasePath.isEmpty() && QFileInfo::exists(databasePath) && !engine->reload(error)) {
        return nullptr;
    }
    return engine;
}

bool SearchEngine::reload(QString *error)
{
    QElapsedTimer timer;
    timer.start();
    auto cache = LibraryDatabase::openReadOnly(d->databasePath, error);
    if (!cache) {
        return false;
    }
    auto matrix = d->newMatrix(error);
    if (!matrix) {
        return false;
    }
    std::vector<QString> paths;
    QHash<QString, qint64> rowOf;
    int storedDim = 0;
    // Rows go to the matrix in blocks, which it converts and quantizes on all cores.
    constexpr size_t kRowsPerAppend = 8192;
    std::vector<quint16> pending;
    pending.reserve(kRowsPerAppend * size_t(d->dim));
    const bool read = cache->readStoredEmbeddings(
        d->root, d->encoder->sha256(),
        [&](qint64 upperBound) {
            matrix->reserve(upperBound);
            paths.reserve(size_t(upperBound));
            rowOf.reserve(upperBound);
        },
        [&](const QString &path, const quint16 *halves, int dim) {
            storedDim = dim;
            if (dim != d->dim) {
                return;
            }
            rowOf.insert(path, qint64(paths.size()));
            paths.push_back(path);
            pending.insert(pending.end(), halves, halves + dim);
            if (pending.size() >= kRowsPerAppend * size_t(dim)) {
                matrix->appendHalf(pending.data(), qint64(pending.size()) / dim);
                pending.clear();
            }
        },
        error);
    if (read && !pending.empty()) {
        matrix->appendHalf(pending.data(), qint64(pending.size()) / d->dim);
    }
    if (!read) {
        return false;
    }
    if (storedDim != 0 && storedDim != d->dim) {
        *error = QStringLiteral("%1: the cached embeddings have %2 dimensions, the model %3")
                     .arg(d->databasePath).arg(storedDim).arg(d->dim);
        return false;
    }
    {
        std::unique_lock lock(d->rowsLock);
        d->matrix = std::move(matrix);
        d->paths = std::move(paths);
        d->rowOf = std::move(rowOf);
        d->loadMs = elapsedMs(timer);
    }
    QMutexLocker lock(&d->datesLock);
    d->dates.clear();
    return true;
}

double SearchEngine::lastLoadMs() const
{
    std::shared_lock lock(d->rowsLock);
    return d->loadMs;
}

void SearchEngine::upsertRows(const QStringList &paths, const std::vector<float> &rows, int dim)
{
    if (dim != d->dim || rows.size() != size_t(paths.size()) * size_t(dim)) {
        return;
    }
    {
        std::unique_lock lock(d->rowsLock);
        for (int i = 0; i < paths.size(); ++i) {
            const QString &path = paths[i];
            if (!isUnder(path, d->root)) {
                continue;
            }
            const float *row = rows.data() + size_t(i) * size_t(dim);
            const auto it = d->rowOf.constFind(path);
            if (it != d->rowOf.constEnd()) {
                d->matrix->replace(it.value(), row);
            } else {
                d->rowOf.insert(path, d->matrix->rows());
                d->paths.push_back(path);
                d->matrix->append(row, 1);
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
            const auto it = d->rowOf.find(path);
            if (it == d->rowOf.end()) {
                continue;
            }
            const qint64 row = it.value();
            d->rowOf.erase(it);
            const qint64 last = qint64(d->paths.size()) - 1;
            d->matrix->removeSwapLast(row);
            if (row != last) {
                d->paths[size_t(row)] = d->paths[size_t(last)];
                d->rowOf[d->paths[size_t(row)]] = row;
            }
            d->paths.pop_back();
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
        results.error = QStringLiteral("image %1 %2").arg(imagePath, info.exists() ? "is not a file" : "does not exist");
        return results;
    }
    const QString canonical = info.canonicalFilePath();
    return d->run(imagePath, {{QueryTerm::Kind::Image, canonical, 1.0f}}, options, total, 0.0);
}

} // namespace clipfind
