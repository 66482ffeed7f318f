// SPDX-License-Identifier: MIT
#include "core/clip/bench/searchbench.h"

#include "core/clip/matrix/half.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

namespace clipfind::clip {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> values)
{
    std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
    return values[values.size() / 2];
}

// Fast Gaussian-ish rows (sum of four uniforms per value, xorshift): generating 512M values with
// std::normal_distribution would take longer than the benchmark.
void randomRows(uint64_t *state, int dim, int64_t count, std::vector<float> *out)
{
    out->resize(size_t(count * dim));
    for (float &v : *out) {
        float sum = 0;
        for (int i = 0; i < 4; ++i) {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            sum += float(*state >> 40) / float(1 << 24);
        }
        v = sum - 2.0f;
    }
}

struct Timing {
    double queryMs, encodeMs, scoreMs;
};

Timing timeQueries(const EmbeddingMatrix &matrix, const std::function<std::vector<float>(int)> &encodeQuery,
                   const SearchBenchOptions &options, int *nextQuery, const RowFetcher &fetch = {})
{
    std::vector<double> total, encode, score;
    for (int i = 0; i < options.queries + 3; ++i) {
        const auto start = Clock::now();
        std::vector<float> q = encodeQuery((*nextQuery)++);
        double norm = 0;
        for (float v : q) {
            norm += double(v) * v;
        }
        for (float &v : q) {
            v = float(v / std::sqrt(std::max(norm, 1e-30)));
        }
        const double encoded = msSince(start);
        const auto scoring = Clock::now();
        const TopKResult top = matrix.topK(q.data(), options.k, {}, fetch);
        (void)top;
        if (i >= 3) { // warm-up: caches, thread pools
            encode.push_back(encoded);
            score.push_back(msSince(scoring));
            total.push_back(msSince(start));
        }
    }
    return {median(total), median(encode), median(score)};
}

} // namespace

SearchBenchResult runSearchBenchmark(int dim, const std::function<std::vector<float>(int)> &encodeQuery,
                                     const SearchBenchOptions &options, std::string *error)
{
    SearchBenchResult result;
    auto ours = EmbeddingMatrix::create(dim, options.matrix, error);
    if (!ours) {
        return result;
    }
    std::unique_ptr<EmbeddingMatrix> baseline;
    if (options.baseline) {
        MatrixOptions plain;
        plain.method = ScanMethod::Torch;
        plain.device = DeviceChoice::Cpu;
        baseline = EmbeddingMatrix::create(dim, plain, error);
        if (!baseline) {
            return result;
        }
        result.baselineMethod = baseline->description();
    }
    result.method = ours->description();
    std::vector<int64_t> counts = options.rowCounts;
    std::sort(counts.begin(), counts.end());
    uint64_t state = 0x9E3779B97F4A7C15ull;
    std::vector<float> chunk;
    int nextQuery = 0;
    // keepRows = false: the rows the rescoring needs are copied from this fp16 store (as the library database would
    // hand them over, without its lookup cost).
    std::vector<uint16_t> store;
    const RowFetcher fetch = [&store, dim](const int64_t *rows, size_t count, uint16_t *out, std::string *) {
        for (size_t i = 0; i < count; ++i) {
            std::copy_n(store.data() + rows[i] * dim, dim, out + i * size_t(dim));
        }
        return true;
    };
    for (const int64_t count : counts) {
        ours->reserve(count);
        if (baseline) {
            baseline->reserve(count);
        }
        while (ours->rows() < count) {
            const int64_t n = std::min<int64_t>(65536, count - ours->rows());
            randomRows(&state, dim, n, &chunk);
            ours->append(chunk.data(), n);
            if (!options.matrix.keepRows) {
                for (const float v : chunk) {
                    store.push_back(floatToHalf(v));
                }
            }
            if (baseline) {
                baseline->append(chunk.data(), n);
            }
        }
        SearchBenchCase c;
        c.rows = count;
        const Timing t =
            timeQueries(*ours, encodeQuery, options, &nextQuery, options.matrix.keepRows ? RowFetcher() : fetch);
        c.queryMs = t.queryMs;
        c.encodeMs = t.encodeMs;
        c.scoreMs = t.scoreMs;
        if (baseline) {
            const Timing b = timeQueries(*baseline, encodeQuery, options, &nextQuery);
            c.baselineQueryMs = b.queryMs;
            c.baselineScoreMs = b.scoreMs;
        }
        result.cases.push_back(c);
    }
    return result;
}

json::Value searchBenchToJson(const SearchBenchResult &result)
{
    auto perRows = [&](double SearchBenchCase::*field) {
        std::vector<std::pair<std::string, json::Value>> members;
        for (const SearchBenchCase &c : result.cases) {
            members.emplace_back(std::to_string(c.rows), json::Value::makeReal(c.*field));
        }
        return json::Value::makeObject(std::move(members));
    };
    std::vector<std::pair<std::string, json::Value>> members{
        {"method", json::Value::makeString(result.method)},
        {"query_ms", perRows(&SearchBenchCase::queryMs)},
        {"encode_ms", perRows(&SearchBenchCase::encodeMs)},
        {"score_ms", perRows(&SearchBenchCase::scoreMs)},
    };
    if (!result.baselineMethod.empty()) {
        members.emplace_back("baseline_method", json::Value::makeString(result.baselineMethod));
        members.emplace_back("baseline_query_ms", perRows(&SearchBenchCase::baselineQueryMs));
        members.emplace_back("baseline_score_ms", perRows(&SearchBenchCase::baselineScoreMs));
    }
    return json::Value::makeObject(std::move(members));
}

} // namespace clipfind::clip
