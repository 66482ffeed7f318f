// SPDX-License-Identifier: MIT
#include "core/clip/checkpoint/hfkeys.h"

#include <regex>

namespace clipfind::clip {

namespace {

bool startsWith(const std::string &s, const std::string &prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

// Whole-key renames outside the encoder layers.
const std::map<std::string, std::string> &fixedRenames()
{
    static const std::map<std::string, std::string> renames = {
        {"logit_scale", "logit_scale"},
        {"text_model.embeddings.token_embedding.weight", "token_embedding.weight"},
        {"text_model.embeddings.position_embedding.weight", "positional_embedding"},
        {"text_model.final_layer_norm.weight", "ln_final.weight"},
        {"text_model.final_layer_norm.bias", "ln_final.bias"},
        {"vision_model.embeddings.class_embedding", "visual.class_embedding"},
        {"vision_model.embeddings.patch_embedding.weight", "visual.conv1.weight"},
        {"vision_model.embeddings.position_embedding.weight", "visual.positional_embedding"},
        {"vision_model.pre_layrnorm.weight", "visual.ln_pre.weight"}, // sic: HF's spelling
        {"vision_model.pre_layrnorm.bias", "visual.ln_pre.bias"},
        {"vision_model.post_layernorm.weight", "visual.ln_post.weight"},
        {"vision_model.post_layernorm.bias", "visual.ln_post.bias"},
    };
    return renames;
}

// Renames inside one encoder layer (the part after "layers.{i}.").
const std::map<std::string, std::string> &layerRenames()
{
    static const std::map<std::string, std::string> renames = {
        {"layer_norm1.weight", "ln_1.weight"},           {"layer_norm1.bias", "ln_1.bias"},
        {"layer_norm2.weight", "ln_2.weight"},           {"layer_norm2.bias", "ln_2.bias"},
        {"mlp.fc1.weight", "mlp.c_fc.weight"},           {"mlp.fc1.bias", "mlp.c_fc.bias"},
        {"mlp.fc2.weight", "mlp.c_proj.weight"},         {"mlp.fc2.bias", "mlp.c_proj.bias"},
        {"self_attn.out_proj.weight", "attn.out_proj.weight"},
        {"self_attn.out_proj.bias", "attn.out_proj.bias"},
    };
    return renames;
}

} // namespace

bool hasHuggingFaceKeys(const TensorMap &tensors)
{
    for (const auto &entry : tensors) {
        if (startsWith(entry.first, "vision_model.") || startsWith(entry.first, "text_model.")) {
            return true;
        }
    }
    return false;
}

TensorMap openAiNamesFromHuggingFace(const TensorMap &tensors, std::vector<std::string> &problems)
{
    static const std::regex layerKey(R"(^(text|vision)_model\.encoder\.layers\.(\d+)\.(.+)$)");
    TensorMap result;
    // q/k/v parts per OpenAI in_proj key, collected then concatenated in q, k, v order.
    std::map<std::string, std::map<char, torch::Tensor>> inProjParts;

    for (const auto &[key, tensor] : tensors) {
        if (key == "text_model.embeddings.position_ids" || key == "vision_model.embeddings.position_ids") {
            continue; // an arange buffer left in old conversions (clip-reference.md §4.3)
        }
        if (key == "text_projection.weight") {
            result["text_projection"] = tensor.t().contiguous(); // HF Linear [embed, w] → OpenAI [w, embed]
            continue;
        }
        if (key == "visual_projection.weight") {
            result["visual.proj"] = tensor.t().contiguous();
            continue;
        }
        if (const auto fixed = fixedRenames().find(key); fixed != fixedRenames().end()) {
            result[fixed->second] = tensor;
            continue;
        }
        std::smatch match;
        if (std::regex_match(key, match, layerKey)) {
            const std::string prefix = (match[1] == "text" ? std::string("transformer.resblocks.")
                                                            : std::string("visual.transformer.resblocks."))
                + match[2].str() + ".";
            const std::string rest = match[3];
            if (const auto renamed = layerRenames().find(rest); renamed != layerRenames().end()) {
                result[prefix + renamed->second] = tensor;
                continue;
            }
            static const std::regex qkv(R"(^self_attn\.([qkv])_proj\.(weight|bias)$)");
            std::smatch part;
            if (std::regex_match(rest, part, qkv)) {
                inProjParts[prefix + "attn.in_proj_" + part[2].str()][part[1].str()[0]] = tensor;
                continue;
            }
        }
        result[key] = tensor; // unknown: kept so validation can report what is missing instead
    }

    for (auto &[key, parts] : inProjParts) {
        std::string absent;
        for (const char name : {'q', 'k', 'v'}) {
            if (!parts.count(name)) {
                absent += absent.empty() ? "" : ", ";
                absent += std::string(1, name) + "_proj";
            }
        }
        if (!absent.empty()) {
            problems.push_back(key + " cannot be assembled: missing " + absent);
            continue;
        }
        if (!parts['q'].sizes().equals(parts['k'].sizes()) || !parts['q'].sizes().equals(parts['v'].sizes())) {
            problems.push_back(key + " cannot be assembled: q/k/v projections differ in shape");
            continue;
        }
        result[key] = torch::cat({parts['q'], parts['k'], parts['v']}, 0);
    }
    return result;
}

} // namespace clipfind::clip
