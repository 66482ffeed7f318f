// SPDX-License-Identifier: MIT
#include "core/clip/checkpoint/bertcheckpoint.h"

#include "core/clip/checkpoint/safetensors.h"
#include "core/clip/errortext.h"
#include "core/clip/formats/binaryfile.h"
#include "core/clip/formats/json.h"

#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace clipfind::clip {

namespace {

constexpr uint64_t kMaxConfigBytes = 4 * 1024 * 1024;

using NamedTensors = std::map<std::string, torch::Tensor>;

// The reason a load failed: the file it concerns and what is wrong with it.
struct Failure {
    std::string file;
    std::string problem;
};

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string shapeText(c10::IntArrayRef sizes)
{
    std::ostringstream out;
    out << '[';
    for (size_t i = 0; i < sizes.size(); ++i) {
        out << (i ? ", " : "") << sizes[i];
    }
    out << ']';
    return out.str();
}

std::string joined(const std::vector<std::string> &items, const std::string &separator)
{
    std::string out;
    for (const std::string &item : items) {
        out += (out.empty() ? "" : separator) + item;
    }
    return out;
}

bool readJsonFile(const fs::path &path, json::Value *value, Failure *failure)
{
    std::ifstream in;
    uint64_t size = 0;
    std::string problem;
    failure->file = path.string();
    if (!openBinaryFile(path.string(), "JSON file", &in, &size, &problem)) {
        failure->problem = problem;
        return false;
    }
    if (size > kMaxConfigBytes) {
        failure->problem = "file too large (" + std::to_string(size) + " bytes)";
        return false;
    }
    std::stringstream text;
    text << in.rdbuf();
    if (!json::parse(text.str(), value, &problem)) {
        failure->problem = "not valid JSON (" + problem + ")";
        return false;
    }
    return true;
}

bool readTensors(const fs::path &path, NamedTensors *tensors, Failure *failure)
{
    SafetensorsFile file;
    std::string error;
    failure->file = path.string();
    if (!readSafetensors(path.string(), &file, &error)) {
        const std::string prefix = path.string() + ": ";
        failure->problem = error.compare(0, prefix.size(), prefix) == 0 ? error.substr(prefix.size()) : error;
        return false;
    }
    for (auto &[name, tensor] : file.tensors) {
        (*tensors)[name] = tensor;
    }
    return true;
}

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

/// Reads integers and strings of a config object with defaults, collecting the keys that hold nonsense.
class ConfigReader
{
public:
    explicit ConfigReader(const json::Value &config)
        : m_config(config)
    {
    }

    int64_t integer(const std::string &key, int64_t fallback, int64_t min, int64_t max)
    {
        const json::Value &v = m_config[key];
        if (v.isNull()) {
            return fallback;
        }
        if (!v.isInteger() || v.toInt() < min || v.toInt() > max) {
            m_bad.push_back(key + " " + json::serialize(v) + " (expected " + std::to_string(min) + " to "
                            + std::to_string(max) + ")");
            return fallback;
        }
        return v.toInt();
    }

    double number(const std::string &key, double fallback)
    {
        const json::Value &v = m_config[key];
        if (v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || !(v.toDouble() > 0) || v.toDouble() > 1) {
            m_bad.push_back(key + " " + json::serialize(v));
            return fallback;
        }
        return v.toDouble();
    }

    std::string string(const std::string &key, const std::string &fallback)
    {
        const json::Value &v = m_config[key];
        return v.isString() ? v.toString() : fallback;
    }

    void fail(const std::string &problem) { m_bad.push_back(problem); }

