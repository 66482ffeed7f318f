// SPDX-License-Identifier: MIT
// Why this file is long: three layouts (OpenAI TorchScript, open_clip, Hugging Face) mapped onto one set of tensors
// with every name and shape checked (key tables: hfkeys.cpp; the archive: torchscriptarchive.cpp).
#include "core/clip/checkpoint/checkpoint.h"

#include "core/clip/checkpoint/filebytes.h"
#include "core/clip/checkpoint/hfkeys.h"
#include "core/clip/checkpoint/safetensors.h"
#include "core/clip/checkpoint/torchscriptarchive.h"
#include "core/clip/errortext.h"
#include "core/clip/formats/json.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace clipfind::clip {

namespace {

bool startsWith(const std::string &s, const std::string &prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
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

/// Hints that only a config file can give (Hugging Face / open_clip); shapes give the rest.
struct ConfigHints {
    int64_t visionHeads = 0; // 0 = width / 64, as build_model
    int64_t textHeads = 0;
    bool quickGelu = true;
};

bool readJsonFile(const fs::path &path, json::Value *value)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return false;
    }
    std::stringstream text;
    text << in.rdbuf();
    std::string ignored;
    return json::parse(text.str(), value, &ignored);
}

// Hugging Face config.json: text_config / vision_config carry num_attention_heads and hidden_act.
ConfigHints huggingFaceHints(const fs::path &folder)
{
    ConfigHints hints;
    json::Value config;
    if (!readJsonFile(folder / "config.json", &config)) {
        return hints;
    }
    hints.textHeads = config["text_config"]["num_attention_heads"].toInt(0);
    hints.visionHeads = config["vision_config"]["num_attention_heads"].toInt(0);
    const std::string act = config["text_config"]["hidden_act"].toString();
    hints.quickGelu = act.empty() || act == "quick_gelu";
    return hints;
}

// open_clip_config.json: {"model_cfg": {"quick_gelu": true, "text_cfg": {"heads": 8, ...}, ...}}.
ConfigHints openClipHints(const fs::path &folder)
{
    ConfigHints hints;
    json::Value config;
    if (!readJsonFile(folder / "open_clip_config.json", &config)) {
        return hints; // no config: OpenAI key names almost always mean OpenAI weights, which use QuickGELU
    }
    const json::Value &model = config["model_cfg"];
    hints.quickGelu = model["quick_gelu"].toBool(false);
    hints.textHeads = model["text_cfg"]["heads"].toInt(0);
    return hints;
}

// A folder resolves to the model file inside it; errors name what was looked for.
bool resolveModelFile(const fs::path &path, fs::path *file, std::string *error)
{
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (!fs::exists(status)) {
        *error = "no such file";
        return false;
    }
    if (!fs::is_directory(status)) {
        *file = path;
        return true;
    }
    for (const char *name : {"model.safetensors", "open_clip_model.safetensors"}) {
        if (fs::exists(path / name, ec)) {
            *file = path / name;
            return true;
        }
    }
    *error = "folder holds no model.safetensors or open_clip_model.safetensors";
    return false;
}

struct RawCheckpoint {
    std::string format;
    TensorMap tensors; // OpenAI names
    ConcatenationMap concatenated;
    ConfigHints hints;
    std::shared_ptr<const FileBytes> bytes;
};

