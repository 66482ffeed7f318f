// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/formats/json.h"
#include "core/clip/model/clipmodel.h"

#include <string>
#include <utility>
#include <vector>

namespace clipfind::clip {

struct BenchOptions {
    std::vector<int64_t> imageBatches;      // empty = 1, 8, 32 (+ 256, 1024 on CUDA)
    std::vector<int64_t> textTokens{5, 77}; // content tokens (77 = a full context: SOT + 75 + EOT)
    double secondsPerCase = 2.0;            // keep timing a case at least this long
};

struct BenchResult {
    std::string model; // "ViT-B/32 (random weights)" or the file
    std::string device;
    std::string precision;
    int threads = 0;
    std::vector<std::pair<int64_t, double>> imagesPerSecond; // batch → img/s (forward pass on device-resident input)
    std::vector<std::pair<int64_t, double>> textMs;          // tokens → median ms per query (ids in, features out)
};

/// Times the image tower per batch size and the text tower per query length. Thread: the caller's.
BenchResult runBenchmark(ClipModel &model, const std::string &modelName, const BenchOptions &options);

/// The command-line lists of clipfind-cli and clipfind-engine ("--batches 1,8,32", "--rows 10000,100000"): positive
/// integers separated by commas, empty items skipped. False with *error naming `option` when an item is not one.
bool parseCountList(const std::string &option, const std::string &text, std::vector<int64_t> *counts,
                    std::string *error);

std::string formatBenchTable(const BenchResult &result);
/// {"device","threads","precision","model","image_img_per_s":{"1":..},"text_ms":{"5":..,"77":..}}
json::Value benchToJson(const BenchResult &result);

} // namespace clipfind::clip
