// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QString>
#include <QtGlobal>

#include <vector>

namespace clipfind {

/// One photo of a folder listing.
struct ListedPhoto {
    QString path;       ///< canonical absolute path
    qint64 dateMs = 0;  ///< when it was taken (EXIF), else its file's modification time; ms since the epoch
    bool taken = false; ///< dateMs is the EXIF date taken
};

/// The listing's order: newest first, equal dates by path. A total order (paths are unique), so two listings of
/// the same photos with the same dates are equal element by element.
bool newerFirst(const ListedPhoto &a, const ListedPhoto &b);
void sortNewestFirst(std::vector<ListedPhoto> *photos);

/// A run of photos of one calendar month in local time, in a listing sorted newest first.
struct MonthSection {
    int first = 0; ///< index of its first photo
    int count = 0;
    int year = 0;
    int month = 0; ///< 1..12
};

/// The months of `photos` (sorted newest first), newest first. Converts one date per month, not one per photo:
/// 100k photos take well under a millisecond.
std::vector<MonthSection> monthSections(const std::vector<ListedPhoto> &photos);

/// A folder of the open folder's tree that holds photos (directly or below).
struct FolderNode {
    QString path;
    QString name;              ///< the last path component (the whole path for the root)
    int parent = -1;           ///< index into FolderTree::nodes; -1 for the root
    std::vector<int> children; ///< by name, case-insensitively
    qint64 photos = 0;         ///< in this folder and below
};

/// The folders of an open folder that hold photos, with counts. nodes[0] is the root (present whenever the root
/// was listed, also without photos); every other node's parent comes before it.
struct FolderTree {
    std::vector<FolderNode> nodes;

    /// The node of `path`, or -1.
    int indexOf(const QString &path) const;
    /// Same folders in the same places (only counts may differ).
    bool sameShape(const FolderTree &other) const;
};

/// The tree under `root` from the number of photos directly in each folder (folders outside root are ignored).
FolderTree buildFolderTree(const QString &root, const QHash<QString, qint64> &photosPerFolder);

/// True when `path` is `folder` or lies below it.
bool isPathUnder(const QString &path, const QString &folder);

/// Rows [first, first + count).
struct RowRun {
    int first = 0;
    int count = 0;
};

/// How one sorted listing becomes the next: remove `removed` (indexes into `before`, ascending; apply from the
/// last to the first), then insert `inserted` (indexes into `after`, ascending; apply from the first to the last).
/// A photo whose date changed is removed and inserted at its new place.
struct ListingChange {
    std::vector<RowRun> removed;
    std::vector<RowRun> inserted;

    bool isEmpty() const { return removed.empty() && inserted.empty(); }
    size_t runs() const { return removed.size() + inserted.size(); }
};

/// One merge walk over two listings sorted with newerFirst(): O(n), no hashing.
ListingChange listingChange(const std::vector<ListedPhoto> &before, const std::vector<ListedPhoto> &after);

/// What a browser shows of an open folder: its photos newest first, their months, and the folder tree.
struct PhotoListing {
    QString root;                    ///< the open folder (canonical)
    QString scope;                   ///< the folder browsed: the root or a folder below it
    std::vector<ListedPhoto> photos; ///< the photos under scope, newest first
    /// The rows of `photos` in path order (empty when not made): rowOf() bisects it, no hash of 100k paths.
    std::vector<int> pathOrder;
    std::vector<MonthSection> sections;
    FolderTree folders;         ///< the whole root, whatever the scope
    bool datesComplete = false; ///< every photo's EXIF date has been looked for (never from the cache)
    bool fromCache = false;     ///< the photos as the last session knew them; the folder's walk is under way
    QString error;              ///< the root cannot be read (one line naming it); photos are then empty

    /// Milliseconds of the work behind this listing (the first listing of a folder: all three).
    struct Timings {
        double scan = 0;  ///< walking the folder (or the changed folders)
        double dates = 0; ///< reading the listing cache, merging it with the walk, looking for dates not in it
        double build = 0; ///< sorting, months, folder counts
    } timings;

    /// The row of `path` in photos, or -1 (also when pathOrder was not made).
    int rowOf(const QString &path) const;
};

} // namespace clipfind
