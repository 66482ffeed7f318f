// SPDX-License-Identifier: MIT
#include "core/scan/folderwatcher.h"

#include "core/scan/inotifywatcher.h"
#include <QCoreApplication>
#include <QFileInfo>

#include <algorithm>
#include <utility>

namespace clipfind {

FolderWatcher::FolderWatcher(QObject *parent)
    : QObject(parent)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &FolderWatcher::flush);
}

FolderWatcher::~FolderWatcher() = default;

bool FolderWatcher::watch(const QString &root, const ScanOptions &options, QString *error)
{
    stop();
    const QFileInfo info(root);
    const QString canonical = info.canonicalFilePath();
    if (canonical.isEmpty() || !info.isDir()) {
        if (error) {
            *error = QCoreApplication::translate("clipfind::FolderWatcher", "%1: not a folder").arg(root);
        }
        return false;
    }
    // A fresh InotifyWatcher per watch: stale events of the previous root cannot arrive afterwards.
    m_watcher = new InotifyWatcher(this);
    connect(m_watcher, &InotifyWatcher::directoryChanged, this, &FolderWatcher::onDirectoryChanged);
    m_root = canonical;
    m_options = options;

    m_setupQueue = {{canonical, QString()}};
    m_setupFailed.clear();
    continueSetup();
    if (!m_parentOf.contains(canonical)) {
        if (error) {
            *error =
                QCoreApplication::translate("clipfind::FolderWatcher",
                                            "%1: cannot watch folder (inotify watch limit fs.inotify.max_user_watches "
                                            "reached?)")
                    .arg(root);
        }
        stop();
        return false;
    }
    return true;
}

bool FolderWatcher::isSettingUp() const
{
    return !m_setupQueue.isEmpty();
}

void FolderWatcher::continueSetup()
{
    // Listing and watching a tree of thousands of folders takes longer than a frame (170 ms for 3,000 folders
    // here), so it goes in slices of a few milliseconds between which the event loop runs.
    constexpr qint64 kSliceNs = 8'000'000;
    QElapsedTimer slice;
    slice.start();
    QSet<QString> ignored; // the first listing is not a change
    while (!m_setupQueue.isEmpty() && slice.nsecsElapsed() < kSliceNs) {
        const auto [folder, parent] = m_setupQueue.takeFirst();
        addOne(folder, parent, &ignored, &m_setupFailed, &m_setupQueue);
    }
    if (!m_setupQueue.isEmpty()) {
        QTimer::singleShot(0, this, &FolderWatcher::continueSetup);
        return;
    }
    if (!m_setupFailed.isEmpty()) {
        QStringList failed = std::exchange(m_setupFailed, {});
        failed.sort();
        Q_EMIT watchFailed(failed);
    }
}

void FolderWatcher::stop()
{
    m_setupQueue.clear();
    m_setupFailed.clear();
    m_timer.stop();
    m_pending.clear();
    m_parentOf.clear();
    m_root.clear();
    delete m_watcher;
    m_watcher = nullptr;
}

QStringList FolderWatcher::watchedFolders() const
{
    QStringList folders = m_parentOf.keys();
    folders.sort();
    return folders;
}

void FolderWatcher::setDelays(int quietMs, int maxDelayMs)
{
    m_quietMs = std::max(0, quietMs);
    m_maxDelayMs = std::max(m_quietMs, maxDelayMs);
}

void FolderWatcher::onDirectoryChanged(const QString &path)
{
    if (!m_watcher) {
        return;
    }
    if (m_pending.isEmpty()) {
        m_sinceFirstChange.start();
    }
    m_pending.insert(path);
    // Each change restarts the quiet period, but never past maxDelayMs after the first change, so a long
    // import still shows progress.
    const qint64 left = std::max<qint64>(0, m_maxDelayMs - m_sinceFirstChange.elapsed());
    m_timer.start(int(std::min<qint64>(m_quietMs, left)));
}

void FolderWatcher::flush()
{
    if (!m_watcher || m_pending.isEmpty()) {
        return;
    }
    QSet<QString> changed = m_pending;
    const QSet<QString> pending = std::exchange(m_pending, {});
    QStringList failed;
    // Bring the watched set in line with the disk: changed folders may have gained or lost subfolders,
    // and a changed folder may itself be gone (deleted or renamed away).
    for (const QString &folder : pending) {
        if (!m_parentOf.contains(folder)) {
            continue; // dropped earlier in this loop
        }
        if (!QFileInfo(folder).isDir()) {
            dropTree(folder, &changed);
            continue;
        }
        if (!m_options.recursive) {
            continue;
        }
        const QStringList now = listSubfolders(folder, m_options, m_root);
        const QStringList before = childrenOf(folder);
        for (const QString &child : before) {
            if (!now.contains(child)) {
                dropTree(child, &changed);
            }
        }
        for (const QString &child : now) {
            addTree(child, folder, &changed, &failed);
        }
    }
    if (!failed.isEmpty()) {
        failed.sort();
        Q_EMIT watchFailed(failed);
    }
    QStringList folders(changed.cbegin(), changed.cend());
    folders.sort();
    Q_EMIT foldersChanged(folders);
}

void FolderWatcher::addTree(const QString &folder, const QString &parent, QSet<QString> *changed, QStringList *failed)
{
    QList<QPair<QString, QString>> queue{{folder, parent}};
    while (!queue.isEmpty()) {
        const auto [path, parentPath] = queue.takeFirst();
        addOne(path, parentPath, changed, failed, &queue);
    }
}

void FolderWatcher::addOne(const QString &path, const QString &parentPath, QSet<QString> *changed, QStringList *failed,
                           QList<QPair<QString, QString>> *queue)
{
    // Breadth first with the watch added before the folder is listed: a subfolder created in between is
    // then either listed here or reported by an event.
    if (m_parentOf.contains(path)) {
        return; // already watched: a loop, a second link to it, or found by an event during the setup
    }
    if (!m_watcher->addPath(path)) {
        failed->append(path);
        return;
    }
    m_parentOf.insert(path, parentPath);
    changed->insert(path);
    if (m_options.recursive) {
        for (const QString &child : listSubfolders(path, m_options, m_root)) {
            queue->append({child, path});
        }
    }
}

void FolderWatcher::dropTree(const QString &folder, QSet<QString> *changed)
{
    QStringList queue{folder};
    for (qsizetype i = 0; i < queue.size(); ++i) {
        queue.append(childrenOf(queue.at(i)));
    }
    for (const QString &path : queue) {
        m_parentOf.remove(path);
        changed->insert(path);
    }
    // Deleted folders were already dropped by InotifyWatcher itself; removePaths ignores those.
    m_watcher->removePaths(queue);
}

QStringList FolderWatcher::childrenOf(const QString &folder) const
{
    QStringList children;
    for (auto it = m_parentOf.cbegin(); it != m_parentOf.cend(); ++it) {
        if (it.value() == folder) {
            children.append(it.key());
        }
    }
    return children;
}

} // namespace clipfind
