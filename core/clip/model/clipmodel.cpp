// SPDX-License-Identifier: MIT
#include "core/clip/model/clipmodel.h"

#include "core/clip/checkpoint/checkpoint.h"
#include "core/clip/model/clipmodelprivate.h"
#include "core/clip/errortext.h"
#include "core/clip/model/textencoder.h"
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

torch::Tensor randomLike(std::vector<int64_t> shape, double scale)
{
    return torch::randn(shape) * scale;
}

// Random weights with the layout of `config`, as a stand-in checkpoint for speed measurements.
ClipWeights randomWeights(const ModelConfig &c)
{
    auto blocks = [](int64_t layers, int64_t width) {
        std::vector<BlockWeights> result(static_cast<size_t>(layers));
        for (BlockWeights &b : result) {
            b.ln1 = {torch::ones({width}), torch::zeros({width})};
            b.ln2 = {torch::ones({width}), torch::zeros({width})};
            b.inProj = {randomLike({3 * width, width}, 0.02), torch::zeros({3 * width})};
            b.outProj = {randomLike({width, width}, 0.02), torch::zeros({width})};
            b.fc = {randomLike({4 * width, width}, 0.02), torch::zeros({4 * width})};
            b.proj = {randomLike({width, 4 * width}, 0.02), torch::zeros({width})};
        }
        return result;
    };
    ClipWeights w;
    w.config = c;
    const int64_t vw = c.visionWidth;
    w.vision.conv1 = randomLike({vw, 3, c.visionPatchSize, c.visionPatchSize}, 0.02);
    w.vision.classEmbedding = randomLike({vw}, 0.02);
    w.vision.positionalEmbedding = randomLike({c.visionTokens(), vw}, 0.01);
    w.vision.lnPre = {torch::ones({vw}), torch::zeros({vw})};
    w.vision.blocks = blocks(c.visionLayers, vw);
    w.vision.lnPost = {torch::ones({vw}), torch::zeros({vw})};
    w.vision.proj = randomLike({vw, c.embedDim}, 0.02);
    const int64_t tw = c.textWidth;
    w.text.tokenEmbedding = randomLike({c.vocabSize, tw}, 0.02);
    w.text.positionalEmbedding = randomLike({c.contextLength, tw}, 0.01);
    w.text.blocks = blocks(c.textLayers, tw);
    w.text.lnFinal = {torch::ones({tw}), torch::zeros({tw})};
    w.text.projection = randomLike({tw, c.embedDim}, 0.02);
    w.logitScale = torch::tensor(4.6052f);
    return w;
}

LoadResult finishLoad(ClipWeights weights, std::string format, const LoadOptions &options, const std::string &name,
                      std::string file)
{
    LoadResult result;
    auto d = std::make_unique<ClipModel::Private>();
    std::string error;
    if (!chooseDevice(options, &d->setup, &error)) {
        result.error = name + ": " + error;
        return result;
    }
    const bool fast = options.kernels != Kernels::Reference;
    d->mode.layout = fast ? Layout::Fast : Layout::Reference;
    d->mode.activation = !weights.config.quickGelu ? Activation::Gelu
        : fast                                     ? Activation::SiluPrescaled
                                                   : Activation::QuickGelu;
    try {
        if (d->mode.activation == Activation::SiluPrescaled) {
            foldQuickGeluScale(weights); // before the cast: the scaling happens in float32
        }
        convertWeights(weights, d->setup.device, d->setup.imageDtype, d->setup.imageMatmulDtype, d->setup.dtype);
    } catch (const std::exception &e) { // out of GPU memory, unsupported dtype on this build
        result.error = name + ": cannot place the model on " + d->setup.description + " (" + firstLine(e.what()) + ")";
        return result;
    }
    d->weights = std::move(weights);
    d->format = std::move(format);
    d->file = std::move(file);
    result.model = std::make_unique<ClipModel>(std::move(d));
    return result;
}

} // namespace

torch::Tensor ClipModel::Private::imageForward(const torch::Tensor &pixels) const
{
    // On the CPU, memory traffic of the activations dominates once a batch's [50 N, 3072] MLP activations
    // outgrow the caches: ViT-B/32 ran at 18 img/s in batches of 8 and 10 img/s in batches of 32 on the
    // 2-core development machine. The features do not depend on how a batch is split.
    const int64_t step = setup.device.is_cuda() ? pixels.size(0) : kCpuMicroBatch;
    if (pixels.size(0) <= step) {
        return encodeImagesWith(weights.vision, weights.config, pixels, mode);
    }
    std::vector<torch::Tensor> parts;
    for (int64_t start = 0; start < pixels.size(0); start += step) {
        parts.push_back(encodeImagesWith(weights.vision, weights.config, pixels.slice(0, start, start + step), mode));
    }
    return torch::cat(parts, 0);
}

