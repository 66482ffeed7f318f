// SPDX-License-Identifier: MIT
#include "core/clip/model/clipmodel.h"

#include "core/clip/checkpoint/checkpoint.h"
#include "core/clip/errortext.h"
#include "core/clip/model/clipmodelprivate.h"
#include "core/clip/model/textencoder.h"
#include "core/clip/model/threading.h"
#include "core/clip/model/visionencoder.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

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

// Where and how the model runs; the towers are built later (prepareText / prepareImage).
std::unique_ptr<ClipModel::Private> newPrivate(const ModelConfig &config, const LoadOptions &options,
                                               const std::string &name, std::string *error)
{
    auto d = std::make_unique<ClipModel::Private>();
    if (!chooseDevice(options, &d->setup, error)) {
        *error = name + ": " + *error;
        return nullptr;
    }
    d->weights.config = config;
    const bool fast = options.kernels != Kernels::Reference;
    d->imageMode.layout = fast ? Layout::Fast : Layout::Reference;
    d->imageMode.activation = !config.quickGelu ? Activation::Gelu
                              : fast            ? Activation::SiluPrescaled
                                                : Activation::QuickGelu;
    // On the CPU the text tower keeps its weights as the file has them (views over a mapped float32 file): folding
    // QuickGELU's 1.702 into them would copy 100 MB of ViT-B/32's. A query has a handful of rows, so the two extra
    // elementwise passes of plain QuickGELU cost microseconds. On CUDA the weights are copied to the device anyway.
    d->textMode.layout = d->imageMode.layout;
    d->textMode.activation = d->setup.device.is_cuda() ? d->imageMode.activation
                             : config.quickGelu        ? Activation::QuickGelu
                                                       : Activation::Gelu;
    return d;
}

std::string buildProblem(const ClipModel::Private &d, const std::string &tower, const std::exception &e)
{
    const std::string what = d.setup.device.is_cuda() ? "cannot place the " + tower + " on " + d.setup.description
                                                      : "cannot build the " + tower;
    return (d.file.empty() ? std::string("model") : d.file) + ": " + what + " (" + firstLine(e.what()) + ")";
}

// Builds one tower once: `build` fills its weights. A failure is remembered and reported to every caller.
template<typename Build>
bool prepareTower(ClipModel::Private &d, ClipModel::Private::Tower &tower, const char *name, bool oneThread,
                  Build build, std::string *error)
{
    if (tower.ready.load(std::memory_order_acquire)) {
        return true;
    }
    std::lock_guard<std::mutex> lock(tower.mutex);
    if (tower.ready.load(std::memory_order_relaxed)) {
        return true;
    }
    if (tower.error.empty()) {
        try {
            // The text tower is built at start, beside the rows loading: on one thread the two do not fight over
            // both cores (60 ms instead of 600 ms in the app's launch on a loaded 2-core machine). The image tower
            // is built on the indexer's thread with its own threads: switching that thread to one OpenMP thread and
            // back left a libgomp worker spinning on a core for seconds, which slowed the encoding 3-10x
            // (indexertest pauseHoldsTheRunUntilResumed after another run in the same process).
            std::optional<ScopedCpuThreads> narrowed;
            if (oneThread) {
                narrowed.emplace(1);
            }
            build();
            tower.ready.store(true, std::memory_order_release);
            return true;
        } catch (const std::exception &e) { // out of (GPU) memory, a file changed under its mapping
            tower.error = buildProblem(d, name, e);
        }
    }
    if (error) {
        *error = tower.error;
    }
    return false;
}

} // namespace

bool ClipModel::Private::prepareText(std::string *error)
{
    return prepareTower(
        *this, text, "text tower", true,
        [this] {
            TextWeights built = buildTextWeights(*checkpoint);
            if (textMode.activation == Activation::SiluPrescaled) {
                foldQuickGeluScale(built.blocks); // before the cast: the scaling happens in float32
            }
            convertTextWeights(built, setup.device, setup.dtype);
            weights.text = std::move(built);
        },
        error);
}

bool ClipModel::Private::prepareImage(std::string *error)
{
    return prepareTower(
        *this, image, "image tower", false,
        [this] {
            VisionWeights built = buildVisionWeights(*checkpoint);
            if (imageMode.activation == Activation::SiluPrescaled) {
                foldQuickGeluScale(built.blocks);
            }
            convertVisionWeights(built, setup.device, setup.imageDtype, setup.imageMatmulDtype);
            weights.vision = std::move(built);
        },
        error);
}

