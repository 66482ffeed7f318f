// SPDX-License-Identifier: MIT
// Why this file is long: the Qt-free driver of the GPU machine: check, bench, bench-search and index-bench each parse
// their options and print results; the work itself is in core/clip.
// clipfind-engine: the Qt-free driver of the CLIP engine, for machines that have only libtorch (the GPU box).
//   clipfind-engine check --fixtures DIR [--device auto|cpu|cuda] [--precision auto|float32|float16|bfloat16]
//                         [--kernels auto|reference|fast]
//   clipfind-engine bench [--model PATH | --arch ViT-B/32] [--device ...] [--precision ...] [--batches 1,8,32]
//                         [--threads N] [--seconds S] [--json]
//   clipfind-engine feed [--model PATH | --arch ViT-B/32] [--device ...] [--batch B] [--producers P] [--images N]
//       producer threads push synthetic 8-bit crops through CropBatcher (upload, normalization on the device,
//       forward); prints the end-to-end images/s as JSON
//   clipfind-engine bench-search [--model PATH | --arch ViT-B/32] [--device ...] [--rows 10000,100000,1000000]
//                         [--queries N] [--no-baseline] [--json]
//       median query latency (encode + score + top-k) over synthetic unit rows; the query is 5 fixed token ids per
//       query (no tokenizer here: it lives in the Qt side), so the tokenize step of clipfind-cli is not included
//   clipfind-engine index-bench DIR [--model PATH | --arch ViT-B/32] [--device cpu|cuda] [--precision P] [--batch B]
//                         [--decoders N] [--limit N]
//       the indexer's pipeline without Qt, OpenCV or a cache: the JPEGs directly in DIR decoded with libjpeg-turbo
//       (DCT scaling to a short side >= 2 x the input size, as the app's fast path; no EXIF rotation) on N decoder
//       threads, centre-cropped and encoded through CropBatcher; prints photos/s and where the time went as JSON.
//       The CPU decode path is the only one: nvJPEG is not used (no way to build or test it here).
// `check` compares features with the fixtures' expected.json (made by the original OpenAI code) and exits 1
// when a row is off: fp32 within 1e-4 x max|ref| per row, fp16/bf16 cosine >= 0.999.

#include "core/clip/bench/benchmark.h"
#include "core/clip/bench/searchbench.h"
#include "core/clip/formats/json.h"
#include "core/clip/formats/npy.h"
#include "core/clip/model/clipmodel.h"
#include "core/clip/pixels/cropbatcher.h"
#include "core/clip/pixels/imageprep.h"
#include "core/clip/pixels/jpegdecode.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace clipfind::clip;

namespace {

struct Arguments {
    std::map<std::string, std::string> values;
    bool has(const std::string &key) const { return values.count(key) != 0; }
    std::string get(const std::string &key, const std::string &fallback = {}) const
    {
        const auto it = values.find(key);
        return it == values.end() ? fallback : it->second;
    }
};

bool parseArguments(int argc, char **argv, Arguments *args, std::string *error)
{
    const bool takesFolder = argc > 1 && std::string(argv[1]) == "index-bench";
    for (int i = 2; i < argc; ++i) {
        const std::string key = argv[i];
        if (takesFolder && key.rfind("--", 0) != 0 && !args->has("DIR")) {
            args->values["DIR"] = key;
            continue;
        }
        if (key.rfind("--", 0) != 0) {
            *error = "unexpected argument " + key;
            return false;
        }
        if (key == "--json" || key == "--no-baseline") {
            args->values[key] = "1";
        } else if (i + 1 < argc) {
            args->values[key] = argv[++i];
        } else {
            *error = key + " needs a value";
            return false;
        }
    }
    return true;
}

bool parseLoadOptions(const Arguments &args, LoadOptions *options, std::string *error)
{
    return clipfind::clip::parseLoadOptions(args.get("--device", "auto"), args.get("--precision", "auto"),
                                            args.get("--kernels", "auto"), args.get("--threads", "0"), options, error);
}

bool readJson(const std::string &path, json::Value *value, std::string *error)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        *error = path + ": cannot open";
        return false;
    }
    std::stringstream text;
    text << in.rdbuf();
    if (!json::parse(text.str(), value, error)) {
        *error = path + ": " + *error;
        return false;
    }
    return true;
}

