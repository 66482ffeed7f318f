// SPDX-License-Identifier: MIT
#include "core/clip/model/bertclipmodel.h"

#include "core/clip/checkpoint/bertcheckpoint.h"
#include "core/clip/errortext.h"
#include "core/clip/model/bertclipmodelprivate.h"
#include "core/clip/model/bertencoder.h"
#include "core/clip/model/visionencoder.h"

#include <algorithm>

namespace clipfind::clip {

namespace {

// Bounds the activation memory of one forward pass whatever the caller hands in.
int64_t maxBatch(const DeviceSetup &setup)
{
    return setup.device.is_cuda() ? 1024 : 64;
}

Features toFeatures(const torch::Tensor &deviceRows)
{
    const torch::Tensor rows = deviceRows.to(torch::kCPU, torch::kFloat32).contiguous();
    Features f;
    f.rows = rows.size(0);
    f.dim = rows.size(1);
    f.values.assign(rows.data_ptr<float>(), rows.data_ptr<float>() + rows.numel());
    return f;
}

Features failure(const std::string &message)
{
    Features f;
    f.error = message;
    return f;
}

std::string describe(const BertClipWeights &w)
{
    const BertTextConfig &t = w.textConfig;
    std::string text = std::string(t.family == BertFamily::DistilBert ? "DistilBERT " : "BERT ")
                       + std::to_string(t.hidden) + "x" + std::to_string(t.layers) + " (" + std::to_string(t.heads)
                       + " heads, vocabulary " + std::to_string(t.vocabSize) + ")";
    if (w.kind == BertClipKind::SentenceTransformers) {
        text = "sentence-transformers: " + text + (w.pooling == TextPooling::Mean ? ", mean pooling" : ", CLS pooling");
        for (const DenseWeights &d : w.dense) {
            text += ", Dense " + std::to_string(d.weight.size(1)) + "->" + std::to_string(d.weight.size(0));
        }
        return text + (w.normalizeOutput ? ", normalized" : "");
    }
    const ModelConfig &v = w.clip.config;
    return "Chinese-CLIP: " + text + ", ViT " + std::to_string(v.visionWidth) + "x" + std::to_string(v.visionLayers)
           + " patch " + std::to_string(v.visionPatchSize) + " at " + std::to_string(v.imageResolution) + ", embedding "
           + std::to_string(w.embedDim);
}

torch::Tensor randomLike(std::vector<int64_t> shape, double scale)
{
    return torch::randn(shape) * scale;
}

LinearWeights randomLinear(int64_t out, int64_t in)
{
    return {randomLike({out, in}, 0.02), torch::zeros({out})};
}

LayerNormWeights unitNorm(int64_t width)
{
    return {torch::ones({width}), torch::zeros({width})};
}

BertTextWeights randomText(const BertTextConfig &c)
{
    BertTextWeights w;
    w.wordEmbeddings = randomLike({c.vocabSize, c.hidden}, 0.02);
    w.positionEmbeddings = randomLike({c.maxPositions, c.hidden}, 0.02);
    if (c.family == BertFamily::Bert) {
        w.tokenTypeEmbeddings = randomLike({c.typeVocabSize, c.hidden}, 0.02);
    }
    w.embeddingNorm = unitNorm(c.hidden);
    for (int64_t i = 0; i < c.layers; ++i) {
        BertLayerWeights l;
        l.query = randomLinear(c.hidden, c.hidden);
        l.key = randomLinear(c.hidden, c.hidden);
        l.value = randomLinear(c.hidden, c.hidden);
        l.attentionOutput = randomLinear(c.hidden, c.hidden);
        l.attentionNorm = unitNorm(c.hidden);
        l.intermediate = randomLinear(c.intermediate, c.hidden);
        l.output = randomLinear(c.hidden, c.intermediate);
        l.outputNorm = unitNorm(c.hidden);
        w.layers.push_back(std::move(l));
    }
    return w;
}

VisionWeights randomVision(const ModelConfig &c, int64_t intermediate)
{
    VisionWeights v;
    const int64_t w = c.visionWidth;
    v.conv1 = randomLike({w, 3, c.visionPatchSize, c.visionPatchSize}, 0.02);
    v.classEmbedding = randomLike({w}, 0.02);
    v.positionalEmbedding = randomLike({c.visionTokens(), w}, 0.01);
    v.lnPre = unitNorm(w);
    for (int64_t i = 0; i < c.visionLayers; ++i) {
        BlockWeights b;
        b.ln1 = unitNorm(w);
        b.inProj = randomLinear(3 * w, w);
        b.outProj = randomLinear(w, w);
        b.ln2 = unitNorm(w);
        b.fc = randomLinear(intermediate, w);
        b.proj = randomLinear(w, intermediate);
        v.blocks.push_back(std::move(b));
    }
    v.lnPost = unitNorm(w);
    v.proj = randomLike({w, c.embedDim}, 0.02);
    return v;
}

// The published models' sizes (their config.json files).
bool randomWeights(const std::string &architecture, BertClipWeights *w)
{
    if (architecture == "mclip-distilbert") { // sentence-transformers/clip-ViT-B-32-multilingual-v1
        w->kind = BertClipKind::SentenceTransformers;
        w->textConfig.family = BertFamily::DistilBert;
        w->textConfig.hidden = 768;
        w->textConfig.layers = 6;
        w->textConfig.heads = 12;
        w->textConfig.intermediate = 3072;
        w->textConfig.vocabSize = 119547;
        w->text = randomText(w->textConfig);
        w->pooling = TextPooling::Mean;
        w->dense.push_back({randomLike({512, 768}, 0.02), {}, false});
        w->embedDim = 512;
        return true;
    }
    if (architecture == "chinese-clip-b16") { // OFA-Sys/chinese-clip-vit-base-patch16
        w->kind = BertClipKind::ChineseClip;
        w->textConfig.family = BertFamily::Bert;
        w->textConfig.vocabSize = 21128;
        w->text = randomText(w->textConfig);
        w->embedDim = 512;
        w->textProjection = randomLike({512, 768}, 0.02);
        ModelConfig &v = w->clip.config;
        v.embedDim = 512;
        v.imageResolution = 224;
        v.visionPatchSize = 16;
        v.visionWidth = 768;
        v.visionLayers = 12;
        v.visionHeads = 12;
        v.quickGelu = true;
        w->clip.vision = randomVision(v, 3072);
        w->hasVision = true;
        return true;
    }
    return false;
}

BertClipLoadResult finishLoad(BertClipWeights weights, const LoadOptions &options, const std::string &name,
                              std::string folder)
{
    BertClipLoadResult result;
    auto d = std::make_unique<BertClipModel::Private>();
    std::string error;
    if (!chooseDevice(options, &d->setup, &error)) {
        result.error = name + ": " + error;
        return result;
    }
    const bool fast = options.kernels != Kernels::Reference;
    d->fastLinears = fast;
    d->visionMode.layout = fast ? Layout::Fast : Layout::Reference;
    d->visionMode.activation = !weights.clip.config.quickGelu ? Activation::Gelu
                               : fast                         ? Activation::SiluPrescaled
                                                              : Activation::QuickGelu;
    try {
        if (weights.hasVision && d->visionMode.activation == Activation::SiluPrescaled) {
            foldQuickGeluScale(weights.clip.vision.blocks); // before the cast: the scaling happens in float32
        }
        convertBertWeights(weights, d->setup.device, d->setup.dtype);
    } catch (const std::exception &e) { // out of GPU memory, unsupported dtype on this build
        result.error = name + ": cannot place the model on " + d->setup.description + " (" + firstLine(e.what()) + ")";
        return result;
    }
    d->description = describe(weights);
    d->weights = std::move(weights);
    d->folder = std::move(folder);
    result.model = std::make_unique<BertClipModel>(std::move(d));
    return result;
}

} // namespace

torch::Tensor BertClipModel::Private::textForward(const torch::Tensor &ids, const torch::Tensor &mask) const
{
    const BertClipWeights &w = weights;
    const torch::Tensor hidden = runBertEncoder(w.text, w.textConfig, ids, mask, fastLinears); // [N, L, H]
    if (w.kind == BertClipKind::ChineseClip) {
        return torch::matmul(hidden.select(1, 0), w.textProjection.t()); // last-layer [CLS] state · text_projectionᵀ
    }
    torch::Tensor pooled;
    if (w.pooling == TextPooling::Cls) {
        pooled = hidden.select(1, 0);
    } else if (!mask.defined()) {
        pooled = hidden.sum(1) / double(hidden.size(1));
    } else { // sentence-transformers Pooling: mean over the attention mask, divisor clamped at 1e-9
        const torch::Tensor m = mask.unsqueeze(-1).to(hidden.scalar_type());
        pooled = (hidden * m).sum(1) / m.sum(1).clamp_min(1e-9);
    }
    for (const DenseWeights &dense : w.dense) {
        pooled = torch::linear(pooled, dense.weight, dense.bias);
        if (dense.tanh) {
            pooled = torch::tanh(pooled);
        }
    }
    if (w.normalizeOutput) {
        pooled = pooled / pooled.norm(2, -1, true).clamp_min(1e-12);
    }
    return pooled;
}

torch::Tensor BertClipModel::Private::imageForward(const torch::Tensor &pixels) const
{
    const int64_t step = setup.device.is_cuda() ? pixels.size(0) : kCpuMicroBatch;
    std::vector<torch::Tensor> parts;
    for (int64_t start = 0; start < pixels.size(0); start += step) {
        parts.push_back(encodeImagesWith(weights.clip.vision, weights.clip.config, pixels.slice(0, start, start + step),
                                         visionMode));
    }
    return parts.size() == 1 ? parts.front() : torch::cat(parts, 0);
}

BertClipModel::BertClipModel(std::unique_ptr<Private> d)
    : d(std::move(d))
{
}

BertClipModel::~BertClipModel() = default;

BertClipLoadResult BertClipModel::load(const std::string &folder, const LoadOptions &options)
{
    BertClipWeights weights;
    std::string error;
    if (!loadBertClipCheckpoint(folder, &weights, &error)) {
        BertClipLoadResult result;
        result.error = error;
        return result;
    }
    return finishLoad(std::move(weights), options, folder, folder);
}

BertClipLoadResult BertClipModel::createRandom(const std::string &architecture, const LoadOptions &options)
{
    BertClipLoadResult result;
    try {
        torch::manual_seed(0);
        BertClipWeights weights;
        if (!randomWeights(architecture, &weights)) {
            std::string names;
            for (const std::string &name : randomArchitectures()) {
                names += (names.empty() ? "" : ", ") + name;
            }
            result.error = "unknown architecture '" + architecture + "' (" + names + ")";
            return result;
        }
        return finishLoad(std::move(weights), options, architecture, {});
    } catch (const std::exception &e) {
        result.error = architecture + ": " + firstLine(e.what());
        return result;
    }
}

std::vector<std::string> BertClipModel::randomArchitectures()
{
    return {"mclip-distilbert", "chinese-clip-b16"};
}

BertClipKind BertClipModel::kind() const
{
    return d->weights.kind;
}

std::string BertClipModel::kindName() const
{
    return d->weights.kind == BertClipKind::ChineseClip ? "chinese-clip" : "sentence-transformers";
}

std::string BertClipModel::description() const
{
    return d->description;
}

const std::string &BertClipModel::folder() const
{
    return d->folder;
}

int64_t BertClipModel::embeddingDim() const
{
    return d->weights.embedDim;
}

int64_t BertClipModel::maxTextLength() const
{
    return d->weights.textConfig.maxPositions;
}

int64_t BertClipModel::vocabularySize() const
{
    return d->weights.textConfig.vocabSize;
}

bool BertClipModel::hasImageTower() const
{
    return d->weights.hasVision;
}

int BertClipModel::imageHeight() const
{
    return d->weights.hasVision ? int(d->weights.clip.config.imageResolution) : 0;
}

int BertClipModel::imageWidth() const
{
    return imageHeight(); // the CLIP image tower takes squares
}

const ChineseClipImageConfig &BertClipModel::imageConfig() const
{
    return d->weights.imageConfig;
}

std::string BertClipModel::deviceDescription() const
{
    return d->setup.description;
}

bool BertClipModel::isCuda() const
{
    return d->setup.device.is_cuda();
}

std::string BertClipModel::precisionName() const
{
    return dtypeName(d->setup.dtype);
}

int BertClipModel::cpuThreads() const
{
    return d->setup.cpuThreads;
}

Features BertClipModel::encodeTexts(const std::vector<std::vector<int64_t>> &tokens)
{
    const BertTextConfig &c = d->weights.textConfig;
    const bool maskEveryPad = d->weights.kind == BertClipKind::ChineseClip; // attention mask = ids != pad there
    if (tokens.empty()) {
        Features empty;
        empty.dim = embeddingDim();
        return empty;
    }
    // Each row's length without its trailing padding.
    std::vector<int64_t> lengths;
    for (size_t i = 0; i < tokens.size(); ++i) {
        const auto &row = tokens[i];
        int64_t length = int64_t(row.size());
        while (length > 0 && row[size_t(length - 1)] == c.padId) {
            --length;
        }
        if (length == 0 || int64_t(row.size()) > c.maxPositions) {
            return failure("text " + std::to_string(i) + ": needs 1 to " + std::to_string(c.maxPositions)
                           + " token ids, not all padding");
        }
        for (const int64_t id : row) {
            if (id < 0 || id >= c.vocabSize) {
                return failure("text " + std::to_string(i) + ": token id " + std::to_string(id)
                               + " is outside the vocabulary");
            }
        }
        lengths.push_back(length);
    }
    try {
        c10::InferenceMode inference; // thread-local: lives on the thread that runs the forward pass
        std::vector<torch::Tensor> parts;
        const int64_t rows = int64_t(tokens.size());
        for (int64_t start = 0; start < rows; start += maxBatch(d->setup)) {
            const int64_t end = std::min(rows, start + maxBatch(d->setup));
            const int64_t length = *std::max_element(lengths.begin() + start, lengths.begin() + end);
            torch::Tensor ids = torch::full({end - start, length}, c.padId, torch::kLong);
            torch::Tensor mask = torch::zeros({end - start, length}, torch::kBool);
            auto idAccess = ids.accessor<int64_t, 2>();
            auto maskAccess = mask.accessor<bool, 2>();
            bool anyMasked = false;
            for (int64_t r = start; r < end; ++r) {
                for (int64_t j = 0; j < length; ++j) {
                    const bool real = j < lengths[size_t(r)];
                    const int64_t id = real ? tokens[size_t(r)][size_t(j)] : c.padId;
                    idAccess[r - start][j] = id;
                    maskAccess[r - start][j] = real && !(maskEveryPad && id == c.padId);
                    anyMasked = anyMasked || !maskAccess[r - start][j];
                }
            }
            // Only the real tokens run when nothing is masked (a single query): no padding to the maximum length.
            const torch::Tensor deviceMask = anyMasked ? mask.to(d->setup.device) : torch::Tensor();
            parts.push_back(d->textForward(ids.to(d->setup.device), deviceMask).to(torch::kFloat32));
        }
        return toFeatures(parts.size() == 1 ? parts.front() : torch::cat(parts, 0));
    } catch (const std::exception &e) {
        return failure("text encoder failed: " + firstLine(e.what()));
    }
}

Features BertClipModel::encodeImages(const float *pixels, int64_t count)
{
    if (!hasImageTower()) {
        return failure("this model has no image tower (" + kindName() + ": text only)");
    }
    if (count <= 0) {
        Features empty;
        empty.dim = embeddingDim();
        return empty;
    }
    const int64_t h = imageHeight();
    const int64_t w = imageWidth();
    try {
        c10::InferenceMode inference;
        const torch::Tensor all = torch::from_blob(const_cast<float *>(pixels), {count, 3, h, w}, torch::kFloat32);
        std::vector<torch::Tensor> parts;
        for (int64_t start = 0; start < count; start += maxBatch(d->setup)) {
            const torch::Tensor batch =
                all.slice(0, start, std::min(count, start + maxBatch(d->setup))).to(d->setup.device, d->setup.dtype);
            parts.push_back(d->imageForward(batch).to(torch::kFloat32));
        }
        return toFeatures(parts.size() == 1 ? parts.front() : torch::cat(parts, 0));
    } catch (const std::exception &e) {
        return failure("image encoder failed: " + firstLine(e.what()));
    }
}

} // namespace clipfind::clip
