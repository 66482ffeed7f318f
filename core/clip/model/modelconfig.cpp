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

struct Bound {
    const char *name;
    int64_t value;
    int64_t max;
};

} // namespace

bool checkModelConfig(const ModelConfig &c, std::string *problem)
{
    // Real models: widths up to 1,664 (ViT-bigG), 48 layers, 336 px, patch 32, vocab 49,408 / 250k (multilingual).
    // The bounds leave a wide margin and keep every derived product (4 * width * width, tokens * width) far from
    // int64 overflow.
    const Bound bounds[] = {
        {"embed dim", c.embedDim, 1 << 16},           {"image resolution", c.imageResolution, 1 << 14},
        {"patch size", c.visionPatchSize, 1 << 12},   {"vision width", c.visionWidth, 1 << 16},
        {"vision layers", c.visionLayers, 1 << 10},   {"vision heads", c.visionHeads, 1 << 16},
        {"context length", c.contextLength, 1 << 16}, {"vocabulary size", c.vocabSize, 1 << 24},
        {"text width", c.textWidth, 1 << 16},         {"text layers", c.textLayers, 1 << 10},
        {"text heads", c.textHeads, 1 << 16},
    };
    for (const Bound &bound : bounds) {
        if (bound.value < 1 || bound.value > bound.max) {
            *problem = std::string(bound.name) + " " + std::to_string(bound.value) + " is outside 1.."
                       + std::to_string(bound.max);
            return false;
        }
    }
    if (c.imageResolution < c.visionPatchSize) {
        *problem = "image resolution " + std::to_string(c.imageResolution) + " is smaller than the patch size "
                   + std::to_string(c.visionPatchSize);
        return false;
    }
    if (c.visionWidth % c.visionHeads != 0 || c.textWidth % c.textHeads != 0) {
        *problem = "a width is not a multiple of its head count (vision " + std::to_string(c.visionWidth) + "/"
                   + std::to_string(c.visionHeads) + ", text " + std::to_string(c.textWidth) + "/"
                   + std::to_string(c.textHeads) + ")";
        return false;
    }
    return true;
}

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