// Compares rows of `ours` with expected rows; returns the worst per-row figure and whether all pass.
struct Comparison {
    double worstRelative = 0; // max |ours - ref| / max |ref| over rows
    double worstCosine = 1;   // min cosine over rows
};

Comparison compare(const Features &ours, const json::Value &expected)
{
    Comparison c;
    for (int64_t r = 0; r < ours.rows; ++r) {
        const json::Value &row = expected[static_cast<size_t>(r)];
        double maxRef = 0, maxDiff = 0, dot = 0, nOurs = 0, nRef = 0;
        for (int64_t j = 0; j < ours.dim; ++j) {
            const double ref = row[static_cast<size_t>(j)].toDouble();
            const double value = ours.row(r)[j];
            maxRef = std::max(maxRef, std::fabs(ref));
            maxDiff = std::max(maxDiff, std::fabs(value - ref));
            dot += value * ref;
            nOurs += value * value;
            nRef += ref * ref;
        }
        c.worstRelative = std::max(c.worstRelative, maxDiff / std::max(maxRef, 1e-30));
        c.worstCosine = std::min(c.worstCosine, dot / std::sqrt(std::max(nOurs * nRef, 1e-60)));
    }
    return c;
}

std::vector<std::vector<int64_t>> tokenRows(const json::Value &tokens)
{
    std::vector<std::vector<int64_t>> rows;
    for (const json::Value &row : tokens.array()) {
        std::vector<int64_t> ids;
        for (const json::Value &id : row.array()) {
            ids.push_back(id.toInt());
        }
        rows.push_back(std::move(ids));
    }
    return rows;
}

