// SPDX-License-Identifier: MIT
#include "ui/thumbnailloader.h"

#include "core/decode/imagedecoder.h"
#include "core/thumbnails/thumbnailcache.h"

#include <QFileInfo>
#include <QImageReader>

namespace clipfind {

namespace {

constexpr int kCacheKiB = 256 * 1024; // about 1000 thumbnails of 256 x 256
constexpr int kWorkers = 2;

} // namespace

ThumbnailLoader::ThumbnailLoader(const ThumbnailCache *store, QObject *parent)
    : QObject(parent), m_store(store)
{
    m_pool.setMaxThreadCount(kWorkers);
    m_pool.setObjectName(QStringLiteral("clipfind-thumbnails"));
    m_pixmaps.setMaxCost(kCacheKiB);
}

ThumbnailLoader::~ThumbnailLoader()
{
    clearQueue();
    m_pool.waitForDone();
}

QPixmap ThumbnailLoader::thumbnail(const QString &path)
{
    if (const QPixmap *pixmap = m_pixmaps.object(path)) {
        return *pixmap;
    }
    if (m_requested.contains(path)) {
        return {};
    }
    m_requested.insert(path);
    {
        std::lock_guard<std::mutex> lock(*m_queueMutex);
        m_queue->push_back(path);
    }
    // One task per request; each task takes the newest queued path, not necessarily its own.
    m_pool.start([this, queue = m_queue, mutex = m_queueMutex, store = m_store] {
        QString next;
        {
            std::lock_guard<std::mutex> lock(*mutex);
            if (queue->empty()) {
                return; // cleared
            }
            next = queue->back();
            queue->pop_back();
        }
        Loaded loaded = load(store, next);
        QMetaObject::invokeMethod(
            this,
            [this, next, loaded] {
                m_requested.remove(next);
                m_facts.insert(next, loaded.facts);
                // A photo that cannot be decoded gets an empty pixmap, so it is not retried on every paint.
                QPixmap pixmap = loaded.image.isNull() ? QPixmap(1, 1) : QPixmap::fromImage(loaded.image);
                if (loaded.image.isNull()) {
                    pixmap.fill(Qt::transparent);
                }
                const int cost = std::max(1, int(qint64(pixmap.width()) * pixmap.height() * 4 / 1024));
                m_pixmaps.insert(next, new QPixmap(pixmap), cost);
                Q_EMIT thumbnailReady(next);
            },
            Qt::QueuedConnection);
    });
    return {};
}

const PhotoFacts *ThumbnailLoader::facts(const QString &path) const
{
    const auto it = m_facts.constFind(path);
    return it == m_facts.constEnd() ? nullptr : &it.value();
}

void ThumbnailLoader::clearQueue()
{
    std::lock_guard<std::mutex> lock(*m_queueMutex);
    for (const QString &path : *m_queue) {
        m_requested.remove(path);
    }
    m_queue->clear();
}

ThumbnailLoader::Loaded ThumbnailLoader::load(const ThumbnailCache *store, const QString &path)
{
    Loaded loaded;
    const QFileInfo info(path);
    loaded.facts.date = info.lastModified();
    loaded.facts.bytes = info.size();
    // The dimensions from the header only (no pixels), turned upright like the photo is shown.
    QImageReader reader(path);
    loaded.facts.size = reader.size();
    if (reader.transformation() & QImageIOHandler::TransformationRotate90) {
        loaded.facts.size.transpose();
    }
    const qint64 mtime = info.lastModified().toSecsSinceEpoch();
    if (store) {
        loaded.image = store->load(path, mtime);
        if (!loaded.image.isNull()) {
            return loaded;
        }
    }
    DecodeOptions options;
    options.minShortSide = ThumbnailCache::kLargeSize; // JPEG: decode at 1/2..1/8 scale, much faster
    const DecodedImage decoded = decodeImage(path, options);
    if (!decoded.ok()) {
        loaded.facts.error = decoded.error;
        return loaded;
    }
    if (!loaded.facts.size.isValid()) {
        loaded.facts.size = decoded.image.size();
    }
    if (store) {
        QString error; // a thumbnail that cannot be saved is still shown
        store->save(path, mtime, decoded.image, &error);
    }
    loaded.image = decoded.image.scaled(ThumbnailCache::kLargeSize, ThumbnailCache::kLargeSize, Qt::KeepAspectRatio,
                                        Qt::SmoothTransformation);
    return loaded;
}

} // namespace clipfind
