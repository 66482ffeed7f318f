// SPDX-License-Identifier: MIT
// randomModel(): benchmarks only, so only clipfind-bench (which links libtorch) has it.
#include "commands.h"

#include "core/clip/model/modelconfig.h"

namespace clipfind::cli {

std::unique_ptr<clip::ClipModel> randomModel(const QString &arch, const clip::LoadOptions &options, QString *error,
                                             bool *usageError)
{
    clip::ModelConfig config;
    *usageError = !clip::architectureConfig(arch.toStdString(), &config);
    if (*usageError) {
        *error = QStringLiteral("unknown architecture '%1' (ViT-B/32, ViT-B/16, ViT-L/14 or ViT-L/14@336px)").arg(arch);
        return nullptr;
    }
    clip::LoadResult loaded = clip::ClipModel::createRandom(config, options);
    if (!loaded.model) {
        *error = QString::fromStdString(loaded.error);
    }
    return std::move(loaded.model);
}

} // namespace clipfind::cli