bool checkModel(const std::string &fixtures, const std::string &name, const std::string &modelPath,
                const LoadOptions &options, json::Value *report)
{
    std::string error;
    json::Value expected;
    if (!readJson(fixtures + "/" + name + "/expected.json", &expected, &error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return false;
    }
    LoadResult loaded = ClipModel::load(fixtures + "/" + modelPath, options);
    if (!loaded.model) {
        std::fprintf(stderr, "%s\n", loaded.error.c_str());
        return false;
    }
    ClipModel &model = *loaded.model;
    const bool fp32 = model.precisionName() == "float32";
    const bool fp32Images = model.imagePrecisionName() == "float32";

    const auto tokens = tokenRows(expected["tokens"]);
    const Features text = model.encodeTexts(tokens, TextPass::UpToEot);
    const Features textFull = model.encodeTexts(tokens, TextPass::Full);

    std::vector<float> pixels;
    for (const json::Value &image : expected["images"].array()) {
        const std::string file = image.toString().substr(image.toString().rfind('/') + 1);
        NpyArray array;
        if (!readNpy(fixtures + "/preprocessed/" + file + ".npy", &array, &error)) {
            std::fprintf(stderr, "%s\n", error.c_str());
            return false;
        }
        pixels.insert(pixels.end(), array.values.begin(), array.values.end());
    }
    const Features images = model.encodeImages(pixels.data(), static_cast<int64_t>(expected["images"].size()));
    for (const Features *f : {&text, &textFull, &images}) {
        if (!f->ok()) {
            std::fprintf(stderr, "%s: %s\n", name.c_str(), f->error.c_str());
            return false;
        }
    }
    const Comparison t = compare(text, expected["text_features"]);
    const Comparison tf = compare(textFull, expected["text_features"]);
    const Comparison im = compare(images, expected["image_features"]);
    // Short pass vs full pass: same features within 1e-5 relative.
    double shortVsFull = 0;
    for (int64_t r = 0; r < text.rows; ++r) {
        double maxRef = 0, maxDiff = 0;
        for (int64_t j = 0; j < text.dim; ++j) {
            maxRef = std::max(maxRef, std::fabs(double(textFull.row(r)[j])));
            maxDiff = std::max(maxDiff, std::fabs(double(text.row(r)[j]) - textFull.row(r)[j]));
        }
        shortVsFull = std::max(shortVsFull, maxDiff / std::max(maxRef, 1e-30));
    }
    // Auto on a CPU with native bf16 runs images in bf16 and text in fp32: each tower at its own bar, and the
    // images at the stricter cosine that decided bf16 as the default (0.9999).
    const bool textPass = fp32 ? (t.worstRelative <= 1e-4 && tf.worstRelative <= 1e-4 && shortVsFull <= 1e-5)
                               : (t.worstCosine >= 0.999 && tf.worstCosine >= 0.999);
    const bool imagePass = fp32Images ? im.worstRelative <= 1e-4 : im.worstCosine >= (fp32 ? 0.9999 : 0.999);
    const bool pass = textPass && imagePass;
    *report = json::Value::makeObject({
        {"model", json::Value::makeString(name)},
        {"format", json::Value::makeString(model.format())},
        {"device", json::Value::makeString(model.deviceDescription())},
        {"precision", json::Value::makeString(model.precisionName())},
        {"image_precision", json::Value::makeString(model.imagePrecisionName())},
        {"text_max_rel_diff", json::Value::makeReal(t.worstRelative)},
        {"text_full_max_rel_diff", json::Value::makeReal(tf.worstRelative)},
        {"image_max_rel_diff", json::Value::makeReal(im.worstRelative)},
        {"text_min_cosine", json::Value::makeReal(t.worstCosine)},
        {"image_min_cosine", json::Value::makeReal(im.worstCosine)},
        {"short_vs_full_max_rel_diff", json::Value::makeReal(shortVsFull)},
        {"pass", json::Value::makeBool(pass)},
    });
    return pass;
}

int runCheck(const Arguments &args)
{
    LoadOptions options;
    std::string error;
    if (!parseLoadOptions(args, &options, &error) || !args.has("--fixtures")) {
        std::fprintf(stderr, "check: %s\n", error.empty() ? "--fixtures DIR is required" : error.c_str());
        return 2;
    }
    const std::string fixtures = args.get("--fixtures");
    bool allPass = true;
    std::vector<json::Value> reports;
    for (const auto &[name, file] : std::vector<std::pair<std::string, std::string>>{
             {"tiny-openai", "tiny-openai/model.pt"}, {"tiny-hf", "tiny-hf"}}) {
        json::Value report;
        allPass = checkModel(fixtures, name, file, options, &report) && allPass;
        if (!report.isNull()) {
            reports.push_back(report);
        }
    }
    std::printf("%s\n", json::serialize(json::Value::makeArray(reports)).c_str());
    return allPass ? 0 : 1;
}

// --model PATH or --arch NAME (random weights); prints the error and returns null on failure.
std::unique_ptr<ClipModel> loadForCommand(const Arguments &args, const char *command, std::string *name)
{
    LoadOptions options;
    std::string error;
    if (!parseLoadOptions(args, &options, &error)) {
        std::fprintf(stderr, "%s: %s\n", command, error.c_str());
        return nullptr;
    }
    LoadResult loaded;
    if (args.has("--model")) {
        *name = args.get("--model");
        loaded = ClipModel::load(*name, options);
    } else {
        ModelConfig config;
        const std::string arch = args.get("--arch", "ViT-B/32");
        if (!architectureConfig(arch, &config)) {
            std::fprintf(stderr, "%s: unknown architecture %s\n", command, arch.c_str());
            return nullptr;
        }
        *name = arch + " (random weights)";
        loaded = ClipModel::createRandom(config, options);
    }
    if (!loaded.model) {
        std::fprintf(stderr, "%s\n", loaded.error.c_str());
    }
    return std::move(loaded.model);
}

int runFeed(const Arguments &args)
{
    std::string name;
    std::unique_ptr<ClipModel> model = loadForCommand(args, "feed", &name);
    if (!model) {
        return 1;
    }
    const bool cuda = model->isCuda();
    const int64_t batch = std::atoll(args.get("--batch", cuda ? "512" : "32").c_str());
    const int producers = std::atoi(args.get("--producers", "8").c_str());
    const int64_t images = std::atoll(args.get("--images", cuda ? "200000" : "256").c_str());
    const int64_t r = model->config().imageResolution;
    const size_t bytes = static_cast<size_t>(r * r * 3);
    std::vector<std::vector<uint8_t>> crops(static_cast<size_t>(std::max(1, producers)), std::vector<uint8_t>(bytes));
    std::mt19937 random(7);
    for (auto &crop : crops) {
        for (uint8_t &b : crop) {
            b = static_cast<uint8_t>(random());
        }
    }
    auto feed = [&](int64_t count, std::atomic<int64_t> *received, std::string *failure) {
        CropBatcher batcher(*model, batch, [&](CropBatchResult result) {
            if (!result.features.ok()) {
                *failure = result.features.error;
            }
            *received += static_cast<int64_t>(result.tickets.size());
        });
        std::vector<std::thread> threads;
        for (int p = 0; p < producers; ++p) {
            threads.emplace_back([&, p] {
                for (int64_t i = p; i < count; i += producers) {
                    batcher.push(i, crops[static_cast<size_t>(p)].data());
                }
            });
        }
        for (std::thread &t : threads) {
            t.join();
        }
        batcher.finish();
    };
    std::atomic<int64_t> received{0};
    std::string failure;
    feed(batch * 2, &received, &failure); // warm-up: kernels, allocator, pinned buffers
    received = 0;
    const auto start = std::chrono::steady_clock::now();
    feed(images, &received, &failure);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!failure.empty() || received != images) {
        std::fprintf(stderr, "feed: %s (%lld of %lld results)\n", failure.c_str(),
                     static_cast<long long>(received.load()), static_cast<long long>(images));
        return 1;
    }
    std::printf("%s\n", json::serialize(json::Value::makeObject({
                                            {"model", json::Value::makeString(name)},
                                            {"device", json::Value::makeString(model->deviceDescription())},
                                            {"precision", json::Value::makeString(model->precisionName())},
                                            {"batch", json::Value::makeInteger(batch)},
                                            {"producers", json::Value::makeInteger(producers)},
                                            {"images", json::Value::makeInteger(images)},
                                            {"seconds", json::Value::makeReal(seconds)},
                                            {"images_per_second", json::Value::makeReal(double(images) / seconds)},
                                        }))
                            .c_str());
    return 0;
}

