// SPDX-License-Identifier: MIT
#pragma once

#include "core/index/indexer.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>

#include <functional>
#include <memory>

namespace clipfind {

class PhotoEncoder;
class FolderWatcher;
class IndexControl;
class ThumbnailCache;

/// Keeps the cache of one open photo folder current while the app shows it: a full run when the folder is
/// opened, then, while it stays open, incremental runs over just the folders FolderWatcher reports. Runs go one
/// after another on a private one-thread pool, so the cache file has one writer; the GUI thread only starts,
/// pauses and observes. Lives on the GUI thread; its signals are emitted there.
///
/// A change that arrives during a run is queued and indexed right after it. Pausing holds the current run at
/// the next file (nothing is lost) and keeps later runs from starting until resume(). Destroying it cancels
/// the run and waits for it: every batch encoded by then is committed.
class LibraryIndexer : public QObject
{
    Q_OBJECT

public:
    enum class State { Idle, Running, Paused };
    Q_ENUM(State)

    /// `thumbnails` may be null (no thumbnails written); it must outlive this object.
    LibraryIndexer(const QString &databasePath, const ThumbnailCache *thumbnails, QObject *parent = nullptr);
    ~LibraryIndexer() override;

    /// Called on the indexing thread after every committed transaction, before rowsChanged is emitted; a search
    /// index updates its rows here so results can include photos while the run goes on. Set before open().
    void setCommittedHook(std::function<void(const IndexedRows &)> hook);

    /// Watches `root` and indexes it with `encoder` (shared with searches; may be null: the folder is watched
    /// and nothing is indexed until open() is called again with an encoder). Stops what was going on for the
    /// previous folder. False with *error when the folder cannot be opened.
    bool open(const QString &root, std::shared_ptr<PhotoEncoder> encoder, const IndexOptions &options, QString *error);
    /// Stops watching and cancels the run (waiting for it).
    void close();

    /// A full rescan of the open folder (after the run in progress).
    void rescan();
    /// Coalescing delays of the folder watcher (tests make them short).
    void setWatchDelays(int quietMs, int maxDelayMs);

    void pause();
    void resume();
    /// Cancels the run in progress and drops queued changes (they come back with the next rescan).
    void cancel();

    QString root() const { return m_root; }
    QString databasePath() const { return m_databasePath; }
    State state() const;
    /// The latest progress of the current run (Phase::Scanning with zeros when idle).
    IndexProgress progress() const { return m_progress; }

Q_SIGNALS:
    void stateChanged(clipfind::LibraryIndexer::State state);
    void progressChanged(const clipfind::IndexProgress &progress);
    /// Rows were added or removed in the cache (see setCommittedHook).
    void rowsChanged();
    /// One run ended. `incremental`: it covered only folders the watcher reported.
    void runFinished(const clipfind::IndexReport &report, bool incremental);
    /// Folders that cannot be watched (inotify limit); their changes are picked up by the next full rescan.
    void watchProblem(const QString &message);
    /// The watcher's report of folders whose photos may have changed (FolderWatcher::foldersChanged), also while
    /// there is no encoder and nothing is indexed: a browser lists them again.
    void foldersChanged(const QStringList &folders);

private:
    void startNextRun();
    void onRunFinished(const IndexReport &report, bool incremental);
    void setState(State state);

    QString m_databasePath;
    const ThumbnailCache *m_thumbnails;
    std::function<void(const IndexedRows &)> m_committedHook;
    QThreadPool m_pool; // one thread: one writer of the cache file
    FolderWatcher *m_watcher = nullptr;
    QString m_root;
    std::shared_ptr<PhotoEncoder> m_encoder;
    IndexOptions m_options;
    std::shared_ptr<IndexControl> m_control; // of the run in progress, null when idle
    bool m_fullRunQueued = false;
    QStringList m_queuedFolders;
    bool m_paused = false;
    State m_state = State::Idle;
    IndexProgress m_progress;
    int m_quietMs = 1000;
    int m_maxDelayMs = 4000;
    quint64 m_generation = 0; // bumped by open/close, so results of an old folder's run are ignored
};

} // namespace clipfind

Q_DECLARE_METATYPE(clipfind::IndexProgress)
Q_DECLARE_METATYPE(clipfind::IndexReport)
