// SPDX-License-Identifier: MIT
#include "core/clip/bench/benchmark.h"

#include "core/clip/model/clipmodelprivate.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

namespace clipfind::clip {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Images per second of the image tower on input already on the device. Copying the small result to the
// host waits for the GPU, so each timed iteration is complete.
double timeImages(ClipModel::Private &d, int64_t batch, double seconds)
{
    c10::InferenceMode inference;
    const int64_t r = d.weights.config.imageResolution;
    const torch::Tensor pixels =
        torch::randn({batch, 3, r, r}, torch::TensorOptions().dtype(d.setup.imageDtype).device(d.setup.device));
    (void)d.imageForward(pixels).cpu(); // warm-up: allocator, kernels, caches
    if (d.setup.device.is_cuda()) {
        (void)d.imageForward(pixels).cpu();
    }
    int64_t images = 0;
    const auto start = Clock::now();
    do {
        (void)d.imageForward(pixels).cpu();
        images += batch;
    } while (secondsSince(start) < seconds || images < 3 * batch);
    return double(images) / secondsSince(start);
}

// Median latency of one query, token ids on the host to features on the host.
double timeText(ClipModel &model, int64_t contentTokens, double seconds)
{
    const ModelConfig &c = model.config();
    const int64_t content = std::min(contentTokens, c.contextLength - 2);
    std::mt19937 random(42);
    std::uniform_int_distribution<int64_t> word(1000, 40000);
    std::vector<int64_t> row{49406};
    for (int64_t i = 0; i < content; ++i) {
        row.push_back(word(random));
    }
    row.push_back(49407);
    const std::vector<std::vector<int64_t>> query{row};
    for (int i = 0; i < 3; ++i) {
        (void)model.encodeTexts(query); // warm-up
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

} // namespace

bool parseCountList(const std::string &option, const std::string &text, std::vector<int64_t> *counts,
                    std::string *error)
{
    std::vector<int64_t> parsed;
    for (size_t start = 0; start <= text.size();) {
        const size_t comma = std::min(text.find(',', start), text.size());
        const std::string item = text.substr(start, comma - start);
        start = comma + 1;
        if (item.empty()) {
            continue;
        }
        errno = 0;
        const long long value = std::strtoll(item.c_str(), nullptr, 10);
        if (item.find_first_not_of("0123456789") != std::string::npos || errno == ERANGE || value < 1) {
            *error = option + " needs positive numbers separated by commas ('" + item + "' is not one)";
            return false;
        }
        parsed.push_back(value);
    }
    *counts = std::move(parsed);
    return true;
}

BenchResult runBenchmark(ClipModel &model, const std::string &modelName, const BenchOptions &options)
{
    ClipModel::Private &d = model.internals();
    BenchResult result;
    result.model = modelName;
    result.device = model.deviceDescription();
    result.precision = model.precisionName();
    result.threads = model.cpuThreads();
    std::vector<int64_t> batches = options.imageBatches;
    if (batches.empty()) {
        batches = {1, 8, 32};
        if (model.isCuda()) {
            batches.insert(batches.end(), {256, 1024});
        }
    }
    for (const int64_t batch : batches) {
        result.imagesPerSecond.emplace_back(batch, timeImages(d, batch, options.secondsPerCase));
    }
    for (const int64_t tokens : options.textTokens) {
        result.textMs.emplace_back(tokens, timeText(model, tokens, options.secondsPerCase));
    }
    return result;
}

std::string formatBenchTable(const BenchResult &r)
{
    std::string out;
    char line[160];
    std::snprintf(line, sizeof line, "model      %s\ndevice     %s\nprecision  %s\nthreads    %d\n", r.model.c_str(),
                  r.device.c_str(), r.precision.c_str(), r.threads);
    out += line;
    out += "\nimage encoder       batch     img/s\n";
    for (const auto &[batch, rate] : r.imagesPerSecond) {
        std::snprintf(line, sizeof line, "                   %6lld  %8.1f\n", static_cast<long long>(batch), rate);
        out += line;
    }
    out += "\ntext encoder       tokens   ms/query\n";
    for (const auto &[tokens, ms] : r.textMs) {
        std::snprintf(line, sizeof line, "                   %6lld  %8.2f\n", static_cast<long long>(tokens), ms);
        out += line;
    }
    return out;
}

json::Value benchToJson(const BenchResult &r)
{
    auto pairs = [](const std::vector<std::pair<int64_t, double>> &values) {
        std::vector<std::pair<std::string, json::Value>> members;
        for (const auto &[key, value] : values) {
            members.emplace_back(std::to_string(key), json::Value::makeReal(value));
        }
        return json::Value::makeObject(std::move(members));
    };
    return json::Value::makeObject({
        {"model", json::Value::makeString(r.model)},
        {"device", json::Value::makeString(r.device)},
        {"precision", json::Value::makeString(r.precision)},
        {"threads", json::Value::makeInteger(r.threads)},
        {"image_img_per_s", pairs(r.imagesPerSecond)},
        {"text_ms", pairs(r.textMs)},
    });
}

} // namespace clipfind::clip