// The .jpg/.jpeg files directly in `folder`, sorted; at most `limit` (0 = all, bounded by 1,000,000).
std::vector<std::string> jpegFiles(const std::string &folder, int64_t limit)
{
    std::vector<std::string> files;
    DIR *dir = opendir(folder.c_str());
    if (!dir) {
        return files;
    }
    while (const dirent *entry = readdir(dir)) {
        std::string name = entry->d_name;
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        const bool jpeg = (lower.size() > 4 && lower.compare(lower.size() - 4, 4, ".jpg") == 0)
                          || (lower.size() > 5 && lower.compare(lower.size() - 5, 5, ".jpeg") == 0);
        if (jpeg && files.size() < 1000000) {
            files.push_back(folder + "/" + name);
        }
    }
    closedir(dir);
    std::sort(files.begin(), files.end());
    if (limit > 0 && int64_t(files.size()) > limit) {
        files.resize(static_cast<size_t>(limit));
    }
    return files;
}

int runIndexBench(const Arguments &args)
{
    if (!args.has("DIR")) {
        std::fprintf(stderr, "index-bench: a folder of JPEGs is required\n");
        return 2;
    }
    if (!haveJpegDecoder()) {
        std::fprintf(stderr,
                     "index-bench: this build has no JPEG decoder (install libturbojpeg0-dev and reconfigure)\n");
        return 1;
    }
    const std::vector<std::string> files = jpegFiles(args.get("DIR"), std::atoll(args.get("--limit", "0").c_str()));
    if (files.empty()) {
        std::fprintf(stderr, "index-bench: %s: no .jpg files\n", args.get("DIR").c_str());
        return 1;
    }
    std::string name;
    std::unique_ptr<ClipModel> model = loadForCommand(args, "index-bench", &name);
    if (!model) {
        return 1;
    }
    const bool cuda = model->isCuda();
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    const int64_t batch = std::max<int64_t>(1, std::atoll(args.get("--batch", cuda ? "512" : "32").c_str()));
    // As the app's indexer: one decoder per core (core/index/indexer.cpp says why).
    const std::string defaultDecoders = std::to_string(cores);
    const int decoders = std::clamp(std::atoi(args.get("--decoders", defaultDecoders).c_str()), 1, 256);
    const int size = int(model->config().imageResolution);

    std::atomic<int64_t> received{0}, failed{0}, next{0};
    std::atomic<int64_t> decodeNs{0}, cropNs{0};
    double encodeSeconds = 0;
    std::string failure, firstDecodeError;
    std::mutex errorMutex;
    const auto start = std::chrono::steady_clock::now();
    {
        CropBatcher batcher(*model, batch, [&](CropBatchResult result) {
            if (!result.features.ok()) {
                failure = result.features.error;
            }
            encodeSeconds += result.encodeSeconds;
            received += static_cast<int64_t>(result.tickets.size());
        });
        std::vector<std::thread> threads;
        for (int t = 0; t < decoders; ++t) {
            threads.emplace_back([&] {
                for (int64_t i = next++; i < int64_t(files.size()); i = next++) {
                    auto t0 = std::chrono::steady_clock::now();
                    RgbImage image;
                    std::string error;
                    if (!decodeJpegFile(files[size_t(i)], 2 * size, &image, &error)) {
                        ++failed;
                        std::lock_guard<std::mutex> lock(errorMutex);
                        if (firstDecodeError.empty()) {
                            firstDecodeError = error;
                        }
                        continue;
                    }
                    auto t1 = std::chrono::steady_clock::now();
                    const RgbImage crop = clipCenterCrop(image.view(), size);
                    auto t2 = std::chrono::steady_clock::now();
                    decodeNs += std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
                    cropNs += std::chrono::duration_cast<std::chrono::nanoseconds>(t2 - t1).count();
                    batcher.push(i, crop.pixels.data());
                }
            });
        }
        for (std::thread &t : threads) {
            t.join();
        }
        batcher.finish();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!failure.empty()) {
        std::fprintf(stderr, "index-bench: %s\n", failure.c_str());
        return 1;
    }
    std::printf("%s\n",
                json::serialize(json::Value::makeObject({
                                    {"model", json::Value::makeString(name)},
                                    {"device", json::Value::makeString(model->deviceDescription())},
                                    {"precision", json::Value::makeString(model->imagePrecisionName())},
                                    {"decoder", json::Value::makeString("libturbojpeg, DCT-scaled")},
                                    {"decoders", json::Value::makeInteger(decoders)},
                                    {"batch", json::Value::makeInteger(batch)},
                                    {"photos", json::Value::makeInteger(int64_t(files.size()))},
                                    {"encoded", json::Value::makeInteger(received.load())},
                                    {"failed", json::Value::makeInteger(failed.load())},
                                    {"first_error", json::Value::makeString(firstDecodeError)},
                                    {"seconds", json::Value::makeReal(seconds)},
                                    {"photos_per_second", json::Value::makeReal(double(received.load()) / seconds)},
                                    {"decode_thread_seconds", json::Value::makeReal(double(decodeNs.load()) / 1e9)},
                                    {"crop_thread_seconds", json::Value::makeReal(double(cropNs.load()) / 1e9)},
                                    {"encode_seconds", json::Value::makeReal(encodeSeconds)},
                                }))
                    .c_str());
    return failed.load() == 0 ? 0 : 1;
}

