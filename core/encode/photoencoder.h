// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/pixels/cropbatcher.h"
#include "core/encode/embeddingrows.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

class QImage;

namespace clipfind {

/// One photo made into a model's image input on a decode thread: whichever field its model's pipeline fills.
struct PreparedPhoto {
    std::vector<uint8_t> crop; ///< CLIP: the 8-bit R x R RGB centre crop (normalized later, on the model's device)
    std::vector<float> pixels; ///< Chinese-CLIP: the CHW float32 input (its own resize and normalization)
};

/// Feeds photos decoded by the indexer's pool to a model's image tower, in batches. Thread contract as
/// clip::CropBatcher: prepare() and push() from any thread; finish() once, after every push() has returned; each
/// batch's rows arrive through the callback given to PhotoEncoder::startImageBatches(), on one inference thread, in
/// batch order.
class ImageBatchEncoder
{
public:
    virtual ~ImageBatchEncoder() = default;
    /// The model input of an upright 8-bit RGB photo (QImage::Format_RGB888, as decodeImage() gives it). Reentrant.
    virtual PreparedPhoto prepare(const QImage &rgb) const = 0;
    /// Queues a prepared photo under `ticket` (taken: a Chinese-CLIP input is 600 KB); blocks while the model is
    /// behind.
    virtual void push(int64_t ticket, PreparedPhoto photo) = 0;
    /// Encodes what is left, delivers every batch and stops the inference thread.
    virtual void finish() = 0;
};

/// The model a photo library indexes and searches with: what the indexer, the search engine and PhotoLibrary need of
/// it, whichever kind it is (a CLIP checkpoint: ClipEncoder; a Chinese-CLIP folder: ChineseClipEncoder). Load one
/// with loadPhotoEncoder() (photoencoderloader.h).
///
/// Thread contract (every implementation): the weights are read-only once built, so texts may be encoded on one
/// thread while images are encoded on another; each kind of call from one thread at a time; the prepare* stages are
/// thread-safe.
class PhotoEncoder
{
public:
    using BatchCallback = std::function<void(clip::CropBatchResult)>;

    virtual ~PhotoEncoder() = default;

    /// What this model's rows are stored under in the library database. Two models never share an id: a CLIP
    /// checkpoint's is its file's SHA-256, a Chinese-CLIP folder's "chinese-clip:" + its model.safetensors' SHA-256.
    virtual QString modelId() const = 0;
    /// "clip" or "chinese-clip" (known without reading the model).
    virtual QString kindName() const = 0;
    /// Whether the model runs on CUDA (the search rows then live there too).
    virtual bool isCuda() const = 0;

    /// The checkpoint read far enough for embeddingDim() and describe(); false with *error (one line).
    virtual bool ensureCheckpoint(QString *error = nullptr) const = 0;
    virtual bool prepareTextTower(QString *error = nullptr) = 0;
    virtual bool prepareImageTower(QString *error = nullptr) = 0;
    virtual bool isTextTowerReady() const = 0;
    virtual bool isImageTowerReady() const = 0;

    /// At least {"path", "architecture"} (a short name for the model, shown when it is ready).
    virtual QJsonObject describe() const = 0;
    virtual QString deviceDescription() const = 0;
    virtual int embeddingDim() const = 0;
    /// The side the image tower's input has (the larger one when it is not square): photos may be decoded down to
    /// twice this on their short side without changing what the model sees much.
    virtual int inputSize() const = 0;

    /// What a query's embedding is cached under (the text, tagged with the tower that encodes it).
    virtual QString textCacheKey(const QString &text) const = 0;
    /// Rows in input order (EmbeddingRows); a tower that cannot be built is the result's `error`.
    virtual EmbeddingRows encodeTexts(const QStringList &texts) = 0;
    /// Decodes and prepares every file (errors per file), then encodes the good ones together.
    virtual EmbeddingRows encodeImageFiles(const QStringList &paths) = 0;

    /// The indexer's encode stage, after a successful prepareImageTower(): `batchSize` photos per forward pass,
    /// `cpuThreads` > 0 the inference thread's own intra-op thread count on the CPU. Null with *error when the image
    /// tower is not ready.
    virtual std::unique_ptr<ImageBatchEncoder> startImageBatches(int batchSize, BatchCallback onBatch, int cpuThreads,
                                                                 QString *error) = 0;
};

} // namespace clipfind
