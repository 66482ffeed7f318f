// SPDX-License-Identifier: MIT
#include "core/clip/matrix/nearpairs.h"

#include "core/clip/errortext.h"
#include "core/clip/matrix/matrixkernels.h"
#include "core/clip/matrix/pairfilter.h"
#include "core/clip/model/torchparallel.h"

#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>
#include <random>

namespace clipfind::clip {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The filter's tiles: a block of rows passes over a chunk of columns (2048 x 49 floats, 400 KB: stays in the core's
// L2 cache) before the next chunk; each block streams the columns from memory once.
constexpr int64_t kBlockRows = 512;
constexpr int64_t kChunkColumns = 2048;
// The principal components come from at most this many rows (evenly spread): any components keep the bound exact.
constexpr int64_t kSampleRows = 4096;
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

// Gram-Schmidt, twice (orthonormal to ~1e-15 in double), on the columns of q in place. A column that vanishes is
// replaced by a unit vector along an axis, then orthonormalized too.
void orthonormalize(torch::Tensor &q)
{
    const int64_t dim = q.size(0);
    const int64_t k = q.size(1);
    double *v = q.data_ptr<double>(); // row-major [dim, k]
    for (int64_t c = 0; c < k; ++c) {
        for (int pass = 0; pass < 2; ++pass) {
            for (int64_t p = 0; p < c; ++p) {
                double dot = 0;
                for (int64_t i = 0; i < dim; ++i) {
                    dot += v[i * k + p] * v[i * k + c];
                }
                for (int64_t i = 0; i < dim; ++i) {
                    v[i * k + c] -= dot * v[i * k + p];
                }
            }
            double norm = 0;
            for (int64_t i = 0; i < dim; ++i) {
                norm += v[i * k + c] * v[i * k + c];
            }
            norm = std::sqrt(norm);
            if (norm < 1e-12) {
                for (int64_t i = 0; i < dim; ++i) {
                    v[i * k + c] = i == c % dim ? 1.0 : 0.0;
                }
                pass = -1; // start this column again
                continue;
            }
            for (int64_t i = 0; i < dim; ++i) {
                v[i * k + c] /= norm;
            }
        }
    }
}

// The k leading eigenvectors of a symmetric positive semi-definite matrix, approximately (subspace iteration from a
// fixed start), as exactly orthonormal columns; the first column approximates the leading one.
torch::Tensor principalSubspace(const torch::Tensor &covariance, int64_t k)
{
    const int64_t dim = covariance.size(0);
    torch::Tensor q = torch::empty({dim, k}, torch::kDouble);
    std::mt19937 random(12345);
    std::normal_distribution<double> normal;
    double *v = q.data_ptr<double>();
    for (int64_t i = 0; i < dim * k; ++i) {
        v[i] = normal(random);
    }
    orthonormalize(q);
    for (int iteration = 0; iteration < 8; ++iteration) {
        q = covariance.mm(q).contiguous();
        orthonormalize(q);
    }
    return q;
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
    torchParallelFor(0, rows, 1024, [&](int64_t begin, int64_t end) {
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
    // Row r as a unit vector in double; zeros for a zero row (or one with infinities or NaNs, which are never scaled:
    // NaN * 0 would spread into the mean and the sort).
    const auto unitRow = [&](int64_t r, std::vector<float> &buffer, double *out) {
        const float scale = inverseNorm[size_t(r)];
        if (scale == 0.0f) {
            std::fill(out, out + dim, 0.0);
            return;
        }
        kernels::halvesToFloats(halves + r * dim, buffer.data(), dim);
        for (int c = 0; c < dim; ++c) {
            out[c] = double(buffer[size_t(c)]) * scale;
        }
    };
    // Unit rows begin, begin + step, ... (count of them) as a double tensor.
    const auto unitRows = [&](int64_t begin, int64_t count, int64_t step) {
        torch::Tensor block = torch::empty({count, dim}, torch::kDouble);
        double *out = block.data_ptr<double>();
        std::vector<float> row(static_cast<size_t>(dim));
        for (int64_t i = 0; i < count; ++i) {
            unitRow(begin + i * step, row, out + i * dim);
        }
        return block;
    };

    // 1b. Mean and principal components of a sample. Any orthonormal columns keep the bound exact; the principal
    // ones make it tight. Subspace iteration rather than a full eigendecomposition: the LAPACK call for 512 x 512 took
    // seconds on a busy machine, a few products with a 512 x k block take milliseconds.
    const int64_t step = std::max<int64_t>(1, rows / kSampleRows);
    const torch::Tensor sample = unitRows(0, (rows + step - 1) / step, step);
    const torch::Tensor mean = sample.mean(0);
    const torch::Tensor centred = (sample - mean).to(torch::kFloat);
    const torch::Tensor covariance = (centred.t().mm(centred) / double(sample.size(0))).to(torch::kDouble);
    const torch::Tensor projection = principalSubspace(covariance, k); // [dim, k], orthonormal columns
    const double totalVariance = covariance.trace().item<double>();
    stats.projectedVariance =
        totalVariance > 0
            ? std::min(1.0, projection.t().mm(covariance).mm(projection).trace().item<double>() / totalVariance)
            : 0;

    // 1c. Every row's coordinates y (k of them), the length r of its remainder and t = |d|^2: in double (so r, a
    // difference of nearly equal squares, is accurate), then kept as floats for the filter. Blocks on all threads.
    const int64_t width = k + 1;
    const std::vector<double> centre(mean.data_ptr<double>(), mean.data_ptr<double>() + dim);
    std::vector<float> coordinates(static_cast<size_t>(rows * width)); // row order for now
    std::vector<float> lengths(static_cast<size_t>(rows));
    const int64_t projectionBlock = 4096;
    std::atomic_bool stopped{false};
    torchParallelFor(0, (rows + projectionBlock - 1) / projectionBlock, 1, [&](int64_t firstBlock, int64_t lastBlock) {
        std::vector<float> row(static_cast<size_t>(dim));
        for (int64_t block = firstBlock; block < lastBlock && !stopped; ++block) {
            if (stop()) {
                stopped = true;
                break;
            }
            const int64_t begin = block * projectionBlock;
            const int64_t count = std::min(projectionBlock, rows - begin);
            torch::Tensor d = torch::empty({count, dim}, torch::kDouble);
            double *out = d.data_ptr<double>();
            std::vector<double> totals(static_cast<size_t>(count));
            for (int64_t i = 0; i < count; ++i) {
                const int64_t r = begin + i;
                unitRow(r, row, out + i * dim);
                double total = 0;
                for (int c = 0; c < dim; ++c) {
                    const double v = out[i * dim + c] - centre[size_t(c)];
                    out[i * dim + c] = v;
                    total += v * v;
                }
                // A zero row gets a length no pair can satisfy: t_i + t_j - 2 g >= 1e6 - (a few) for any partner.
                lengths[size_t(r)] = inverseNorm[size_t(r)] == 0.0f ? 1e6f : float(total);
                totals[size_t(i)] = total;
            }
            const torch::Tensor y = d.mm(projection); // one thread each inside parallel_for
            const double *yv = y.data_ptr<double>();
            for (int64_t i = 0; i < count; ++i) {
                double projected = 0;
                float *to = coordinates.data() + (begin + i) * width;
                for (int64_t c = 0; c < k; ++c) {
                    projected += yv[i * k + c] * yv[i * k + c];
                    to[c] = float(yv[i * k + c]);
                }
                to[k] = float(std::sqrt(std::max(totals[size_t(i)] - projected, 0.0)));
            }
        }
    });
    if (stopped) {
        result.cancelled = true;
        return result;
    }

    // 2. Sort by the first principal coordinate (the one with the most variance), and lay the sorted coordinates
    // out for the filter: row-major for the rows, in panels of 32 for the columns, padded as it wants.
    std::vector<int64_t> order(static_cast<size_t>(rows));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        return coordinates[size_t(a * width)] < coordinates[size_t(b * width)];
    });
    const float radiusSquared = float(2.0 - 2.0 * double(options.threshold)) + kMargin;
    const float radius = std::sqrt(std::max(radiusSquared, 0.0f));
    const auto roundUp = [](int64_t x, int64_t multiple) { return (x + multiple - 1) / multiple * multiple; };
    const int64_t paddedRows = roundUp(rows, kernels::kPairRowGroup);
    const int64_t stride = roundUp(rows, kernels::kPairColumnAlign);
    std::vector<float> rowCoordinates(static_cast<size_t>(paddedRows * width), 0.0f);
    std::vector<float> columnCoordinates(static_cast<size_t>(width * stride), 0.0f); // kernels::panelIndex layout
    std::vector<float> first(static_cast<size_t>(rows));
    std::vector<float> t(static_cast<size_t>(stride), std::numeric_limits<float>::infinity());
    std::vector<float> limits(static_cast<size_t>(paddedRows), -std::numeric_limits<float>::infinity());
    for (int64_t i = 0; i < rows; ++i) {
        const float *from = coordinates.data() + order[size_t(i)] * width;
        std::copy_n(from, width, rowCoordinates.data() + i * width);
        for (int64_t c = 0; c < width; ++c) {
            columnCoordinates[size_t(kernels::panelIndex(i, c, int(width)))] = from[c];
        }
        first[size_t(i)] = from[0];
        t[size_t(i)] = lengths[size_t(order[size_t(i)])];
        limits[size_t(i)] = radiusSquared - t[size_t(i)];
    }
    coordinates = std::vector<float>();
    stats.projectMs = msSince(start);

    // 3. The filter: blocks of rows against the columns after them, up to the end of the block's window; column
    // chunks small enough to stay in the core's cache while every row of the block passes over them. Each thread takes
    // every threads-th block (the blocks' work shrinks along the sorted order).
    const Clock::time_point filterStart = Clock::now();
    const int64_t blocks = (paddedRows + kBlockRows - 1) / kBlockRows;
    std::vector<Candidate> candidates;
    std::mutex merge;
    std::atomic<int64_t> filtered{0};
    std::atomic_bool tooMany{false};
    torchParallelFor(0, threads, 1, [&](int64_t firstThread, int64_t lastThread) {
        for (int64_t thread = firstThread; thread < lastThread; ++thread) {
            std::vector<std::pair<uint32_t, uint32_t>> hits;
            std::vector<Candidate> found;
            int64_t looked = 0;
            for (int64_t block = thread; block < blocks && !stopped && !tooMany; block += threads) {
                if (stop()) {
                    stopped = true;
                    break;
                }
                const int64_t i0 = block * kBlockRows;
                const int64_t i1 = std::min(paddedRows, i0 + kBlockRows);
                const int64_t lastRow = std::min(rows, i1) - 1;
                const int64_t windowEnd =
                    std::upper_bound(first.begin(), first.end(), first[size_t(lastRow)] + radius) - first.begin();
                const int64_t colBegin = (i0 + 1) / kernels::kPairColumnAlign * kernels::kPairColumnAlign;
                const int64_t colEnd = roundUp(windowEnd, kernels::kPairColumnAlign);
                for (int64_t c0 = colBegin; c0 < colEnd; c0 += kChunkColumns) {
                    const int64_t c1 = std::min(colEnd, c0 + kChunkColumns);
                    hits.clear();
                    kernels::filterPairs(rowCoordinates.data(), columnCoordinates.data(), int(width), t.data(),
                                         limits.data(), i0, i1, c0, c1, &hits);
                    looked += (i1 - i0) * (c1 - c0);
                    for (const auto &[i, j] : hits) {
                        addCandidate(uint32_t(order[i]), uint32_t(order[j]), found);
                    }
                }
                if (int64_t(found.size()) > options.maxCandidates) {
                    tooMany = true;
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
    torchParallelFor(0, threads, 1, [&](int64_t firstThread, int64_t lastThread) {
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
                const float cosine =
                    kernels::dotHalf(unit.data(), halves + int64_t(pair.b) * dim, dim) * inverseNorm[pair.b];
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
