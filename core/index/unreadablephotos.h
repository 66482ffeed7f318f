// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <vector>

namespace clipfind {

/// A photo the indexer could not read, with the reason it recorded in the cache (one line naming the file).
struct UnreadablePhoto {
    QString path;
    QString reason;
};

/// The unreadable photos under a folder, sorted by path; `error` says why the cache could not be read (then the
/// list is empty).
struct UnreadablePhotos {
    std::vector<UnreadablePhoto> photos;
    QString error;
};

/// How many photos under `folder` (the folder or below it) the cache at `databasePath` records as unreadable.
/// -1 and *error when the cache cannot be read. Opens its own connection: any thread.
qint64 countUnreadablePhotos(const QString &databasePath, const QString &folder, QString *error);

/// The unreadable photos under `folder` with their reasons. Opens its own connection: any thread.
UnreadablePhotos listUnreadablePhotos(const QString &databasePath, const QString &folder);

} // namespace clipfind
