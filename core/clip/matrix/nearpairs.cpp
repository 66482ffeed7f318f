// SPDX-License-Identifier: MIT
#include "core/clip/matrix/nearpairs.h"

#include "core/clip/errortext.h"
#include "core/clip/matrix/matrixkernels.h"

#include <torch/torch.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <numeric>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CLIPFIND_NEARPAIRS_X86 1
#else
#define CLIPFIND_NEARPAIRS_X86 0
#endif

namespace clipfind::clip {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Rows scored per matrix product: a block of rows against a chunk of columns, about 1 MiB of scores (L2-sized).
constexpr int64_t kBlockRows = 256;
constexpr int64_t kChunkColumns = 1024;
// The principal components come from at most this many rows (evenly spread): any components keep the bound exact.
constexpr int64_t kSampleRows = 16384;
// Slack on the bound for float rounding in the products (|error| < 1e-4 for rows of length <= 2 in <= 513 dims).
constexpr float kMargin = 1e-3f;

struct Candidate {
    uint32_t a;
    uint32_t b;
};

void addCandidate(uint32_t row, uint32_t other, std::vector<Candidate> &out)
{
    out.push_back(row < other ? Candidate{row, other} : Candidate{other, row});
}

#if CLIPFIND_NEARPAIRS_X86
// The AVX2 part of collectPassing(): eight columns per compare; returns where the scalar tail starts.
__attribute__((target("avx2,fma"))) int64_t collectPassingAvx2(const float *g, const float *t, int64_t begin,
                                                                int64_t end, float limit, uint32_t row,
                                                                const int64_t *order, std::vector<Candidate> &out)
{
    const __m256 limits = _mm256_set1_ps(limit);
    const __m256 minusTwo = _mm256_set1_ps(-2.0f);
    int64_t j = begin;
    for (; j + 8 <= end; j += 8) {
        const __m256 bound = _mm256_fmadd_ps(minusTwo, _mm256_loadu_ps(g + j), _mm256_loadu_ps(t + j));
        int mask = _mm256_movemask_ps(_mm256_cmp_ps(bound, limits, _CMP_LE_OQ));
        while (mask) {
            const int bit = __builtin_ctz(unsigned(mask));
            mask &= mask - 1;
            addCandidate(row, uint32_t(order[j + bit]), out);
        }
    }
    return j;
}
#endif

// The columns j in [begin, end) where t[j] - 2 g[j] <= limit, i.e. where the bound lets the pair through. Hits are
// rare, so this is one compare per column and a closer look only where one passed.
void collectPassing(const float *g, const float *t, int64_t begin, int64_t end, float limit, uint32_t row,
                    const int64_t *order, std::vector<Candidate> &out)
{
    int64_t j = begin;
#if CLIPFIND_NEARPAIRS_X86
    static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (avx2) {
        j = collectPassingAvx2(g, t, begin, end, limit, row, order, out);
    }
#endif
    for (; j < end; ++j) {
        if (t[j] - 2.0f * g[j] <= limit) {
            addCandidate(row, uint32_t(order[j]), out);
        }
    }
}

NearPairResult run(const uint16_t *halves, int64_t rows, int dim, const NearPairOptions &options,
                   const std::function<bool()> &cancelled)
{
    const Clock::time_point start = Clock::now();
    NearPairResult result;
    NearPairStats &stats = result.stats;
    stats.rows = rows;
    const int k = std::max(1, std::min(options.projectedDim, dim));
    stats.projectedDim = k;
    if (rows < 2) {
        stats.totalMs = msSince(start);
        return result;
    }
    const int threads = options.threads > 0 ? options.threads : at::get_num_threads();
    const std::function<bool()> stop = [&cancelled] { return cancelled && cancelled(); };
    torch::NoGradGuard noGrad;

    // 1a. The inverse norm of every row (0 for a zero row, which then pairs with nothing).
    std::vector<float> inverseNorm(static_cast<size_t>(rows), 0.0f);
    at::parallel_for(0, rows, 1024, [&](int64_t begin, int64_t end) {
        std::vector<float> row(static_cast<size_t>(dim));
        for (int64_t r = begin; r < end; ++r) {
            kernels::halvesToFloats(halves + r * dim, row.data(), dim);
            double squares = 0;
            for (float v : row) {
                squares += double(v) * v;
            }
            inverseNorm[size_t(r)] = squares > 0 && std::isfinite(squares) ? float(1.0 / std::sqrt(squares)) : 0.0f;
        }
    });
    // Unit rows of [begin, begin + count) as a double tensor.
    const auto unitRows = [&](int64_t begin, int64_t count, int64_t step) {
        torch::Tensor block = torch::empty({count, dim}, torch::kDouble);
        double *out = block.data_ptr<double>();
        std::vector<float> row(static_cast<size_t>(dim));
        for (int64_t i = 0; i < count; ++i) {
            const int64_t r = begin + i * step;
            kernels::halvesToFloats(halves + r * dim, row.data(), dim);
            for (int c = 0; c < dim; ++c) {
                out[i * dim + c] = double(row[size_t(c)]) * inverseNorm[size_t(r)];
            }
        }
        return block;
    };

    // 1b. Mean and principal components of a sample, in double precision: P has orthonormal columns to ~1e-15.
    const int64_t step = std::max<int64_t>(1, rows / kSampleRows);
    const torch::Tensor sample = unitRows(0, (rows + step - 1) / step, step);
    const torch::Tensor mean = sample.mean(0);
    const torch::Tensor centred = sample - mean;
    const torch::Tensor covariance = centred.t().mm(centred) / double(sample.size(0));
    const auto [eigenvalues, eigenvectors] = at::linalg_eigh(covariance, "L"); // ascending
    const torch::Tensor projection = eigenvectors.narrow(1, dim - k, k).flip({1}).contiguous(); // [dim, k]
    const double totalVariance = eigenvalues.clamp_min(0).sum().item<double>();
    stats.projectedVariance =
        totalVariance > 0 ? eigenvalues.narrow(0, dim - k, k).clamp_min(0).sum().item<double>() / totalVariance : 0;

    // 1c. Every row's coordinates y (k of them) and the length r of its remainder, and t = |d|^2; in double, then
    // stored as floats for the products.
    const int64_t width = k + 1;
    torch::Tensor coordinates = torch::empty({rows, width}, torch::kFloat); // in row order for now
    std::vector<float> lengths(static_cast<size_t>(rows));                               // t = |d|^2
    for (int64_t begin = 0; begin < rows; begin += 8192) {
        if (stop()) {
            result.cancelled = true;
            return result;
        }
        const int64_t count = std::min<int64_t>(8192, rows - begin);
        const torch::Tensor d = unitRows(begin, count, 1) - mean;
        const torch::Tensor y = d.mm(projection);
        const torch::Tensor total = (d * d).sum(1);
        const torch::Tensor rest = (total - (y * y).sum(1)).clamp_min(0).sqrt();
        coordinates.narrow(0, begin, count).narrow(1, 0, k).copy_(y);
        coordinates.narrow(0, begin, count).select(1, k).copy_(rest);
        const double *totals = total.data_ptr<double>();
        for (int64_t i = 0; i < count; ++i) {
            // A zero row gets a length no pair can satisfy: t_i + t_j - 2 g >= 1e6 - (small) for any partner.
            lengths[size_t(begin + i)] = inverseNorm[size_t(begin + i)] == 0.0f ? 1e6f : float(totals[i]);
        }
    }

    // 2. Sort by the first principal coordinate (the one with the most variance).
    std::vector<int64_t> order(static_cast<size_t>(rows));
    std::iota(order.begin(), order.end(), 0);
    const float *unsorted = coordinates.data_ptr<float>();
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return unsorted[a * width] < unsorted[b * width]; });
    const torch::Tensor sorted = coordinates.index_select(
        0, torch::from_blob(order.data(), {rows}, torch::kLong)).contiguous();
    std::vector<float> first(static_cast<size_t>(rows));
    std::vector<float> sortedLengths(static_cast<size_t>(rows));
    for (int64_t i = 0; i < rows; ++i) {
        first[size_t(i)] = sorted.data_ptr<float>()[i * width];
        sortedLengths[size_t(i)] = lengths[size_t(order[size_t(i)])];
    }
    coordinates = torch::Tensor();
    stats.projectMs = msSince(start);

    // 3. The filter: blocks of rows against the rows inside their window, each thread with its own blocks.
    const Clock::time_point filterStart = Clock::now();
    const float radiusSquared = float(2.0 - 2.0 * double(options.threshold)) + kMargin;
    const float radius = std::sqrt(std::max(radiusSquared, 0.0f));
    const int64_t blocks = (rows + kBlockRows - 1) / kBlockRows;
    std::vector<Candidate> candidates;
    std::mutex merge;
    std::atomic<int64_t> filtered{0};
    std::atomic_bool stopped{false};
    std::atomic_bool tooMany{false};
    at::parallel_for(0, threads, 1, [&](int64_t firstThread, int64_t lastThread) {
        for (int64_t thread = firstThread; thread < lastThread; ++thread) {
            std::vector<Candidate> found;
            torch::Tensor scores = torch::empty({kBlockRows, kChunkColumns}, torch::kFloat);
            int64_t looked = 0;
            for (int64_t block = thread; block < blocks && !stopped && !tooMany; block += threads) {
                if (stop()) {
                    stopped = true;
                    break;
                }
                const int64_t i0 = block * kBlockRows;
                const int64_t i1 = std::min(rows, i0 + kBlockRows);
                const int64_t windowEnd =
                    std::upper_bound(first.begin(), first.end(), first[size_t(i1 - 1)] + radius) - first.begin();
                const torch::Tensor left = sorted.narrow(0, i0, i1 - i0);
                for (int64_t j0 = i0; j0 < windowEnd; j0 += kChunkColumns) {
                    const int64_t j1 = std::min(windowEnd, j0 + kChunkColumns);
                    torch::Tensor out = scores.narrow(0, 0, i1 - i0).narrow(1, 0, j1 - j0);
                    at::mm_out(out, left, sorted.narrow(0, j0, j1 - j0).t());
                    const float *g = scores.data_ptr<float>();
                    for (int64_t i = i0; i < i1; ++i) {
                        // Only partners after i (each pair once) and inside i's own window.
                        const int64_t from = std::max(j0, i + 1);
                        const int64_t to = std::min<int64_t>(
                            j1, std::upper_bound(first.begin() + from, first.begin() + std::max(from, windowEnd),
                                                 first[size_t(i)] + radius) - first.begin());
                        if (from >= to) {
                            continue;
                        }
                        looked += to - from;
                        const float limit = radiusSquared - sortedLengths[size_t(i)];
                        collectPassing(g + (i - i0) * kChunkColumns - j0, sortedLengths.data(), from, to, limit,
                                       uint32_t(order[size_t(i)]), order.data(), found);
                    }
                    if (int64_t(found.size()) > options.maxCandidates) {
                        tooMany = true;
                        break;
                    }
                }
            }
            filtered += looked;
            std::lock_guard<std::mutex> lock(merge);
            candidates.insert(candidates.end(), found.begin(), found.end());
            if (int64_t(candidates.size()) > options.maxCandidates) {
                tooMany = true;
            }
        }
    });
    stats.filtered = filtered;
    stats.candidates = int64_t(candidates.size());
    stats.filterMs = msSince(filterStart);
    if (stopped) {
        result.cancelled = true;
        return result;
    }
    if (tooMany) {
        result.error = "more than " + std::to_string(options.maxCandidates) + " pairs of photos are near cosine "
                       + std::to_string(options.threshold) + ": the threshold is too low for this library";
        return result;
    }

    // 4. Full scores for the candidates, from the fp16 rows; grouped by their first row so it is converted once.
    const Clock::time_point verifyStart = Clock::now();
    std::sort(candidates.begin(), candidates.end(),
              [](const Candidate &x, const Candidate &y) { return x.a != y.a ? x.a < y.a : x.b < y.b; });
    std::vector<std::vector<NearPair>> perThread(size_t(std::max(threads, 1)));
    const int64_t count = int64_t(candidates.size());
    at::parallel_for(0, threads, 1, [&](int64_t firstThread, int64_t lastThread) {
        for (int64_t thread = firstThread; thread < lastThread; ++thread) {
            // Contiguous slices that start at a new first row.
            int64_t begin = count * thread / threads;
            int64_t end = count * (thread + 1) / threads;
            while (begin > 0 && begin < count && candidates[size_t(begin)].a == candidates[size_t(begin - 1)].a) {
                ++begin;
            }
            while (end > 0 && end < count && candidates[size_t(end)].a == candidates[size_t(end - 1)].a) {
                ++end;
            }
            std::vector<float> unit(static_cast<size_t>(dim));
            int64_t converted = -1;
            std::vector<NearPair> &mine = perThread[size_t(thread)];
            for (int64_t c = begin; c < end; ++c) {
                const Candidate pair = candidates[size_t(c)];
                if (int64_t(pair.a) != converted) {
                    kernels::halvesToFloats(halves + int64_t(pair.a) * dim, unit.data(), dim);
                    for (float &v : unit) {
                        v *= inverseNorm[pair.a];
                    }
                    converted = pair.a;
                }
                const float cosine = kernels::dotHalf(unit.data(), halves + int64_t(pair.b) * dim, dim)
                    * inverseNorm[pair.b];
                if (cosine >= options.threshold) {
                    mine.push_back({int64_t(pair.a), int64_t(pair.b), cosine});
                }
            }
        }
    });
    for (std::vector<NearPair> &part : perThread) {
        result.pairs.insert(result.pairs.end(), part.begin(), part.end());
    }
    std::sort(result.pairs.begin(), result.pairs.end(),
              [](const NearPair &x, const NearPair &y) { return x.a != y.a ? x.a < y.a : x.b < y.b; });
    stats.verifyMs = msSince(verifyStart);
    stats.totalMs = msSince(start);
    if (int64_t(result.pairs.size()) > options.maxPairs) {
        result.pairs.clear();
        result.error = "more than " + std::to_string(options.maxPairs) + " pairs of photos reach cosine "
                       + std::to_string(options.threshold) + ": the threshold is too low for this library";
    }
    return result;
}

} // namespace

NearPairResult findNearPairs(const uint16_t *halves, int64_t rows, int dim, const NearPairOptions &options,
                             const std::function<bool()> &cancelled)
{
    NearPairResult result;
    if (rows < 0 || dim < 1 || (rows > 0 && !halves)) {
        result.error = "findNearPairs: invalid rows (" + std::to_string(rows) + " x " + std::to_string(dim) + ")";
        return result;
    }
    if (rows >= (int64_t(1) << 32)) {
        result.error = "findNearPairs: too many rows (" + std::to_string(rows) + ")";
        return result;
    }
    if (!(options.threshold > -1.0f && options.threshold <= 1.0f)) {
        result.error = "the similarity threshold must be in (-1, 1], got " + std::to_string(options.threshold);
        return result;
    }
    try {
        return run(halves, rows, dim, options, cancelled);
    } catch (const std::exception &e) {
        result = NearPairResult();
        result.error = "near-duplicate search failed: " + firstLine(e.what());
        return result;
    }
}

} // namespace clipfind::clip
