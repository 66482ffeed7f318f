// SPDX-License-Identifier: MIT
// Why this file is long: listing a folder off the GUI thread in stages (the cached listing, the walk, the dates) with
// cancellation; the stages share one job state.
#include "core/browse/folderbrowser.h"

#include "core/browse/listingcache.h"
#include "core/decode/exifdate.h"
#include "core/threads/pooltasks.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>

#include <algorithm>

namespace clipfind {

namespace {

constexpr int kSmallFolder = 2000;        // up to this many unread photos: their dates before the first listing
constexpr int kFirstListingDatesMs = 150; // ... for at most this long
constexpr int kDatesSliceMs = 250;        // then in slices, so a scope change or a refresh waits at most this long
constexpr int kRedeliverMs = 1000;        // photos moving to their dates: at most one new listing a second

double elapsedMs(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

// Formats whose files never carry an EXIF block that readExifDateTaken() reads: not worth opening.
bool mayHaveExifDate(const QString &path)
{
    static const QStringList without = {QStringLiteral(".png"), QStringLiteral(".gif"), QStringLiteral(".bmp"),
                                        QStringLiteral(".webp")};
    return std::none_of(without.cbegin(), without.cend(),
                        [&path](const QString &suffix) { return path.endsWith(suffix, Qt::CaseInsensitive); });
}

bool byPath(const KnownPhoto &a, const KnownPhoto &b)
{
    return a.path < b.path;
}

// The photos of `photos` (sorted by path) equal to `folder` or below it: one contiguous run, found by bisection.
using PhotoRun = std::pair<std::vector<KnownPhoto>::iterator, std::vector<KnownPhoto>::iterator>;
PhotoRun runUnder(std::vector<KnownPhoto> &photos, const QString &folder)
{
    if (folder == QLatin1String("/")) {
        return {photos.begin(), photos.end()};
    }
    // Paths below "f" sort in ["f/", "f0"): '0' is the character after '/'.
    const QString low = folder + QLatin1Char('/');
    const QString high = folder + QLatin1Char('0');
    const auto first = std::lower_bound(photos.begin(), photos.end(), low,
                                        [](const KnownPhoto &photo, const QString &path) { return photo.path < path; });
    const auto last = std::lower_bound(first, photos.end(), high,
                                       [](const KnownPhoto &photo, const QString &path) { return photo.path < path; });
    return {first, last};
}

bool isDirectlyIn(const QString &path, const QString &folder)
{
    const int slash = path.lastIndexOf(QLatin1Char('/'));
    return slash == (folder == QLatin1String("/") ? 0 : int(folder.size()));
}

// What the scan found, with the dates already known for files that did not change (`known`: sorted by path).
// Files that are new or changed go to *changed.
std::vector<KnownPhoto> mergeKnown(const std::vector<ScannedFile> &files, const std::vector<KnownPhoto> &known,
                                   std::vector<KnownPhoto> *changed)
{
    std::vector<KnownPhoto> merged;
    merged.reserve(files.size());
    auto at = known.begin();
    for (const ScannedFile &file : files) { // sorted by path, as the scanner returns them
        at = std::lower_bound(at, known.end(), file.path,
                              [](const KnownPhoto &photo, const QString &path) { return photo.path < path; });
        if (at != known.end() && at->path == file.path && at->size == file.size && at->mtimeNs == file.mtimeNs) {
            merged.push_back(*at);
            continue;
        }
        KnownPhoto photo;
        photo.path = file.path;
        photo.size = file.size;
        photo.mtimeNs = file.mtimeNs;
        photo.looked = !mayHaveExifDate(file.path);
        merged.push_back(photo);
        changed->push_back(photo);
    }
    return merged;
}

} // namespace

// The state of the open folder. Only the pool's tasks touch it, one at a time.
struct FolderBrowser::Worker {
    QString cachePath;
    std::unique_ptr<ListingCache> cache;
    bool cacheTried = false;
    std::atomic_bool stopScan{false}; // set from the GUI thread when a newer open makes the running walk useless

    quint64 generation = 0;
    QString root;
    QString scope;
    ScanOptions options;
    QString error;
    std::vector<KnownPhoto> photos; // every photo under the root, sorted by path
    std::vector<QString> toRead;    // photos whose EXIF was never looked at; back() is read next (the newest)
    bool filling = false;           // a fill task is queued
    bool datesMoved = false;        // a date taken arrived since the last delivery
    QElapsedTimer sinceDelivery;

