// SPDX-License-Identifier: MIT
#pragma once

#include <QCache>
#include <QDateTime>
#include <QImage>
#include <QObject>
#include <QPixmap>
#include <QSize>
#include <QString>
#include <QThreadPool>

#include <deque>
#include <memory>
#include <mutex>

namespace clipfind {

class ThumbnailCache;

/// What the grid shows of a photo besides its score: the thumbnail and the facts for the tooltip.
struct PhotoFacts {
    QSize size;      ///< pixels, upright; invalid when the file cannot be decoded
    QDateTime date;  ///< file modification time
    qint64 bytes = 0;
    QString error;
};

/// Loads thumbnails for the results grid off the GUI thread. The grid asks for the photos it paints, so the
/// visible ones are the ones requested; requests are served newest first (a stack), so after a fast scroll the
/// photos now on screen come before the ones scrolled past. Each photo's thumbnail comes from the freedesktop
/// cache when it is there (written by the indexer), else it is decoded (JPEG at reduced DCT scale) and saved.
/// Results are kept in a pixmap cache of bounded size. GUI thread only (its workers report back there).
class ThumbnailLoader : public QObject
{
    Q_OBJECT

public:
    /// `store` may be null (decode every time); it must outlive this object.
    explicit ThumbnailLoader(const ThumbnailCache *store, QObject *parent = nullptr);
    ~ThumbnailLoader() override;

    /// The thumbnail if it is ready; else a null pixmap, and the photo is queued (once) for loading.
    QPixmap thumbnail(const QString &path);
    /// Facts known so far (after the thumbnail is loaded), else null.
    const PhotoFacts *facts(const QString &path) const;
    /// Forgets queued requests that were not started (a new result list replaces the old one).
    void clearQueue();

Q_SIGNALS:
    void thumbnailReady(const QString &path);

private:
    struct Loaded {
        QImage image;
        PhotoFacts facts;
    };
    static Loaded load(const ThumbnailCache *store, const QString &path);
    void startWorkers();

    const ThumbnailCache *m_store;
    QThreadPool m_pool;
    QCache<QString, QPixmap> m_pixmaps; // cost in KiB
    QHash<QString, PhotoFacts> m_facts;
    QSet<QString> m_requested;          // queued or loading
    std::shared_ptr<std::mutex> m_queueMutex = std::make_shared<std::mutex>();
    std::shared_ptr<std::deque<QString>> m_queue = std::make_shared<std::deque<QString>>(); // back = newest
};

} // namespace clipfind