bool readRawCheckpoint(const fs::path &file, FileAccess access, RawCheckpoint *raw, std::string *error)
{
    raw->bytes = FileBytes::open(file.string(), access, error);
    if (!raw->bytes) {
        return false;
    }
    const std::string head(reinterpret_cast<const char *>(raw->bytes->data()),
                           static_cast<size_t>(std::min<uint64_t>(16, raw->bytes->size())));
    if (startsWith(head, std::string("PK\x03\x04", 4))) {
        raw->format = "openai-torchscript";
        return readTorchScriptTensors(raw->bytes, &raw->tensors, error);
    }
    if (looksLikeSafetensors(head)) {
        SafetensorsFile st;
        if (!readSafetensors(raw->bytes, file.string(), &st, error)) {
            // readSafetensors names the file itself; keep only the problem.
            const std::string prefix = file.string() + ": ";
            if (startsWith(*error, prefix)) {
                error->erase(0, prefix.size());
            }
            return false;
        }
        for (auto &[name, tensor] : st.tensors) {
            raw->tensors[startsWith(name, "module.") ? name.substr(7) : name] = tensor;
        }
        const fs::path folder = file.parent_path();
        if (hasHuggingFaceKeys(raw->tensors)) {
            raw->format = "hf-safetensors";
            raw->hints = huggingFaceHints(folder);
            std::vector<std::string> problems;
            raw->tensors = openAiNamesFromHuggingFace(raw->tensors, problems, &raw->concatenated);
            if (!problems.empty()) {
                *error = joined(problems, "; ");
                return false;
            }
        } else {
            raw->format = "open_clip-safetensors";
            raw->hints = openClipHints(folder);
        }
        return true;
    }
    if (static_cast<unsigned char>(head[0]) == 0x80) {
        *error = "a legacy PyTorch pickle (torch.save), not supported; use the model's .safetensors file "
                 "or OpenAI's TorchScript .pt";
        return false;
    }
    *error = "unknown format: neither a TorchScript archive (OpenAI .pt) nor a safetensors file";
    return false;
}

/// The number of distinct layer indices i in keys "<prefix><i>.<rest>". Plain parsing, no regex: keys are
/// untrusted and std::regex recurses per character (a 200 KB key overflowed the stack).
int64_t countLayers(const TensorMap &tensors, const std::string &prefix)
{
    std::set<int64_t> layers;
    for (auto it = tensors.lower_bound(prefix); it != tensors.end() && startsWith(it->first, prefix); ++it) {
        const std::string &key = it->first;
        size_t end = prefix.size();
        int64_t index = 0;
        while (end < key.size() && end - prefix.size() < 9 && key[end] >= '0' && key[end] <= '9') {
            index = index * 10 + (key[end] - '0');
            ++end;
        }
        if (end > prefix.size() && end < key.size() && key[end] == '.') {
            layers.insert(index);
        }
    }
    return static_cast<int64_t>(layers.size());
}

