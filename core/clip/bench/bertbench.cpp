// SPDX-License-Identifier: MIT
#include "core/clip/bench/bertbench.h"

#include "core/clip/model/bertclipmodelprivate.h"

#include <algorithm>
#include <chrono>
#include <random>

namespace clipfind::clip {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Median ms of one query of `contentTokens` random ids between [CLS] (101) and [SEP] (102), as BERT vocabularies
// number them; the ids' values do not change the time.
double timeText(BertClipModel &model, int64_t contentTokens, double seconds)
{
    const int64_t content = std::max<int64_t>(0, std::min(contentTokens, model.maxTextLength() - 2));
    std::mt19937 random(42);
    std::uniform_int_distribution<int64_t> piece(std::min<int64_t>(1000, model.vocabularySize() - 1),
                                                 model.vocabularySize() - 1);
    std::vector<int64_t> row{std::min<int64_t>(101, model.vocabularySize() - 1)};
    for (int64_t i = 0; i < content; ++i) {
        row.push_back(piece(random));
    }
    row.push_back(std::min<int64_t>(102, model.vocabularySize() - 1));
    const std::vector<std::vector<int64_t>> query{row};
    for (int i = 0; i < 3; ++i) {
        (void)model.encodeTexts(query); // warm-up: allocator, caches
    }
    std::vector<double> samples;
    const auto start = Clock::now();
    do {
        const auto t0 = Clock::now();
        (void)model.encodeTexts(query);
        samples.push_back(secondsSince(t0) * 1000.0);
    } while ((secondsSince(start) < seconds && samples.size() < 200) || samples.size() < 5);
    std::nth_element(samples.begin(), samples.begin() + samples.size() / 2, samples.end());
    return samples[samples.size() / 2];
}

double timeImages(BertClipModel::Private &d, int64_t batch, double seconds)
{
    c10::InferenceMode inference;
    const int64_t r = d.weights.clip.config.imageResolution;
    const torch::Tensor pixels =
        torch::randn({batch, 3, r, r}, torch::TensorOptions().dtype(d.setup.dtype).device(d.setup.device));
    (void)d.imageForward(pixels).cpu(); // warm-up
    int64_t images = 0;
    const auto start = Clock::now();
    do {
        (void)d.imageForward(pixels).cpu(); // the copy to the host waits for the GPU
        images += batch;
    } while (secondsSince(start) < seconds || images < 3 * batch);
    return double(images) / secondsSince(start);
}

} // namespace

BenchResult runBertBenchmark(BertClipModel &model, const std::string &modelName, const BertBenchOptions &options)
{
    BenchResult result;
    result.model = modelName;
    result.device = model.deviceDescription();
    result.precision = model.precisionName();
    result.threads = model.cpuThreads();
    if (model.hasImageTower()) {
        std::vector<int64_t> batches = options.imageBatches;
        if (batches.empty()) {
            batches = {1, 8};
            if (model.isCuda()) {
                batches.push_back(256);
            }
        }
        for (const int64_t batch : batches) {
            result.imagesPerSecond.emplace_back(batch, timeImages(model.internals(), batch, options.secondsPerCase));
        }
    }
    for (const int64_t tokens : options.textTokens) {
        result.textMs.emplace_back(tokens, timeText(model, tokens, options.secondsPerCase));
    }
    return result;
}

} // namespace clipfind::clip
