// SPDX-License-Identifier: MIT
#include "core/encode/bertclipencoder.h"

#include "core/clip/model/bertclipmodel.h"
#include "core/clip/pixels/chineseclipprep.h"
#include "core/decode/imagedecoder.h"
#include "core/text/wordpiecetokenizer.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

namespace clipfind {

struct BertClipEncoder::Private {
    QString folder;
    std::shared_ptr<const WordPieceTokenizer> tokenizer;
    std::unique_ptr<clip::BertClipModel> model;
};

BertClipEncoder::BertClipEncoder()
    : d(std::make_unique<Private>())
{
}

BertClipEncoder::~BertClipEncoder() = default;

std::unique_ptr<BertClipEncoder> BertClipEncoder::load(const QString &folder, const clip::LoadOptions &options,
                                                       QString *error)
{
    if (!QFileInfo(folder).isDir()) {
        if (error) {
            *error =
                QCoreApplication::translate("clipfind::BertClipEncoder",
                                            "%1: not a model folder (a multilingual or Chinese-CLIP model is a folder)")
                    .arg(QDir::toNativeSeparators(folder));
        }
        return nullptr;
    }
    std::unique_ptr<BertClipEncoder> encoder(new BertClipEncoder);
    encoder->d->folder = folder;
    encoder->d->tokenizer = WordPieceTokenizer::load(folder, error);
    if (!encoder->d->tokenizer) {
        return nullptr;
    }
    clip::BertClipLoadResult loaded = clip::BertClipModel::load(QFile::encodeName(folder).toStdString(), options);
    if (!loaded.model) {
        if (error) {
            *error = QString::fromStdString(loaded.error);
        }
        return nullptr;
    }
    if (loaded.model->vocabularySize() < encoder->d->tokenizer->vocabularySize()) {
        if (error) {
            *error = QCoreApplication::translate("clipfind::BertClipEncoder",
                                                 "%1: the vocabulary has %2 pieces but the model's embedding only %3")
                         .arg(QDir::toNativeSeparators(folder))
                         .arg(encoder->d->tokenizer->vocabularySize())
                         .arg(loaded.model->vocabularySize());
        }
        return nullptr;
    }
    encoder->d->model = std::move(loaded.model);
    return encoder;
}

QString BertClipEncoder::kindName() const
{
    return QString::fromStdString(d->model->kindName());
}

bool BertClipEncoder::hasImageTower() const
{
    return d->model->hasImageTower();
}

int BertClipEncoder::embeddingDim() const
{
    return static_cast<int>(d->model->embeddingDim());
}

QJsonObject BertClipEncoder::describe() const
{
    return {
        {QStringLiteral("path"), d->folder},
        {QStringLiteral("kind"), kindName()},
        {QStringLiteral("description"), QString::fromStdString(d->model->description())},
        {QStringLiteral("embedding_dim"), embeddingDim()},
        {QStringLiteral("max_text_length"), d->tokenizer->maxLength()},
        {QStringLiteral("vocabulary_size"), qint64(d->tokenizer->vocabularySize())},
    };
}

QString BertClipEncoder::deviceDescription() const
{
    return QString::fromStdString(d->model->deviceDescription());
}

std::vector<int64_t> BertClipEncoder::tokenize(const QString &text, QString *error) const
{
    std::vector<int64_t> ids = d->tokenizer->encode(text, error);
    // The model cannot take more positions than it has, whatever the tokenizer's settings say.
    const auto limit = static_cast<size_t>(std::max<int64_t>(2, d->model->maxTextLength()));
    if (ids.size() > limit) {
        const int64_t last = ids.back();
        ids.resize(limit);
        ids.back() = last;
    }
    return ids;
}

EmbeddingRows BertClipEncoder::encodeTexts(const QStringList &texts)
{
    EmbeddingRows result;
    result.dim = embeddingDim();
    result.errors.assign(static_cast<size_t>(texts.size()), QString());
    result.values.assign(static_cast<size_t>(texts.size()) * result.dim, 0.0f);
    for (int i = 0; i < texts.size(); ++i) {
        QString error;
        const std::vector<int64_t> ids = tokenize(texts[i], &error);
        if (ids.empty()) {
            result.errors[static_cast<size_t>(i)] = error;
            continue;
        }
        // One text at a time: each runs at its own length, which is what the reference computes.
        const clip::Features features = d->model->encodeTexts({ids});
        if (!features.ok()) {
            result.error = QString::fromStdString(features.error);
            result.values.clear();
            return result;
        }
        result.setRow(i, features.row(0));
    }
    return result;
}

EmbeddingRows BertClipEncoder::encodeImageFiles(const QStringList &paths)
{
    EmbeddingRows result;
    result.dim = embeddingDim();
    if (paths.isEmpty()) {
        return result;
    }
    if (!hasImageTower()) {
        result.error =
            QCoreApplication::translate("clipfind::BertClipEncoder",
                                        "%1: this text model has no image tower; images are encoded by the CLIP model "
                                        "it was trained against")
                .arg(QDir::toNativeSeparators(d->folder));
        return result;
    }
    result.errors.assign(static_cast<size_t>(paths.size()), QString());
    result.values.assign(static_cast<size_t>(paths.size()) * result.dim, 0.0f);
    std::vector<float> pixels;
    std::vector<int> goodRows;
    for (int i = 0; i < paths.size(); ++i) {
        const DecodedImage decoded = decodeImage(paths[i]);
        if (!decoded.ok()) {
            result.errors[static_cast<size_t>(i)] = decoded.error;
            continue;
        }
        const QImage &rgb = decoded.image;
        const clip::RgbView view{rgb.constBits(), rgb.width(), rgb.height(), rgb.bytesPerLine()};
        clip::preprocessForChineseClip(view, d->model->imageConfig(), pixels);
        goodRows.push_back(i);
    }
    if (!goodRows.empty()) {
        result.place(d->model->encodeImages(pixels.data(), static_cast<int64_t>(goodRows.size())), goodRows);
    }
    return result;
}

clip::BertClipModel &BertClipEncoder::model()
{
    return *d->model;
}

} // namespace clipfind
