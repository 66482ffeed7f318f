// SPDX-License-Identifier: MIT
#include "core/encode/clipencoder.h"

#include "core/decode/imagepreprocessor.h"
#include "core/store/filehash.h"
#include "core/text/tokenizer.h"

#include <QFileInfo>

namespace clipfind {

struct ClipEncoder::Private {
    std::unique_ptr<clip::ClipModel> model;
    std::shared_ptr<const Tokenizer> tokenizer;
    QString path;
    QString sha256;
};

ClipEncoder::ClipEncoder()
    : d(std::make_unique<Private>())
{
}

ClipEncoder::~ClipEncoder() = default;

std::unique_ptr<ClipEncoder> ClipEncoder::load(const QString &modelPath, const Settings &settings, QString *error)
{
    clip::LoadResult loaded = clip::ClipModel::load(QFile::encodeName(modelPath).toStdString(), settings.load);
    if (!loaded.model) {
        if (error) {
            *error = QString::fromStdString(loaded.error);
        }
        return nullptr;
    }
    std::unique_ptr<ClipEncoder> encoder(new ClipEncoder);
    encoder->d->tokenizer = Tokenizer::loadBuiltin(error);
    if (!encoder->d->tokenizer) {
        return nullptr;
    }
    encoder->d->sha256 = sha256OfFile(QFile::decodeName(loaded.model->file().c_str()), error);
    if (encoder->d->sha256.isEmpty()) {
        return nullptr;
    }
    encoder->d->model = std::move(loaded.model);
    encoder->d->path = modelPath;
    return encoder;
}

std::unique_ptr<ClipEncoder> ClipEncoder::fromModel(std::unique_ptr<clip::ClipModel> model, const QString &modelId,
                                                  QString *error)
{
    std::unique_ptr<ClipEncoder> encoder(new ClipEncoder);
    encoder->d->tokenizer = Tokenizer::loadBuiltin(error);
    if (!encoder->d->tokenizer) {
        return nullptr;
    }
    encoder->d->model = std::move(model);
    encoder->d->sha256 = modelId;
    encoder->d->path = modelId;
    return encoder;
}

QJsonObject ClipEncoder::describe() const
{
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
    return {
        {QStringLiteral("path"), d->path},
        {QStringLiteral("file"), QFile::decodeName(d->model->file().c_str())},
        {QStringLiteral("format"), QString::fromStdString(d->model->format())},
        {QStringLiteral("architecture"), QString::fromStdString(clip::architectureName(c))},
        {QStringLiteral("config"), config},
        {QStringLiteral("sha256"), d->sha256},
    };
}

QString ClipEncoder::sha256() const
{
    return d->sha256;
}

QString ClipEncoder::deviceDescription() const
{
    return QString::fromStdString(d->model->deviceDescription());
}

int ClipEncoder::imageSize() const
{
    return static_cast<int>(d->model->config().imageResolution);
}

int ClipEncoder::embeddingDim() const
{
    return static_cast<int>(d->model->config().embedDim);
}

const Tokenizer &ClipEncoder::tokenizer() const
{
    return *d->tokenizer;
}

clip::ClipModel &ClipEncoder::model()
{
    return *d->model;
}

EmbeddingRows ClipEncoder::encodeTexts(const QStringList &texts)
{
    EmbeddingRows result;
    result.dim = embeddingDim();
    std::vector<std::vector<int64_t>> tokens;
    tokens.reserve(static_cast<size_t>(texts.size()));
    for (const QString &text : texts) {
        tokens.push_back(d->tokenizer->tokenize(text, static_cast<int>(d->model->config().contextLength)));
    }
    const clip::Features features = d->model->encodeTexts(tokens);
    if (!features.ok()) {
        result.error = QString::fromStdString(features.error);
        return result;
    }
    result.values = features.values;
    result.errors.assign(static_cast<size_t>(texts.size()), QString());
    return result;
}

EmbeddingRows ClipEncoder::encodeImageFiles(const QStringList &paths)
{
    EmbeddingRows result;
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
    if (goodRows.empty()) {
        return result;
    }
    const clip::Features features = d->model->encodeImages(pixels.data(), static_cast<int64_t>(goodRows.size()));
    if (!features.ok()) {
        result.error = QString::fromStdString(features.error);
        result.values.clear();
        return result;
    }
    for (size_t k = 0; k < goodRows.size(); ++k) {
        std::copy(features.row(static_cast<int64_t>(k)), features.row(static_cast<int64_t>(k)) + result.dim,
                  result.values.begin() + static_cast<ptrdiff_t>(goodRows[k]) * result.dim);
    }
    return result;
}

} // namespace clipfind
