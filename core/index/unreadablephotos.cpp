// SPDX-License-Identifier: MIT
#include "core/index/unreadablephotos.h"

#include "core/store/librarydatabase.h"

namespace clipfind {

qint64 countUnreadablePhotos(const QString &databasePath, const QString &folder, QString *error)
{
    QString problem;
    // Opened for writing like the indexer does: a cache it is creating right now is waited for, not seen half made.
    const auto cache = LibraryDatabase::open(databasePath, &problem);
    if (cache) {
        // Failures are recorded whatever the model; the model id only matters for the other counts.
        const qint64 failed = cache->counts(folder, QString(), &problem).failed;
        if (problem.isEmpty()) {
            return failed;
        }
    }
    if (error) {
        *error = problem;
    }
    return -1;
}

UnreadablePhotos listUnreadablePhotos(const QString &databasePath, const QString &folder)
{
    UnreadablePhotos list;
    const auto cache = LibraryDatabase::open(databasePath, &list.error);
    if (!cache) {
        return list;
    }
    for (FileState &state : cache->filesUnder(folder, &list.error)) {
        if (!state.failure.isEmpty()) {
            list.photos.push_back({std::move(state.path), std::move(state.failure)});
        }
    }
    if (!list.error.isEmpty()) {
        list.photos.clear();
    }
    return list;
}

} // namespace clipfind
