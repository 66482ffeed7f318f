// SPDX-License-Identifier: MIT
#include "core/browse/folderbrowser.h"

#include "core/browse/datetakencache.h"
#include "core/decode/exifdate.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <algorithm>

namespace clipfind {

namespace {

constexpr int kFirstListingDatesMs = 150; // a small folder's dates are read before it is first shown
constexpr int kDatesSliceMs = 250;        // then in slices, so a scope change or a refresh waits at most this long
constexpr int kRedeliverMs = 1000;        // photos moving to their dates: at most one new listing a second

double elapsedMs(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

QString parentOf(const QString &path)
{
    const int slash = path.lastIndexOf(QLatin1Char('/'));
    return slash <= 0 ? QStringLiteral("/") : path.left(slash);
}

// Formats whose files never carry an EXIF block that readExifDateTaken() reads: not worth opening.
bool mayHaveExifDate(const QString &path)
{
    static const QStringList without = {QStringLiteral(".png"), QStringLiteral(".gif"), QStringLiteral(".bmp"),
                                        QStringLiteral(".webp")};
    return std::none_of(without.cbegin(), without.cend(),
                        [&path](const QString &suffix) { return path.endsWith(suffix, Qt::CaseInsensitive); });
}

} // namespace

// The state of the open folder. Only the pool's tasks touch it, one at a time.
struct FolderBrowser::Worker {
    QString datesPath;
    std::unique_ptr<DateTakenCache> cache;
    bool cacheTried = false;
    std::atomic_bool stopScan{false}; // set from the GUI thread when a newer open makes the running walk useless

    quint64 generation = 0;
    QString root;
    QString scope;
    ScanOptions options;
    QString error;
    QHash<QString, std::vector<ScannedFile>> byFolder; // folder -> the photos directly in it
    QHash<QString, KnownDate> known;                   // path -> date taken, while size and mtime match
    std::vector<ScannedFile> toRead;                   // EXIF never looked at; back() is read next (newest)
    bool filling = false;                              // a fill task is queued
    bool datesMoved = false;                           // a date taken arrived since the last delivery
    QElapsedTimer sinceDelivery;

    const KnownDate *knownFor(const ScannedFile &file) const
    {
        const auto it = known.constFind(file.path);
        return it != known.constEnd() && it->size == file.size && it->mtimeNs == file.mtimeNs ? &it.value() : nullptr;
    }

    void openCache()
    {
        if (cacheTried || datesPath.isEmpty()) {
            return;
        }
        cacheTried = true;
        QString error; // without the file, dates are kept for this session only
        cache = DateTakenCache::open(datesPath, &error);
    }

    // Queues the photos of `files` whose date taken is not known yet, newest file first.
    void queueUnknown(const std::vector<ScannedFile> &files)
    {
        for (const ScannedFile &file : files) {
            if (!knownFor(file) && mayHaveExifDate(file.path)) {
                toRead.push_back(file);
            }
        }
        std::sort(toRead.begin(), toRead.end(),
                  [](const ScannedFile &a, const ScannedFile &b) { return a.mtimeNs < b.mtimeNs; });
    }

    // Reads dates taken for up to `budgetMs` (or until `stale` says stop) and stores them.
    void readDates(int budgetMs, const std::function<bool()> &stale)
    {
        QElapsedTimer timer;
        timer.start();
        std::vector<std::pair<QString, KnownDate>> found;
        while (!toRead.empty() && timer.elapsed() < budgetMs && !stale()) {
            const ScannedFile file = toRead.back();
            toRead.pop_back();
            if (knownFor(file)) {
                continue; // queued twice (a refresh of its folder)
            }
            const QDateTime taken = readExifDateTaken(file.path);
            KnownDate date;
            date.size = file.size;
            date.mtimeNs = file.mtimeNs;
            date.taken = taken.isValid();
            date.takenMs = date.taken ? taken.toMSecsSinceEpoch() : 0;
            known.insert(file.path, date);
            found.emplace_back(file.path, date);
            datesMoved = datesMoved || (date.taken && date.takenMs != file.mtimeNs / 1000000);
        }
        if (cache) {
            QString error; // not kept: read again next session
            cache->store(found, &error);
        }
    }