int runBench(const Arguments &args)
{
    std::string name;
    std::unique_ptr<ClipModel> model = loadForCommand(args, "bench", &name);
    if (!model) {
        return 1;
    }
    BenchOptions bench;
    std::string error;
    if (!parseCountList("--batches", args.get("--batches"), &bench.imageBatches, &error)) {
        std::fprintf(stderr, "bench: %s\n", error.c_str());
        return 2;
    }
    bench.secondsPerCase = std::atof(args.get("--seconds", "2").c_str());
    const BenchResult result = runBenchmark(*model, name, bench);
    if (args.has("--json")) {
        std::printf("%s\n", json::serialize(benchToJson(result)).c_str());
    } else {
        std::printf("%s", formatBenchTable(result).c_str());
    }
    return 0;
}

int runBenchSearch(const Arguments &args)
{
    std::string name;
    std::unique_ptr<ClipModel> model = loadForCommand(args, "bench-search", &name);
    if (!model) {
        return 1;
    }
    SearchBenchOptions options;
    std::string error;
    if (args.has("--rows") && !parseCountList("--rows", args.get("--rows"), &options.rowCounts, &error)) {
        std::fprintf(stderr, "bench-search: %s\n", error.c_str());
        return 2;
    }
    options.queries = std::max(1, std::atoi(args.get("--queries", "25").c_str()));
    options.baseline = !args.has("--no-baseline");
    options.matrix.device = model->isCuda() ? DeviceChoice::Cuda : DeviceChoice::Cpu;
    // Five content tokens that change with every query, so no query is a repeat.
    auto encode = [&](int i) {
        std::vector<int64_t> ids{49406};
        for (int t = 0; t < 5; ++t) {
            ids.push_back(1000 + (i * 7919 + t * 104729) % 39000);
        }
        ids.push_back(49407);
        Features f = model->encodeTexts({ids});
        return f.values;
    };
    const SearchBenchResult result =
        runSearchBenchmark(static_cast<int>(model->config().embedDim), encode, options, &error);
    if (!error.empty()) {
        std::fprintf(stderr, "bench-search: %s\n", error.c_str());
        return 1;
    }
    json::Value out = searchBenchToJson(result);
    std::vector<std::pair<std::string, json::Value>> members{
        {"model", json::Value::makeString(name)},
        {"device", json::Value::makeString(model->deviceDescription())},
        {"note", json::Value::makeString("synthetic unit rows; queries are 5 fixed token ids (no tokenizer)")},
    };
    for (const auto &member : out.members()) {
        members.push_back(member);
    }
    if (args.has("--json")) {
        std::printf("%s\n", json::serialize(json::Value::makeObject(std::move(members))).c_str());
        return 0;
    }
    std::printf(
        "model     %s\ndevice    %s\nscan      %s\nbaseline  %s\n(synthetic unit rows; queries are 5 fixed "
        "token ids, no tokenizer)\n\n      rows   query ms  encode ms  score ms   baseline query ms  score ms\n",
        name.c_str(), model->deviceDescription().c_str(), result.method.c_str(),
        result.baselineMethod.empty() ? "-" : result.baselineMethod.c_str());
    for (const SearchBenchCase &c : result.cases) {
        std::printf("%10lld  %9.2f  %9.2f  %8.2f  %18.2f  %8.2f\n", static_cast<long long>(c.rows), c.queryMs,
                    c.encodeMs, c.scoreMs, c.baselineQueryMs, c.baselineScoreMs);
    }
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    const std::string command = argc > 1 ? argv[1] : "";
    Arguments args;
    std::string error;
    if (!parseArguments(argc, argv, &args, &error)) {
        std::fprintf(stderr, "clipfind-engine: %s\n", error.c_str());
        return 2;
    }
    if (command == "check") {
        return runCheck(args);
    }
    if (command == "bench") {
        return runBench(args);
    }
    if (command == "feed") {
        return runFeed(args);
    }
    if (command == "bench-search") {
        return runBenchSearch(args);
    }
    if (command == "index-bench") {
        return runIndexBench(args);
    }
    std::fprintf(stderr,
                 "usage: clipfind-engine check --fixtures DIR [--device auto|cpu|cuda] [--precision P]\n"
                 "       clipfind-engine bench [--model PATH | --arch ViT-B/32] [--device D] [--precision P]\n"
                 "                             [--batches 1,8,32] [--threads N] [--seconds S] [--json]\n"
                 "       clipfind-engine feed [--model PATH | --arch ViT-B/32] [--device D] [--batch B]\n"
                 "                            [--producers P] [--images N]\n"
                 "       clipfind-engine bench-search [--model PATH | --arch ViT-B/32] [--device D]\n"
                 "                            [--rows 10000,100000,1000000] [--queries N] [--no-baseline] [--json]\n"
                 "       clipfind-engine index-bench DIR [--model PATH | --arch ViT-B/32] [--device cpu|cuda]\n"
                 "                            [--precision P] [--batch B] [--decoders N] [--limit N]\n");
    return 2;
}
