// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/model/clipmodel.h"
#include "core/encode/photoencoder.h"

#include <QString>

#include <memory>

namespace clipfind {

/// A Hugging Face ChineseCLIPModel folder (OFA-Sys/chinese-clip-vit-*: config.json with model_type "chinese_clip",
/// model.safetensors, preprocessor_config.json, vocab.txt) as a library's model: photos go through ClipFind's decoder
/// (orientation, formats) and then the folder's own preprocessing (a resize to exactly its input size, no crop),
/// queries through its BERT text tower. Its rows live under their own model id, apart from any CLIP model's.
///
/// Everything is read by load() (the towers are not staged as ClipEncoder's are). Thread contract: PhotoEncoder's.
class ChineseClipEncoder : public PhotoEncoder
{
public:
    /// Whether `path` is a folder whose config.json says model_type "chinese_clip" (reads only that file).
    static bool isChineseClipFolder(const QString &path);

    /// Reads the folder (tokenizer, config, weights) and the SHA-256 of its model.safetensors (remembered in
    /// `dataDir`'s model store when it is not empty). Null with *error, one line naming the folder or the file in it
    /// and the problem.
    static std::unique_ptr<ChineseClipEncoder> load(const QString &folder, const clip::LoadOptions &options,
                                                    const QString &dataDir, QString *error);
    /// The model id load() would give the folder, from its model.safetensors' SHA-256 alone (the model is not
    /// read). Empty with *error when the file cannot be hashed.
    static QString modelIdFor(const QString &folder, const QString &dataDir, QString *error);
    ~ChineseClipEncoder() override;

    QString modelId() const override;
    /// "chinese-clip".
    QString kindName() const override;
    bool isCuda() const override;
    bool ensureCheckpoint(QString *error = nullptr) const override;
    bool prepareTextTower(QString *error = nullptr) override;
    bool prepareImageTower(QString *error = nullptr) override;
    bool isTextTowerReady() const override;
    bool isImageTowerReady() const override;
    /// {"path","kind","architecture","description","embedding_dim","max_text_length","vocabulary_size","model_id"}.
    QJsonObject describe() const override;
    QString deviceDescription() const override;
    int embeddingDim() const override;
    int inputSize() const override;
    QString textCacheKey(const QString &text) const override;
    EmbeddingRows encodeTexts(const QStringList &texts) override;
    EmbeddingRows encodeImageFiles(const QStringList &paths) override;
    /// Photos prepared as preprocessor_config.json says on the calling thread, encoded on an inference thread.
    std::unique_ptr<ImageBatchEncoder> startImageBatches(int batchSize, BatchCallback onBatch, int cpuThreads,
                                                         QString *error) override;

private:
    ChineseClipEncoder();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace clipfind
