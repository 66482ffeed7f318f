// SPDX-License-Identifier: MIT
// Reading a sentence-transformers folder (modules.json: Transformer, Pooling, Dense, Normalize modules).
#include "core/clip/checkpoint/bertcheckpointparts.h"

namespace clipfind::clip::bertfiles {

namespace {

// A module path from modules.json, inside the model folder.
bool modulePath(const fs::path &folder, const std::string &path, fs::path *out)
{
    const fs::path relative(path);
    if (relative.is_absolute()) {
        return false;
    }
    for (const fs::path &part : relative) {
        if (part == "..") {
            return false;
        }
    }
    *out = path.empty() ? folder : folder / relative;
    return true;
}

bool loadTransformerModule(const fs::path &dir, BertClipWeights *w, Failure *failure)
{
    json::Value config;
    if (!readJsonFile(dir / "config.json", &config, failure)) {
        return false;
    }
    const std::string type = config["model_type"].toString();
    if (type != "distilbert" && type != "bert") {
        failure->problem = "model_type '" + type + "' is not supported (distilbert or bert)";
        return false;
    }
    const fs::path weights = dir / "model.safetensors";
    std::error_code ec;
    if (!fs::exists(weights, ec)) {
        failure->file = dir.string();
        failure->problem = "no model.safetensors (pytorch_model.bin is not read; convert it to safetensors)";
        return false;
    }
    NamedTensors tensors;
    if (!readTensors(weights, &tensors, failure)) {
        return false;
    }
    // The Transformer's own names, possibly behind a prefix ("distilbert.", "bert.") from a task model's checkpoint.
    std::string prefix;
    const std::string anchor = "embeddings.word_embeddings.weight";
    int found = 0;
    for (const auto &entry : tensors) {
        if (endsWith(entry.first, anchor)) {
            prefix = entry.first.substr(0, entry.first.size() - anchor.size());
            ++found;
        }
    }
    if (found != 1) {
        failure->problem = found == 0 ? "no " + anchor + ": not a " + type + " checkpoint"
                                      : "several " + anchor + " tensors: which model is meant is unclear";
        return false;
    }
    const BertFamily family = type == "distilbert" ? BertFamily::DistilBert : BertFamily::Bert;
    std::string problem;
    if (!readTextConfig(config, family, rowsOf(tensors, prefix + anchor), &w->textConfig, &problem)) {
        failure->file = (dir / "config.json").string();
        failure->problem = problem;
        return false;
    }
    TensorTaker take(tensors);
    w->text = takeText(take, prefix, w->textConfig);
    failure->problem = take.problems();
    return failure->problem.empty();
}

bool loadPoolingModule(const fs::path &dir, int64_t hidden, BertClipWeights *w, Failure *failure)
{
    json::Value config;
    if (!readJsonFile(dir / "config.json", &config, failure)) {
        return false;
    }
    std::vector<std::string> modes;
    for (const auto &[key, value] : config.members()) {
        if (key.compare(0, 13, "pooling_mode_") == 0 && value.toBool(false)) {
            modes.push_back(key.substr(13));
        }
    }
    if (modes.size() != 1 || (modes[0] != "mean_tokens" && modes[0] != "cls_token")) {
        failure->problem = "pooling " + (modes.empty() ? std::string("none") : joined(modes, " + "))
                           + " is not supported (exactly one of mean_tokens, cls_token)";
        return false;
    }
    w->pooling = modes[0] == "cls_token" ? TextPooling::Cls : TextPooling::Mean;
    const int64_t dimension = config["word_embedding_dimension"].toInt(hidden);
    if (dimension != hidden) {
        failure->problem = "word_embedding_dimension " + std::to_string(dimension) + " differs from the Transformer's "
                           + std::to_string(hidden);
        return false;
    }
    return true;
}

bool loadDenseModule(const fs::path &dir, int64_t inFeatures, BertClipWeights *w, Failure *failure)
{
    json::Value config;
    if (!readJsonFile(dir / "config.json", &config, failure)) {
        return false;
    }
    ConfigReader r(config);
    const int64_t in = r.integer("in_features", 0, 1, 1 << 20);
    const int64_t out = r.integer("out_features", 0, 1, 1 << 20);
    const bool bias = config["bias"].toBool(true);
    const std::string activation = r.string("activation_function", "torch.nn.modules.activation.Tanh");
    DenseWeights dense;
    dense.tanh = activation == "torch.nn.modules.activation.Tanh";
    if (!dense.tanh && activation != "torch.nn.modules.linear.Identity") {
        r.fail("activation_function '" + activation + "' (Identity or Tanh)");
    }
    if (in != inFeatures) {
        r.fail("in_features " + std::to_string(in) + " (the previous module gives " + std::to_string(inFeatures) + ")");
    }
    if (!r.problems().empty() || out == 0) {
        failure->problem = r.problems().empty() ? "no out_features" : r.problems();
        return false;
    }
    NamedTensors tensors;
    if (!readTensors(dir / "model.safetensors", &tensors, failure)) {
        return false;
    }
    TensorTaker take(tensors);
    dense.weight = take.take("linear.weight", {out, in});
    if (bias) {
        dense.bias = take.take("linear.bias", {out});
    }
    failure->problem = take.problems();
    if (!failure->problem.empty()) {
        return false;
    }
    w->dense.push_back(std::move(dense));
    w->embedDim = out;
    return true;
}

} // namespace

bool loadSentenceTransformersFolder(const fs::path &folder, BertClipWeights *w, Failure *failure)
{
    json::Value modules;
    if (!readJsonFile(folder / "modules.json", &modules, failure)) {
        return false;
    }
    w->kind = BertClipKind::SentenceTransformers;
    // The order sentence-transformers runs them in: Transformer, Pooling, then Dense / Normalize modules.
    enum { Start, HaveTransformer, HavePooling } stage = Start;
    for (const json::Value &module : modules.array()) {
        const std::string type = module["type"].toString();
        fs::path dir;
        if (!modulePath(folder, module["path"].toString(), &dir)) {
            failure->file = (folder / "modules.json").string();
            failure->problem = "module path '" + module["path"].toString() + "' leaves the model folder";
            return false;
        }
        bool ok = false;
        if (endsWith(type, ".Transformer") && stage == Start) {
            ok = loadTransformerModule(dir, w, failure);
            stage = HaveTransformer;
        } else if (endsWith(type, ".Pooling") && stage == HaveTransformer) {
            ok = loadPoolingModule(dir, w->textConfig.hidden, w, failure);
            w->embedDim = w->textConfig.hidden;
            stage = HavePooling;
        } else if (endsWith(type, ".Dense") && stage == HavePooling) {
            ok = loadDenseModule(dir, w->embedDim, w, failure);
        } else if (endsWith(type, ".Normalize") && stage == HavePooling) {
            w->normalizeOutput = true;
            ok = true;
        } else {
            failure->file = (folder / "modules.json").string();
            failure->problem =
                "module '" + type + "' is not supported here (expected Transformer, Pooling, then Dense or Normalize)";
        }
        if (!ok) {
            return false;
        }
    }
    if (stage != HavePooling) {
        failure->file = (folder / "modules.json").string();
        failure->problem = "needs a Transformer and a Pooling module";
        return false;
    }
    return true;
}

} // namespace clipfind::clip::bertfiles
