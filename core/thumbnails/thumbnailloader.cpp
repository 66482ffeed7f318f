// SPDX-License-Identifier: MIT
#include "core/thumbnails/thumbnailloader.h"

#include "core/decode/imagedecoder.h"
#include "core/scan/regularfile.h"
#include "core/threads/pooltasks.h"
#include "core/thumbnails/thumbnailcache.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>

namespace clipfind {

namespace {

constexpr int kMemoryKiB = 256 * 1024; // about 1000 thumbnails of 256 x 256

int costKiB(const Thumbnail &thumbnail)
{
    return std::max(1, int(thumbnail.image.sizeInBytes() / 1024));
}

} // namespace

ThumbnailLoader::ThumbnailLoader(const ThumbnailCache *store, int workers, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    m_pool.setMaxThreadCount(std::max(1, workers));
    m_pool.setObjectName(QStringLiteral("clipfind-thumbnails"));
    m_loaded.setMaxCost(kMemoryKiB);
}

ThumbnailLoader::~ThumbnailLoader()
{
    clear();
    waitForPool(m_pool); // the tasks use `this` only through queued calls, which die with it
    acceptDroppedQueuedCalls();
}

std::optional<Thumbnail> ThumbnailLoader::thumbnail(const QString &path)
{
    if (const Thumbnail *loaded = m_loaded.object(path)) {
        return *loaded;
    }
    if (m_requested.contains(path)) {
        return std::nullopt;
    }
    m_requested.insert(path);
    {
        std::lock_guard<std::mutex> lock(m_queue->mutex);
        m_queue->paths.push_back(path);
    }
    // One task per request; each task takes the newest queued path, not necessarily its own.
    startOnPool(m_pool, [this, queue = m_queue, store = m_store, work = m_loadFunction] {
        QString next;
        quint64 generation = 0; // of the path taken, not of the request that started this task
        {
            std::lock_guard<std::mutex> lock(queue->mutex);
            if (queue->paths.empty()) {
                return; // cleared
            }
            next = queue->paths.back();
            queue->paths.pop_back();
            generation = queue->generation;
        }
        const Thumbnail loaded = work(store, next);
        postToThreadOf(this, [this, generation, next, loaded] { deliver(generation, next, loaded); });
    });
    return std::nullopt;
}

void ThumbnailLoader::deliver(quint64 generation, const QString &path, const Thumbnail &loaded)
{
    // Kept either way: the work is done and the photo may be asked for again.
    m_loaded.insert(path, new Thumbnail(loaded), costKiB(loaded));
    if (!m_requested.remove(path)) {
        return; // asked for before a clear() and not since
    }
    if (generation != m_queue->generation) { // written on this thread only
        // Asked for again since the clear(): this load answers that request, so its queued copy is not needed.
        std::lock_guard<std::mutex> lock(m_queue->mutex);
        auto &paths = m_queue->paths;
        paths.erase(std::remove(paths.begin(), paths.end(), path), paths.end());
    }
    Q_EMIT thumbnailReady(path);
}

const PhotoFacts *ThumbnailLoader::facts(const QString &path) const
{
    const Thumbnail *loaded = m_loaded.object(path);
    return loaded ? &loaded->facts : nullptr;
}

void ThumbnailLoader::clear()
{
    std::lock_guard<std::mutex> lock(m_queue->mutex);
    m_queue->paths.clear();
    m_requested.clear();
    ++m_queue->generation;
}

Thumbnail ThumbnailLoader::load(const ThumbnailCache *store, const QString &path)
{
    Thumbnail loaded;
    const QFileInfo info(path);
    loaded.facts.date = info.lastModified();
    loaded.facts.bytes = info.size();
    // The dimensions from the headers only (no pixels), upright like the photo is shown, read by the decoder that
    // shows it: HEIC/AVIF and camera RAW too (a RAW's full image size, not its preview's).
    loaded.facts.size = readImageSize(path);
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
        loaded.facts.size = {};
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
    const int edge = ThumbnailCache::kLargeSize;
    loaded.image = decoded.image.width() > edge || decoded.image.height() > edge
                       ? decoded.image.scaled(edge, edge, Qt::KeepAspectRatio, Qt::SmoothTransformation)
                       : decoded.image;
    return loaded;
}

} // namespace clipfind
