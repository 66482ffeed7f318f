// SPDX-License-Identifier: MIT
#include "core/index/libraryindexer.h"

#include "core/encode/photoencoder.h"
#include "core/index/indexcontrol.h"
#include "core/scan/folderwatcher.h"
#include "core/store/librarydatabase.h"
#include "core/threads/pooltasks.h"

#include <QFileInfo>

namespace clipfind {

LibraryIndexer::LibraryIndexer(const QString &databasePath, const ThumbnailCache *thumbnails, QObject *parent)
    : QObject(parent)
    , m_databasePath(databasePath)
    , m_thumbnails(thumbnails)
{
    qRegisterMetaType<IndexProgress>();
    qRegisterMetaType<IndexReport>();
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("clipfind-indexing"));
    // Indexing is background work: on Linux IdlePriority is SCHED_IDLE, so the GUI thread, searches and
    // thumbnails preempt it at once instead of waiting for a time slice on a machine whose cores it keeps busy.
    // The decode pool, the inference thread and their OpenMP teams are created from this thread and inherit it.
    m_pool.setThreadPriority(QThread::IdlePriority);
}

LibraryIndexer::~LibraryIndexer()
{
    close();
    waitForPool(m_pool); // the run's callbacks refer to this object
    acceptDroppedQueuedCalls();
}

void LibraryIndexer::setCommittedHook(std::function<void(const IndexedRows &)> hook)
{
    m_committedHook = std::move(hook);
}

void LibraryIndexer::setWatchDelays(int quietMs, int maxDelayMs)
{
    m_quietMs = quietMs;
    m_maxDelayMs = maxDelayMs;
    if (m_watcher) {
        m_watcher->setDelays(quietMs, maxDelayMs);
    }
}

bool LibraryIndexer::open(const QString &root, std::shared_ptr<PhotoEncoder> encoder, const IndexOptions &options,
                          QString *error)
{
    close();
    const QString canonical = QFileInfo(root).canonicalFilePath();
    if (canonical.isEmpty() || !QFileInfo(canonical).isDir()) {
        if (error) {
            *error = tr("%1: not a folder or not readable").arg(root);
        }
        return false;
    }
    m_watcher = new FolderWatcher(this);
    m_watcher->setDelays(m_quietMs, m_maxDelayMs);
    connect(m_watcher, &FolderWatcher::foldersChanged, this, [this](const QStringList &folders) {
        for (const QString &folder : folders) {
            if (!m_queuedFolders.contains(folder)) {
                m_queuedFolders << folder;
            }
        }
        Q_EMIT foldersChanged(folders);
        startNextRun();
    });
    connect(m_watcher, &FolderWatcher::watchFailed, this, [this](const QStringList &folders) {
        Q_EMIT watchProblem(tr("%n folder(s) cannot be watched for changes (the system's inotify watch limit, "
                               "fs.inotify.max_user_watches?), first %1; Rescan picks up their changes",
                               nullptr, int(folders.size()))
                                .arg(folders.value(0)));
    });
    QString watchError;
    if (!m_watcher->watch(canonical, options.scan, &watchError)) {
        Q_EMIT watchProblem(watchError); // indexing still works; only live updates are missing
    }
    m_root = canonical;
    m_paused = false; // opening a folder is a request to index it
    setState(State::Idle);
    m_encoder = std::move(encoder);
    m_options = options;
    m_options.folders.clear();
    m_fullRunQueued = true;
    startNextRun();
    return true;
}

void LibraryIndexer::close()
{
    ++m_generation; // whatever the old run still reports is ignored
    if (m_control) {
        m_control->cancel(); // it finishes its batch in the background; the next run queues behind it
        m_control.reset();
    }
    delete m_watcher;
    m_watcher = nullptr;
    m_root.clear();
    m_encoder.reset();
    m_fullRunQueued = false;
    m_queuedFolders.clear();
    m_progress = {};
    setState(m_paused ? State::Paused : State::Idle);
}

void LibraryIndexer::rescan()
{
    if (m_root.isEmpty()) {
        return;
    }
    m_fullRunQueued = true;
    m_queuedFolders.clear(); // the full run covers them
    startNextRun();
}

void LibraryIndexer::pause()
{
    m_paused = true;
    if (m_control) {
        m_control->pause();
    }
    setState(State::Paused);
}

void LibraryIndexer::resume()
{
    m_paused = false;
    if (m_control) {
        m_control->resume();
        setState(State::Running);
    } else {
        setState(State::Idle);
        startNextRun();
    }
}

void LibraryIndexer::cancel()
{
    m_fullRunQueued = false;
    m_queuedFolders.clear();
    if (m_control) {
        m_control->cancel();
    }
}

LibraryIndexer::State LibraryIndexer::state() const
{
    return m_state;
}

void LibraryIndexer::setState(State state)
{
    if (m_state != state) {
        m_state = state;
        Q_EMIT stateChanged(state);
    }
}

void LibraryIndexer::startNextRun()
{
    if (m_control || m_paused || !m_encoder || m_root.isEmpty() || (!m_fullRunQueued && m_queuedFolders.isEmpty())) {
        return;
    }
    IndexOptions options = m_options;
    const bool incremental = !m_fullRunQueued;
    if (incremental) {
        options.folders = std::exchange(m_queuedFolders, {});
    } else {
        m_fullRunQueued = false;
        m_queuedFolders.clear();
    }
    auto control = std::make_shared<IndexControl>();
    m_control = control;
    m_progress = {};
    setState(State::Running);

    const quint64 generation = m_generation;
    IndexHooks hooks;
    hooks.control = control.get();
    hooks.progress = [this, generation](const IndexProgress &progress) {
        postToThreadOf(this, [this, generation, progress] {
            if (generation == m_generation) {
                m_progress = progress;
                Q_EMIT progressChanged(progress);
            }
        });
    };
    const auto committedHook = m_committedHook;
    hooks.committed = [this, generation, committedHook](const IndexedRows &rows) {
        if (committedHook) {
            committedHook(rows);
        }
        postToThreadOf(this, [this, generation] {
            if (generation == m_generation) {
                Q_EMIT rowsChanged();
            }
        });
    };
    startOnPool(m_pool, [this, generation, control, hooks, options, incremental, root = m_root, encoder = m_encoder,
                         databasePath = m_databasePath, thumbnails = m_thumbnails] {
        IndexReport report;
        QString error;
        // Opened per run on the run's thread: a connection belongs to one thread at a time.
        auto cache = LibraryDatabase::open(databasePath, &error);
        if (!cache) {
            report.error = error;
        } else if (!control->isCancelled()) {
            report = indexFolder(root, *encoder, *cache, thumbnails, options, hooks);
        } else {
            report.cancelled = true;
        }
        postToThreadOf(this, [this, generation, report, incremental] {
            if (generation == m_generation) {
                onRunFinished(report, incremental);
            }
        });
    });
}

void LibraryIndexer::onRunFinished(const IndexReport &report, bool incremental)
{
    m_control.reset();
    setState(m_paused ? State::Paused : State::Idle);
    Q_EMIT runFinished(report, incremental);
    startNextRun();
}

} // namespace clipfind
