// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace clipfind {

/// A photo as the browser knows it: the file (size and time tell whether it changed) and its date taken.
struct KnownPhoto {
    QString path;
    qint64 size = 0;
    qint64 mtimeNs = 0;
    qint64 takenMs = 0; ///< the EXIF date taken, ms since the epoch; valid when `taken`
    bool taken = false;
    bool looked = false; ///< the file was searched for a date taken (or its format has none)

    /// When the photo was taken, else its file time.
    qint64 dateMs() const { return taken ? takenMs : mtimeNs / 1000000; }
};

/// What the browser knew of the folders it listed, kept between sessions in a small SQLite file of its own (beside
/// the library database, which needs a model; browsing does not): every photo with its size, file time and date
/// taken. A folder of 100k photos is then shown in date order at once (from here, before its walk confirms it)
/// and no EXIF block is read twice. A cache only: a damaged or foreign file is replaced.
///
/// Threading: one object is one SQLite connection; use it from one thread at a time.
class ListingCache
{
public:
    /// Opens or creates the file (and its folder). A file that is not a listing cache, or is damaged, is deleted
    /// and made anew. Null with *error when the file cannot be created at all.
    static std::unique_ptr<ListingCache> open(const QString &path, QString *error);
    ~ListingCache();
    ListingCache(const ListingCache &) = delete;
    ListingCache &operator=(const ListingCache &) = delete;

    /// The photos known under `root` (equal to it or below it), sorted by path as QString orders them. False with
    /// *error when the file cannot be read.
    bool load(const QString &root, std::vector<KnownPhoto> *photos, QString *error) const;
    /// Stores (replaces) these photos in one transaction.
    bool store(const std::vector<KnownPhoto> &photos, QString *error);
    /// Forgets photos that are gone.
    bool forget(const QStringList &paths, QString *error);

private:
    struct Private;
    explicit ListingCache(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace clipfind
