// SPDX-License-Identifier: MIT
#include "core/clip/checkpoint/hfkeys.h"

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
        {"layer_norm1.weight", "ln_1.weight"},
        {"layer_norm1.bias", "ln_1.bias"},
        {"layer_norm2.weight", "ln_2.weight"},
        {"layer_norm2.bias", "ln_2.bias"},
        {"mlp.fc1.weight", "mlp.c_fc.weight"},
        {"mlp.fc1.bias", "mlp.c_fc.bias"},
        {"mlp.fc2.weight", "mlp.c_proj.weight"},
        {"mlp.fc2.bias", "mlp.c_proj.bias"},
        {"self_attn.out_proj.weight", "attn.out_proj.weight"},
        {"self_attn.out_proj.bias", "attn.out_proj.bias"},
    };
    return renames;
}

/// A key "<tower>_model.encoder.layers.<i>.<rest>" split into the OpenAI prefix for layer i and <rest>. Plain
/// string parsing: keys are untrusted, and std::regex recursed once per character (a 200 KB key overflowed the
/// stack). False for any other key.
bool splitLayerKey(const std::string &key, std::string *openAiPrefix, std::string *rest)
{
    static const std::pair<const char *, const char *> towers[] = {
        {"text_model.encoder.layers.", "transformer.resblocks."},
        {"vision_model.encoder.layers.", "visual.transformer.resblocks."},
    };
    for (const auto &[huggingFace, openAi] : towers) {
        const std::string prefix = huggingFace;
        if (!startsWith(key, prefix)) {
            continue;
        }
        size_t end = prefix.size();
        while (end < key.size() && end - prefix.size() < 9 && key[end] >= '0' && key[end] <= '9') {
            ++end;
        }
        if (end == prefix.size() || end + 1 >= key.size() || key[end] != '.') {
            return false;
        }
        *openAiPrefix = openAi + key.substr(prefix.size(), end - prefix.size()) + ".";
        *rest = key.substr(end + 1);
        return true;
    }
    return false;
}

/// "self_attn.{q,k,v}_proj.{weight,bias}" → the projection letter and "weight" / "bias".
bool splitQkvKey(const std::string &rest, char *projection, std::string *kind)
{
    const std::string head = "self_attn.";
    if (rest.size() < head.size() + 7 || !startsWith(rest, head)) {
        return false;
    }
    const char letter = rest[head.size()];
    const std::string tail = rest.substr(head.size() + 1);
    if ((letter != 'q' && letter != 'k' && letter != 'v') || (tail != "_proj.weight" && tail != "_proj.bias")) {
        return false;
    }
    *projection = letter;
    *kind = tail.substr(6);
    return true;
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

TensorMap openAiNamesFromHuggingFace(const TensorMap &tensors, std::vector<std::string> &problems,
                                     ConcatenationMap *inProjections)
{
    TensorMap result;
    // q/k/v parts per OpenAI in_proj key, collected then concatenated in q, k, v order.
    std::map<std::string, std::map<char, torch::Tensor>> inProjParts;

    for (const auto &[key, tensor] : tensors) {
        if (key == "text_model.embeddings.position_ids" || key == "vision_model.embeddings.position_ids") {
            continue; // an arange buffer left in old conversions (clip-reference.md §4.3)
        }
        if (key == "text_projection.weight") {
            result["text_projection"] =
                tensor.t(); // HF Linear [embed, w] → OpenAI [w, embed]; made contiguous when built
            continue;
        }
        if (key == "visual_projection.weight") {
            result["visual.proj"] = tensor.t();
            continue;
        }
        if (const auto fixed = fixedRenames().find(key); fixed != fixedRenames().end()) {
            result[fixed->second] = tensor;
            continue;
        }
        std::string prefix;
        std::string rest;
        if (splitLayerKey(key, &prefix, &rest)) {
            if (const auto renamed = layerRenames().find(rest); renamed != layerRenames().end()) {
                result[prefix + renamed->second] = tensor;
                continue;
            }
            char projection = 0;
            std::string kind;
            if (splitQkvKey(rest, &projection, &kind)) {
                inProjParts[prefix + "attn.in_proj_" + kind][projection] = tensor;
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
        (*inProjections)[key] = {parts['q'], parts['k'], parts['v']};
    }
    return result;
}

} // namespace clipfind::clip
