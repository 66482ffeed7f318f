// SPDX-License-Identifier: MIT
#include "core/encode/clipencoder.h"

#include "core/clip/pixels/imageprep.h"
#include "core/decode/imagepreprocessor.h"
#include "core/encode/bertclipencoder.h"
#include "core/models/modelcheck.h"
#include "core/models/modelstore.h"
#include "core/text/tokenizer.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QImage>

#include <mutex>

namespace clipfind {

namespace {

// The indexer's CLIP pipeline: the reference centre crop on the decode thread, the rest on the batcher's device.
class ClipCropBatches : public ImageBatchEncoder
{
public:
    ClipCropBatches(clip::ClipModel &model, int batchSize, PhotoEncoder::BatchCallback onBatch, int cpuThreads)
        : m_size(static_cast<int>(model.config().imageResolution))
        , m_batcher(model, batchSize, std::move(onBatch), cpuThreads)
    {
    }

    PreparedPhoto prepare(const QImage &rgb) const override
    {
        const clip::RgbView view{rgb.constBits(), rgb.width(), rgb.height(), rgb.bytesPerLine()};
        PreparedPhoto photo;
        photo.crop = clip::clipCenterCrop(view, m_size).pixels;
        return photo;
    }

    void push(int64_t ticket, PreparedPhoto photo) override { m_batcher.push(ticket, photo.crop.data()); }
    void finish() override { m_batcher.finish(); }

private:
    int m_size;
    clip::CropBatcher m_batcher;
};

} // namespace

struct ClipEncoder::Private {
    QString path;
    QString file;
    QString sha256;
    Settings settings;
    std::shared_ptr<const Tokenizer> tokenizer;

    std::mutex tokenizerMutex; // read on first need: indexing never tokenizes
    QString tokenizerError;

    std::mutex multilingualMutex; // read with the text tower, once
    bool multilingualTried = false;
    QString multilingualError;
    std::unique_ptr<BertClipEncoder> multilingual;
    std::atomic_bool hasMultilingual{false};

    std::mutex checkpointMutex; // stage 2, once
    std::atomic_bool opened{false};
    QString openError;
    std::unique_ptr<clip::ClipModel> model;

    const Tokenizer *ensureTokenizer(QString *error)
    {
        std::lock_guard<std::mutex> lock(tokenizerMutex);
        if (!tokenizer && tokenizerError.isEmpty()) {
            tokenizer = Tokenizer::loadBuiltin(&tokenizerError);
            if (!tokenizer && tokenizerError.isEmpty()) {
                tokenizerError = QStringLiteral("the built-in vocabulary cannot be read");
            }
        }
        if (!tokenizer && error) {
            *error = tokenizerError;
        }
        return tokenizer.get();
    }