    /// Empty when every key made sense.
    std::string problems() const { return m_bad.empty() ? std::string() : "bad " + joined(m_bad, ", "); }

private:
    const json::Value &m_config;
    std::vector<std::string> m_bad;
};

bool activationFor(const std::string &name, BertActivation *activation)
{
    if (name == "gelu") {
        *activation = BertActivation::Gelu;
        return true;
    }
    if (name == "relu") {
        *activation = BertActivation::Relu;
        return true;
    }
    return false;
}

// DistilBertConfig / BertConfig (= ChineseCLIPTextConfig) with transformers' defaults for absent keys.
bool readTextConfig(const json::Value &json, BertFamily family, int64_t vocabFallback, BertTextConfig *c,
                    std::string *problem)
{
    ConfigReader r(json);
    c->family = family;
    const bool distil = family == BertFamily::DistilBert;
    c->hidden = r.integer(distil ? "dim" : "hidden_size", 768, 1, 65536);
    c->layers = r.integer(distil ? "n_layers" : "num_hidden_layers", distil ? 6 : 12, 1, 1000);
    c->heads = r.integer(distil ? "n_heads" : "num_attention_heads", 12, 1, 4096);
    c->intermediate = r.integer(distil ? "hidden_dim" : "intermediate_size", 3072, 1, 1 << 20);
    c->vocabSize = r.integer("vocab_size", vocabFallback > 0 ? vocabFallback : 30522, 1, 10'000'000);
    c->maxPositions = r.integer("max_position_embeddings", 512, 2, 100'000);
    c->typeVocabSize = distil ? 0 : r.integer("type_vocab_size", 2, 1, 1000);
    c->padId = r.integer("pad_token_id", 0, 0, c->vocabSize - 1);
    c->layerNormEps = distil ? 1e-12 : r.number("layer_norm_eps", 1e-12); // DistilBERT hard-codes 1e-12
    const std::string act = r.string(distil ? "activation" : "hidden_act", "gelu");
    if (!activationFor(act, &c->activation)) {
        r.fail("activation '" + act + "' (gelu or relu)");
    }
    if (!distil && r.string("position_embedding_type", "absolute") != "absolute") {
        r.fail("position_embedding_type '" + r.string("position_embedding_type", "") + "' (only absolute)");
    }
    if (c->hidden % c->heads != 0) {
        r.fail("heads: " + std::to_string(c->heads) + " do not divide the width " + std::to_string(c->hidden));
    }
    *problem = r.problems();
    return problem->empty();
}

/// Takes tensors by name, checking shapes; collects every problem instead of stopping at the first (the CLIP
/// loader's wording).
class TensorTaker
{
public:
    explicit TensorTaker(const NamedTensors &tensors)
        : m_tensors(tensors)
    {
    }

    torch::Tensor take(const std::string &key, std::vector<int64_t> shape)
    {
        const auto it = m_tensors.find(key);
        if (it == m_tensors.end()) {
            m_missing.push_back(key);
            return {};
        }
        if (!it->second.sizes().equals(shape)) {
            m_misshaped.push_back(key + " " + shapeText(it->second.sizes()) + " (expected " + shapeText(shape) + ")");
            return {};
        }
        if (!it->second.is_floating_point()) {
            m_misshaped.push_back(key + " is not a floating-point tensor");
            return {};
        }
        return it->second.to(torch::kFloat32).contiguous();
    }

    LinearWeights linear(const std::string &prefix, int64_t out, int64_t in)
    {
        return {take(prefix + ".weight", {out, in}), take(prefix + ".bias", {out})};
    }

    LayerNormWeights norm(const std::string &prefix, int64_t width)
    {
        return {take(prefix + ".weight", {width}), take(prefix + ".bias", {width})};
    }

    std::string problems() const
    {
        std::vector<std::string> parts;
        if (!m_missing.empty()) {
            parts.push_back(std::to_string(m_missing.size()) + " missing tensor(s): " + joined(m_missing, ", "));
        }
        if (!m_misshaped.empty()) {
            parts.push_back(std::to_string(m_misshaped.size()) + " mis-shaped tensor(s): " + joined(m_misshaped, ", "));
        }
        return joined(parts, "; ");
    }

private:
    const NamedTensors &m_tensors;
    std::vector<std::string> m_missing;
    std::vector<std::string> m_misshaped;
};

BertTextWeights takeText(TensorTaker &take, const std::string &p, const BertTextConfig &c)
{
    BertTextWeights w;
    const int64_t h = c.hidden;
    const int64_t i = c.intermediate;
    w.wordEmbeddings = take.take(p + "embeddings.word_embeddings.weight", {c.vocabSize, h});
    w.positionEmbeddings = take.take(p + "embeddings.position_embeddings.weight", {c.maxPositions, h});
    if (c.family == BertFamily::Bert) {
        w.tokenTypeEmbeddings = take.take(p + "embeddings.token_type_embeddings.weight", {c.typeVocabSize, h});
    }
    w.embeddingNorm = take.norm(p + "embeddings.LayerNorm", h);
    for (int64_t n = 0; n < c.layers; ++n) {
        BertLayerWeights l;
        if (c.family == BertFamily::DistilBert) {
            const std::string q = p + "transformer.layer." + std::to_string(n) + ".";
            l.query = take.linear(q + "attention.q_lin", h, h);
            l.key = take.linear(q + "attention.k_lin", h, h);
            l.value = take.linear(q + "attention.v_lin", h, h);
            l.attentionOutput = take.linear(q + "attention.out_lin", h, h);
            l.attentionNorm = take.norm(q + "sa_layer_norm", h);
            l.intermediate = take.linear(q + "ffn.lin1", i, h);
            l.output = take.linear(q + "ffn.lin2", h, i);
            l.outputNorm = take.norm(q + "output_layer_norm", h);
        } else {
            const std::string q = p + "encoder.layer." + std::to_string(n) + ".";
            l.query = take.linear(q + "attention.self.query", h, h);
            l.key = take.linear(q + "attention.self.key", h, h);
            l.value = take.linear(q + "attention.self.value", h, h);
            l.attentionOutput = take.linear(q + "attention.output.dense", h, h);
            l.attentionNorm = take.norm(q + "attention.output.LayerNorm", h);
            l.intermediate = take.linear(q + "intermediate.dense", i, h);
            l.output = take.linear(q + "output.dense", h, i);
            l.outputNorm = take.norm(q + "output.LayerNorm", h);
        }
        w.layers.push_back(std::move(l));
    }
    return w;
}

// The rows of `key`'s 2-D tensor, or 0.
int64_t rowsOf(const NamedTensors &tensors, const std::string &key)
{
    const auto it = tensors.find(key);
    return it != tensors.end() && it->second.dim() == 2 ? it->second.size(0) : 0;
}

// --- sentence-transformers -------------------------------------------------------------------------------------

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

bool loadSentenceTransformers(const fs::path &folder, BertClipWeights *w, Failure *failure)
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
            failure->problem = "module '" + type + "' is not supported here (expected Transformer, Pooling, then "
                                                   "Dense or Normalize modules)";
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

// --- Chinese-CLIP ----------------------------------------------------------------------------------------------

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
    if (std::fabs(r.number("layer_norm_eps", 1e-5) - 1e-5) > 1e-12) {
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

bool loadChineseClip(const fs::path &folder, const json::Value &config, BertClipWeights *w, Failure *failure)
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

bool loadFolder(const fs::path &folder, BertClipWeights *w, Failure *failure)
{
    std::error_code ec;
    failure->file = folder.string();
    if (!fs::is_directory(folder, ec)) {
        failure->problem = fs::exists(folder, ec) ? "not a folder" : "no such folder";
        return false;
    }
    if (fs::exists(folder / "modules.json", ec)) {
        return loadSentenceTransformers(folder, w, failure);
    }
    json::Value config;
    if (!readJsonFile(folder / "config.json", &config, failure)) {
        failure->problem += " (neither a sentence-transformers folder with modules.json nor a Chinese-CLIP folder)";
        return false;
    }
    if (config["model_type"].toString() == "chinese_clip") {
        return loadChineseClip(folder, config, w, failure);
    }
    failure->problem = "model_type '" + config["model_type"].toString()
        + "' is not supported (chinese_clip, or a sentence-transformers folder with modules.json)";
    return false;
}

} // namespace

bool loadBertClipCheckpoint(const std::string &folder, BertClipWeights *out, std::string *error)
{
    BertClipWeights weights;
    Failure failure;
    bool ok = false;
    try {
        ok = loadFolder(fs::path(folder), &weights, &failure);
    } catch (const std::exception &e) { // c10::Error, std::bad_alloc, filesystem errors
        failure.problem = firstLine(e.what());
    }
    if (!ok) {
        *error = failure.file.empty() ? failure.problem : failure.file + ": " + failure.problem;
        return false;
    }
    *out = std::move(weights);
    return true;
}

} // namespace clipfind::clip
