// SPDX-License-Identifier: MIT
// Why this file is long: the int8 codes, the exact rescoring with its error bound and the append/remove paths share the
// row layout's invariants; together the exactness proof reads in one file (the kernels are in matrixkernels.cpp).
#include "core/clip/matrix/embeddingmatrix.h"

#include "core/clip/errortext.h"
#include "core/clip/matrix/half.h"
#include "core/clip/matrix/largebuffer.h"
#include "core/clip/model/device.h"

#include "core/clip/matrix/matrixkernels.h"
#include "core/clip/model/torchparallel.h"

#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <utility>

namespace clipfind::clip {

using namespace kernels;

namespace {

// Rows scanned between two polls of the cancel callback, and per parallel chunk.
constexpr int64_t kScanBlock = 4096;
// Below this many rows one thread is quicker than waking the second.
constexpr int64_t kParallelMinRows = 32768;
// Candidates kept per scanning thread beyond k; the exact rescoring of a few hundred rows costs microseconds.
constexpr int64_t kExtraCandidates = 256;

// Better first; equal scores keep the lower row first, so results are deterministic.
bool better(const ScoredRow &a, const ScoredRow &b)
{
    return a.score > b.score || (a.score == b.score && a.row < b.row);
}

// Keeps the `capacity` best (score, row) pairs seen; front() is the worst kept once full.
class BestRows
{
public:
    explicit BestRows(int64_t capacity)
        : m_capacity(capacity)
    {
        m_heap.reserve(size_t(capacity));
    }

    float threshold() const { return full() ? m_heap.front().score : -std::numeric_limits<float>::infinity(); }
    bool full() const { return int64_t(m_heap.size()) >= m_capacity; }
    void offer(int64_t row, float score)
    {
        const ScoredRow item{row, score};
        if (!full()) {
            m_heap.push_back(item);
            std::push_heap(m_heap.begin(), m_heap.end(), better);
        } else if (better(item, m_heap.front())) {
            std::pop_heap(m_heap.begin(), m_heap.end(), better);
            m_heap.back() = item;
            std::push_heap(m_heap.begin(), m_heap.end(), better);
        }
    }
    std::vector<ScoredRow> &items() { return m_heap; }

private:
    int64_t m_capacity;
    std::vector<ScoredRow> m_heap; // heap ordered by `better`: the worst kept item at the front
};

// A checksum of a stored row's fp16 bits: a fetched row must be the row that was appended (its codes describe it).
// Two multiply-xor lanes over 64-bit words; not cryptographic, it only has to notice a different row.
uint32_t rowChecksum(const uint16_t *halves, int dim)
{
    uint64_t lanes[2] = {0x9E3779B97F4A7C15ull ^ uint64_t(dim), 0xC2B2AE3D27D4EB4Full};
    int i = 0;
    for (; i + 8 <= dim; i += 8) {
        for (int lane = 0; lane < 2; ++lane) {
            uint64_t word = 0;
            std::memcpy(&word, halves + i + 4 * lane, sizeof word);
            lanes[lane] = (lanes[lane] ^ word) * 0xFF51AFD7ED558CCDull;
            lanes[lane] ^= lanes[lane] >> 29;
        }
    }
    for (; i < dim; ++i) {
        lanes[0] = (lanes[0] ^ halves[i]) * 0xFF51AFD7ED558CCDull;
        lanes[0] ^= lanes[0] >> 29;
    }
    const uint64_t mixed = (lanes[0] ^ (lanes[1] * 0x94D049BB133111EBull)) * 0xBF58476D1CE4E5B9ull;
    return uint32_t(mixed >> 32) ^ uint32_t(mixed);
}

} // namespace

// The one implementation of EmbeddingMatrix: int8 codes scanned on the CPU, or torch matmul + topk on CUDA.
class TorchEmbeddingMatrix final : public EmbeddingMatrix
{
public:
    struct Private;
    explicit TorchEmbeddingMatrix(std::unique_ptr<Private> d);
    ~TorchEmbeddingMatrix() override;

    int dim() const override;
    int64_t rows() const override;
    std::string description() const override;
    void reserve(int64_t rows) override;
    void append(const float *values, int64_t count) override;
    void appendHalf(const uint16_t *halves, int64_t count) override;
    void replace(int64_t row, const float *values) override;
    void removeSwapLast(int64_t row) override;
    void clear() override;
    bool normalizedRow(int64_t row, float *out, const RowFetcher &fetch, std::string *error) const override;
    TopKResult topK(const float *query, int64_t k, const std::function<bool()> &cancelled,
                    const RowFetcher &fetch) const override;
    int64_t memoryBytes() const override;

private:
    std::unique_ptr<Private> d;
};

struct TorchEmbeddingMatrix::Private {
    int dim = 0;
    int64_t rows = 0;
    MatrixOptions options;
    bool useTorch = false;
    int threads = 1;

