// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

class QFileSystemWatcher;
class QSocketNotifier;

namespace clipfind {

/// Watches directories (never files) and says when something in one changed. On Linux it talks to inotify
/// directly because QFileSystemWatcher does not ask for IN_CLOSE_WRITE on directories, so a photo rewritten in
/// place (an editor saving over it, a sync tool) went unseen; here that is reported like an add or a delete.
/// Elsewhere it wraps QFileSystemWatcher. Thread: the one it was created on.
class InotifyWatcher : public QObject
{
    Q_OBJECT

public:
    explicit InotifyWatcher(QObject *parent = nullptr);
    ~InotifyWatcher() override;

    /// False when the folder cannot be watched (most often: the per-user inotify watch limit).
    bool addPath(const QString &folder);
    void removePaths(const QStringList &folders);

Q_SIGNALS:
    /// A photo or a folder directly inside `folder` was created, deleted, moved, rewritten or had its attributes
    /// changed, or `folder` itself was deleted or moved. Hidden entries and other files are ignored on Linux.
    /// After an event-queue overflow every folder is reported.
    void directoryChanged(const QString &folder);

private:
    void readEvents();

#ifdef Q_OS_LINUX
    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr;
    QHash<int, QString> m_folderOf; // watch descriptor -> folder
    QHash<QString, int> m_watchOf;
#else
    QFileSystemWatcher *m_fallback = nullptr;
#endif
};

} // namespace clipfind
