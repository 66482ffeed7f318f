// SPDX-License-Identifier: MIT
#include "core/engine/lazyphotoencoder.h"

#include "core/encode/chineseclipencoder.h"
#include "core/encode/photoencoderloader.h"
#include "core/engine/engine.h"

#include <QJsonObject>

#include <atomic>
#include <mutex>

namespace clipfind {

namespace {

// What an encode returns when the model cannot be loaded: no rows, the reason.
EmbeddingRows failedRows(const QString &error)
{
    EmbeddingRows rows;
    rows.error = error;
    return rows;
}

} // namespace

struct LazyPhotoEncoder::Private {
    QString path;
    ClipEncoder::Settings settings;
    QString modelId;
    QString kindName;
    mutable std::once_flag loadOnce;
    mutable std::unique_ptr<PhotoEncoder> real; // set once, under loadOnce
    mutable QString loadError;
    mutable std::atomic<PhotoEncoder *> loaded{nullptr}; // real, once it is there: for asking without loading
};

LazyPhotoEncoder::LazyPhotoEncoder()
    : d(std::make_unique<Private>())
{
}

LazyPhotoEncoder::~LazyPhotoEncoder() = default;

std::unique_ptr<PhotoEncoder> LazyPhotoEncoder::create(const QString &path, const ClipEncoder::Settings &settings,
                                                       QString *error)
{
    std::unique_ptr<LazyPhotoEncoder> encoder(new LazyPhotoEncoder);
    encoder->d->modelId = photoModelIdFor(path, settings.dataDir, error);
    if (encoder->d->modelId.isEmpty()) {
        return nullptr;
    }
    encoder->d->path = path;
    encoder->d->settings = settings;
    encoder->d->kindName =
        ChineseClipEncoder::isChineseClipFolder(path) ? QStringLiteral("chinese-clip") : QStringLiteral("clip");
    return encoder;
}

PhotoEncoder *LazyPhotoEncoder::real(QString *error) const
{
    std::call_once(d->loadOnce, [this] {
        const Engine *models = modelEngine(&d->loadError);
        if (models) {
            d->real = models->loadPhotoEncoder(d->path, d->settings, &d->loadError);
        }
        d->loaded.store(d->real.get(), std::memory_order_release);
    });
    if (!d->real && error) {
        *error = d->loadError;
    }
    return d->real.get();
}

QString LazyPhotoEncoder::modelId() const
{
    return d->modelId;
}

QString LazyPhotoEncoder::kindName() const
{
    return d->kindName;
}

bool LazyPhotoEncoder::isCuda() const
{
    switch (d->settings.load.device) {
    case clip::DeviceChoice::Cpu: return false;
    case clip::DeviceChoice::Cuda: return true;
    case clip::DeviceChoice::Auto: break;
    }
    const PhotoEncoder *encoder = real();
    return encoder && encoder->isCuda();
}

bool LazyPhotoEncoder::ensureCheckpoint(QString *error) const
{
    const PhotoEncoder *encoder = real(error);
    return encoder && encoder->ensureCheckpoint(error);
}

bool LazyPhotoEncoder::prepareTextTower(QString *error)
{
    PhotoEncoder *encoder = real(error);
    return encoder && encoder->prepareTextTower(error);
}

bool LazyPhotoEncoder::prepareImageTower(QString *error)
{
    PhotoEncoder *encoder = real(error);
    return encoder && encoder->prepareImageTower(error);
}

bool LazyPhotoEncoder::isTextTowerReady() const
{
    // Asking is not a need: an encoder not loaded yet has no tower ready.
    const PhotoEncoder *encoder = d->loaded.load(std::memory_order_acquire);
    return encoder && encoder->isTextTowerReady();
}

bool LazyPhotoEncoder::isImageTowerReady() const
{
    const PhotoEncoder *encoder = d->loaded.load(std::memory_order_acquire);
    return encoder && encoder->isImageTowerReady();
}

QJsonObject LazyPhotoEncoder::describe() const
{
    const PhotoEncoder *encoder = real();
    return encoder ? encoder->describe() : QJsonObject{{QStringLiteral("path"), d->path}};
}

QString LazyPhotoEncoder::deviceDescription() const
{
    const PhotoEncoder *encoder = real();
    return encoder ? encoder->deviceDescription() : QString();
}

int LazyPhotoEncoder::embeddingDim() const
{
    const PhotoEncoder *encoder = real();
    return encoder ? encoder->embeddingDim() : 0;
}

int LazyPhotoEncoder::inputSize() const
{
    const PhotoEncoder *encoder = real();
    return encoder ? encoder->inputSize() : 0;
}

QString LazyPhotoEncoder::textCacheKey(const QString &text) const
{
    const PhotoEncoder *encoder = real();
    return encoder ? encoder->textCacheKey(text) : text;
}

EmbeddingRows LazyPhotoEncoder::encodeTexts(const QStringList &texts)
{
    QString error;
    PhotoEncoder *encoder = real(&error);
    return encoder ? encoder->encodeTexts(texts) : failedRows(error);
}

EmbeddingRows LazyPhotoEncoder::encodeImageFiles(const QStringList &paths)
{
    QString error;
    PhotoEncoder *encoder = real(&error);
    return encoder ? encoder->encodeImageFiles(paths) : failedRows(error);
}

std::unique_ptr<ImageBatchEncoder> LazyPhotoEncoder::startImageBatches(int batchSize, BatchCallback onBatch,
                                                                       int cpuThreads, QString *error)
{
    PhotoEncoder *encoder = real(error);
    return encoder ? encoder->startImageBatches(batchSize, std::move(onBatch), cpuThreads, error) : nullptr;
}

} // namespace clipfind
