// SPDX-License-Identifier: MIT
#pragma once

#include <QCache>
#include <QDateTime>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QSize>
#include <QString>
#include <QThreadPool>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace clipfind {

class ThumbnailCache;

/// What the grid shows of a photo besides its score: the facts for the tooltip.
struct PhotoFacts {
    QSize size;     ///< pixels, upright; invalid when the file cannot be decoded
    QDateTime date; ///< file modification time
    qint64 bytes = 0;
    QString error; ///< why there is no thumbnail (one line naming the file); empty when there is one
};

/// One photo's thumbnail (at most ThumbnailCache::kLargeSize on a side, upright) and facts. The image is null
/// when the photo cannot be decoded; facts.error then says why.
struct Thumbnail {
    QImage image;
    PhotoFacts facts;

    bool ok() const { return facts.error.isEmpty(); }
};

/// Loads thumbnails for a results grid off the GUI thread, on a pool of its own. The grid asks for the photos it
/// paints, so the visible ones are the ones requested; requests are served newest first (a stack), so after a
/// fast scroll the photos now on screen come before the ones scrolled past. A thumbnail comes from the
/// freedesktop cache when it is there (written by the indexer), else the photo is decoded with the indexer's
/// decoder (JPEG at reduced DCT scale) and the thumbnail saved. Loaded thumbnails are kept in memory up to a
/// bounded size. Lives on the GUI thread; thumbnailReady() is emitted there.
class ThumbnailLoader : public QObject
{
    Q_OBJECT

public:
    /// `store` may be null (decode every time); it must outlive this object. `workers`: decoding threads.
    explicit ThumbnailLoader(const ThumbnailCache *store, int workers = 2, QObject *parent = nullptr);
    ~ThumbnailLoader() override;

    /// The work of one request, on the calling thread: the stored thumbnail when it is current, else a decode
    /// (saved to `store` when there is one) scaled to fit ThumbnailCache::kLargeSize. Never throws.
    static Thumbnail load(const ThumbnailCache *store, const QString &path);

    /// The thumbnail when it is loaded (the image is null for a photo that cannot be decoded); else nothing, and
    /// the photo is queued (once) and thumbnailReady(path) follows.
    std::optional<Thumbnail> thumbnail(const QString &path);
    /// The facts of a loaded thumbnail, without queueing anything; null when it is not loaded.
    const PhotoFacts *facts(const QString &path) const;
    /// Forgets the queue (a new result list replaces the old one): queued photos are not loaded, and loads already
    /// running are kept in memory but not announced with thumbnailReady() unless the photo is asked for again.
    void clear();

    /// The pool the loads run on (tests hold it to see the queue's order).
    QThreadPool *pool() { return &m_pool; }
    /// Tests: the work of each request instead of load() (e.g. to hold a worker inside a load). Set it before the
    /// first request.
    using LoadFunction = std::function<Thumbnail(const ThumbnailCache *store, const QString &path)>;
    void setLoadFunction(LoadFunction function) { m_loadFunction = std::move(function); }

Q_SIGNALS:
    void thumbnailReady(const QString &path);

private:
    void deliver(quint64 generation, const QString &path, const Thumbnail &loaded);

    struct Queue {
        std::mutex mutex;
        std::deque<QString> paths; // back = newest
        quint64 generation = 0;    // clear() starts a new one; loads of older ones are not announced
    };

    const ThumbnailCache *m_store;
    LoadFunction m_loadFunction = &ThumbnailLoader::load;
    QThreadPool m_pool;
    QCache<QString, Thumbnail> m_loaded; // cost in KiB
    QSet<QString> m_requested;           // queued or loading in this generation
    std::shared_ptr<Queue> m_queue = std::make_shared<Queue>();
};

} // namespace clipfind