// openai/CLIP build_model: every hyper-parameter from tensor shapes.
bool inferConfig(const TensorMap &t, const ConfigHints &hints, ModelConfig *config, std::string *error)
{
    if (t.count("visual.layer1.0.conv1.weight") || t.count("visual.attnpool.c_proj.weight")) {
        *error = "ResNet CLIP checkpoints (RN50, RN101, RN50x4, ...) are not supported yet; use a ViT model such as "
                 "ViT-B/32";
        return false;
    }
    if (t.count("visual.trunk.patch_embed.proj.weight") || t.count("patch_embed.proj.weight")) {
        *error =
            "a timm image-only checkpoint, not supported; use open_clip_model.safetensors from the same repository";
        return false;
    }
    std::vector<std::string> missing;
    for (const char *key : {"visual.conv1.weight", "visual.positional_embedding", "text_projection", "ln_final.weight",
                            "positional_embedding", "token_embedding.weight"}) {
        if (!t.count(key)) {
            missing.push_back(key);
        }
    }
    if (!missing.empty()) {
        *error = "not a CLIP ViT checkpoint: missing " + joined(missing, ", ");
        return false;
    }
    const torch::Tensor &conv1 = t.at("visual.conv1.weight");
    const torch::Tensor &visionPositions = t.at("visual.positional_embedding");
    const torch::Tensor &textProjection = t.at("text_projection");
    if (conv1.dim() != 4 || visionPositions.dim() != 2 || textProjection.dim() != 2
        || t.at("token_embedding.weight").dim() != 2 || t.at("positional_embedding").dim() != 2) {
        *error = "not a CLIP ViT checkpoint: unexpected tensor ranks";
        return false;
    }
    // Shapes are untrusted: a 0x0 patch kernel or a positional table without the class token must be an error
    // here, not a division by zero or a negative square root further on.
    if (conv1.size(2) < 1 || conv1.size(3) < 1) {
        *error = "visual.conv1.weight " + shapeText(conv1.sizes()) + " has an empty patch kernel";
        return false;
    }
    if (conv1.size(2) != conv1.size(3)) {
        *error = "visual.conv1.weight " + shapeText(conv1.sizes()) + " is not a square patch kernel";
        return false;
    }
    if (conv1.size(3) > (int64_t(1) << 12)) { // bounded before patch * grid is computed
        *error = "visual.conv1.weight " + shapeText(conv1.sizes()) + " has an absurd patch size";
        return false;
    }
    if (visionPositions.size(0) < 2 || visionPositions.size(0) > (int64_t(1) << 20)) {
        *error = "visual.positional_embedding " + shapeText(visionPositions.sizes())
                 + " does not hold a class token and a grid of patches";
        return false;
    }
    config->visionWidth = conv1.size(0);
    config->visionPatchSize = conv1.size(-1);
    config->visionLayers = countLayers(t, "visual.transformer.resblocks.");
    const auto grid = static_cast<int64_t>(std::lround(std::sqrt(double(visionPositions.size(0) - 1)))); // <= 1024
    config->imageResolution = config->visionPatchSize * grid;
    config->embedDim = textProjection.size(1);
    config->contextLength = t.at("positional_embedding").size(0);
    config->vocabSize = t.at("token_embedding.weight").size(0);
    config->textWidth = t.at("ln_final.weight").size(0);
    config->textLayers = countLayers(t, "transformer.resblocks.");
    config->visionHeads = hints.visionHeads > 0 ? hints.visionHeads : config->visionWidth / 64;
    config->textHeads = hints.textHeads > 0 ? hints.textHeads : config->textWidth / 64;
    config->quickGelu = hints.quickGelu;
    std::string problem;
    if (!checkModelConfig(*config, &problem)) {
        *error = "inconsistent architecture: " + problem;
        return false;
    }
    return true;
}

/// Takes tensors by name, checking shapes; collects every problem instead of stopping at the first. In Check mode
/// it only looks at shapes (nothing of the tensor data is read); in Build mode it also returns each tensor in float32
/// and contiguous (the view itself when it is already so), joins deferred concatenations, and hands the pages of
/// converted sources back to the OS.
class WeightCollector
{
public:
    enum class Mode { Check, Build };

    WeightCollector(const TensorMap &tensors, const ConcatenationMap &concatenated, Mode mode,
                    const FileBytes *bytes = nullptr)
        : m_tensors(tensors)
        , m_concatenated(concatenated)
        , m_mode(mode)
        , m_bytes(bytes)
    {
    }

    torch::Tensor take(const std::string &key, std::vector<int64_t> shape) { return get(key, shape, true); }
    /// As stored (no conversion): the token embedding table, whose rows are converted per query.
    torch::Tensor takeStored(const std::string &key, std::vector<int64_t> shape) { return get(key, shape, false); }

    LayerNormWeights layerNorm(const std::string &prefix, int64_t width)
    {
        return {take(prefix + ".weight", {width}), take(prefix + ".bias", {width})};
    }

    LinearWeights linear(const std::string &prefix, int64_t out, int64_t in)
    {
        return {take(prefix + ".weight", {out, in}), take(prefix + ".bias", {out})};
    }

