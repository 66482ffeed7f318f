// SPDX-License-Identifier: MIT
#pragma once

// Search latency on synthetic rows, shared by clipfind-cli bench-search and clipfind-engine bench-search.

#include "core/clip/formats/json.h"
#include "core/clip/matrix/embeddingmatrix.h"

#include <functional>
#include <string>
#include <vector>

namespace clipfind::clip {

struct SearchBenchOptions {
    std::vector<int64_t> rowCounts{10000, 100000, 1000000};
    int queries = 25; ///< timed queries per row count (after 3 warm-ups); the median is reported
    int64_t k = 100;
    MatrixOptions matrix; ///< ours
    bool baseline = true; ///< also time plain fp32 torch::mv + topk on the CPU over the same rows
};

struct SearchBenchCase {
    int64_t rows = 0;
    double queryMs = 0;  ///< median: encode the query + normalize + score + top-k
    double encodeMs = 0; ///< median of the encode part alone
    double scoreMs = 0;  ///< median of score + top-k alone
    double baselineQueryMs = -1;
    double baselineScoreMs = -1;
};

struct SearchBenchResult {
    std::string method;         ///< EmbeddingMatrix::description() of ours
    std::string baselineMethod; ///< empty without a baseline
    std::vector<SearchBenchCase> cases;
};

/// `encodeQuery(i)` returns the i-th query's unnormalized embedding of `dim` floats (tokenize + encode); each call
/// gets a new i, so nothing can be cached between timed queries. Rows are unit vectors in random (Gaussian)
/// directions, generated once and grown to each row count in turn. Thread: the caller's.
SearchBenchResult runSearchBenchmark(int dim, const std::function<std::vector<float>(int)> &encodeQuery,
                                     const SearchBenchOptions &options, std::string *error);

/// {"method","baseline_method","query_ms":{"10000":..},"encode_ms":{..},"score_ms":{..},
///  "baseline_query_ms":{..},"baseline_score_ms":{..}}
json::Value searchBenchToJson(const SearchBenchResult &result);

} // namespace clipfind::clip