torch::Tensor ClipModel::Private::imageForward(const torch::Tensor &pixels)
{
    std::string error;
    if (!prepareImage(&error)) {
        throw std::runtime_error(error);
    }
    // On the CPU, memory traffic of the activations dominates once a batch's [50 N, 3072] MLP activations
    // outgrow the caches: ViT-B/32 ran at 18 img/s in batches of 8 and 10 img/s in batches of 32 on the
    // 2-core development machine. The features do not depend on how a batch is split.
    const int64_t step = setup.device.is_cuda() ? pixels.size(0) : kCpuMicroBatch;
    if (pixels.size(0) <= step) {
        return encodeImagesWith(weights.vision, weights.config, pixels, imageMode);
    }
    std::vector<torch::Tensor> parts;
    for (int64_t start = 0; start < pixels.size(0); start += step) {
        parts.push_back(
            encodeImagesWith(weights.vision, weights.config, pixels.slice(0, start, start + step), imageMode));
    }
    return torch::cat(parts, 0);
}

torch::Tensor ClipModel::Private::textForward(const torch::Tensor &tokens)
{
    std::string error;
    if (!prepareText(&error)) {
        throw std::runtime_error(error);
    }
    return encodeTextsWith(weights.text, weights.config, tokens, setup.dtype, textMode);
}

ClipModel::ClipModel(std::unique_ptr<Private> d)
    : d(std::move(d))
{
}

ClipModel::~ClipModel() = default;

LoadResult ClipModel::load(const std::string &path, const LoadOptions &options)
{
    LoadResult result;
    auto checkpoint = std::make_shared<Checkpoint>();
    if (!loadCheckpoint(path, checkpoint.get(), &result.error, options.fileAccess)) {
        return result;
    }
    std::unique_ptr<Private> d = newPrivate(checkpoint->config, options, checkpoint->file, &result.error);
    if (!d) {
        return result;
    }
    d->weights.logitScale = checkpoint->logitScale;
    d->format = checkpoint->format;
    d->file = checkpoint->file;
    d->checkpoint = std::move(checkpoint);
    if (!options.lazyTowers && (!d->prepareText(&result.error) || !d->prepareImage(&result.error))) {
        return result;
    }
    result.model = std::make_unique<ClipModel>(std::move(d));
    return result;
}

LoadResult ClipModel::createRandom(const ModelConfig &config, const LoadOptions &options)
{
    LoadResult result;
    const std::string name = architectureName(config);
    try {
        torch::manual_seed(0);
        ClipWeights weights = randomWeights(config);
        std::unique_ptr<Private> d = newPrivate(config, options, name, &result.error);
        if (!d) {
            return result;
        }
        if (d->imageMode.activation == Activation::SiluPrescaled) {
            foldQuickGeluScale(weights.vision.blocks); // before the cast: the scaling happens in float32
        }
        if (d->textMode.activation == Activation::SiluPrescaled) {
            foldQuickGeluScale(weights.text.blocks);
        }
        convertVisionWeights(weights.vision, d->setup.device, d->setup.imageDtype, d->setup.imageMatmulDtype);
        convertTextWeights(weights.text, d->setup.device, d->setup.dtype);
        d->weights = std::move(weights);
        d->format = "random";
        d->text.ready = true;
        d->image.ready = true;
        result.model = std::make_unique<ClipModel>(std::move(d));
    } catch (const std::exception &e) { // out of GPU memory, unsupported dtype on this build
        result.error = name + ": " + firstLine(e.what());
    }
    return result;
}

bool ClipModel::prepareTextTower(std::string *error)
{
    return d->prepareText(error);
}

bool ClipModel::prepareImageTower(std::string *error)
{
    return d->prepareImage(error);
}

bool ClipModel::isTextTowerReady() const
{
    return d->text.ready.load(std::memory_order_acquire);
}

bool ClipModel::isImageTowerReady() const
{
    return d->image.ready.load(std::memory_order_acquire);
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
    std::string error;
    if (!d->prepareImage(&error)) {
        return failure(error);
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
            return failure("text " + std::to_string(i) + ": needs 1 to " + std::to_string(c.contextLength)
                           + " token ids");
        }
        for (const int64_t id : row) {
            if (id < 0 || id >= c.vocabSize) {
                return failure("text " + std::to_string(i) + ": token id " + std::to_string(id)
                               + " is outside the vocabulary");
            }
        }
        const auto eot = std::max_element(row.begin(), row.end()) - row.begin(); // first maximum, like argmax
        length = std::max<int64_t>(length, eot + 1);
    }
    std::string error;
    if (!d->prepareText(&error)) {
        return failure(error);
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
