// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/encode/bertclipencoder.h"
#include "core/encode/clipencoder.h"
#include "core/engine/engine.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace clipfind::cli {

namespace {

QJsonArray rowsToJson(const EmbeddingRows &rows)
{
    QJsonArray out;
    for (int i = 0; i < rows.rows(); ++i) {
        QJsonArray row;
        for (int j = 0; j < rows.dim; ++j) {
            row.append(double(rows.row(i)[j]));
        }
        out.append(row);
    }
    return out;
}

bool printFeatures(const QJsonObject &model, const QString &device, const EmbeddingRows &texts,
                   const EmbeddingRows &images)
{
    for (const EmbeddingRows *rows : {&texts, &images}) {
        if (!rows->error.isEmpty()) {
            fail(rows->error);
            return false;
        }
        for (const QString &rowError : rows->errors) {
            if (!rowError.isEmpty()) {
                fail(rowError);
                return false;
            }
        }
    }
    const QJsonObject out{
        {QStringLiteral("model"), model},
        {QStringLiteral("device"), device},
        {QStringLiteral("text_features"), rowsToJson(texts)},
        {QStringLiteral("image_features"), rowsToJson(images)},
    };
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
    return true;
}

} // namespace

// clipfind-cli embed --model PATH [--device D] [--text T]... [--image F]...
int runEmbed(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Prints unnormalized CLIP features of texts and images as JSON."));
    parser.addOption({QStringLiteral("model"),
                      QStringLiteral("OpenAI .pt, open_clip .safetensors, a Hugging Face CLIPModel folder, a "
                                     "sentence-transformers multilingual folder or a Chinese-CLIP folder."),
                      QStringLiteral("path")});
    parser.addOption(
        {QStringLiteral("text"), QStringLiteral("A text to encode (repeatable)."), QStringLiteral("text")});
    parser.addOption(
        {QStringLiteral("image"), QStringLiteral("An image to encode (repeatable)."), QStringLiteral("file")});
    parser.addOption(
        {QStringLiteral("data-dir"),
         QStringLiteral(
             "Where the model's SHA-256 is remembered (default: $CLIPFIND_DATA_DIR, ~/.local/share/clipfind)."),
         QStringLiteral("dir")});
    addDeviceOptions(parser);
    addEagerOption(parser);
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    if (!parser.isSet(QStringLiteral("model"))) {
        return fail(QStringLiteral("embed needs --model PATH"), 2);
    }
    ClipEncoder::Settings settings;
    QString error;
    if (!readDeviceOptions(parser, &settings.load, &error)) {
        return fail(error, 2);
    }
    const QString modelPath = parser.value(QStringLiteral("model"));
    if (BertClipEncoder::isBertClipFolder(modelPath)) {
        const Engine *models = modelEngine(&error);
        Engine::FolderModelOutput output;
        if (!models
            || !models->encodeWithModelFolder(modelPath, settings.load, parser.values(QStringLiteral("text")),
                                              parser.values(QStringLiteral("image")), &output, &error)) {
            return fail(error);
        }
        return printFeatures(output.description, output.device, output.texts, output.images) ? 0 : 1;
    }
    // Only the towers the arguments need are built: --text alone never reads the image tower's weights.
    applyStartOptions(parser, ClipEncoder::Preload::Nothing, dataDirOption(parser), &settings);
    const Engine *models = modelEngine(&error);
    const auto encoder = models ? models->loadPhotoEncoder(modelPath, settings, &error) : nullptr;
    if (!encoder) {
        return fail(error);
    }
    const EmbeddingRows texts = encoder->encodeTexts(parser.values(QStringLiteral("text")));
    if (!texts.error.isEmpty()) {
        return fail(texts.error);
    }
    const EmbeddingRows images = encoder->encodeImageFiles(parser.values(QStringLiteral("image")));
    return printFeatures(encoder->describe(), encoder->deviceDescription(), texts, images) ? 0 : 1;
}

} // namespace clipfind::cli
