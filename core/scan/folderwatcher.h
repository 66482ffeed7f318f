// SPDX-License-Identifier: MIT
#pragma once

#include "core/scan/photoscanner.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>

namespace clipfind {

class InotifyWatcher;

/// Watches an open photo folder and reports which folders need a rescan (scanFolder), so changes on disk
/// are picked up without a full scan. GUI thread only.
///
/// Only directories are watched (the root and, when options.recursive, every subfolder a scan would enter:
/// hidden and excluded ones are left out), so a folder of 10,000 photos costs one watch, not 10,000. A
/// photo added, deleted, renamed, rewritten in place (an editor saving over it) or touched marks its folder
/// changed (InotifyWatcher: inotify with IN_CLOSE_WRITE on Linux).
///
/// Bursts (a camera import) are coalesced: after the first change the watcher waits until no change came
/// for `quietMs`, but at most `maxDelayMs` after the first one, then emits foldersChanged once. New
/// subfolders are watched (and reported, with everything below them) when that batch is emitted; folders
/// that were deleted or renamed away are reported too: a listed folder that no longer exists means it and
/// everything below it are gone.
///
/// Linux limits inotify watches per user (fs.inotify.max_user_watches, often 8192 or 65536): folders past the
/// limit are reported through watchFailed.
class FolderWatcher : public QObject
{
    Q_OBJECT
public:
    explicit FolderWatcher(QObject *parent = nullptr);
    ~FolderWatcher() override;

    /// Stops any previous watch and watches `root`. False with *error (may be null) set when the root is not
    /// a folder or cannot be watched; subfolders that cannot be watched go to watchFailed (emitted from here).
    bool watch(const QString &root, const ScanOptions &options, QString *error);
    /// Stops watching and drops pending changes; no signal is emitted afterwards.
    void stop();
    /// Canonical paths, sorted.
    QStringList watchedFolders() const;
    /// True while a large tree is still being listed after watch() (in slices, so the GUI stays responsive; a
    /// small tree is done before watch() returns). Changes in folders already watched are reported meanwhile.
    bool isSettingUp() const;
    /// Coalescing delays in milliseconds; defaults 1000 and 4000.
    void setDelays(int quietMs, int maxDelayMs);

Q_SIGNALS:
    /// Canonical folders whose photos may have changed, sorted; each once per batch.
    void foldersChanged(const QStringList &folders);
    /// Folders that could not be watched (most likely the inotify watch limit was reached).
    void watchFailed(const QStringList &folders);

private:
    void onDirectoryChanged(const QString &path);
    void flush();
    // Watches `folder` and everything below it that is not watched yet; adds them to `changed`.
    void addTree(const QString &folder, const QString &parent, QSet<QString> *changed, QStringList *failed);
    // Watches one folder and queues its subfolders.
    void addOne(const QString &folder, const QString &parent, QSet<QString> *changed, QStringList *failed,
                QList<QPair<QString, QString>> *queue);
    void continueSetup();
    // Stops watching `folder` and everything found through it; adds them to `changed`.
    void dropTree(const QString &folder, QSet<QString> *changed);
    QStringList childrenOf(const QString &folder) const;

    InotifyWatcher *m_watcher = nullptr;
    QString m_root;
    ScanOptions m_options;
    QHash<QString, QString> m_parentOf; // watched folder -> folder it was found in (empty for the root)
    QSet<QString> m_pending;
    QList<QPair<QString, QString>> m_setupQueue; // (folder, parent) still to watch after watch() returned
    QStringList m_setupFailed;
    QTimer m_timer;
    QElapsedTimer m_sinceFirstChange;
    int m_quietMs = 1000;
    int m_maxDelayMs = 4000;
};

} // namespace clipfind