torch::Tensor ClipModel::Private::textForward(const torch::Tensor &tokens) const
{
    return encodeTextsWith(weights.text, weights.config, tokens, setup.dtype, mode);
}

ClipModel::ClipModel(std::unique_ptr<Private> d)
    : d(std::move(d))
{
}

ClipModel::~ClipModel() = default;

LoadResult ClipModel::load(const std::string &path, const LoadOptions &options)
{
    Checkpoint checkpoint;
    std::string error;
    if (!loadCheckpoint(path, &checkpoint, &error)) {
        LoadResult result;
        result.error = error;
        return result;
    }
    return finishLoad(std::move(checkpoint.weights), checkpoint.format, options, checkpoint.file, checkpoint.file);
}

LoadResult ClipModel::createRandom(const ModelConfig &config, const LoadOptions &options)
{
    try {
        torch::manual_seed(0);
        return finishLoad(randomWeights(config), "random", options, architectureName(config), {});
    } catch (const std::exception &e) {
        LoadResult result;
        result.error = architectureName(config) + ": " + firstLine(e.what());
        return result;
    }
}

const ModelConfig &ClipModel::config() const
{
    return d->weights.config;
}

const std::string &ClipModel::format() const
{
    return d->format;
}

const std::string &ClipModel::file() const
{
    return d->file;
}

std::string ClipModel::deviceDescription() const
{
    return d->setup.description;
}

bool ClipModel::isCuda() const
{
    return d->setup.device.is_cuda();
}

std::string ClipModel::precisionName() const
{
    return dtypeName(d->setup.dtype);
}

std::string ClipModel::imagePrecisionName() const
{
    return d->setup.imageMatmulDtype != d->setup.imageDtype ? dtypeName(d->setup.imageMatmulDtype) + "-mixed"
                                                            : dtypeName(d->setup.imageDtype);
}

int ClipModel::cpuThreads() const
{
    return d->setup.cpuThreads;
}

Features ClipModel::encodeImages(const float *pixels, int64_t count)
{
    const int64_t r = config().imageResolution;
    if (count <= 0) {
        Features empty;
        empty.dim = config().embedDim;
        return empty;
    }
    try {
        c10::InferenceMode inference; // thread-local: lives on the thread that runs the forward pass
        const torch::Tensor all = torch::from_blob(const_cast<float *>(pixels), {count, 3, r, r}, torch::kFloat32);
        std::vector<torch::Tensor> parts;
        for (int64_t start = 0; start < count; start += maxBatch(d->setup)) {
            const torch::Tensor batch = all.slice(0, start, std::min(count, start + maxBatch(d->setup)))
                                            .to(d->setup.device, d->setup.imageDtype);
            parts.push_back(d->imageForward(batch).to(torch::kFloat32));
        }
        return toFeatures(torch::cat(parts, 0));
    } catch (const std::exception &e) {
        return failure("image encoder failed: " + firstLine(e.what()));
    }
}

Features ClipModel::encodeTexts(const std::vector<std::vector<int64_t>> &tokens, TextPass pass)
{
    const ModelConfig &c = config();
    if (tokens.empty()) {
        Features empty;
        empty.dim = c.embedDim;
        return empty;
    }
    // Rows run together, so they share a length: up to the latest EOT (argmax) of the batch, or the full context.
    int64_t length = pass == TextPass::Full ? c.contextLength : 1;
    for (size_t i = 0; i < tokens.size(); ++i) {
        const auto &row = tokens[i];
        if (row.empty() || static_cast<int64_t>(row.size()) > c.contextLength) {
            return failure("text " + std::to_string(i) + ": needs 1 to " + std::to_string(c.contextLength) + " token ids");
        }
        for (const int64_t id : row) {
            if (id < 0 || id >= c.vocabSize) {
                return failure("text " + std::to_string(i) + ": token id " + std::to_string(id) + " is outside the vocabulary");
            }
        }
        const auto eot = std::max_element(row.begin(), row.end()) - row.begin(); // first maximum, like argmax
        length = std::max<int64_t>(length, eot + 1);
    }
    try {
        c10::InferenceMode inference;
        torch::Tensor ids = torch::zeros({static_cast<int64_t>(tokens.size()), length}, torch::kLong);
        auto access = ids.accessor<int64_t, 2>();
        for (size_t i = 0; i < tokens.size(); ++i) {
            const int64_t n = std::min<int64_t>(length, static_cast<int64_t>(tokens[i].size()));
            for (int64_t j = 0; j < n; ++j) {
                access[static_cast<int64_t>(i)][j] = tokens[i][static_cast<size_t>(j)];
            }
        }
        return toFeatures(d->textForward(ids.to(d->setup.device)));
    } catch (const std::exception &e) {
        return failure("text encoder failed: " + firstLine(e.what()));
    }
}

} // namespace clipfind::clip