    std::shared_ptr<PhotoListing> build(const PhotoListing::Timings &timings) const
    {
        QElapsedTimer timer;
        timer.start();
        auto listing = std::make_shared<PhotoListing>();
        listing->root = root;
        listing->scope = scope;
        listing->error = error;
        QHash<QString, qint64> perFolder;
        perFolder.reserve(byFolder.size());
        for (auto it = byFolder.cbegin(); it != byFolder.cend(); ++it) {
            perFolder.insert(it.key(), qint64(it->size()));
            if (!isPathUnder(it.key(), scope)) {
                continue;
            }
            for (const ScannedFile &file : it.value()) {
                const KnownDate *date = knownFor(file);
                const bool taken = date && date->taken;
                listing->photos.push_back({file.path, taken ? date->takenMs : file.mtimeNs / 1000000, taken});
            }
        }
        sortNewestFirst(&listing->photos);
        listing->sections = monthSections(listing->photos);
        listing->folders = buildFolderTree(root, perFolder);
        listing->datesComplete = toRead.empty();
        listing->timings = timings;
        listing->timings.build = elapsedMs(timer);
        return listing;
    }
};

FolderBrowser::FolderBrowser(const QString &datesPath, QObject *parent)
    : QObject(parent), m_worker(std::make_shared<Worker>())
{
    qRegisterMetaType<std::shared_ptr<const PhotoListing>>();
    m_worker->datesPath = datesPath;
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("clipfind-browsing"));
}

FolderBrowser::~FolderBrowser()
{
    ++m_generation;
    m_worker->stopScan = true;
    m_pool.waitForDone(); // tasks refer to this object
}

void FolderBrowser::post(std::function<void(Worker &)> task)
{
    m_pool.start([worker = m_worker, task = std::move(task)] { task(*worker); });
}

void FolderBrowser::deliver(quint64 generation, std::shared_ptr<const PhotoListing> listing)
{
    QMetaObject::invokeMethod(
        this,
        [this, generation, listing] {
            if (generation == m_generation) {
                m_listing = listing;
                Q_EMIT listingChanged(listing);
            }
        },
        Qt::QueuedConnection);
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
        const bool sameFolder = w.root == root; // a rescan: the dates known stay
        w.generation = generation;
        w.root = root;
        w.scope = scope;
        w.options = options;
        w.error.clear();
        w.byFolder.clear();
        w.toRead.clear();
        w.filling = false; // a fill task still queued for an older open stops by itself
        w.datesMoved = false;

        PhotoListing::Timings timings;
        QElapsedTimer timer;
        timer.start();
        const ScanResult scan = scanPhotos(root, options, &w.stopScan);
        if (scan.cancelled || stale()) {
            return;
        }
        for (const ScannedFile &file : scan.files) {
            w.byFolder[parentOf(file.path)].push_back(file);
        }
        for (const ScanProblem &problem : scan.problems) {
            if (problem.path == root) {
                w.error = QStringLiteral("%1: %2").arg(problem.path, problem.reason);
            }
        }
        timings.scan = elapsedMs(timer);

        timer.start();
        w.openCache();
        if (!sameFolder) {
            w.known.clear();
            QString error; // an unreadable cache: every date is looked for again
            if (w.cache) {
                w.cache->load(root, &w.known, &error);
            }
        }
        w.queueUnknown(scan.files);
        w.readDates(kFirstListingDatesMs, stale);
        w.datesMoved = false;
        timings.dates = elapsedMs(timer);
        if (stale()) {
            return;
        }
        deliver(generation, w.build(timings));
        w.sinceDelivery.start();

        // Photos gone since the last session leave the cache (only a whole walk of the tree knows what is gone).
        if (w.cache && options.recursive && options.excludePatterns.isEmpty() && scan.problems.empty()) {
            QSet<QString> present;
            present.reserve(qsizetype(scan.files.size()));
            for (const ScannedFile &file : scan.files) {
                present.insert(file.path);
            }
            QStringList gone;
            for (auto it = w.known.cbegin(); it != w.known.cend(); ++it) {
                if (!present.contains(it.key())) {
                    gone << it.key();
                }
            }
            for (const QString &path : std::as_const(gone)) {
                w.known.remove(path);
            }
            QString error;
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
        w.byFolder.clear();
        w.known.clear();
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
        for (const QString &folder : folders) {
            if (!isPathUnder(folder, w.root) || (!w.options.recursive && folder != w.root)) {
                continue;
            }
            if (!QFileInfo(folder).isDir()) {
                for (auto it = w.byFolder.begin(); it != w.byFolder.end();) {
                    it = isPathUnder(it.key(), folder) ? w.byFolder.erase(it) : std::next(it);
                }
                continue;
            }
            ScanResult scan = scanFolder(folder, w.options, nullptr, w.root);
            w.queueUnknown(scan.files);
            if (scan.files.empty()) {
                w.byFolder.remove(folder);
            } else {
                w.byFolder.insert(folder, std::move(scan.files));
            }
        }
        PhotoListing::Timings timings;
        timings.scan = elapsedMs(timer);
        w.datesMoved = false;
        deliver(generation, w.build(timings));
        w.sinceDelivery.start();
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
