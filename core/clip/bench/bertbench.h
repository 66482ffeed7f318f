// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/bench/benchmark.h"
#include "core/clip/model/bertclipmodel.h"

#include <string>
#include <vector>

namespace clipfind::clip {

struct BertBenchOptions {
    std::vector<int64_t> textTokens{8, 32}; // content tokens per query ([CLS] and [SEP] come on top)
    std::vector<int64_t> imageBatches;      // empty = 1, 8 (+ 256 on CUDA) with an image tower, none without
    double secondsPerCase = 2.0;            // keep timing a case at least this long
};

/// Times a BertClipModel: the median latency of one text query per length (token ids on the host to features on the
/// host, so tokenization excluded) and, with an image tower, images per second per batch size on device-resident
/// input. The result prints with formatBenchTable() / benchToJson(). For `clipfind-cli bench --arch
/// mclip-distilbert|chinese-clip-b16` with BertClipModel::createRandom(). Thread: the caller's.
BenchResult runBertBenchmark(BertClipModel &model, const std::string &modelName, const BertBenchOptions &options);

} // namespace clipfind::clip
