// SPDX-License-Identifier: MIT
#pragma once

#include "core/search/searchengine.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <memory>
#include <mutex>

namespace clipfind {

struct IndexedRows;

/// Search as the user types. Lives on the GUI thread; searches run on one private worker thread, so the GUI
/// never waits for encoding or scoring.
///
/// Stale work is dropped, never queued: a new query bumps a generation counter that the running search checks
/// (it gives up early), and at most one search waits behind the running one: the latest. Only results of the
/// latest query are delivered. Rows arriving from the indexer (applyRows, from any thread) go straight into the
/// engine; the current query is re-run at most once per `refreshIntervalMs` so results fill in while indexing.
class LiveSearch : public QObject
{
    Q_OBJECT

public:
    explicit LiveSearch(QObject *parent = nullptr);
    ~LiveSearch() override;

    /// The engine of the open folder (null: none). Rows received through applyRows() since beginRows() was
    /// called are replayed into it first, so nothing committed while the engine loaded from the cache is missing.
    void setEngine(std::shared_ptr<SearchEngine> engine);
    std::shared_ptr<SearchEngine> engine() const;
    /// Starts buffering applyRows() until setEngine() (call when a folder opens, before its indexer starts).
    /// Queries meanwhile wait for the engine instead of reporting that nothing is indexed.
    void beginRows();
    /// True between beginRows() and setEngine().
    bool isWaitingForEngine() const;
    /// Thread-safe: the indexer's committed hook.
    void applyRows(const IndexedRows &rows);

    /// Debounced (80 ms): the search starts when typing pauses briefly.
    void setQuery(const QString &query);
    /// No debounce (Enter in the field, "Find similar").
    void searchNow(const QString &query);
    QString query() const { return m_query; }

    void setOptions(const SearchOptions &options);
    SearchOptions options() const { return m_options; }
    void setRefreshInterval(int refreshIntervalMs);

    /// Re-runs the current query soon (rows changed), at most once per refresh interval.
    void scheduleRefresh();

    /// While the indexer keeps the cores busy, queries encode on one CPU thread (see clip::setCpuThreadsForThisThread):
    /// slower on an idle machine, far faster than two threads fighting the indexer for time slices.
    void setIndexingActive(bool active);

Q_SIGNALS:
    /// The latest query's results (never a superseded one's).
    void resultsReady(const clipfind::SearchResults &results);

private:
    void start(const QString &query);
    void launch(const QString &query);
    void finished(const SearchResults &results, quint64 generation);

    QThreadPool m_pool;
    mutable std::mutex m_engineMutex; // guards m_engine and m_backlog against the indexing thread
    std::shared_ptr<SearchEngine> m_engine;
    bool m_buffering = false;
    std::vector<std::shared_ptr<const IndexedRows>> m_backlog;

    std::atomic<quint64> m_generation{0};
    std::atomic_bool m_indexingActive{false};
    QString m_query;   // the text of the search field
    QString m_current; // the query searched last (what a refresh re-runs)
    bool m_running = false;
    bool m_hasPending = false;
    QString m_pending;
    SearchOptions m_options;
    QTimer m_debounce;
    QTimer m_refresh;
};

} // namespace clipfind

Q_DECLARE_METATYPE(clipfind::SearchResults)