    // Quantized method: int8 codes of the normalized rows (stride = dim rounded up to 32, 32-byte aligned start),
    // one scale per row, the stored rows (fp16 or fp32) and the inverse norm that turns their dot into a cosine.
    int64_t stride = 0;
    LargeBuffer<int8_t> codes; // rows x stride, 2 MiB aligned (so 32-byte aligned rows)
    std::vector<float> scales;
    std::vector<float> inverseNorms;
    LargeBuffer<uint16_t> halfRows; // rows x dim (kept rows only)
    LargeBuffer<float> floatRows;
    std::vector<uint32_t> checksums; // rows fetched on demand: what each row's fp16 bits must hash to
    // Upper bounds over all rows ever stored (never lowered: removals keep them valid): the largest scale and the
    // largest L1 norm of a dequantized row. They bound the int8 score error (see topK).
    float maxScale = 0;
    float maxDequantizedL1 = 0;
    // The same for the L2 bound: the largest |x - x'|_2 (x the normalized row, x' its int8 reconstruction) and |x'|_2.
    float maxResidualL2 = 0;
    float maxDequantizedL2 = 0;

    // Torch method: normalized rows [capacity, dim] on the device.
    torch::Tensor deviceRows;
    torch::Device device = torch::kCPU;
    torch::ScalarType dtype = torch::kFloat32;

    // Room for `rowCapacity` rows in every per-row store (growing by half again when appending one by one).
    void grow(int64_t rowCapacity)
    {
        const size_t rowStore = fetched() ? size_t(-1) : precision16() ? halfRows.capacity() : floatRows.capacity();
        if (size_t(rowCapacity) * size_t(dim) <= rowStore && size_t(rowCapacity) * size_t(stride) <= codes.capacity()) {
            return;
        }
        const int64_t target = std::max<int64_t>(rowCapacity, rows + rows / 2 + 1024);
        codes.reserve(size_t(target * stride), size_t(rows * stride));
        if (fetched()) {
            checksums.reserve(size_t(target));
        } else if (precision16()) {
            halfRows.reserve(size_t(target * dim), size_t(rows * dim));
        } else {
            floatRows.reserve(size_t(target * dim), size_t(rows * dim));
        }
        scales.reserve(size_t(target));
        inverseNorms.reserve(size_t(target));
    }
    bool precision16() const { return options.precision == RowPrecision::Float16; }
    /// Stored rows are not kept: the rescoring fetches them (MatrixOptions::keepRows).
    bool fetched() const { return !useTorch && precision16() && !options.keepRows; }