    std::vector<BlockWeights> blocks(const std::string &prefix, int64_t layers, int64_t width)
    {
        std::vector<BlockWeights> result;
        for (int64_t i = 0; i < layers; ++i) {
            const std::string p = prefix + std::to_string(i) + ".";
            BlockWeights b;
            b.ln1 = layerNorm(p + "ln_1", width);
            b.inProj = {take(p + "attn.in_proj_weight", {3 * width, width}),
                        take(p + "attn.in_proj_bias", {3 * width})};
            b.outProj = linear(p + "attn.out_proj", width, width);
            b.ln2 = layerNorm(p + "ln_2", width);
            b.fc = linear(p + "mlp.c_fc", 4 * width, width);
            b.proj = linear(p + "mlp.c_proj", width, 4 * width);
            result.push_back(std::move(b));
        }
        return result;
    }

    /// Empty when every tensor was present with the right shape.
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
    torch::Tensor get(const std::string &key, const std::vector<int64_t> &shape, bool toFloat)
    {
        if (const auto it = m_tensors.find(key); it != m_tensors.end()) {
            if (!it->second.sizes().equals(shape)) {
                m_misshaped.push_back(key + " " + shapeText(it->second.sizes()) + " (expected " + shapeText(shape)
                                      + ")");
                return {};
            }
            return m_mode == Mode::Build ? (toFloat ? converted(it->second) : it->second) : torch::Tensor();
        }
        if (const auto it = m_concatenated.find(key); it != m_concatenated.end()) {
            const std::vector<torch::Tensor> &parts = it->second;
            std::vector<int64_t> joinedShape;
            if (!parts.empty() && parts.front().dim() > 0) {
                const auto sizes = parts.front().sizes();
                joinedShape.assign(sizes.begin(), sizes.end());
                joinedShape[0] *= static_cast<int64_t>(parts.size()); // the parts' shapes are equal (hfkeys)
            }
            if (joinedShape != shape) {
                m_misshaped.push_back(key + " " + shapeText(joinedShape) + " (expected " + shapeText(shape) + ")");
                return {};
            }
            if (m_mode == Mode::Check) {
                return {};
            }
            std::vector<torch::Tensor> floats;
            for (const torch::Tensor &part : parts) {
                floats.push_back(part.to(torch::kFloat32));
            }
            torch::Tensor result = torch::cat(floats, 0);
            for (const torch::Tensor &part : parts) {
                release(part, result);
            }
            return result;
        }
        m_missing.push_back(key);
        return {};
    }

    // fp16 → fp32 is exact (clip-reference.md §4.1); a float32 contiguous view is returned as it is (zero copy), its
    // pages mapped now rather than during the first forward pass.
    torch::Tensor converted(const torch::Tensor &stored)
    {
        torch::Tensor result = stored.to(torch::kFloat32).contiguous();
        if (m_bytes && result.data_ptr() == stored.data_ptr()) {
            const int64_t offset = m_bytes->offsetOf(stored.data_ptr());
            if (offset >= 0) {
                m_bytes->prefault(static_cast<uint64_t>(offset), stored.nbytes());
            }
        }
        release(stored, result);
        return result;
    }

    // The source of a copy is not needed any more: its whole pages go back to the OS (they stay in the page cache).
    void release(const torch::Tensor &source, const torch::Tensor &copy)
    {
        if (!m_bytes || source.data_ptr() == copy.data_ptr() || !source.is_contiguous()) {
            return;
        }
        const int64_t offset = m_bytes->offsetOf(source.data_ptr());
        if (offset >= 0) {
            m_bytes->release(static_cast<uint64_t>(offset), source.nbytes());
        }
    }

    const TensorMap &m_tensors;
    const ConcatenationMap &m_concatenated;
    Mode m_mode;
    const FileBytes *m_bytes;
    std::vector<std::string> m_missing;
    std::vector<std::string> m_misshaped;
};

