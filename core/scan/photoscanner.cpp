// SPDX-License-Identifier: MIT
#include "core/scan/photoscanner.h"

#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <utility>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace clipfind {

namespace {

using Clock = std::chrono::steady_clock;

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// QString paths go through QFile::encodeName (UTF-8), so a name that does not survive the round trip
// cannot be opened later by the decoder; the ASCII check keeps the common case cheap.
bool isValidUtf8(const QByteArray &bytes)
{
    const bool ascii = std::all_of(bytes.cbegin(), bytes.cend(), [](char c) { return (c & 0x80) == 0; });
    return ascii || QString::fromUtf8(bytes).toUtf8() == bytes;
}

QByteArray canonicalBytes(const QByteArray &path, int *error)
{
    std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path.constData(), nullptr), &std::free);
    if (!resolved) {
        *error = errno;
        return {};
    }
    return QByteArray(resolved.get());
}

struct PendingFolder {
    QByteArray path; // canonical, bytes as on disk
    QString relPath; // as reached from the root, for exclude patterns; empty for the root itself
};

enum class Mode { Files, FoldersOnly };

// One walk. Folders are visited from an explicit stack, so deep trees cannot overflow the call stack.
class Walker
{
public:
    Walker(const ScanOptions &options, Mode mode, const std::atomic_bool *cancel,
           const std::function<void(qint64)> *progress)
        : m_mode(mode)
        , m_cancel(cancel)
        , m_progress(progress)
        , m_lastProgress(Clock::now() - std::chrono::seconds(1))
    {
        for (const QString &pattern : options.excludePatterns) {
            m_excludes.emplace_back(QRegularExpression::wildcardToRegularExpression(pattern),
                                    QRegularExpression::CaseInsensitiveOption);
        }
    }

    ScanResult result;
    QStringList subfolders; // subfolders found while listing (canonical)

    // Opens the starting folder; false (with a problem when `reportMissing`) when it cannot be used.
    bool start(const QString &folder, const QString &relPath, bool reportMissing)
    {
        int error = 0;
        const QByteArray canonical = canonicalBytes(QFile::encodeName(folder), &error);
        struct stat st {};
        if (canonical.isEmpty() || ::stat(canonical.constData(), &st) != 0) {
            error = error ? error : errno;
            if (reportMissing || error != ENOENT) {
                addProblem(folder, QCoreApplication::translate("clipfind::PhotoScanner", "cannot read folder: %1")
                                       .arg(errnoText(error)));
            }
            return false;
        }
        if (!S_ISDIR(st.st_mode)) {
            addProblem(folder, QCoreApplication::translate("clipfind::PhotoScanner", "cannot read folder: %1")
                                   .arg(errnoText(ENOTDIR)));
            return false;
        }
        m_visited.insert({st.st_dev, st.st_ino});
        m_stack.push_back({canonical, relPath});
        return true;
    }

    void run(bool recursive)
    {
        while (!m_stack.empty() && !isCancelled()) {
            const PendingFolder folder = std::move(m_stack.back());
            m_stack.pop_back();
            listFolder(folder, recursive);
        }
        if (m_progress && *m_progress && m_reportedCount != qint64(result.files.size())) {
            (*m_progress)(qint64(result.files.size()));
        }
        std::sort(result.files.begin(), result.files.end(),
                  [](const ScannedFile &a, const ScannedFile &b) { return a.path < b.path; });
        // The same file reached through two links appears twice; after sorting the copies are adjacent.
        result.files.erase(std::unique(result.files.begin(), result.files.end(),
                                       [](const ScannedFile &a, const ScannedFile &b) { return a.path == b.path; }),
                           result.files.end());
        subfolders.sort();
        subfolders.removeDuplicates();
    }

private:
    bool isCancelled()
    {
        if (m_cancel && m_cancel->load(std::memory_order_relaxed)) {
            result.cancelled = true;
        }
        return result.cancelled;
    }

    bool isExcluded(const QString &name, const QString &relPath) const
    {
        return std::any_of(m_excludes.cbegin(), m_excludes.cend(), [&](const QRegularExpression &re) {
            return re.match(name).hasMatch() || re.match(relPath).hasMatch();
        });
    }

    void addProblem(const QString &path, const QString &reason) { result.problems.push_back({path, reason}); }

