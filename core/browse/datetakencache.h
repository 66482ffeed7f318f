// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace clipfind {

/// What is known of one photo's date taken, valid while the file keeps its size and modification time.
struct KnownDate {
    qint64 size = 0;
    qint64 mtimeNs = 0;
    qint64 takenMs = 0;  ///< ms since the epoch
    bool taken = false;  ///< false: the photo has no EXIF date (its file time is used); takenMs is then 0
};

/// The EXIF dates taken of the photos browsed so far, kept between sessions in a small SQLite file of its own
/// (beside the library database, which needs a model; browsing does not), so a folder of 100k photos is listed in
/// date order without opening 100k files again. A cache only: a damaged or foreign file is replaced.
///
/// Threading: one object is one SQLite connection; use it from one thread at a time.
class DateTakenCache
{
public:
    /// Opens or creates the file (and its folder). A file that is not a dates cache, or is damaged, is deleted and
    /// made anew. Null with *error when the file cannot be created at all.
    static std::unique_ptr<DateTakenCache> open(const QString &path, QString *error);
    ~DateTakenCache();
    DateTakenCache(const DateTakenCache &) = delete;
    DateTakenCache &operator=(const DateTakenCache &) = delete;

    /// The known dates of the photos equal to `root` or below it. False with *error when the file cannot be read.
    bool load(const QString &root, QHash<QString, KnownDate> *dates, QString *error) const;
    /// Stores (replaces) these dates in one transaction.
    bool store(const std::vector<std::pair<QString, KnownDate>> &dates, QString *error);
    /// Forgets photos that are gone.
    bool forget(const QStringList &paths, QString *error);

private:
    struct Private;
    explicit DateTakenCache(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace clipfind
