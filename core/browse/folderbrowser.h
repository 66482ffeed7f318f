// SPDX-License-Identifier: MIT
#pragma once

#include "core/browse/photolisting.h"
#include "core/scan/photoscanner.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>

namespace clipfind {

/// The photos of the open folder, newest first, for browsing: no model needed. Lives on the GUI thread; the work
/// runs on a one-thread pool it owns, and every result is a new, immutable PhotoListing delivered through
/// listingChanged() (shared, so a model can keep it while the next one is built).
///
/// Opening delivers what the ListingCache knew of the folder at once (when it knows it), then walks the folder
/// (scanPhotos), takes the dates taken it knows for unchanged files and the file times for the rest, and delivers
/// the listing again; photos whose EXIF date was never looked for are then read in the background, newest first,
/// and the listing is delivered again as their dates arrive (at most about once a second; a small folder's dates
/// are read before its first listing). Folders reported as changed (refreshFolders, the folder watcher's report)
/// are listed again on their own, without walking the whole tree. The photos are kept sorted by path, so a folder
/// or a scope is one run of them and nothing is looked up photo by photo in a hash.
class FolderBrowser : public QObject
{
    Q_OBJECT

public:
    /// `cachePath`: the ListingCache file; empty keeps what is learned in memory only.
    explicit FolderBrowser(const QString &cachePath, QObject *parent = nullptr);
    ~FolderBrowser() override;

    /// Lists `root` (canonical) with the scanner's options; replaces any folder open before. The scope is the root.
    void open(const QString &root, const ScanOptions &options);
    /// Forgets the folder; nothing is delivered for it afterwards.
    void close();
    /// Walks the whole folder again (F5).
    void rescan();
    /// Lists just these folders again (canonical, as FolderWatcher reports them): the photos directly in each; a
    /// folder that no longer exists drops everything below it.
    void refreshFolders(const QStringList &folders);
    /// Limits the photos of the listing to `folder` and below; empty or the root: all. The folder tree stays whole.
    void setScope(const QString &folder);

    QString root() const { return m_root; }
    QString scope() const { return m_scope; }
    /// The latest listing; null before the first one of the open folder arrives.
    std::shared_ptr<const PhotoListing> listing() const { return m_listing; }

Q_SIGNALS:
    void listingChanged(std::shared_ptr<const clipfind::PhotoListing> listing);

private:
    struct Worker;
    void start(const QString &root, const ScanOptions &options, const QString &scope);
    void fillDates(Worker &w, quint64 generation);
    void post(std::function<void(Worker &)> task);
    void deliver(quint64 generation, std::shared_ptr<const PhotoListing> listing);

    QThreadPool m_pool; // one thread: the worker's state is touched by one task at a time
    std::shared_ptr<Worker> m_worker;
    std::atomic<quint64> m_generation{0}; // bumped by open and close: older work stops and is not delivered
    QString m_root;
    QString m_scope;
    ScanOptions m_options;
    std::shared_ptr<const PhotoListing> m_listing;
};

} // namespace clipfind

Q_DECLARE_METATYPE(std::shared_ptr<const clipfind::PhotoListing>)
