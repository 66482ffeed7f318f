// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/encode/bertclipencoder.h"
#include "core/text/tokenizer.h"
#include "core/text/wordpiecetokenizer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace clipfind::cli {

namespace {

// A model folder's own WordPiece ids: [CLS] ... [SEP], unpadded, truncated to the model's length.
int tokenizeWithFolder(const QString &folder, const QStringList &texts)
{
    QString error;
    const auto tokenizer = WordPieceTokenizer::load(folder, &error);
    if (!tokenizer) {
        return fail(error);
    }
    QJsonArray rows;
    for (const QString &text : texts) {
        QJsonArray ids;
        const std::vector<int64_t> encoded = tokenizer->encode(text, &error);
        if (encoded.empty()) {
            return fail(error);
        }
        for (const int64_t id : encoded) {
            ids.append(qint64(id));
        }
        rows.append(ids);
    }
    const QJsonObject out{{QStringLiteral("max_length"), tokenizer->maxLength()}, {QStringLiteral("ids"), rows}};
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}

} // namespace

// clipfind-cli tokenize TEXT... → {"context_length":77,"ids":[[77 ints], ...]}
// clipfind-cli tokenize --model DIR TEXT... → {"max_length":N,"ids":[[CLS ... SEP], ...]} (a WordPiece model folder)
int runTokenize(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Prints the CLIP token ids of each TEXT (SOT ... EOT, zero padded)."));
    parser.addPositionalArgument(QStringLiteral("text"), QStringLiteral("Texts to tokenize."),
                                 QStringLiteral("TEXT..."));
    parser.addOption({QStringLiteral("model"),
                      QStringLiteral("A multilingual or Chinese-CLIP model folder: its WordPiece ids, unpadded."),
                      QStringLiteral("folder")});
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    if (parser.isSet(QStringLiteral("model"))) {
        return tokenizeWithFolder(parser.value(QStringLiteral("model")), parser.positionalArguments());
    }
    QString error;
    const auto tokenizer = Tokenizer::loadBuiltin(&error);
    if (!tokenizer) {
        return fail(error);
    }
    QJsonArray rows;
    for (const QString &text : parser.positionalArguments()) {
        QJsonArray ids;
        for (const int64_t id : tokenizer->tokenize(text)) {
            ids.append(qint64(id));
        }
        rows.append(ids);
    }
    const QJsonObject out{{QStringLiteral("context_length"), Tokenizer::kContextLength}, {QStringLiteral("ids"), rows}};
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}

} // namespace clipfind::cli
