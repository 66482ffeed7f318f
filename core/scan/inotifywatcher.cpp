// SPDX-License-Identifier: MIT
#include "core/scan/inotifywatcher.h"

#include "core/scan/photoscanner.h"

#include <QFile>
#include <QFileSystemWatcher>
#include <QSocketNotifier>

#ifdef Q_OS_LINUX
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace clipfind {

#ifdef Q_OS_LINUX

namespace {

// Everything that can change which photos a folder holds or what they contain. IN_MODIFY is left out on
// purpose: it fires for every write() of a file being copied in; IN_CLOSE_WRITE fires once when it is done.
constexpr uint32_t kMask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB
                           | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

// Whether an event about an entry inside a watched folder can change what a scan finds: a photo or a folder,
// not hidden. Editors' temporary files, partial downloads and ClipFind's own cache files (when the data folder
// lies inside the photo folder) would otherwise set off rescans, and rescans that write the cache would set off
// more. A temporary file renamed to a photo name arrives as IN_MOVED_TO with that name.
bool isRelevantEntry(const inotify_event *event)
{
    const QString name = QFile::decodeName(QByteArray(event->name)); // NUL-padded: stops at the first NUL
    if (name.startsWith(QLatin1Char('.'))) {
        return false;
    }
    return (event->mask & IN_ISDIR) || isPhotoFileName(name);
}

} // namespace

InotifyWatcher::InotifyWatcher(QObject *parent)
    : QObject(parent)
{
    m_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (m_fd >= 0) {
        m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
        connect(m_notifier, &QSocketNotifier::activated, this, &InotifyWatcher::readEvents);
    }
}

InotifyWatcher::~InotifyWatcher()
{
    delete m_notifier;
    if (m_fd >= 0) {
        ::close(m_fd); // drops every watch
    }
}

bool InotifyWatcher::addPath(const QString &folder)
{
    if (m_fd < 0) {
        return false;
    }
    const int wd = inotify_add_watch(m_fd, QFile::encodeName(folder).constData(), kMask);
    if (wd < 0) {
        return false;
    }
    // inotify gives the same descriptor for the same inode: a folder reached twice keeps its first name.
    if (!m_folderOf.contains(wd)) {
        m_folderOf.insert(wd, folder);
        m_watchOf.insert(folder, wd);
    }
    return true;
}

void InotifyWatcher::removePaths(const QStringList &folders)
{
    for (const QString &folder : folders) {
        const auto it = m_watchOf.find(folder);
        if (it == m_watchOf.end()) {
            continue;
        }
        inotify_rm_watch(m_fd, it.value()); // fails harmlessly when the kernel already dropped it
        m_folderOf.remove(it.value());
        m_watchOf.erase(it);
    }
}

void InotifyWatcher::readEvents()
{
    alignas(inotify_event) char buffer[64 * 1024];
    QStringList changed;
    for (;;) {
        const ssize_t length = ::read(m_fd, buffer, sizeof buffer);
        if (length <= 0) {
            break; // EAGAIN: drained (or a read error, after which the notifier fires again if data comes)
        }
        for (ssize_t offset = 0; offset < length;) {
            const auto *event = reinterpret_cast<const inotify_event *>(buffer + offset);
            offset += ssize_t(sizeof(inotify_event) + event->len);
            if (event->mask & IN_Q_OVERFLOW) {
                changed += m_folderOf.values(); // events were lost: every folder may have changed
                continue;
            }
            const QString folder = m_folderOf.value(event->wd);
            if (folder.isEmpty()) {
                continue;
            }
            if (event->mask & IN_IGNORED) {
                // The folder is gone (or was removed here): the kernel dropped the watch.
                m_folderOf.remove(event->wd);
                if (m_watchOf.value(folder) == event->wd) {
                    m_watchOf.remove(folder);
                }
                continue;
            }
            if (event->len > 0 && !isRelevantEntry(event)) {
                continue;
            }
            changed << folder;
        }
    }
    changed.removeDuplicates();
    for (const QString &folder : changed) {
        Q_EMIT directoryChanged(folder);
    }
}

#else

InotifyWatcher::InotifyWatcher(QObject *parent)
    : QObject(parent)
    , m_fallback(new QFileSystemWatcher(this))
{
    connect(m_fallback, &QFileSystemWatcher::directoryChanged, this, &InotifyWatcher::directoryChanged);
}

InotifyWatcher::~InotifyWatcher() = default;

bool InotifyWatcher::addPath(const QString &folder)
{
    return m_fallback->addPath(folder);
}

void InotifyWatcher::removePaths(const QStringList &folders)
{
    m_fallback->removePaths(folders);
}

void InotifyWatcher::readEvents()
{
}

#endif

} // namespace clipfind