    void addFile(const QByteArray &path, const struct stat &st)
    {
        const qint64 mtimeNs = qint64(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
        result.files.push_back({QString::fromUtf8(path), qint64(st.st_size), mtimeNs});
        if (m_progress && *m_progress) {
            const auto now = Clock::now();
            if (now - m_lastProgress >= std::chrono::milliseconds(100)) {
                m_lastProgress = now;
                m_reportedCount = qint64(result.files.size());
                (*m_progress)(m_reportedCount);
            }
        }
    }

    void addFolder(const QByteArray &canonical, const struct stat &st, const QString &relPath, bool recursive)
    {
        if (!m_visited.insert({st.st_dev, st.st_ino}).second) {
            return; // a loop, or a second link to a folder already seen
        }
        subfolders.append(QString::fromUtf8(canonical));
        if (recursive) {
            m_stack.push_back({canonical, relPath});
        }
    }

    void listFolder(const PendingFolder &folder, bool recursive)
    {
        DIR *dir = ::opendir(folder.path.constData());
        if (!dir) {
            // A subfolder deleted after its parent was listed is not a problem, just gone.
            if (errno != ENOENT) {
                addProblem(QString::fromUtf8(folder.path),
                           QCoreApplication::translate("clipfind::PhotoScanner", "cannot read folder: %1")
                               .arg(errnoText(errno)));
            }
            return;
        }
        const int fd = ::dirfd(dir);
        while (const dirent *entry = ::readdir(dir)) {
            if (isCancelled()) {
                break;
            }
            if (entry->d_name[0] == '.') {
                continue; // hidden, and "." / ".."
            }
            listEntry(folder, fd, entry, recursive);
        }
        ::closedir(dir);
    }

    void listEntry(const PendingFolder &folder, int fd, const dirent *entry, bool recursive)
    {
        const QByteArray nameBytes(entry->d_name);
        const QString name = QString::fromUtf8(nameBytes);
        unsigned char type = entry->d_type;
        const bool wantFile = m_mode == Mode::Files && isPhotoFileName(name);
        // Plain entries that are neither photos nor folders need no system call at all.
        if (type == DT_REG && !wantFile) {
            return;
        }
        QString relPath;
        if (!m_excludes.empty()) {
            relPath = folder.relPath.isEmpty() ? name : folder.relPath + QLatin1Char('/') + name;
            if (isExcluded(name, relPath)) {
                return;
            }
        }
        const QByteArray path = folder.path + '/' + nameBytes;
        struct stat st {};
        if (type == DT_UNKNOWN) {
            if (::fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
                return; // vanished since readdir
            }
            type = S_ISLNK(st.st_mode)   ? DT_LNK
                   : S_ISDIR(st.st_mode) ? DT_DIR
                   : S_ISREG(st.st_mode) ? DT_REG
                                         : DT_UNKNOWN;
            if (type == DT_UNKNOWN || (type == DT_REG && !wantFile)) {
                return;
            }
        }
        if (::fstatat(fd, entry->d_name, &st, 0) != 0) {
            const int error = errno;
            struct stat linkStat {};
            const bool isLink =
                ::fstatat(fd, entry->d_name, &linkStat, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(linkStat.st_mode);
            if (error == ENOENT && !isLink) {
                return; // vanished since readdir
            }
            const QString reason =
                error == ENOENT ? QCoreApplication::translate("clipfind::PhotoScanner", "dangling symbolic link")
                : error == ELOOP
                    ? QCoreApplication::translate("clipfind::PhotoScanner", "symbolic link loop")
                    : QCoreApplication::translate("clipfind::PhotoScanner", "cannot read: %1").arg(errnoText(error));
            addProblem(QString::fromUtf8(path), reason);
            return;
        }
        const bool isDir = S_ISDIR(st.st_mode);
        if (!isDir && !(S_ISREG(st.st_mode) && wantFile)) {
            return; // sockets, devices, links to other files
        }
        if (!isValidUtf8(nameBytes)) {
            addProblem(QString::fromUtf8(path),
                       QCoreApplication::translate("clipfind::PhotoScanner", "file name is not valid UTF-8"));
            return;
        }
        QByteArray canonical = path;
        if (type == DT_LNK) {
            int error = 0;
            canonical = canonicalBytes(path, &error);
            if (canonical.isEmpty()) {
                if (error != ENOENT) {
                    addProblem(QString::fromUtf8(path),
                               QCoreApplication::translate("clipfind::PhotoScanner", "cannot resolve link: %1")
                                   .arg(errnoText(error)));
                }
                return;
            }
            if (!isValidUtf8(canonical)) {
                addProblem(QString::fromUtf8(path), QCoreApplication::translate("clipfind::PhotoScanner",
                                                                                "link target name is not valid UTF-8"));
                return;
            }
        }
        if (isDir) {
            addFolder(canonical, st, relPath, recursive);
        } else {
            addFile(canonical, st);
        }
    }

    Mode m_mode;
    const std::atomic_bool *m_cancel;
    const std::function<void(qint64)> *m_progress;
    std::vector<QRegularExpression> m_excludes;
    std::vector<PendingFolder> m_stack;
    std::set<std::pair<dev_t, ino_t>> m_visited;
    Clock::time_point m_lastProgress;
    qint64 m_reportedCount = 0;
};

// The path of `folder` relative to `root` when it lies below it; empty otherwise (then entries are matched
// by their path relative to `folder` and by name).
QString relativeTo(const QString &folder, const QString &root)
{
    if (root.isEmpty()) {
        return {};
    }
    int error = 0;
    const QString canonicalFolder = QString::fromUtf8(canonicalBytes(QFile::encodeName(folder), &error));
    const QString canonicalRoot = QString::fromUtf8(canonicalBytes(QFile::encodeName(root), &error));
    const QString prefix = canonicalRoot.endsWith(QLatin1Char('/')) ? canonicalRoot : canonicalRoot + QLatin1Char('/');
    if (canonicalRoot.isEmpty() || !canonicalFolder.startsWith(prefix)) {
        return {};
    }
    return canonicalFolder.mid(prefix.size());
}

} // namespace

bool isPhotoFileName(const QString &name)
{
    static const QStringList extensions = {
        QStringLiteral("jpg"),
        QStringLiteral("jpeg"),
        QStringLiteral("png"),
        QStringLiteral("webp"),
        QStringLiteral("bmp"),
        QStringLiteral("tif"),
        QStringLiteral("tiff"),
        QStringLiteral("gif"),
        // HEIF (hif: Fujifilm and Canon) and AVIF, through libheif
        QStringLiteral("heic"),
        QStringLiteral("heif"),
        QStringLiteral("hif"),
        QStringLiteral("avif"),
        // camera RAW, through LibRaw
        QStringLiteral("dng"),
        QStringLiteral("cr2"),
        QStringLiteral("cr3"),
        QStringLiteral("nef"),
        QStringLiteral("arw"),
        QStringLiteral("raf"),
        QStringLiteral("orf"),
        QStringLiteral("rw2"),
    };
    const int dot = name.lastIndexOf(QLatin1Char('.'));
    if (dot < 0) {
        return false;
    }
    const QStringView suffix = QStringView(name).mid(dot + 1);
    return std::any_of(extensions.cbegin(), extensions.cend(),
                       [&](const QString &ext) { return suffix.compare(ext, Qt::CaseInsensitive) == 0; });
}

ScanResult scanPhotos(const QString &root, const ScanOptions &options, const std::atomic_bool *cancel,
                      const std::function<void(qint64)> &progress)
{
    Walker walker(options, Mode::Files, cancel, &progress);
    if (walker.start(root, {}, true)) {
        walker.run(options.recursive);
    }
    return std::move(walker.result);
}

ScanResult scanFolder(const QString &folder, const ScanOptions &options, QStringList *subfolders, const QString &root)
{
    Walker walker(options, Mode::Files, nullptr, nullptr);
    if (walker.start(folder, relativeTo(folder, root), false)) {
        walker.run(false);
    }
    if (subfolders) {
        *subfolders = walker.subfolders;
    }
    return std::move(walker.result);
}

QStringList listSubfolders(const QString &folder, const ScanOptions &options, const QString &root)
{
    Walker walker(options, Mode::FoldersOnly, nullptr, nullptr);
    if (walker.start(folder, relativeTo(folder, root), false)) {
        walker.run(false);
    }
    return walker.subfolders;
}

} // namespace clipfind
