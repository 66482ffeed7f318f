// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <vector>

namespace clipfind {

/// What a scan visits. Hidden entries (names starting with '.') are always skipped.
struct ScanOptions {
    bool recursive = true;
    /// Wildcard patterns (QRegularExpression::wildcardToRegularExpression, so '*' does not cross '/'),
    /// matched case-insensitively against the path relative to the root ("raw/2021/x.jpg") and against
    /// the bare file or folder name. An excluded folder is not entered.
    QStringList excludePatterns;
};

struct ScannedFile {
    QString path;       // canonical absolute path (symlinks resolved)
    qint64 size = 0;    // bytes
    qint64 mtimeNs = 0; // st_mtim, nanoseconds since the epoch
};

/// Something the scan could not list, e.g. an unreadable folder or a non-UTF-8 name.
struct ScanProblem {
    QString path;
    QString reason;
};

struct ScanResult {
    std::vector<ScannedFile> files; // sorted by path, each canonical path once
    std::vector<ScanProblem> problems;
    bool cancelled = false; // true: `files` holds only what was found before the cancel
};

/// True when the name ends in a photo extension, any case: jpg jpeg png webp bmp tif tiff gif, heic heif hif avif,
/// dng cr2 cr3 nef arw raf orf rw2.
bool isPhotoFileName(const QString &name);

/// Walks `root`, following symlinks to files and folders; each folder (by device and inode) is entered
/// once, so symlink loops terminate and two links to one folder list its photos once.
/// A missing or unreadable root is reported as a problem. Files that vanish during the walk are skipped;
/// names that are not valid UTF-8 (which QString paths cannot open) are problems, not files.
/// Reentrant, never throws, any thread. `cancel` (may be null) is polled for every entry; `progress`
/// (may be empty) gets the number of photos found so far, right after the first one and then at most
/// about 10 times a second, plus once at the end.
ScanResult scanPhotos(const QString &root, const ScanOptions &options, const std::atomic_bool *cancel = nullptr,
                      const std::function<void(qint64)> &progress = {});

/// Lists the photos directly in `folder` (no recursion), for incremental updates. Its subfolders that a
/// scan would enter (hidden and excluded ones left out) go to `*subfolders` (canonical, sorted; may be null).
/// `root` is what relative exclude patterns are taken from; empty means `folder` itself.
/// A folder that no longer exists gives an empty result without a problem: its photos are gone.
ScanResult scanFolder(const QString &folder, const ScanOptions &options, QStringList *subfolders,
                      const QString &root = {});

/// Only the subfolders of `folder` that scanFolder would report, without looking at any file (cheap: no
/// stat for plain entries). Errors are ignored; a missing folder has none.
QStringList listSubfolders(const QString &folder, const ScanOptions &options, const QString &root = {});

} // namespace clipfind
