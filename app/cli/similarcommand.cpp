// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/searchengine.h"

namespace clipfind::cli {

// clipfind-cli similar DIR IMAGE [-k N] [--cutoff] [--sort relevance|date] [--json]
int runSimilar(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Ranks the indexed photos of DIR by similarity to IMAGE: an indexed photo's stored embedding, or any other "
        "image encoded on the fly."));
    parser.addPositionalArgument(QStringLiteral("folder"), QStringLiteral("The indexed photo folder."), QStringLiteral("DIR"));
    parser.addPositionalArgument(QStringLiteral("image"), QStringLiteral("The example photo."), QStringLiteral("IMAGE"));
    addSearchOptions(parser);
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2) {
        return fail(QStringLiteral("similar needs a folder and one image"), 2);
    }
    const QString image = positional.at(1);
    return runSearchCommand(parser, positional.at(0), [&image](SearchEngine &engine, const SearchOptions &options) {
        return engine.similar(image, options);
    });
}

} // namespace clipfind::cli
