// SPDX-License-Identifier: MIT
#pragma once

#include "core/encode/clipencoder.h"
#include "core/encode/photoencoder.h"

#include <QString>

#include <memory>

namespace clipfind {

/// loadPhotoEncoder() with Preload::Nothing: a PhotoEncoder that asks the model engine (engine.h) for the real one
/// only when something needs the model. modelId() comes from the model file's remembered SHA-256
/// (photoModelIdFor()) and kindName() from the files, so `index` of a folder where nothing changed and `status`
/// never load libtorch; every other call loads the real encoder first, once, whichever thread asks first (the others
/// wait), and then forwards to it. isCuda() needs no engine when the device is chosen (cpu or cuda), only for auto.
/// Thread contract: the real encoder's.
class LazyPhotoEncoder final : public PhotoEncoder
{
public:
    /// Null with *error (one line naming the file) when the model's id cannot be had (the file cannot be hashed).
    static std::unique_ptr<PhotoEncoder> create(const QString &path, const ClipEncoder::Settings &settings,
                                                QString *error);
    ~LazyPhotoEncoder() override;

    QString modelId() const override;
    QString kindName() const override;
    bool isCuda() const override;
    bool ensureCheckpoint(QString *error = nullptr) const override;
    bool prepareTextTower(QString *error = nullptr) override;
    bool prepareImageTower(QString *error = nullptr) override;
    bool isTextTowerReady() const override;
    bool isImageTowerReady() const override;
    QJsonObject describe() const override;
    QString deviceDescription() const override;
    int embeddingDim() const override;
    int inputSize() const override;
    QString textCacheKey(const QString &text) const override;
    EmbeddingRows encodeTexts(const QStringList &texts) override;
    EmbeddingRows encodeImageFiles(const QStringList &paths) override;
    std::unique_ptr<ImageBatchEncoder> startImageBatches(int batchSize, BatchCallback onBatch, int cpuThreads,
                                                         QString *error) override;

private:
    LazyPhotoEncoder();
    /// The real encoder, loaded on the first call; null with *error (the same one every time) when it cannot be.
    PhotoEncoder *real(QString *error = nullptr) const;
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace clipfind