    bool ensureCheckpoint(QString *error)
    {
        if (opened.load(std::memory_order_acquire)) {
            return true;
        }
        std::lock_guard<std::mutex> lock(checkpointMutex);
        if (!opened.load(std::memory_order_relaxed) && openError.isEmpty()) {
            clip::LoadOptions options = settings.load;
            options.lazyTowers = true; // the towers are separate stages here
            clip::LoadResult loaded = clip::ClipModel::load(QFile::encodeName(file).toStdString(), options);
            if (loaded.model) {
                model = std::move(loaded.model);
                opened.store(true, std::memory_order_release);
            } else {
                openError = QString::fromStdString(loaded.error);
            }
        }
        if (!opened.load(std::memory_order_relaxed) && error) {
            *error = openError;
        }
        return opened.load(std::memory_order_relaxed);
    }
};

ClipEncoder::ClipEncoder()
    : d(std::make_unique<Private>())
{
}

ClipEncoder::~ClipEncoder() = default;

std::unique_ptr<ClipEncoder> ClipEncoder::load(const QString &modelPath, const Settings &settings, QString *error)
{
    QString localError;
    if (!error) {
        error = &localError;
    }
    std::unique_ptr<ClipEncoder> encoder(new ClipEncoder);
    Private &d = *encoder->d;
    d.path = modelPath;
    d.file = modelFileFor(modelPath);
    d.settings = settings;
    if (settings.preload != Preload::Nothing && !d.ensureTokenizer(error)) {
        return nullptr;
    }
    if (!QFileInfo(d.file).isFile()) {
        // The checkpoint reader words every case of a missing or unusable path ("no such file", "folder holds no
        // model.safetensors ...").
        d.ensureCheckpoint(error);
        if (error->isEmpty()) {
            *error = QCoreApplication::translate("clipfind::ClipEncoder", "%1: not a model file").arg(modelPath);
        }
        return nullptr;
    }
    d.sha256 = ModelStore::sha256Of(d.file, settings.dataDir, error);
    if (d.sha256.isEmpty()) {
        return nullptr;
    }
    bool ok = true;
    switch (settings.preload) {
    case Preload::Nothing: break;
    case Preload::Checkpoint: ok = encoder->ensureCheckpoint(error); break;
    case Preload::TextTower: ok = encoder->prepareTextTower(error); break;
    case Preload::BothTowers: ok = encoder->prepareTextTower(error) && encoder->prepareImageTower(error); break;
    }
    return ok ? std::move(encoder) : nullptr;
}

std::unique_ptr<ClipEncoder> ClipEncoder::fromModel(std::unique_ptr<clip::ClipModel> model, const QString &modelId,
                                                    QString *error)
{
    std::unique_ptr<ClipEncoder> encoder(new ClipEncoder);
    encoder->d->tokenizer = Tokenizer::loadBuiltin(error);
    if (!encoder->d->tokenizer) {
        return nullptr;
    }
    encoder->d->settings.load.device = model->isCuda() ? clip::DeviceChoice::Cuda : clip::DeviceChoice::Cpu;
    encoder->d->model = std::move(model);
    encoder->d->opened = true;
    encoder->d->sha256 = modelId;
    encoder->d->path = modelId;
    return encoder;
}

QJsonObject ClipEncoder::describe() const
{
    QJsonObject description{
        {QStringLiteral("path"), d->path},
        {QStringLiteral("file"), d->model ? QFile::decodeName(d->model->file().c_str()) : d->file},
        {QStringLiteral("sha256"), d->sha256},
    };
    if (!ensureCheckpoint()) {
        return description;
    }
    const clip::ModelConfig &c = d->model->config();
    const QJsonObject config{
        {QStringLiteral("embed_dim"), qint64(c.embedDim)},
        {QStringLiteral("image_resolution"), qint64(c.imageResolution)},
        {QStringLiteral("vision_layers"), qint64(c.visionLayers)},
        {QStringLiteral("vision_width"), qint64(c.visionWidth)},
        {QStringLiteral("vision_heads"), qint64(c.visionHeads)},
        {QStringLiteral("vision_patch_size"), qint64(c.visionPatchSize)},
        {QStringLiteral("context_length"), qint64(c.contextLength)},
        {QStringLiteral("vocab_size"), qint64(c.vocabSize)},
        {QStringLiteral("transformer_width"), qint64(c.textWidth)},
        {QStringLiteral("transformer_heads"), qint64(c.textHeads)},
        {QStringLiteral("transformer_layers"), qint64(c.textLayers)},
        {QStringLiteral("activation"), c.quickGelu ? QStringLiteral("quick_gelu") : QStringLiteral("gelu")},
    };
    description.insert(QStringLiteral("file"), QFile::decodeName(d->model->file().c_str()));
    description.insert(QStringLiteral("format"), QString::fromStdString(d->model->format()));
    description.insert(QStringLiteral("architecture"), QString::fromStdString(clip::architectureName(c)));
    description.insert(QStringLiteral("config"), config);
    return description;
}

QString ClipEncoder::sha256() const
{
    return d->sha256;
}

QString ClipEncoder::modelId() const
{
    return d->sha256;
}

QString ClipEncoder::kindName() const
{
    return QStringLiteral("clip");
}

QString ClipEncoder::modelFile() const
{
    return d->file;
}

bool ClipEncoder::isCuda() const
{
    return d->opened.load(std::memory_order_acquire) ? d->model->isCuda() : clip::wouldUseCuda(d->settings.load);
}

bool ClipEncoder::ensureCheckpoint(QString *error) const
{
    return d->ensureCheckpoint(error);
}

bool ClipEncoder::prepareTextTower(QString *error)
{
    if (!d->ensureCheckpoint(error)) {
        return false;
    }
    std::string problem;
    if (!d->model->prepareTextTower(&problem)) {
        if (error) {
            *error = QString::fromStdString(problem);
        }
        return false;
    }
    if (d->settings.multilingualText.isEmpty()) {
        return true;
    }
    std::lock_guard<std::mutex> lock(d->multilingualMutex);
    if (!d->multilingualTried) {
        d->multilingualTried = true;
        auto model = BertClipEncoder::load(d->settings.multilingualText, d->settings.load, &d->multilingualError);
        if (model) {
            pairMultilingual(std::move(model), &d->multilingualError);
        }
    }
    if (!d->multilingualError.isEmpty() && error) {
        *error = d->multilingualError;
    }
    return d->multilingualError.isEmpty();
}

bool ClipEncoder::pairMultilingual(std::unique_ptr<BertClipEncoder> model, QString *error)
{
    if (model->hasImageTower()) {
        *error =
            QCoreApplication::translate("clipfind::ClipEncoder",
                                        "%1: a model with its own image tower cannot be paired with another CLIP model")
                .arg(model->describe().value(QStringLiteral("path")).toString());
        return false;
    }
    if (model->embeddingDim() != embeddingDim()) {
        *error = QCoreApplication::translate(
                     "clipfind::ClipEncoder",
                     "%1: its text features have %2 values, this CLIP model's %3: it was trained for "
                     "another image model")
                     .arg(model->describe().value(QStringLiteral("path")).toString())
                     .arg(model->embeddingDim())
                     .arg(embeddingDim());
        return false;
    }
    d->multilingual = std::move(model);
    d->hasMultilingual.store(true, std::memory_order_release);
    return true;
}

bool ClipEncoder::setMultilingualText(std::unique_ptr<BertClipEncoder> model, TextTowerChoice choice, QString *error)
{
    QString problem;
    if (!model || !ensureCheckpoint(&problem)) {
        if (error) {
            *error = model ? problem : QStringLiteral("no multilingual model");
        }
        return false;
    }
    std::lock_guard<std::mutex> lock(d->multilingualMutex);
    d->multilingualTried = true;
    d->settings.textTower = choice;
    if (!pairMultilingual(std::move(model), &problem)) {
        if (error) {
            *error = problem;
        }
        return false;
    }
    return true;
}

bool ClipEncoder::hasMultilingualText() const
{
    return d->hasMultilingual.load(std::memory_order_acquire);
}

QString ClipEncoder::textCacheKey(const QString &text) const
{
    if (hasMultilingualText() && usesMultilingualTower(d->settings.textTower, text)) {
        return QStringLiteral("multilingual:") + text;
    }
    return QStringLiteral("clip:") + text;
}

bool ClipEncoder::prepareImageTower(QString *error)
{
    if (!d->ensureCheckpoint(error)) {
        return false;
    }
    std::string problem;
    if (!d->model->prepareImageTower(&problem)) {
        if (error) {
            *error = QString::fromStdString(problem);
        }
        return false;
    }
    return true;
}

bool ClipEncoder::isTextTowerReady() const
{
    return d->opened.load(std::memory_order_acquire) && d->model->isTextTowerReady();
}

bool ClipEncoder::isImageTowerReady() const
{
    return d->opened.load(std::memory_order_acquire) && d->model->isImageTowerReady();
}

QString ClipEncoder::deviceDescription() const
{
    return ensureCheckpoint() ? QString::fromStdString(d->model->deviceDescription()) : QString();
}

int ClipEncoder::imageSize() const
{
    return ensureCheckpoint() ? static_cast<int>(d->model->config().imageResolution) : 0;
}

int ClipEncoder::inputSize() const
{
    return imageSize();
}

int ClipEncoder::embeddingDim() const
{
    return ensureCheckpoint() ? static_cast<int>(d->model->config().embedDim) : 0;
}

clip::ClipModel *ClipEncoder::model()
{
    return d->opened.load(std::memory_order_acquire) ? d->model.get() : nullptr;
}

const Tokenizer *ClipEncoder::tokenizer(QString *error) const
{
    return d->ensureTokenizer(error);
}

EmbeddingRows ClipEncoder::encodeTexts(const QStringList &texts)
{
    EmbeddingRows result;
    if (texts.isEmpty()) {
        result.dim = embeddingDim();
        return result;
    }
    if (!prepareTextTower(&result.error)) {
        return result;
    }
    const Tokenizer *tokenizer = d->ensureTokenizer(&result.error);
    if (!tokenizer) {
        return result;
    }
    result.dim = embeddingDim();
    result.values.assign(static_cast<size_t>(texts.size()) * result.dim, 0.0f);
    result.errors.assign(static_cast<size_t>(texts.size()), QString());
    // Each text to its tower; CLIP's texts go through it together.
    std::vector<std::vector<int64_t>> tokens;
    std::vector<int> clipRows;
    for (int i = 0; i < texts.size(); ++i) {
        if (hasMultilingualText() && usesMultilingualTower(d->settings.textTower, texts[i])) {
            const EmbeddingRows row = d->multilingual->encodeTexts({texts[i]});
            if (!row.error.isEmpty()) {
                result.error = row.error;
                result.values.clear();
                return result;
            }
            result.errors[static_cast<size_t>(i)] = row.errors.at(0);
            result.setRow(i, row.row(0));
            continue;
        }
        tokens.push_back(tokenizer->tokenize(texts[i], static_cast<int>(d->model->config().contextLength)));
        clipRows.push_back(i);
    }
    if (clipRows.empty()) {
        return result;
    }
    result.place(d->model->encodeTexts(tokens), clipRows);
    return result;
}

EmbeddingRows ClipEncoder::encodeImageFiles(const QStringList &paths)
{
    EmbeddingRows result;
    if (paths.isEmpty()) {
        result.dim = embeddingDim();
        return result;
    }
    if (!prepareImageTower(&result.error)) {
        return result;
    }
    result.dim = embeddingDim();
    result.errors.assign(static_cast<size_t>(paths.size()), QString());
    result.values.assign(static_cast<size_t>(paths.size()) * result.dim, 0.0f);
    std::vector<float> pixels;
    std::vector<int> goodRows;
    for (int i = 0; i < paths.size(); ++i) {
        const PreprocessedImage image = preprocessImageFile(paths[i], imageSize());
        if (!image.ok()) {
            result.errors[static_cast<size_t>(i)] = image.error;
            continue;
        }
        pixels.insert(pixels.end(), image.pixels.begin(), image.pixels.end());
        goodRows.push_back(i);
    }
    if (!goodRows.empty()) {
        result.place(d->model->encodeImages(pixels.data(), static_cast<int64_t>(goodRows.size())), goodRows);
    }
    return result;
}

std::unique_ptr<ImageBatchEncoder> ClipEncoder::startImageBatches(int batchSize, BatchCallback onBatch, int cpuThreads,
                                                                  QString *error)
{
    if (!isImageTowerReady()) {
        if (error) {
            *error =
                QCoreApplication::translate("clipfind::ClipEncoder", "%1: the image tower is not ready").arg(d->path);
        }
        return nullptr;
    }
    return std::make_unique<ClipCropBatches>(*d->model, batchSize, std::move(onBatch), cpuThreads);
}

} // namespace clipfind
