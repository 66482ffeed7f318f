// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/text/tokenizer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace clipfind::cli {

// clipfind-cli tokenize TEXT... → {"context_length":77,"ids":[[77 ints], ...]}
int runTokenize(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Prints the CLIP token ids of each TEXT (SOT ... EOT, zero padded)."));
    parser.addPositionalArgument(QStringLiteral("text"), QStringLiteral("Texts to tokenize."), QStringLiteral("TEXT..."));
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
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
