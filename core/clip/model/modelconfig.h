// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>

namespace clipfind::clip {

/// Hyper-parameters of a ViT CLIP model. Inferred from tensor shapes (OpenAI/open_clip checkpoints,
/// like openai/CLIP `build_model`) or read from config.json (Hugging Face).
struct ModelConfig {
    int64_t embedDim = 512;
    int64_t imageResolution = 224;
    int64_t visionPatchSize = 32;
    int64_t visionWidth = 768;
    int64_t visionLayers = 12;
    int64_t visionHeads = 12;
    int64_t contextLength = 77;
    int64_t vocabSize = 49408;
    int64_t textWidth = 512;
    int64_t textLayers = 12;
    int64_t textHeads = 8;
    /// QuickGELU (x * sigmoid(1.702 x)) as in every OpenAI checkpoint; false = exact erf GELU (most LAION models).
    bool quickGelu = true;

    int64_t visionGrid() const { return visionPatchSize > 0 ? imageResolution / visionPatchSize : 0; }
    int64_t visionTokens() const { return visionGrid() * visionGrid() + 1; }
};

/// Checks that every value is positive and within the bounds of any real CLIP model, so that the sizes derived
/// from it (grid, tokens, 3 * width, 4 * width) can neither divide by zero nor overflow: a checkpoint's shapes are
/// untrusted (a 0x0 patch kernel implies patch size 0). False with *problem naming the first bad value.
bool checkModelConfig(const ModelConfig &config, std::string *problem);

/// The published OpenAI architectures, by name as OpenAI writes them ("ViT-B/32", "ViT-B/16",
/// "ViT-L/14", "ViT-L/14@336px"). Returns false for an unknown name.
bool architectureConfig(const std::string &name, ModelConfig *config);

/// Short text like "ViT-B/32" when the config matches a published architecture, else "custom ViT".
std::string architectureName(const ModelConfig &config);

} // namespace clipfind::clip
