// SPDX-License-Identifier: MIT
#include "core/search/livesearch.h"

#include "core/engine/engine.h"
#include "core/index/indexer.h"
#include "core/threads/pooltasks.h"

namespace clipfind {

namespace {

void applyTo(SearchEngine &engine, const IndexedRows &rows)
{
    if (!rows.removed.isEmpty()) {
        engine.removePaths(rows.removed);
    }
    if (!rows.paths.isEmpty()) {
        engine.upsertRows(rows.paths, rows.embeddings, rows.dim);
    }
}

} // namespace

LiveSearch::LiveSearch(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<SearchResults>();
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("clipfind-search"));
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(80);
    connect(&m_debounce, &QTimer::timeout, this, [this] { start(m_query); });
    m_refresh.setSingleShot(true);
    m_refresh.setInterval(1000);
    connect(&m_refresh, &QTimer::timeout, this, [this] {
        if (!m_current.isEmpty() && !m_debounce.isActive()) {
            start(m_current);
        }
    });
}

LiveSearch::~LiveSearch()
{
    ++m_generation; // the running search gives up
    waitForPool(m_pool);
    acceptDroppedQueuedCalls();
}

void LiveSearch::setEngine(std::shared_ptr<SearchEngine> engine)
{
    {
        std::lock_guard<std::mutex> lock(m_engineMutex);
        if (engine) {
            for (const auto &rows : m_backlog) {
                applyTo(*engine, *rows); // upserts and removals are idempotent: a replay of rows it has is harmless
            }
        }
        m_backlog.clear();
        m_buffering = false;
        m_engine = std::move(engine);
    }
    if (!m_current.isEmpty()) {
        start(m_current);
    } else {
        Q_EMIT resultsReady({});
    }
}

std::shared_ptr<SearchEngine> LiveSearch::engine() const
{
    std::lock_guard<std::mutex> lock(m_engineMutex);
    return m_engine;
}

bool LiveSearch::isWaitingForEngine() const
{
    std::lock_guard<std::mutex> lock(m_engineMutex);
    return m_buffering;
}

void LiveSearch::beginRows()
{
    std::lock_guard<std::mutex> lock(m_engineMutex);
    m_engine.reset();
    m_backlog.clear();
    m_buffering = true;
}

void LiveSearch::applyRows(const IndexedRows &rows)
{
    std::lock_guard<std::mutex> lock(m_engineMutex);
    if (m_engine) {
        applyTo(*m_engine, rows);
    } else if (m_buffering) {
        m_backlog.push_back(std::make_shared<const IndexedRows>(rows));
    }
}

void LiveSearch::setQuery(const QString &query)
{
    m_query = query;
    ++m_generation; // whatever runs is stale now
    m_debounce.start();
}

void LiveSearch::searchNow(const QString &query)
{
    m_query = query;
    m_debounce.stop();
    start(query);
}

void LiveSearch::setOptions(const SearchOptions &options)
{
    m_options = options;
    m_options.generation = nullptr;
    if (!m_current.isEmpty()) {
        start(m_current);
    }
}

void LiveSearch::setRefreshInterval(int refreshIntervalMs)
{
    m_refresh.setInterval(refreshIntervalMs);
}

void LiveSearch::scheduleRefresh()
{
    if (!m_refresh.isActive()) {
        m_refresh.start();
    }
}

void LiveSearch::setIndexingActive(bool active)
{
    m_indexingActive = active;
}

void LiveSearch::start(const QString &query)
{
    m_current = query;
    ++m_generation;
    if (m_running) {
        m_pending = query; // replaces any older waiting query: at most one waits
        m_hasPending = true;
        return;
    }
    launch(query);
}

void LiveSearch::launch(const QString &query)
{
    const quint64 generation = m_generation.load();
    const std::shared_ptr<SearchEngine> engine = this->engine();
    if (!engine && !query.trimmed().isEmpty() && isWaitingForEngine()) {
        return; // an engine is loading (a folder, a scope or a model just arrived): setEngine() runs the query
    }
    if (!engine || query.trimmed().isEmpty()) {
        SearchResults empty;
        empty.query = query;
        if (!engine && !query.trimmed().isEmpty()) {
            empty.error = tr("No photos are indexed yet");
        }
        Q_EMIT resultsReady(empty);
        return;
    }
    m_running = true;
    SearchOptions options = m_options;
    options.generation = &m_generation;
    options.startGeneration = generation;
    startOnPool(m_pool, [this, engine, query, options, generation] {
        if (const Engine *models = modelEngine()) { // loaded: the search's encoder came from it
            models->setCpuThreadsForThisThread(m_indexingActive.load() ? 1 : 0);
        }
        const SearchResults results = engine->search(query, options);
        postToThreadOf(this, [this, results, generation] { finished(results, generation); });
    });
}

void LiveSearch::finished(const SearchResults &results, quint64 generation)
{
    m_running = false;
    if (m_hasPending) {
        m_hasPending = false;
        launch(m_pending);
        return; // the pending query is newer: this result is stale
    }
    if (!results.cancelled && generation == m_generation.load()) {
        Q_EMIT resultsReady(results);
    }
}

} // namespace clipfind
