// SPDX-License-Identifier: MIT
#pragma once

// The search side of the engine: every photo's embedding in one contiguous matrix, scored against a query vector.

#include "core/clip/model/clipmodel.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace clipfind::clip {

/// How rows are scored.
///  - Quantized (the CPU default): an int8 copy of every normalized row (per-row scale) is scanned with AVX2 on all
///    cores (scalar fallback), the best candidates are rescored from the stored rows, and any row whose int8 score
///    could still reach the k-th exact score (a proven error bound) is rescored too, so hits and scores are exact.
///  - Torch: rows on the model's device as one tensor (fp16 on CUDA, fp32 on the CPU), matmul + topk, then the
///    best candidates rescored in fp32. The CUDA path; on the CPU it is the plain fp32 baseline of bench-search.
enum class ScanMethod { Auto, Quantized, Torch };

/// Precision of the stored rows that exact scores come from (Quantized). Float16 is what the library database stores
/// (half the memory; converted by half.h, as the database does); Float32 keeps rows handed over in fp32 bit for bit.
enum class RowPrecision { Float16, Float32 };

struct MatrixOptions {
    ScanMethod method = ScanMethod::Auto;    ///< Auto: Torch on CUDA, Quantized otherwise
    DeviceChoice device = DeviceChoice::Cpu; ///< Torch method only (Auto = CUDA when available)
    RowPrecision precision = RowPrecision::Float16;
    int threads = 0; ///< CPU scan threads; 0 = one per core
    /// Quantized with Float16 only. true: the stored rows are kept in memory beside the int8 codes (1.5 KB a row of
    /// 512). false: only the codes, a scale, the inverse norm and a checksum stay in memory (524 bytes a row); the
    /// few rows the exact rescoring needs are fetched from the caller's store through the RowFetcher given to
    /// topK() (SearchEngine reads them back from the library database), and checked against their checksum.
    bool keepRows = true;
};

/// Fills `out` with the stored rows (dim() IEEE binary16 values each, row after row) of the matrix rows `rows`.
/// False with *error when one cannot be read.
using RowFetcher = std::function<bool(const int64_t *rows, size_t count, uint16_t *out, std::string *error)>;

struct ScoredRow {
    int64_t row = 0;
    float score = 0; ///< cosine: query . row / |row| (the query is expected to be unit length)
};

struct TopKResult {
    std::vector<ScoredRow> hits; ///< best first; ties in score keep the lower row first
    double mean = 0;             ///< of all rows' scores (approximate, within ~1e-3): for adaptive cutoffs
    double stddev = 0;
    int64_t rescored = 0; ///< rows scored exactly (diagnostics)
    bool cancelled = false;
    std::string error;
    /// With keepRows = false: a fetched row did not match the row appended (its store changed since); error is set.
    bool staleRows = false;
};

/// Rows are kept as given (unnormalized encoder output is fine); scores use each row's own norm, so a row's score is
/// its cosine with the query. A row of zeros scores 0.
///
/// Threading: not synchronized. Const methods may run concurrently with each other; anything that changes rows
/// needs exclusive access (SearchEngine wraps this in a reader/writer lock).
class EmbeddingMatrix
{
public:
    /// Null with *error when the options cannot be met (CUDA asked for but absent, dim < 1). Outside the engine
    /// library, through Engine::createEmbeddingMatrix() (core/engine/engine.h): the interface is abstract so that
    /// code which never links libtorch can use a matrix the dlopened library made.
    static std::unique_ptr<EmbeddingMatrix> create(int dim, const MatrixOptions &options, std::string *error);
    virtual ~EmbeddingMatrix() = default;
    EmbeddingMatrix(const EmbeddingMatrix &) = delete;
    EmbeddingMatrix &operator=(const EmbeddingMatrix &) = delete;

    virtual int dim() const = 0;
    virtual int64_t rows() const = 0;
    /// "quantized int8 + fp16 rows, cpu (2 threads)", "torch fp16, cuda:0 ...".
    virtual std::string description() const = 0;

    virtual void reserve(int64_t rows) = 0;
    /// Appends `count` rows of dim() floats.
    virtual void append(const float *values, int64_t count) = 0;
    /// Appends `count` rows of dim() IEEE binary16 values (the library database's format), without a float round trip.
    virtual void appendHalf(const uint16_t *halves, int64_t count) = 0;
    /// Overwrites one row.
    virtual void replace(int64_t row, const float *values) = 0;
    /// Removes a row by moving the last row into its place (the caller updates its row -> id map).
    virtual void removeSwapLast(int64_t row) = 0;
    virtual void clear() = 0;

    /// The row scaled to unit length (dim() floats; zeros for a zero row). "More like this" uses it as the query.
    /// With keepRows = false the row comes from `fetch`; false with *error when it cannot be fetched or is stale.
    virtual bool normalizedRow(int64_t row, float *out, const RowFetcher &fetch = {},
                               std::string *error = nullptr) const = 0;

    /// The k best rows for a unit-length query of dim() floats (k > rows() gives every row). `cancelled` is polled
    /// from the scanning threads every few thousand rows; when it returns true the result has cancelled = true.
    /// `fetch` provides the stored rows the exact rescoring needs when the matrix does not keep them.
    virtual TopKResult topK(const float *query, int64_t k, const std::function<bool()> &cancelled = {},
                            const RowFetcher &fetch = {}) const = 0;

    /// Bytes the rows take in memory (codes, scales, norms, checksums and kept rows; device memory for Torch).
    virtual int64_t memoryBytes() const = 0;

protected:
    EmbeddingMatrix() = default;
};

} // namespace clipfind::clip