    void openCache()
    {
        if (cacheTried || cachePath.isEmpty()) {
            return;
        }
        cacheTried = true;
        QString error; // without the file, what is learned is kept for this session only
        cache = ListingCache::open(cachePath, &error);
    }

    void store(const std::vector<KnownPhoto> &changed)
    {
        QString error; // not kept: learned again next session
        if (cache) {
            cache->store(changed, &error);
        }
    }

    // Queues the photos whose date taken was never looked for, newest file first.
    void queueUnread()
    {
        std::vector<const KnownPhoto *> unread;
        for (const KnownPhoto &photo : photos) {
            if (!photo.looked) {
                unread.push_back(&photo);
            }
        }
        std::sort(unread.begin(), unread.end(),
                  [](const KnownPhoto *a, const KnownPhoto *b) { return a->mtimeNs < b->mtimeNs; });
        toRead.clear();
        toRead.reserve(unread.size());
        for (const KnownPhoto *photo : unread) {
            toRead.push_back(photo->path);
        }
    }

    // Reads dates taken for up to `budgetMs` (or until `stale` says stop) and stores them.
    void readDates(int budgetMs, const std::function<bool()> &stale)
    {
        QElapsedTimer timer;
        timer.start();
        std::vector<KnownPhoto> found;
        while (!toRead.empty() && timer.elapsed() < budgetMs && !stale()) {
            const QString path = toRead.back();
            toRead.pop_back();
            const auto at = std::lower_bound(photos.begin(), photos.end(), path,
                                             [](const KnownPhoto &photo, const QString &p) { return photo.path < p; });
            if (at == photos.end() || at->path != path || at->looked) {
                continue; // gone since, or queued twice
            }
            const QDateTime taken = readExifDateTaken(path);
            at->looked = true;
            at->taken = taken.isValid();
            at->takenMs = at->taken ? taken.toMSecsSinceEpoch() : 0;
            datesMoved = datesMoved || (at->taken && at->takenMs != at->mtimeNs / 1000000);
            found.push_back(*at);
        }
        store(found);
    }

