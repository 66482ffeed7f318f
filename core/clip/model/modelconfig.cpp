// SPDX-License-Identifier: MIT
#include "core/clip/model/modelconfig.h"

namespace clipfind::clip {

namespace {

struct NamedArchitecture {
    const char *name;
    ModelConfig config;
};

ModelConfig vit(int64_t resolution, int64_t patch, int64_t visionWidth, int64_t visionLayers, int64_t textWidth,
                int64_t embed)
{
    ModelConfig c;
    c.imageResolution = resolution;
    c.visionPatchSize = patch;
    c.visionWidth = visionWidth;
    c.visionLayers = visionLayers;
    c.visionHeads = visionWidth / 64; // head_dim is 64 in every OpenAI model
    c.textWidth = textWidth;
    c.textLayers = 12;
    c.textHeads = textWidth / 64;
    c.embedDim = embed;
    return c;
}

// clip-reference.md §1.1 (openai/CLIP build_model on the released checkpoints).
const NamedArchitecture kArchitectures[] = {
    {"ViT-B/32", vit(224, 32, 768, 12, 512, 512)},
    {"ViT-B/16", vit(224, 16, 768, 12, 512, 512)},
    {"ViT-L/14", vit(224, 14, 1024, 24, 768, 768)},
    {"ViT-L/14@336px", vit(336, 14, 1024, 24, 768, 768)},
};

bool sameShape(const ModelConfig &a, const ModelConfig &b)
{
    return a.imageResolution == b.imageResolution && a.visionPatchSize == b.visionPatchSize
        && a.visionWidth == b.visionWidth && a.visionLayers == b.visionLayers && a.visionHeads == b.visionHeads
        && a.textWidth == b.textWidth && a.textLayers == b.textLayers && a.textHeads == b.textHeads
        && a.embedDim == b.embedDim && a.contextLength == b.contextLength && a.vocabSize == b.vocabSize;
}

} // namespace

bool architectureConfig(const std::string &name, ModelConfig *config)
{
    for (const NamedArchitecture &arch : kArchitectures) {
        if (name == arch.name) {
            *config = arch.config;
            return true;
        }
    }
    return false;
}

std::string architectureName(const ModelConfig &config)
{
    for (const NamedArchitecture &arch : kArchitectures) {
        if (sameShape(arch.config, config)) {
            return arch.name;
        }
    }
    return "custom ViT";
}

} // namespace clipfind::clip