    /// What one row adds to the error bounds (see topKQuantized).
    struct RowBounds {
        float scale = 0;
        float dequantizedL1 = 0;
        float residualL2 = 0;
        float dequantizedL2 = 0;
        void include(const RowBounds &o)
        {
            scale = std::max(scale, o.scale);
            dequantizedL1 = std::max(dequantizedL1, o.dequantizedL1);
            residualL2 = std::max(residualL2, o.residualL2);
            dequantizedL2 = std::max(dequantizedL2, o.dequantizedL2);
        }
    };
    /// Stores one row; returns what it adds to the bounds for the caller to fold in with noteBounds() (rows may be
    /// stored from several threads at once).
    RowBounds storeRow(int64_t row, const float *values, const uint16_t *halves);
    void noteBounds(const RowBounds &row)
    {
        maxScale = std::max(maxScale, row.scale);
        maxDequantizedL1 = std::max(maxDequantizedL1, row.dequantizedL1);
        maxResidualL2 = std::max(maxResidualL2, row.residualL2);
        maxDequantizedL2 = std::max(maxDequantizedL2, row.dequantizedL2);
    }
    float exactScore(const float *query, int64_t row) const;
    /// Exact scores of `rows` into *out: from the kept rows, or fetched and checked against their checksums.
    bool scoreRows(const float *query, const std::vector<int64_t> &rows, const RowFetcher &fetch,
                   std::vector<ScoredRow> *out, TopKResult *result) const;
    bool rowAsFloat(int64_t row, float *out, const RowFetcher &fetch, std::string *error) const;
    void growDevice(int64_t rowCapacity);
    TopKResult topKQuantized(const float *query, int64_t k, const std::function<bool()> &cancelled,
                             const RowFetcher &fetch) const;
    TopKResult topKTorch(const float *query, int64_t k, const std::function<bool()> &cancelled) const;
};

// Stores row `row` (already within capacity) from floats or halves: the exact copy, its inverse norm and the
// int8 codes of the normalized row.
TorchEmbeddingMatrix::Private::RowBounds TorchEmbeddingMatrix::Private::storeRow(int64_t row, const float *values,
                                                                                 const uint16_t *halves)
{
    static thread_local std::vector<float> v;
    v.resize(static_cast<size_t>(dim));
    if (halves) {
        halvesToFloats(halves, v.data(), dim);
    } else if (options.precision == RowPrecision::Float16) {
        for (int i = 0; i < dim; ++i) { // score what is stored: the fp16 value
            v[size_t(i)] = halfToFloat(floatToHalf(values[i]));
        }
    } else {
        std::copy_n(values, dim, v.data());
    }
    double squares[4] = {0, 0, 0, 0}; // four chains: the additions do not wait on each other
    int i = 0;
    for (; i + 4 <= dim; i += 4) {
        for (int j = 0; j < 4; ++j) {
            squares[j] += double(v[size_t(i + j)]) * v[size_t(i + j)];
        }
    }
    for (; i < dim; ++i) {
        squares[0] += double(v[size_t(i)]) * v[size_t(i)];
    }
    const double sumOfSquares = squares[0] + squares[1] + squares[2] + squares[3];
    const float inverseNorm = sumOfSquares > 0 ? float(1.0 / std::sqrt(sumOfSquares)) : 0.0f;

    if (useTorch) {
        torch::Tensor t = torch::from_blob(v.data(), {dim}, torch::kFloat32).mul(inverseNorm);
        deviceRows[row].copy_(t.to(dtype));
        return {};
    }
    inverseNorms[size_t(row)] = inverseNorm;
    if (fetched()) {
        if (halves) {
            checksums[size_t(row)] = rowChecksum(halves, dim);
        } else {
            static thread_local std::vector<uint16_t> stored;
            stored.resize(size_t(dim));
            for (int i = 0; i < dim; ++i) {
                stored[size_t(i)] = floatToHalf(values[i]);
            }
            checksums[size_t(row)] = rowChecksum(stored.data(), dim);
        }
    } else if (options.precision == RowPrecision::Float16) {
        uint16_t *target = halfRows.data() + row * dim;
        for (int i = 0; i < dim; ++i) {
            target[i] = halves ? halves[i] : floatToHalf(values[i]);
        }
    } else {
        std::copy(v.begin(), v.end(), floatRows.data() + row * dim);
    }
    float largest = 0;
    for (float x : v) {
        largest = largest < std::fabs(x) ? std::fabs(x) : largest;
    }
    largest *= inverseNorm;
    const float scale = largest > 0 ? largest / 127.0f : 0.0f;
    int8_t *code = codes.data() + row * stride;
    std::fill(code + dim, code + stride, int8_t(0)); // the padding takes part in the scan
    const float l1 = scale > 0 ? float(quantize(v.data(), dim, inverseNorm / scale, code)) * scale : 0.0f;
    if (scale == 0) {
        std::fill(code, code + dim, int8_t(0));
    }
    scales[size_t(row)] = scale;
    // |x - x'|_2 and |x'|_2, in float in eight lanes (vectorized); rounded up generously: the residuals are ~1e-3,
    // float rounding in these sums ~1e-7 relative.
    float residual[8] = {};
    float codeSquares[8] = {};
    int i8 = 0;
    for (; i8 + 8 <= dim; i8 += 8) {
        for (int j = 0; j < 8; ++j) {
            const float c = float(code[i8 + j]);
            const float r = v[size_t(i8 + j)] * inverseNorm - scale * c;
            residual[j] += r * r;
            codeSquares[j] += c * c;
        }
    }
    for (; i8 < dim; ++i8) {
        const float c = float(code[i8]);
        const float r = v[size_t(i8)] * inverseNorm - scale * c;
        residual[0] += r * r;
        codeSquares[0] += c * c;
    }
    float residualSum = 0;
    float codeSum = 0;
    for (int j = 0; j < 8; ++j) {
        residualSum += residual[j];
        codeSum += codeSquares[j];
    }
    RowBounds bounds;
    bounds.scale = scale;
    bounds.dequantizedL1 = l1;
    bounds.residualL2 = std::sqrt(residualSum) * 1.001f + 1e-7f;
    bounds.dequantizedL2 = scale * std::sqrt(codeSum) * 1.001f;
    return bounds;
}

float TorchEmbeddingMatrix::Private::exactScore(const float *query, int64_t row) const
{
    float dot = 0;
    if (options.precision == RowPrecision::Float16) {
        dot = dotHalf(query, halfRows.data() + row * dim, dim);
    } else {
        const float *x = floatRows.data() + row * dim;
        for (int i = 0; i < dim; ++i) {
            dot += query[i] * x[i];
        }
    }
    return dot * inverseNorms[size_t(row)];
}

bool TorchEmbeddingMatrix::Private::scoreRows(const float *query, const std::vector<int64_t> &rows,
                                              const RowFetcher &fetch, std::vector<ScoredRow> *out,
                                              TopKResult *result) const
{
    result->rescored += int64_t(rows.size());
    if (!fetched()) {
        for (const int64_t row : rows) {
            out->push_back({row, exactScore(query, row)});
        }
        return true;
    }
    if (rows.empty()) {
        return true;
    }
    if (!fetch) {
        result->error = "search failed: the matrix keeps no rows and was given no way to fetch them";
        return false;
    }
    static thread_local std::vector<uint16_t> fetchedRows;
    fetchedRows.resize(rows.size() * size_t(dim));
    if (!fetch(rows.data(), rows.size(), fetchedRows.data(), &result->error)) {
        if (result->error.empty()) {
            result->error = "search failed: stored rows could not be read";
        }
        return false;
    }
    for (size_t i = 0; i < rows.size(); ++i) {
        const uint16_t *halves = fetchedRows.data() + i * size_t(dim);
        const int64_t row = rows[i];
        if (rowChecksum(halves, dim) != checksums[size_t(row)]) {
            result->error = "search failed: the stored rows changed since they were loaded";
            result->staleRows = true;
            return false;
        }
        // The same arithmetic as exactScore() on kept rows: bit for bit the same score.
        out->push_back({row, dotHalf(query, halves, dim) * inverseNorms[size_t(row)]});
    }
    return true;
}

bool TorchEmbeddingMatrix::Private::rowAsFloat(int64_t row, float *out, const RowFetcher &fetch,
                                               std::string *error) const
{
    if (useTorch) {
        const torch::Tensor r = deviceRows[row].to(torch::kCPU, torch::kFloat32).contiguous();
        std::memcpy(out, r.data_ptr<float>(), sizeof(float) * size_t(dim));
        return true;
    }
    const float inverseNorm = inverseNorms[size_t(row)];
    if (fetched()) {
        std::vector<uint16_t> halves(static_cast<size_t>(dim));
        std::string problem;
        if (!fetch || !fetch(&row, 1, halves.data(), &problem)
            || rowChecksum(halves.data(), dim) != checksums[size_t(row)]) {
            if (error) {
                *error = problem.empty() ? "the stored row changed since it was loaded" : problem;
            }
            return false;
        }
        for (int i = 0; i < dim; ++i) {
            out[i] = halfToFloat(halves[size_t(i)]) * inverseNorm;
        }
        return true;
    }
    for (int i = 0; i < dim; ++i) {
        const float x = precision16() ? halfToFloat(halfRows.data()[row * dim + i]) : floatRows.data()[row * dim + i];
        out[i] = x * inverseNorm;
    }
    return true;
}

void TorchEmbeddingMatrix::Private::growDevice(int64_t rowCapacity)
{
    const int64_t capacity = deviceRows.defined() ? deviceRows.size(0) : 0;
    if (rowCapacity <= capacity) {
        return;
    }
    const int64_t fresh = std::max(rowCapacity, capacity * 3 / 2 + 1024);
    torch::Tensor grown = torch::zeros({fresh, dim}, torch::TensorOptions().dtype(dtype).device(device));
    if (rows > 0) {
        grown.narrow(0, 0, rows).copy_(deviceRows.narrow(0, 0, rows));
    }
    deviceRows = grown;
}

// The int8 score s' of a row differs from its cosine s by at most
//   |q . (x - x')| + |(q - q') . x'| <= |q|_1 * scale_x / 2 + scale_q / 2 * |x'|_1
// (x, q the normalized row and query, x', q' their int8 reconstructions), so no row scores above s' + bound.
// Candidates (each scanning thread's k + 256 best s') are rescored exactly in decreasing s' order, and the
// rescoring stops once the k-th exact score T exceeds both the next candidate's s' + bound and, for the rows outside
// the candidates (whose s' is at most their thread's lowest kept s'), that s' + bound. If the candidates run out
// first, every other row with s' >= T - bound is rescored as well. The result equals a brute-force scan, and usually
// only a few rows beyond k are rescored (which matters when they are fetched from the database).
TopKResult TorchEmbeddingMatrix::Private::topKQuantized(const float *query, int64_t k,
                                                        const std::function<bool()> &cancelled,
                                                        const RowFetcher &fetch) const
{
    TopKResult result;
    // The query's int8 form: |q| and q (its sign) in 32-byte aligned buffers, zero padded.
    static thread_local std::vector<int8_t> queryBuffer;
    queryBuffer.assign(size_t(2 * stride + kCodeAlign), 0);
    const auto address = reinterpret_cast<uintptr_t>(queryBuffer.data());
    int8_t *querySign = queryBuffer.data() + ((kCodeAlign - address % kCodeAlign) % kCodeAlign);
    uint8_t *queryAbs = reinterpret_cast<uint8_t *>(querySign + stride);
    float queryLargest = 0;
    float queryL1 = 0;
    for (int i = 0; i < dim; ++i) {
        queryLargest = std::max(queryLargest, std::fabs(query[i]));
        queryL1 += std::fabs(query[i]);
    }
    const float queryScale = queryLargest > 0 ? queryLargest / 127.0f : 0.0f;
    for (int i = 0; i < dim; ++i) {
        const float q = queryScale > 0 ? std::nearbyint(query[i] / queryScale) : 0.0f;
        querySign[i] = int8_t(std::max(-127.0f, std::min(127.0f, q)));
        queryAbs[i] = uint8_t(std::abs(int(querySign[i])));
    }
    // Two bounds of |q.x - q'.x'| = |q.(x - x') + (q - q').x'|, both valid, the smaller one used: elementwise
    // (|q|_1 * scale_x / 2 + scale_q / 2 * |x'|_1) and by Cauchy-Schwarz (|q|_2 |x - x'|_2 + |q - q'|_2 |x'|_2, the
    // residual norms measured when the rows were stored: about a third tighter, so fewer rows are rescored).
    // Float rounding in the int8 path (int32 sums are exact; two float products) is far below the slack.
    double queryNorm = 0;
    double queryResidual = 0;
    for (int i = 0; i < dim; ++i) {
        const double r = double(query[i]) - double(queryScale) * querySign[i];
        queryNorm += double(query[i]) * query[i];
        queryResidual += r * r;
    }
    const double elementwise = double(queryL1) * maxScale / 2 + double(queryScale) / 2 * maxDequantizedL1;
    const double cauchySchwarz =
        std::sqrt(queryNorm) * maxResidualL2 + std::sqrt(queryResidual) * 1.001 * maxDequantizedL2;
    const float bound = float(std::min(elementwise, cauchySchwarz)) + 1e-5f;

    // Scratch buffers are per calling thread (the OpenMP workers write through the pointer).
    static thread_local std::vector<float> approximate;
    approximate.resize(size_t(rows));
    float *approximateScores = approximate.data();
    const int threadCount = rows >= kParallelMinRows ? threads : 1;
    const int64_t capacity = std::min(rows, k + kExtraCandidates);
    std::vector<BestRows> best(static_cast<size_t>(threadCount), BestRows(capacity));
    std::vector<double> sums(size_t(threadCount), 0.0), squares(size_t(threadCount), 0.0);
    std::vector<float> lowestKept(size_t(threadCount), -std::numeric_limits<float>::infinity());
    std::atomic_bool stop{false};
    const int8_t *rowCodes = codes.data();
    // Torch's own parallel_for (OpenMP underneath), so the scan shares the thread team the text encoder uses: a
    // second team of our own made both spin against each other on two cores (text encoding 10x slower).
    auto scanPart = [&](int t) {
        const int64_t begin = rows * t / threadCount;
        const int64_t end = rows * (t + 1) / threadCount;
        BestRows &mine = best[size_t(t)];
        double sum = 0, square = 0;
        for (int64_t block = begin; block < end && !stop.load(std::memory_order_relaxed); block += kScanBlock) {
            if (cancelled && cancelled()) {
                stop = true;
                break;
            }
            const int64_t blockEnd = std::min(end, block + kScanBlock);
            float *out = approximateScores + block;
            scanRows(rowCodes, stride, scales.data(), block, blockEnd, queryAbs, querySign, queryScale, out);
            float threshold = mine.threshold();
            for (int64_t r = block; r < blockEnd; ++r) {
                const float s = out[r - block];
                sum += s;
                square += double(s) * s;
                if (s >= threshold) {
                    mine.offer(r, s);
                    threshold = mine.threshold();
                }
            }
        }
        sums[size_t(t)] = sum;
        squares[size_t(t)] = square;
        lowestKept[size_t(t)] = mine.threshold(); // -inf when this thread kept all its rows
    };
    torchParallelFor(0, threadCount, 1, [&](int64_t first, int64_t last) {
        for (int64_t t = first; t < last; ++t) {
            scanPart(int(t));
        }
    });
    if (stop) {
        result.cancelled = true;
        return result;
    }
    double sum = 0, square = 0;
    for (int t = 0; t < threadCount; ++t) {
        sum += sums[size_t(t)];
        square += squares[size_t(t)];
    }
    result.mean = rows ? sum / double(rows) : 0.0;
    result.stddev = rows ? std::sqrt(std::max(0.0, square / double(rows) - result.mean * result.mean)) : 0.0;

    float outsideBest = -std::numeric_limits<float>::infinity(); // highest s' a row outside the candidates can have
    std::vector<ScoredRow> candidates;
    for (int t = 0; t < threadCount; ++t) {
        candidates.insert(candidates.end(), best[size_t(t)].items().begin(), best[size_t(t)].items().end());
        outsideBest = std::max(outsideBest, lowestKept[size_t(t)]);
    }
    std::sort(candidates.begin(), candidates.end(), better);

    // The k best exact scores so far, worst first (a heap ordered by `better`).
    std::vector<ScoredRow> exact;
    std::vector<ScoredRow> scored;
    std::vector<int64_t> batch;
    auto keep = [&](const std::vector<ScoredRow> &rows) {
        for (const ScoredRow &row : rows) {
            if (int64_t(exact.size()) < k) {
                exact.push_back(row);
                std::push_heap(exact.begin(), exact.end(), better);
            } else if (better(row, exact.front())) {
                std::pop_heap(exact.begin(), exact.end(), better);
                exact.back() = row;
                std::push_heap(exact.begin(), exact.end(), better);
            }
        }
    };
    auto kth = [&] {
        return int64_t(exact.size()) == k ? exact.front().score : -std::numeric_limits<float>::infinity();
    };
    size_t next = 0;
    while (next < candidates.size()) {
        // The first batch holds k rows and a few more; then small steps, since every row may be a database read.
        const size_t count = std::min(candidates.size() - next, next == 0 ? size_t(k) + 8 : size_t(32));
        batch.clear();
        scored.clear();
        for (size_t i = next; i < next + count; ++i) {
            batch.push_back(candidates[i].row);
        }
        if (!scoreRows(query, batch, fetch, &scored, &result)) {
            return result;
        }
        keep(scored);
        next += count;
        const float rest = std::max(next < candidates.size() ? candidates[next].score : outsideBest, outsideBest);
        if (rest == -std::numeric_limits<float>::infinity() || kth() > rest + bound) {
            break; // no row left unscored can reach the k-th exact score
        }
    }
    if (next == candidates.size() && outsideBest != -std::numeric_limits<float>::infinity()
        && !(kth() > outsideBest + bound)) {
        std::vector<char> done(size_t(rows), 0);
        for (const ScoredRow &c : candidates) {
            done[size_t(c.row)] = 1;
        }
        const float floor = kth() - bound;
        batch.clear();
        for (int64_t r = 0; r < rows; ++r) {
            if (!done[size_t(r)] && approximate[size_t(r)] >= floor) {
                batch.push_back(r);
            }
        }
        constexpr size_t kFetchBatch = 4096; // bounds the fetch buffer when near-duplicates pull in many rows
        for (size_t start = 0; start < batch.size(); start += kFetchBatch) {
            const std::vector<int64_t> part(batch.begin() + ptrdiff_t(start),
                                            batch.begin() + ptrdiff_t(std::min(batch.size(), start + kFetchBatch)));
            scored.clear();
            if (!scoreRows(query, part, fetch, &scored, &result)) {
                return result;
            }
            keep(scored);
        }
    }
    std::sort(exact.begin(), exact.end(), better);
    result.hits = std::move(exact);
    return result;
}

TopKResult TorchEmbeddingMatrix::Private::topKTorch(const float *query, int64_t k,
                                                    const std::function<bool()> &cancelled) const
{
    TopKResult result;
    if (cancelled && cancelled()) {
        result.cancelled = true;
        return result;
    }
    c10::InferenceMode inference;
    const torch::Tensor q = torch::from_blob(const_cast<float *>(query), {dim}, torch::kFloat32).to(device);
    const torch::Tensor all = deviceRows.narrow(0, 0, rows);
    const torch::Tensor scores = torch::mv(all, q.to(dtype)).to(torch::kFloat32);
    // fp16 scores are rounded: take extra candidates and rescore them in fp32, like the quantized method.
    const int64_t candidates = std::min(rows, k + (dtype == torch::kFloat32 ? 0 : kExtraCandidates));
    const torch::Tensor top = std::get<1>(scores.topk(candidates));
    torch::Tensor exactScores = dtype == torch::kFloat32 ? scores.index_select(0, top)
                                                         : torch::mv(all.index_select(0, top).to(torch::kFloat32), q);
    // Two transfers (each waits for the device): the statistics with the scores, then the row numbers.
    const torch::Tensor floatsHost =
        torch::cat({torch::stack({scores.mean(), scores.std(/*unbiased=*/false)}), exactScores}).cpu().contiguous();
    const torch::Tensor rowsHost = top.cpu().contiguous();
    const float *values = floatsHost.data_ptr<float>();
    const int64_t *rowNumbers = rowsHost.data_ptr<int64_t>();
    result.mean = values[0];
    result.stddev = values[1];
    result.hits.reserve(size_t(candidates));
    for (int64_t i = 0; i < candidates; ++i) {
        result.hits.push_back({rowNumbers[i], values[2 + i]});
    }
    std::sort(result.hits.begin(), result.hits.end(), better);
    result.hits.resize(size_t(std::min(k, candidates)));
    result.rescored = candidates;
    return result;
}

TorchEmbeddingMatrix::TorchEmbeddingMatrix(std::unique_ptr<Private> d)
    : d(std::move(d))
{
}
TorchEmbeddingMatrix::~TorchEmbeddingMatrix() = default;

std::unique_ptr<EmbeddingMatrix> EmbeddingMatrix::create(int dim, const MatrixOptions &options, std::string *error)
{
    if (dim < 1) {
        *error = "embedding matrix: dimension must be positive, got " + std::to_string(dim);
        return nullptr;
    }
    auto d = std::make_unique<TorchEmbeddingMatrix::Private>();
    d->dim = dim;
    d->options = options;
    d->stride = (dim + kCodeAlign - 1) / kCodeAlign * kCodeAlign;
    d->threads = options.threads > 0 ? options.threads : std::max(1, at::get_num_threads());
    bool wantCuda = options.device == DeviceChoice::Cuda;
    if (options.device == DeviceChoice::Auto) {
        wantCuda = torch::cuda::is_available();
    }
    if (wantCuda && !torch::cuda::is_available()) {
        *error = "embedding matrix: CUDA was asked for but is not available";
        return nullptr;
    }
    d->useTorch = options.method == ScanMethod::Torch || (options.method == ScanMethod::Auto && wantCuda);
    if (!d->useTorch && wantCuda) {
        *error = "embedding matrix: the quantized method runs on the CPU only";
        return nullptr;
    }
    if (d->useTorch) {
        d->device = wantCuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
        d->dtype = wantCuda ? torch::kFloat16 : torch::kFloat32; // no fp16 matmul on the CPU in libtorch 1.13
    }
    return std::make_unique<TorchEmbeddingMatrix>(std::move(d));
}

int TorchEmbeddingMatrix::dim() const
{
    return d->dim;
}

int64_t TorchEmbeddingMatrix::rows() const
{
    return d->rows;
}

std::string TorchEmbeddingMatrix::description() const
{
    if (d->useTorch) {
        return std::string("torch ") + (d->dtype == torch::kFloat16 ? "fp16" : "fp32") + " matmul + topk, "
               + (d->device.is_cuda() ? "cuda" : "cpu");
    }
    const char *kernel = scanKernelName();
    return std::string("int8 scan (") + kernel + ", " + std::to_string(d->threads) + " threads) + exact rescoring from "
           + (d->options.precision == RowPrecision::Float16 ? "fp16" : "fp32")
           + (d->fetched() ? " rows fetched on demand, cpu" : " rows, cpu");
}

void TorchEmbeddingMatrix::reserve(int64_t rows)
{
    if (d->useTorch) {
        d->growDevice(rows);
        return;
    }
    d->grow(rows);
}

namespace {

template<typename Store>
void appendRows(TorchEmbeddingMatrix::Private &d, int64_t count, Store store)
{
    if (count <= 0) {
        return;
    }
    const int64_t total = d.rows + count;
    if (d.useTorch) {
        d.growDevice(total);
        // One normalized block and one copy to the device instead of a copy per row.
        std::vector<float> block(size_t(count * d.dim));
        for (int64_t i = 0; i < count; ++i) {
            store(i, &block[size_t(i * d.dim)]);
        }
        const torch::Tensor rows = torch::from_blob(block.data(), {count, int64_t(d.dim)}, torch::kFloat32);
        const torch::Tensor norms = rows.norm(2, 1, true);
        const torch::Tensor unit = torch::where(norms > 0, rows / norms, torch::zeros_like(rows));
        d.deviceRows.narrow(0, d.rows, count).copy_(unit.to(d.dtype));
        d.rows = total;
        return;
    } else {
        d.grow(total);
        d.scales.resize(size_t(total));
        d.inverseNorms.resize(size_t(total));
        if (d.fetched()) {
            d.checksums.resize(size_t(total));
        }
    }
    // Rows are independent: a large append (loading the cache) converts and quantizes on every core.
    std::mutex boundsLock;
    torchParallelFor(0, count, 2048, [&](int64_t begin, int64_t end) {
        TorchEmbeddingMatrix::Private::RowBounds bounds;
        for (int64_t i = begin; i < end; ++i) {
            bounds.include(store(i, nullptr));
        }
        std::lock_guard<std::mutex> lock(boundsLock);
        d.noteBounds(bounds);
    });
    d.rows = total;
}

} // namespace

// `store(i, out)` writes input row i as floats to `out` (torch: a block copied at once), or stores it as row
// rows() + i when `out` is null.
void TorchEmbeddingMatrix::append(const float *values, int64_t count)
{
    appendRows(*d, count, [&](int64_t i, float *out) {
        if (out) {
            std::copy_n(values + i * d->dim, d->dim, out);
            return TorchEmbeddingMatrix::Private::RowBounds();
        }
        return d->storeRow(d->rows + i, values + i * d->dim, nullptr);
    });
}

void TorchEmbeddingMatrix::appendHalf(const uint16_t *halves, int64_t count)
{
    appendRows(*d, count, [&](int64_t i, float *out) {
        if (out) {
            halvesToFloats(halves + i * d->dim, out, d->dim);
            return TorchEmbeddingMatrix::Private::RowBounds();
        }
        return d->storeRow(d->rows + i, nullptr, halves + i * d->dim);
    });
}

void TorchEmbeddingMatrix::replace(int64_t row, const float *values)
{
    if (row >= 0 && row < d->rows) {
        d->noteBounds(d->storeRow(row, values, nullptr));
    }
}

void TorchEmbeddingMatrix::removeSwapLast(int64_t row)
{
    if (row < 0 || row >= d->rows) {
        return;
    }
    const int64_t last = d->rows - 1;
    if (row != last) {
        if (d->useTorch) {
            d->deviceRows[row].copy_(d->deviceRows[last]);
        } else {
            std::memcpy(d->codes.data() + row * d->stride, d->codes.data() + last * d->stride, size_t(d->stride));
            d->scales[size_t(row)] = d->scales[size_t(last)];
            d->inverseNorms[size_t(row)] = d->inverseNorms[size_t(last)];
            if (d->fetched()) {
                d->checksums[size_t(row)] = d->checksums[size_t(last)];
            } else if (d->precision16()) {
                std::copy_n(d->halfRows.data() + last * d->dim, d->dim, d->halfRows.data() + row * d->dim);
            } else {
                std::copy_n(d->floatRows.data() + last * d->dim, d->dim, d->floatRows.data() + row * d->dim);
            }
        }
    }
    d->rows = last;
    if (!d->useTorch) {
        d->scales.resize(size_t(last));
        d->inverseNorms.resize(size_t(last));
        if (d->fetched()) {
            d->checksums.resize(size_t(last));
        }
    }
}

void TorchEmbeddingMatrix::clear()
{
    d->rows = 0;
    d->scales.clear();
    d->inverseNorms.clear();
    d->checksums.clear();
    d->codes.release();
    d->halfRows.release();
    d->floatRows.release();
    d->deviceRows = torch::Tensor();
}

bool TorchEmbeddingMatrix::normalizedRow(int64_t row, float *out, const RowFetcher &fetch, std::string *error) const
{
    if (row < 0 || row >= d->rows) {
        std::fill(out, out + d->dim, 0.0f);
        return true;
    }
    return d->rowAsFloat(row, out, fetch, error);
}

int64_t TorchEmbeddingMatrix::memoryBytes() const
{
    if (d->useTorch) {
        return d->deviceRows.defined() ? int64_t(d->deviceRows.nbytes()) : 0;
    }
    return int64_t(d->codes.capacity() + d->halfRows.capacity() * sizeof(uint16_t)
                   + d->floatRows.capacity() * sizeof(float))
           + int64_t((d->scales.capacity() + d->inverseNorms.capacity()) * sizeof(float)
                     + d->checksums.capacity() * sizeof(uint32_t));
}

TopKResult TorchEmbeddingMatrix::topK(const float *query, int64_t k, const std::function<bool()> &cancelled,
                                      const RowFetcher &fetch) const
{
    if (k <= 0 || d->rows == 0) {
        return {};
    }
    try {
        return d->useTorch ? d->topKTorch(query, k, cancelled) : d->topKQuantized(query, k, cancelled, fetch);
    } catch (const std::exception &e) {
        TopKResult failed;
        failed.error = "search failed: " + firstLine(e.what());
        return failed;
    }
}

} // namespace clipfind::clip