    std::shared_ptr<PhotoListing> build(const PhotoListing::Timings &timings)
    {
        QElapsedTimer timer;
        timer.start();
        auto listing = std::make_shared<PhotoListing>();
        listing->root = root;
        listing->scope = scope;
        listing->error = error;
        // Newest first (newerFirst()): the run is in path order, so sorting its indexes breaks ties by path without
        // comparing a string, and gives the path order of the rows (pathOrder) for free.
        const auto [first, last] = runUnder(photos, scope);
        const int scoped = int(last - first);
        std::vector<int> order(static_cast<size_t>(scoped));
        for (int i = 0; i < scoped; ++i) {
            order[size_t(i)] = i;
        }
        std::sort(order.begin(), order.end(), [first = first](int a, int b) {
            const qint64 da = first[a].dateMs();
            const qint64 db = first[b].dateMs();
            return da != db ? da > db : a < b;
        });
        listing->photos.reserve(static_cast<size_t>(scoped));
        listing->pathOrder.resize(static_cast<size_t>(scoped));
        for (int row = 0; row < scoped; ++row) {
            const KnownPhoto &photo = first[order[size_t(row)]];
            listing->photos.push_back({photo.path, photo.dateMs(), photo.taken});
            listing->pathOrder[size_t(order[size_t(row)])] = row;
        }
        listing->sections = monthSections(listing->photos);
        // Photos per folder: sorted by path, a folder's photos come in a few runs (its subfolders' photos between
        // them), so the hash is touched once per run, not once per photo.
        QHash<QString, qint64> perFolder;
        QString folder;
        qint64 count = 0;
        for (const KnownPhoto &photo : photos) {
            const int slash = photo.path.lastIndexOf(QLatin1Char('/'));
            const QStringView parent = QStringView(photo.path).left(std::max(1, slash));
            if (parent != folder) {
                if (count > 0) {
                    perFolder[folder] += count;
                }
                folder = parent.toString();
                count = 0;
            }
            ++count;
        }
        if (count > 0) {
            perFolder[folder] += count;
        }
        listing->folders = buildFolderTree(root, perFolder);
        listing->datesComplete = toRead.empty();
        listing->timings = timings;
        listing->timings.build = elapsedMs(timer);
        return listing;
    }
};

FolderBrowser::FolderBrowser(const QString &cachePath, QObject *parent)
    : QObject(parent)
    , m_worker(std::make_shared<Worker>())
{
    qRegisterMetaType<std::shared_ptr<const PhotoListing>>();
    m_worker->cachePath = cachePath;
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("clipfind-browsing"));
}

FolderBrowser::~FolderBrowser()
{
    ++m_generation;
    m_worker->stopScan = true;
    waitForPool(m_pool); // tasks refer to this object
    acceptDroppedQueuedCalls();
}

void FolderBrowser::post(std::function<void(Worker &)> task)
{
    startOnPool(m_pool, [worker = m_worker, task = std::move(task)] { task(*worker); });
}

void FolderBrowser::deliver(quint64 generation, std::shared_ptr<const PhotoListing> listing)
{
    postToThreadOf(this, [this, generation, listing] {
        if (generation == m_generation) {
            m_listing = listing;
            Q_EMIT listingChanged(listing);
        }
    });
}

void FolderBrowser::open(const QString &root, const ScanOptions &options)
{
    start(root, options, root);
}

void FolderBrowser::start(const QString &root, const ScanOptions &options, const QString &scope)
{
    const quint64 generation = ++m_generation;
    m_worker->stopScan = true; // the walk of the folder open before, if it still runs
    m_root = root;
    m_scope = scope;
    m_options = options;
    m_listing.reset();
    post([this, generation, root, options, scope](Worker &w) {
        if (generation != m_generation) {
            return;
        }
        auto stale = [this, generation] { return generation != m_generation; };
        w.stopScan = false;
        w.generation = generation;
        w.root = root;
        w.scope = scope;
        w.options = options;
        w.error.clear();
        w.photos.clear();
        w.toRead.clear();
        w.filling = false; // a fill task still queued for an older open stops by itself
        w.datesMoved = false;

        // What the last session knew comes first: a large folder shows at once, in date order. Only when the walk
        // would list the same photos (every folder, none excluded) does the cache stand in for it.
        QElapsedTimer timer;
        timer.start();
        w.openCache();
        std::vector<KnownPhoto> known;
        QString error; // an unreadable cache: every date is looked for again
        if (w.cache) {
            w.cache->load(root, &known, &error);
        }
        const bool cacheFirst = options.recursive && options.excludePatterns.isEmpty() && !known.empty();
        if (cacheFirst) {
            w.photos = known;
            w.queueUnread();
            PhotoListing::Timings timings;
            timings.dates = elapsedMs(timer);
            auto listing = w.build(timings);
            listing->fromCache = true;
            listing->datesComplete = false; // until the walk says which files changed
            deliver(generation, listing);
        }

        PhotoListing::Timings timings;
        timer.start();
        const ScanResult scan = scanPhotos(root, options, &w.stopScan);
        if (scan.cancelled || stale()) {
            return;
        }
        for (const ScanProblem &problem : scan.problems) {
            if (problem.path == root) {
                w.error = QStringLiteral("%1: %2").arg(problem.path, problem.reason);
            }
        }
        timings.scan = elapsedMs(timer);

        timer.start();
        std::vector<KnownPhoto> changed;
        w.photos = mergeKnown(scan.files, known, &changed);
        w.queueUnread();
        if (int(w.toRead.size()) <= kSmallFolder) {
            w.readDates(kFirstListingDatesMs, stale);
        }
        w.datesMoved = false;
        timings.dates = elapsedMs(timer);
        if (stale()) {
            return;
        }
        deliver(generation, w.build(timings));
        w.sinceDelivery.start();

        // New and changed photos go into the cache (as they are now: some dates were read above); photos gone
        // since leave it (only a walk of the whole tree knows what is gone).
        for (KnownPhoto &photo : changed) {
            const auto at = std::lower_bound(w.photos.cbegin(), w.photos.cend(), photo, byPath);
            if (at != w.photos.cend() && at->path == photo.path) {
                photo = *at;
            }
        }
        w.store(changed);
        if (w.cache && options.recursive && options.excludePatterns.isEmpty() && scan.problems.empty()) {
            QStringList gone;
            auto at = w.photos.cbegin();
            for (const KnownPhoto &photo : known) {
                at = std::lower_bound(at, w.photos.cend(), photo, byPath);
                if (at == w.photos.cend() || at->path != photo.path) {
                    gone << photo.path;
                }
            }
            w.cache->forget(gone, &error);
        }
        if (!w.toRead.empty() && !w.filling) {
            w.filling = true;
            post([this, generation](Worker &worker) { fillDates(worker, generation); });
        }
    });
}

void FolderBrowser::fillDates(Worker &w, quint64 generation)
{
    auto stale = [this, generation] { return generation != m_generation; };
    if (stale() || w.generation != generation) {
        return; // the open that made it stale starts its own
    }
    QElapsedTimer timer;
    timer.start();
    w.readDates(kDatesSliceMs, stale);
    if (stale()) {
        return;
    }
    if (w.toRead.empty() || (w.datesMoved && w.sinceDelivery.elapsed() >= kRedeliverMs)) {
        PhotoListing::Timings timings;
        timings.dates = elapsedMs(timer);
        w.datesMoved = false;
        deliver(generation, w.build(timings));
        w.sinceDelivery.start();
    }
    if (w.toRead.empty()) {
        w.filling = false;
        return;
    }
    post([this, generation](Worker &worker) { fillDates(worker, generation); });
}

void FolderBrowser::close()
{
    ++m_generation;
    m_worker->stopScan = true;
    m_root.clear();
    m_scope.clear();
    m_listing.reset();
    post([](Worker &w) {
        w.root.clear();
        w.scope.clear();
        w.photos.clear();
        w.toRead.clear();
    });
}

void FolderBrowser::rescan()
{
    if (!m_root.isEmpty()) {
        start(m_root, m_options, m_scope);
    }
}

void FolderBrowser::refreshFolders(const QStringList &folders)
{
    if (m_root.isEmpty() || folders.isEmpty()) {
        return;
    }
    const quint64 generation = m_generation;
    post([this, generation, folders](Worker &w) {
        if (generation != m_generation || w.generation != generation) {
            return;
        }
        QElapsedTimer timer;
        timer.start();
        std::vector<KnownPhoto> changed;
        QStringList gone;
        for (const QString &folder : folders) {
            if (!isPathUnder(folder, w.root) || (!w.options.recursive && folder != w.root)) {
                continue;
            }
            const auto [first, last] = runUnder(w.photos, folder);
            std::vector<KnownPhoto> below;  // in subfolders: stay as they are
            std::vector<KnownPhoto> direct; // directly in the folder: listed again
            for (auto it = first; it != last; ++it) {
                (isDirectlyIn(it->path, folder) ? direct : below).push_back(std::move(*it));
            }
            const size_t at = size_t(first - w.photos.begin());
            w.photos.erase(first, last);
            std::vector<KnownPhoto> fresh;
            if (QFileInfo(folder).isDir()) {
                fresh = mergeKnown(scanFolder(folder, w.options, nullptr, w.root).files, direct, &changed);
            } else {
                for (const KnownPhoto &photo : below) { // the folder is gone, and everything below it
                    gone << photo.path;
                }
                below.clear();
            }
            for (const KnownPhoto &photo : direct) {
                if (!std::binary_search(fresh.begin(), fresh.end(), photo, byPath)) {
                    gone << photo.path;
                }
            }
            std::vector<KnownPhoto> run;
            run.reserve(below.size() + fresh.size());
            std::merge(std::make_move_iterator(below.begin()), std::make_move_iterator(below.end()),
                       std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()),
                       std::back_inserter(run), byPath);
            w.photos.insert(w.photos.begin() + qptrdiff(at), std::make_move_iterator(run.begin()),
                            std::make_move_iterator(run.end()));
        }
        w.queueUnread();
        PhotoListing::Timings timings;
        timings.scan = elapsedMs(timer);
        w.datesMoved = false;
        deliver(generation, w.build(timings));
        w.sinceDelivery.start();
        w.store(changed);
        if (w.cache) {
            QString error;
            w.cache->forget(gone, &error);
        }
        if (!w.toRead.empty() && !w.filling) {
            w.filling = true;
            post([this, generation](Worker &worker) { fillDates(worker, generation); });
        }
    });
}

void FolderBrowser::setScope(const QString &folder)
{
    if (m_root.isEmpty()) {
        return;
    }
    const QString scope = folder.isEmpty() || !isPathUnder(folder, m_root) ? m_root : folder;
    if (scope == m_scope) {
        return;
    }
    m_scope = scope;
    const quint64 generation = m_generation;
    post([this, generation, scope](Worker &w) {
        if (generation != m_generation || w.generation != generation) {
            return;
        }
        w.scope = scope;
        deliver(generation, w.build({}));
    });
}

} // namespace clipfind