void collectVision(WeightCollector &take, const ModelConfig &c, VisionWeights *v)
{
    const int64_t vw = c.visionWidth;
    v->conv1 = take.take("visual.conv1.weight", {vw, 3, c.visionPatchSize, c.visionPatchSize});
    v->classEmbedding = take.take("visual.class_embedding", {vw});
    v->positionalEmbedding = take.take("visual.positional_embedding", {c.visionTokens(), vw});
    v->lnPre = take.layerNorm("visual.ln_pre", vw);
    v->blocks = take.blocks("visual.transformer.resblocks.", c.visionLayers, vw);
    v->lnPost = take.layerNorm("visual.ln_post", vw);
    v->proj = take.take("visual.proj", {vw, c.embedDim});
}

void collectText(WeightCollector &take, const ModelConfig &c, TextWeights *x)
{
    const int64_t tw = c.textWidth;
    x->tokenEmbedding = take.takeStored("token_embedding.weight", {c.vocabSize, tw});
    x->positionalEmbedding = take.take("positional_embedding", {c.contextLength, tw});
    x->blocks = take.blocks("transformer.resblocks.", c.textLayers, tw);
    x->lnFinal = take.layerNorm("ln_final", tw);
    x->projection = take.take("text_projection", {tw, c.embedDim});
}

// Every shape both towers need, without reading any tensor data.
bool checkWeights(const RawCheckpoint &raw, const ModelConfig &c, std::string *error)
{
    WeightCollector take(raw.tensors, raw.concatenated, WeightCollector::Mode::Check);
    VisionWeights vision;
    TextWeights text;
    collectVision(take, c, &vision);
    collectText(take, c, &text);
    *error = take.problems();
    return error->empty();
}

// The mapped file is checked before its pages are touched: a file cut short under the mapping would crash us.
void checkUnchanged(const Checkpoint &checkpoint)
{
    std::string problem;
    if (checkpoint.bytes && !checkpoint.bytes->unchanged(&problem)) {
        throw std::runtime_error(problem);
    }
}

} // namespace

bool loadCheckpoint(const std::string &path, Checkpoint *out, std::string *error, FileAccess access)
{
    fs::path file;
    std::string problem;
    RawCheckpoint raw;
    ModelConfig config;
    bool ok = false;
    try {
        ok = resolveModelFile(path, &file, &problem) && readRawCheckpoint(file, access, &raw, &problem)
             && inferConfig(raw.tensors, raw.hints, &config, &problem) && checkWeights(raw, config, &problem);
    } catch (const std::exception &e) { // c10::Error, std::bad_alloc, filesystem errors
        problem = firstLine(e.what());
        ok = false;
    }
    if (!ok) {
        *error = (file.empty() ? path : file.string()) + ": " + problem;
        *out = Checkpoint();
        return false;
    }
    out->format = raw.format;
    out->file = file.string();
    out->config = config;
    if (const auto it = raw.tensors.find("logit_scale"); it != raw.tensors.end() && it->second.numel() == 1) {
        out->logitScale = it->second.to(torch::kFloat32).reshape({});
    }
    out->tensors = std::move(raw.tensors);
    out->concatenated = std::move(raw.concatenated);
    out->bytes = std::move(raw.bytes);
    return true;
}

TextWeights buildTextWeights(const Checkpoint &checkpoint)
{
    checkUnchanged(checkpoint);
    WeightCollector take(checkpoint.tensors, checkpoint.concatenated, WeightCollector::Mode::Build,
                         checkpoint.bytes.get());
    TextWeights text;
    collectText(take, checkpoint.config, &text);
    if (!take.problems().empty()) { // loadCheckpoint checked the same shapes
        throw std::runtime_error(take.problems());
    }
    return text;
}

VisionWeights buildVisionWeights(const Checkpoint &checkpoint)
{
    checkUnchanged(checkpoint);
    WeightCollector take(checkpoint.tensors, checkpoint.concatenated, WeightCollector::Mode::Build,
                         checkpoint.bytes.get());
    VisionWeights vision;
    collectVision(take, checkpoint.config, &vision);
    if (!take.problems().empty()) {
        throw std::runtime_error(take.problems());
    }
    return vision;
}

} // namespace clipfind::clip
