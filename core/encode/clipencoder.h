// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/model/clipmodel.h"
#include "core/encode/embeddingrows.h"
#include "core/encode/photoencoder.h"
#include "core/encode/texttower.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace clipfind {

class BertClipEncoder;
class Tokenizer;

/// The CLIP encoder the app and tools use: a checkpoint, the tokenizer and the reference image pipeline.
///
/// Loading happens in stages, each done once, on first need, whichever thread needs it first (the others wait):
///  1. load(): the model file's SHA-256 (the model's id in the cache; remembered in the data folder, so an
///     unchanged file is not hashed again); the tokenizer too unless nothing is preloaded (it is read on first
///     need then: indexing never tokenizes).
///  2. the checkpoint: the file mapped, its header read and every tensor's shape checked (milliseconds; no tensor
///     data is read). embeddingDim(), imageSize(), describe() and model() need it.
///  3. the text tower (search): float32 views over the mapped file, or converted from fp16.
///  4. the image tower (indexing, image terms, dropped images).
/// Settings::preload says how far load() goes before it returns; the rest follows on first use, or when asked
/// (prepareTextTower / prepareImageTower, e.g. on a worker thread right after load()).
///
/// Thread contract: load() anywhere (off the GUI thread when it preloads). The weights are read-only once built, so
/// texts may be encoded on one thread while images are encoded on another (the app searches while it indexes;
/// tests/encoderconcurrencytest.cpp checks both give exactly what they give alone). Each kind of call from one
/// thread at a time; the stages themselves are thread-safe.
class ClipEncoder : public PhotoEncoder
{
public:
    /// How far load() goes before it returns (see the class comment).
    enum class Preload {
        Nothing,    ///< the hash (remembered) only: the model file is not opened until something needs it
        Checkpoint, ///< + the checkpoint's header and shapes
        TextTower,  ///< + the text tower: ready to search (the default)
        BothTowers, ///< + the image tower
    };

    struct Settings {
        clip::LoadOptions load;
        Preload preload = Preload::TextTower;
        /// Where the model file's SHA-256 is remembered (<dataDir>/models/verified.json, see ModelStore::sha256Of).
        /// Empty: the file is hashed on every load.
        QString dataDir;
        /// A multilingual text model folder (sentence-transformers, e.g. clip-ViT-B-32-multilingual-v1) trained into
        /// this CLIP model's embedding space: queries `textTower` sends to it are encoded by it and scored against
        /// the same image rows (no re-indexing). Read with the text tower. Empty: CLIP's own tower only.
        QString multilingualText;
        TextTowerChoice textTower = TextTowerChoice::Auto;
    };

    /// Null with *error (one line naming the file) when the file cannot be hashed or a preloaded stage fails.
    static std::unique_ptr<ClipEncoder> load(const QString &modelPath, const Settings &settings, QString *error);
    /// An encoder around a model already built (benchmarks: clip::ClipModel::createRandom); `modelId` stands in
    /// for the checkpoint SHA-256 that keys the cache.
    static std::unique_ptr<ClipEncoder> fromModel(std::unique_ptr<clip::ClipModel> model, const QString &modelId,
                                                  QString *error);
    ~ClipEncoder() override;

    QString sha256() const;
    /// sha256(): a CLIP model's rows are keyed by its checkpoint file's hash.
    QString modelId() const override;
    /// The model file (a Hugging Face folder resolves to its model.safetensors).
    QString modelFile() const;
    /// Whether the model runs on CUDA (decided from the settings; the model need not be opened).
    bool isCuda() const override;
    /// "clip".
    QString kindName() const override;

    /// Stage 2 (see the class comment); false with *error, which every later call repeats.
    bool ensureCheckpoint(QString *error = nullptr) const override;
    /// Stage 3 / 4, each including stage 2. Thread-safe; a second caller waits for the first.
    bool prepareTextTower(QString *error = nullptr) override;
    bool prepareImageTower(QString *error = nullptr) override;
    bool isTextTowerReady() const override;
    bool isImageTowerReady() const override;

    /// Need stage 2 (which they run if needed): {"path","file","format","architecture","config":{...},"sha256"}
    /// (without format, architecture and config when the checkpoint cannot be read), the device ("" then), and
    /// sizes (0 then; ensureCheckpoint() says why).
    QJsonObject describe() const override;
    QString deviceDescription() const override;
    int imageSize() const;
    int embeddingDim() const override;
    /// imageSize().
    int inputSize() const override;
    /// The model, after a successful ensureCheckpoint() (or a preload that includes it); null before.
    clip::ClipModel *model();
    /// The built-in tokenizer (read on first need); null with *error when it cannot be read.
    const Tokenizer *tokenizer(QString *error = nullptr) const;

    /// Pairs a multilingual text model already loaded (tests, benchmarks) instead of Settings::multilingualText.
    /// Call before the encoder is shared between threads. False with *error when its features have another size
    /// than this model's (it was trained for another image model).
    bool setMultilingualText(std::unique_ptr<BertClipEncoder> model, TextTowerChoice choice, QString *error);
    /// Whether a multilingual text model is paired (after the text tower stage, which reads it).
    bool hasMultilingualText() const;
    /// What a query's embedding is cached under: the text, tagged with the tower that encodes it.
    QString textCacheKey(const QString &text) const override;

    /// Run stage 3 / 4 first if needed; a failure is the result's `error`. Texts go to CLIP's tower or to the
    /// paired multilingual one as the TextTowerChoice says.
    EmbeddingRows encodeTexts(const QStringList &texts) override;
    /// Decodes and preprocesses every file (errors per file), then encodes the good ones together.
    EmbeddingRows encodeImageFiles(const QStringList &paths) override;
    /// A clip::CropBatcher over the model: centre crops made on the calling thread, normalized on the device.
    std::unique_ptr<ImageBatchEncoder> startImageBatches(int batchSize, BatchCallback onBatch, int cpuThreads,
                                                         QString *error) override;

private:
    ClipEncoder();
    /// Checks and takes a multilingual text model (with multilingualMutex held).
    bool pairMultilingual(std::unique_ptr<BertClipEncoder> model, QString *error);
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace clipfind
