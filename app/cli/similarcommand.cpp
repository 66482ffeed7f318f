// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/search/searchengine.h"

namespace clipfind::cli {

// clipfind-cli similar DIR IMAGE [-k N] [--cutoff] [--sort relevance|date] [--json]
int runSimilar(const QStringList &arguments)
{
    return runRankingCommand(
        arguments,
        {QStringLiteral("Ranks the indexed photos of DIR by similarity to IMAGE: an indexed photo's stored embedding, "
                        "or any other image encoded on the fly."),
         QStringLiteral("IMAGE"), QStringLiteral("The example photo."),
         QStringLiteral("similar needs a folder and one image"),
         [](SearchEngine &engine, const QString &image, const SearchOptions &options) {
             return engine.similar(image, options);
         }});
}

} // namespace clipfind::cli
