// SPDX-License-Identifier: MIT
#include "core/duplicates/duplicatefinder.h"

#include "core/clip/matrix/nearpairs.h"
#include "core/decode/exifdate.h"
#include "core/decode/imagedecoder.h"
#include "core/duplicates/imagefingerprint.h"
#include "core/engine/engine.h"
#include "core/store/librarydatabase.h"
#include "core/threads/pooltasks.h"
#include "core/thumbnails/thumbnailcache.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <numeric>
#include <tuple>

namespace clipfind {

namespace {

// Photos are decoded for their fingerprint at no less than this short side when no thumbnail is stored (the JPEG fast
// path then decodes at 1/8 scale): the fingerprint looks at 32 x 32 pixels.
constexpr int kFingerprintShortSide = 64;

QString cleanRoot(const QString &root)
{
    const QFileInfo info(root);
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? QDir::cleanPath(info.absoluteFilePath()) : canonical;
}

class UnionFind
{
public:
    explicit UnionFind(int64_t size)
        : m_parent(static_cast<size_t>(size))
        , m_lowest(static_cast<size_t>(size), 1.0f)
    {
        std::iota(m_parent.begin(), m_parent.end(), int64_t(0));
    }
    int64_t find(int64_t x)
    {
        while (m_parent[size_t(x)] != x) { // path halving: no recursion, near-constant depth
            m_parent[size_t(x)] = m_parent[m_parent[size_t(x)]];
            x = m_parent[size_t(x)];
        }
        return x;
    }
    /// Joins the sets of two roots through a pair of cosine `similarity`.
    void join(int64_t rootA, int64_t rootB, float similarity)
    {
        const float lowest = std::min({m_lowest[size_t(rootA)], m_lowest[size_t(rootB)], similarity});
        m_parent[size_t(rootB)] = rootA;
        m_lowest[size_t(rootA)] = lowest;
    }
    float lowest(int64_t root) const { return m_lowest[size_t(root)]; }

private:
    std::vector<int64_t> m_parent;
    std::vector<float> m_lowest;
};

// Steps 2 and 3: pairs most similar first; a pair whose rows are already in one group needs no check.
RowGroups joinPairs(int64_t rows, std::vector<clip::NearPair> pairs,
                    const std::function<bool(int64_t, int64_t)> &confirm, DuplicateStats *stats)
{
    std::sort(pairs.begin(), pairs.end(), [](const clip::NearPair &x, const clip::NearPair &y) {
        return std::tie(y.cosine, x.a, x.b) < std::tie(x.cosine, y.a, y.b);
    });
    UnionFind sets(rows);
    std::vector<int64_t> joined;
    for (const clip::NearPair &pair : pairs) {
        const int64_t a = sets.find(pair.a);
        const int64_t b = sets.find(pair.b);
        if (a == b) {
            continue;
        }
        ++stats->checkedPairs;
        if (confirm && !confirm(pair.a, pair.b)) {
            continue;
        }
        ++stats->confirmedPairs;
        sets.join(a, b, pair.cosine);
        joined.push_back(pair.a);
        joined.push_back(pair.b);
    }
    std::sort(joined.begin(), joined.end());
    joined.erase(std::unique(joined.begin(), joined.end()), joined.end());
    QHash<int64_t, size_t> groupOfRoot;
    RowGroups result;
    for (int64_t row : joined) { // ascending: each group comes out sorted, groups by their first row
        const int64_t root = sets.find(row);
        const auto it = groupOfRoot.constFind(root);
        if (it == groupOfRoot.constEnd()) {
            groupOfRoot.insert(root, result.groups.size());
            result.groups.push_back({row});
            result.similarity.push_back(sets.lowest(root));
        } else {
            result.groups[*it].push_back(row);
        }
    }
    return result;
}

void takePairStats(const clip::NearPairStats &from, DuplicateStats *to)
{
    to->windowPairs = from.filtered;
    to->candidatePairs = from.candidates;
    to->projectedVariance = from.projectedVariance;
    to->projectMs = from.projectMs;
    to->filterMs = from.filterMs;
    to->scoreMs = from.verifyMs;
}

bool aspectsMatch(const FileState &a, const FileState &b, double maxDifference)
{
    if (maxDifference < 0) {
        return true;
    }
    if (a.width <= 0 || a.height <= 0 || b.width <= 0 || b.height <= 0) {
        return false;
    }
    const double x = double(a.width) / a.height;
    const double y = double(b.width) / b.height;
    return std::fabs(x - y) <= maxDifference * std::max(x, y);
}

// The keeper first: largest resolution, then earliest date, then largest file, then path; the others by path.
void orderGroup(std::vector<DuplicatePhoto> &photos)
{
    const auto better = [](const DuplicatePhoto &x, const DuplicatePhoto &y) {
        const qint64 px = qint64(x.width) * x.height;
        const qint64 py = qint64(y.width) * y.height;
        if (px != py) {
            return px > py;
        }
        if (x.date != y.date) {
            return x.date.isValid() && (!y.date.isValid() || x.date < y.date);
        }
        if (x.bytes != y.bytes) {
            return x.bytes > y.bytes;
        }
        return x.path < y.path;
    };
    const auto keeper = std::min_element(photos.begin(), photos.end(), better);
    std::iter_swap(photos.begin(), keeper);
    std::sort(photos.begin() + 1, photos.end(),
              [](const DuplicatePhoto &x, const DuplicatePhoto &y) { return x.path < y.path; });
}

// clip::findNearPairs() through the engine library (loaded on first need); its load error becomes the result's.
clip::NearPairResult nearPairs(const uint16_t *halves, int64_t rows, int dim, const clip::NearPairOptions &options,
                               const std::function<bool()> &cancelled)
{
    QString error;
    const Engine *models = modelEngine(&error);
    if (!models) {
        clip::NearPairResult failed;
        failed.error = error.toStdString();
        return failed;
    }
    return models->findNearPairs(halves, rows, dim, options, cancelled);
}

} // namespace

QStringList DuplicateGroup::duplicatePaths() const
{
    QStringList paths;
    for (size_t i = 1; i < photos.size(); ++i) {
        paths << photos[i].path;
    }
    return paths;
}

qint64 DuplicateGroup::duplicateBytes() const
{
    qint64 bytes = 0;
    for (size_t i = 1; i < photos.size(); ++i) {
        bytes += photos[i].bytes;
    }
    return bytes;
}

RowGroups groupSimilarRows(const uint16_t *halves, int64_t rows, int dim, float threshold,
                           const std::function<bool(int64_t, int64_t)> &confirm, DuplicateStats *stats, QString *error,
                           const std::atomic_bool *cancel)
{
    DuplicateStats ignored;
    DuplicateStats &s = stats ? *stats : ignored;
    QElapsedTimer timer;
    timer.start();
    clip::NearPairOptions options;
    options.threshold = threshold;
    clip::NearPairResult near = nearPairs(halves, rows, dim, options, [cancel] { return cancel && *cancel; });
    s.photos = rows;
    takePairStats(near.stats, &s);
    s.pairsMs = double(timer.nsecsElapsed()) / 1e6;
    if (!near.error.empty() || near.cancelled) {
        *error = near.cancelled
                     ? QCoreApplication::translate("clipfind::DuplicateFinder", "cancelled")
                     : QCoreApplication::translate("clipfind::DuplicateFinder", "cannot compare the photos (%1)")
                           .arg(QString::fromStdString(near.error));
        return {};
    }
    s.similarPairs = qint64(near.pairs.size());
    timer.restart();
    RowGroups groups = joinPairs(rows, std::move(near.pairs), confirm, &s);
    s.checkMs = double(timer.nsecsElapsed()) / 1e6;
    s.totalMs = s.pairsMs + s.checkMs;
    return groups;
}

DuplicateReport findDuplicates(const QString &databasePath, const QString &root, const QString &modelId,
                               const DuplicateOptions &options)
{
    DuplicateReport report;
    DuplicateStats &stats = report.stats;
    QElapsedTimer total;
    total.start();
    const auto cancelled = [&options] { return options.cancel && options.cancel->load(); };

    // The rows: what the database knows about each file, and the stored fp16 embeddings.
    QString error;
    const std::unique_ptr<LibraryDatabase> database = LibraryDatabase::openReadOnly(databasePath, &error);
    if (!database) {
        report.error = error;
        return report;
    }
    const QString folder = cleanRoot(root);
    const std::vector<FileState> files = database->filesUnder(folder, &error);
    if (!error.isEmpty()) {
        report.error = error;
        return report;
    }
    QHash<QString, const FileState *> fileOf;
    fileOf.reserve(qsizetype(files.size()));
    for (const FileState &file : files) {
        fileOf.insert(file.path, &file);
    }
    std::vector<const FileState *> rowFiles;
    std::vector<uint16_t> halves;
    int dim = 0;
    const bool read = database->readStoredEmbeddings(
        folder, modelId, [&](qint64 upperBound) { rowFiles.reserve(size_t(upperBound)); },
        [&](const QString &path, const quint16 *values, int valuesDim) {
            const FileState *file = fileOf.value(path);
            if (!file || (dim != 0 && valuesDim != dim)) {
                return;
            }
            if (dim == 0) {
                halves.reserve(rowFiles.capacity() * size_t(valuesDim));
            }
            dim = valuesDim;
            rowFiles.push_back(file);
            halves.insert(halves.end(), values, values + valuesDim);
        },
        &error);
    if (!read) {
        report.error = error;
        return report;
    }
    const int64_t rows = int64_t(rowFiles.size());
    stats.photos = rows;
    stats.loadMs = double(total.nsecsElapsed()) / 1e6;
    if (rows < 2) {
        stats.totalMs = double(total.nsecsElapsed()) / 1e6;
        return report;
    }

    // 1. Similar pairs.
    QElapsedTimer timer;
    timer.start();
    clip::NearPairOptions pairOptions;
    pairOptions.threshold = options.threshold;
    clip::NearPairResult near = nearPairs(halves.data(), rows, dim, pairOptions, cancelled);
    stats.pairsMs = double(timer.nsecsElapsed()) / 1e6;
    takePairStats(near.stats, &stats);
    if (near.cancelled || cancelled()) {
        report.cancelled = true;
        return report;
    }
    if (!near.error.empty()) {
        report.error = QCoreApplication::translate("clipfind::DuplicateFinder", "cannot compare the photos (%1)")
                           .arg(QString::fromStdString(near.error));
        return report;
    }
    stats.similarPairs = qint64(near.pairs.size());

    // 2. Fingerprints of every photo in a pair, on a pool (thumbnails when stored, else a reduced decode).
    timer.restart();
    std::vector<ImageFingerprint> fingerprints(static_cast<size_t>(rows));
    const bool compare = options.maxHashDistance >= 0 || options.maxColorDifference >= 0;
    if (compare) {
        std::vector<int64_t> involved;
        for (const clip::NearPair &pair : near.pairs) {
            involved.push_back(pair.a);
            involved.push_back(pair.b);
        }
        std::sort(involved.begin(), involved.end());
        involved.erase(std::unique(involved.begin(), involved.end()), involved.end());
        const ThumbnailCache thumbnails = ThumbnailCache::standard();
        std::mutex problems;
        std::atomic<qint64> done{0};
        QElapsedTimer sinceProgress;
        sinceProgress.start();
        std::mutex progressLock;
        const auto reportProgress = [&](bool last) {
            if (!options.progress) {
                return;
            }
            std::lock_guard<std::mutex> lock(progressLock);
            if (last || sinceProgress.elapsed() >= 100) {
                sinceProgress.restart();
                options.progress(done.load(), qint64(involved.size()));
            }
        };
        QThreadPool pool;
        pool.setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
        parallelFor(pool, qsizetype(involved.size()), [&](qsizetype i) {
            const int64_t row = involved[size_t(i)];
            if (cancelled()) {
                return;
            }
            const FileState &file = *rowFiles[size_t(row)];
            const qint64 mtimeSeconds = file.mtimeNs / 1000000000;
            QImage picture;
            QString reason;
            if (options.picture) {
                picture = options.picture(file.path, mtimeSeconds);
                reason = QCoreApplication::translate("clipfind::DuplicateFinder", "%1: cannot be read").arg(file.path);
            } else {
                picture = thumbnails.load(file.path, mtimeSeconds);
                if (picture.isNull()) {
                    DecodeOptions decodeOptions;
                    decodeOptions.minShortSide = kFingerprintShortSide;
                    DecodedImage decoded = decodeImage(file.path, decodeOptions);
                    picture = std::move(decoded.image);
                    reason = file.path + QStringLiteral(": ") + decoded.error.section(QStringLiteral(": "), 1);
                }
            }
            if (picture.isNull()) {
                ++done;
                std::lock_guard<std::mutex> lock(problems);
                report.unreadable << reason;
                return;
            }
            fingerprints[size_t(row)] = fingerprintImage(picture);
            ++done;
            reportProgress(false);
        });
        reportProgress(true);
        stats.fingerprinted = qint64(
            std::count_if(fingerprints.begin(), fingerprints.end(), [](const ImageFingerprint &f) { return f.valid; }));
        report.unreadable.sort();
    }
    if (cancelled()) {
        report.cancelled = true;
        return report;
    }

    // 3. Confirmed pairs joined into groups.
    const auto confirm = [&](int64_t a, int64_t b) {
        if (!aspectsMatch(*rowFiles[size_t(a)], *rowFiles[size_t(b)], options.maxAspectDifference)) {
            return false;
        }
        if (!compare) {
            return true;
        }
        const ImageFingerprint &x = fingerprints[size_t(a)];
        const ImageFingerprint &y = fingerprints[size_t(b)];
        return x.valid && y.valid
               && (options.maxHashDistance < 0 || hashDistance(x.hash, y.hash) <= options.maxHashDistance)
               && (options.maxColorDifference < 0 || colorDifference(x, y) <= options.maxColorDifference);
    };
    const RowGroups groups = joinPairs(rows, std::move(near.pairs), confirm, &stats);
    stats.checkMs = double(timer.nsecsElapsed()) / 1e6;

    for (size_t g = 0; g < groups.groups.size(); ++g) {
        DuplicateGroup group;
        group.similarity = groups.similarity[g];
        for (int64_t row : groups.groups[g]) {
            const FileState &file = *rowFiles[size_t(row)];
            if (!QFileInfo::exists(file.path)) {
                continue; // gone since it was indexed
            }
            DuplicatePhoto photo;
            photo.path = file.path;
            photo.bytes = file.size;
            // The indexed size is what the model's decode gave (a JPEG at a reduced DCT scale, a RAW's preview): the
            // headers give the photo's own, which the keeper is chosen by and the view shows.
            const QSize size = readImageSize(file.path);
            photo.width = size.isValid() ? size.width() : file.width;
            photo.height = size.isValid() ? size.height() : file.height;
            photo.date = readExifDateTaken(file.path);
            photo.dateTaken = photo.date.isValid();
            if (!photo.dateTaken) {
                photo.date = QDateTime::fromMSecsSinceEpoch(file.mtimeNs / 1000000);
            }
            group.photos.push_back(std::move(photo));
        }
        if (group.photos.size() >= 2) {
            orderGroup(group.photos);
            report.groups.push_back(std::move(group));
        }
    }
    std::sort(report.groups.begin(), report.groups.end(), [](const DuplicateGroup &x, const DuplicateGroup &y) {
        return x.duplicateBytes() != y.duplicateBytes() ? x.duplicateBytes() > y.duplicateBytes()
                                                        : x.keep().path < y.keep().path;
    });
    stats.totalMs = double(total.nsecsElapsed()) / 1e6;
    return report;
}

} // namespace clipfind
