// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/encode/clipencoder.h"

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

} // namespace

// clipfind-cli embed --model PATH [--device D] [--text T]... [--image F]...
int runEmbed(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Prints unnormalized CLIP features of texts and images as JSON."));
    parser.addOption({QStringLiteral("model"),
                      QStringLiteral("OpenAI .pt, open_clip .safetensors or a Hugging Face CLIPModel folder."),
                      QStringLiteral("path")});
    parser.addOption({QStringLiteral("text"), QStringLiteral("A text to encode (repeatable)."), QStringLiteral("text")});
    parser.addOption({QStringLiteral("image"), QStringLiteral("An image to encode (repeatable)."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("data-dir"),
                      QStringLiteral("Where the model's SHA-256 is remembered (default: $CLIPFIND_DATA_DIR, ~/.local/share/clipfind)."),
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
    // Only the towers the arguments need are built: --text alone never reads the image tower's weights.
    applyStartOptions(parser, ClipEncoder::Preload::Nothing, dataDirOption(parser), &settings);
    const auto encoder = ClipEncoder::load(parser.value(QStringLiteral("model")), settings, &error);
    if (!encoder) {
        return fail(error);
    }
    const EmbeddingRows texts = encoder->encodeTexts(parser.values(QStringLiteral("text")));
    if (!texts.error.isEmpty()) {
        return fail(texts.error);
    }
    const EmbeddingRows images = encoder->encodeImageFiles(parser.values(QStringLiteral("image")));
    if (!images.error.isEmpty()) {
        return fail(images.error);
    }
    for (const QString &imageError : images.errors) {
        if (!imageError.isEmpty()) {
            return fail(imageError);
        }
    }
    const QJsonObject out{
        {QStringLiteral("model"), encoder->describe()},
        {QStringLiteral("device"), encoder->deviceDescription()},
        {QStringLiteral("text_features"), rowsToJson(texts)},
        {QStringLiteral("image_features"), rowsToJson(images)},
    };
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}

} // namespace clipfind::cli
