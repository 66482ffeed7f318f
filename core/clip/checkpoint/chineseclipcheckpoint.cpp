// SPDX-License-Identifier: MIT
// Reading a Hugging Face ChineseCLIPModel folder (config.json, model.safetensors, preprocessor_config.json).
#include "core/clip/checkpoint/bertcheckpointparts.h"

#include <cmath>

namespace clipfind::clip::bertfiles {

namespace {

bool readVisionConfig(const json::Value &json, int64_t projection, ModelConfig *c, std::string *problem)
{
    ConfigReader r(json);
    c->embedDim = projection;
    c->visionWidth = r.integer("hidden_size", 768, 1, 65536);
    c->visionLayers = r.integer("num_hidden_layers", 12, 1, 1000);
    c->visionHeads = r.integer("num_attention_heads", 12, 1, 4096);
    c->imageResolution = r.integer("image_size", 224, 1, 4096);
    c->visionPatchSize = r.integer("patch_size", 32, 1, 4096); // ChineseCLIPVisionConfig's default
    r.integer("num_channels", 3, 3, 3);
    const std::string act = r.string("hidden_act", "quick_gelu");
    c->quickGelu = act == "quick_gelu";
    if (!c->quickGelu && act != "gelu") {
        r.fail("hidden_act '" + act + "' (quick_gelu or gelu)");
    }
    // The CLIP image tower's LayerNorms use eps 1e-5 (transformer.h).
    if (std::fabs(r.epsilon("layer_norm_eps", 1e-5) - 1e-5) > 1e-12) {
        r.fail("layer_norm_eps (the image tower supports 1e-5 only)");
    }
    if (c->visionWidth % c->visionHeads != 0 || c->imageResolution % c->visionPatchSize != 0) {
        r.fail("sizes: heads must divide hidden_size and patch_size image_size");
    }
    *problem = r.problems();
    return problem->empty();
}

// The image tower (CLIPVisionModel names, vision_model.*) in the CLIP engine's layout: q/k/v projections stacked
// into one in-projection, the projection transposed (as hfkeys.h renames a CLIPModel), the MLP's size from the config.
VisionWeights takeVision(TensorTaker &take, const ModelConfig &c, int64_t intermediate)
{
    VisionWeights v;
    const int64_t w = c.visionWidth;
    const std::string e = "vision_model.embeddings.";
    v.conv1 = take.take(e + "patch_embedding.weight", {w, 3, c.visionPatchSize, c.visionPatchSize});
    v.classEmbedding = take.take(e + "class_embedding", {w});
    v.positionalEmbedding = take.take(e + "position_embedding.weight", {c.visionTokens(), w});
    v.lnPre = take.norm("vision_model.pre_layrnorm", w); // sic: Hugging Face's spelling
    for (int64_t i = 0; i < c.visionLayers; ++i) {
        const std::string p = "vision_model.encoder.layers." + std::to_string(i) + ".";
        BlockWeights b;
        b.ln1 = take.norm(p + "layer_norm1", w);
        const LinearWeights q = take.linear(p + "self_attn.q_proj", w, w);
        const LinearWeights k = take.linear(p + "self_attn.k_proj", w, w);
        const LinearWeights vv = take.linear(p + "self_attn.v_proj", w, w);
        if (q.weight.defined() && k.weight.defined() && vv.weight.defined() && q.bias.defined() && k.bias.defined()
            && vv.bias.defined()) {
            b.inProj = {torch::cat({q.weight, k.weight, vv.weight}, 0), torch::cat({q.bias, k.bias, vv.bias}, 0)};
        }
        b.outProj = take.linear(p + "self_attn.out_proj", w, w);
        b.ln2 = take.norm(p + "layer_norm2", w);
        b.fc = take.linear(p + "mlp.fc1", intermediate, w);
        b.proj = take.linear(p + "mlp.fc2", w, intermediate);
        v.blocks.push_back(std::move(b));
    }
    v.lnPost = take.norm("vision_model.post_layernorm", w);
    const torch::Tensor projection = take.take("visual_projection.weight", {c.embedDim, w});
    if (projection.defined()) {
        v.proj = projection.t().contiguous(); // Linear [embed, W] → [W, embed]
    }
    return v;
}

} // namespace

bool loadChineseClipFolder(const fs::path &folder, const json::Value &config, BertClipWeights *w, Failure *failure)
{
    w->kind = BertClipKind::ChineseClip;
    failure->file = (folder / "config.json").string();
    ConfigReader top(config);
    const int64_t projection = top.integer("projection_dim", 512, 1, 65536);
    const json::Value &textJson = config["text_config"].isObject() ? config["text_config"] : config["text_config_dict"];
    const json::Value &visionJson =
        config["vision_config"].isObject() ? config["vision_config"] : config["vision_config_dict"];
    if (!top.problems().empty()) {
        failure->problem = top.problems();
        return false;
    }

    const fs::path weightsPath = folder / "model.safetensors";
    std::error_code ec;
    if (!fs::exists(weightsPath, ec)) {
        failure->file = folder.string();
        failure->problem = "no model.safetensors (pytorch_model.bin is not read; convert it to safetensors)";
        return false;
    }
    NamedTensors tensors;
    if (!readTensors(weightsPath, &tensors, failure)) {
        return false;
    }
    std::string problem;
    if (!readTextConfig(textJson, BertFamily::Bert, rowsOf(tensors, "text_model.embeddings.word_embeddings.weight"),
                        &w->textConfig, &problem)
        || !readVisionConfig(visionJson, projection, &w->clip.config, &problem)) {
        failure->file = (folder / "config.json").string();
        failure->problem = problem;
        return false;
    }
    const int64_t intermediate = ConfigReader(visionJson).integer("intermediate_size", 3072, 1, 1 << 20);

    failure->file = weightsPath.string();
    TensorTaker take(tensors);
    w->text = takeText(take, "text_model.", w->textConfig);
    w->textProjection = take.take("text_projection.weight", {projection, w->textConfig.hidden});
    w->clip.vision = takeVision(take, w->clip.config, intermediate);
    w->hasVision = true;
    w->embedDim = projection;
    if (const auto it = tensors.find("logit_scale"); it != tensors.end() && it->second.numel() == 1) {
        w->clip.logitScale = it->second.to(torch::kFloat32).reshape({});
    }
    failure->problem = take.problems();
    if (!failure->problem.empty()) {
        return false;
    }

    const fs::path prepPath = folder / "preprocessor_config.json";
    std::string error;
    if (!readChineseClipImageConfig(prepPath.string(), &w->imageConfig, &error)) {
        failure->file.clear();
        failure->problem = error; // already names the file
        return false;
    }
    const int64_t size = w->clip.config.imageResolution;
    if (w->imageConfig.height != size || w->imageConfig.width != size) {
        failure->file = prepPath.string();
        failure->problem = "size " + std::to_string(w->imageConfig.height) + "x" + std::to_string(w->imageConfig.width)
                           + " differs from the image tower's " + std::to_string(size) + "x" + std::to_string(size);
        return false;
    }
    return true;
}

} // namespace clipfind::clip::bertfiles
