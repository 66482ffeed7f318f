// SPDX-License-Identifier: MIT
#pragma once

// Near-duplicate search over a whole library's embeddings: every pair of rows whose cosine reaches a threshold,
// without scoring all pairs in full.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace clipfind::clip {

struct NearPair {
    int64_t a = 0; ///< row index, a < b
    int64_t b = 0;
    float cosine = 0;
};

struct NearPairOptions {
    float threshold = 0.9f; ///< pairs with cosine >= threshold are reported
    /// Principal components the filter works in (plus one coordinate for the rest); clamped to the row dimension.
    /// On CLIP-shaped rows of 512 (bench-duplicates), 32 let ten times more pairs through to the full score as 48
    /// did, for a filter only a third cheaper.
    int projectedDim = 48;
    /// Limits that stop a threshold far too low for the library with an error instead of exhausting memory.
    int64_t maxCandidates = 50'000'000;
    int64_t maxPairs = 10'000'000;
    int threads = 0; ///< 0 = torch's intra-op thread count
};

struct NearPairStats {
    int64_t rows = 0;
    int projectedDim = 0;
    double projectedVariance = 0; ///< share of the rows' variance the principal components hold (0..1)
    int64_t filtered = 0;         ///< pair evaluations in the filter (whole tiles: a little over the window's pairs)
    int64_t candidates = 0;       ///< pairs that passed the filter and were scored in full
    double projectMs = 0;         ///< norms, principal components, projection, sort
    double filterMs = 0;
    double verifyMs = 0;
    double totalMs = 0;
};

struct NearPairResult {
    std::vector<NearPair> pairs; ///< sorted by (a, b)
    NearPairStats stats;
    bool cancelled = false;
    std::string error;
};

/// Every pair of rows with cosine >= options.threshold. `halves` holds rows * dim IEEE binary16 values (the library
/// database's format), any length; a zero row pairs with nothing. The result is what scoring every pair in full
/// would give (up to float rounding at the threshold itself):
///  1. Each row is normalized and centred on the mean row, d = u - m, and projected (in double precision) onto the
///     `projectedDim` principal components of a sample of the rows: y = P^T d, plus one more coordinate, the length
///     r = |d - P y| of what the projection leaves out. Since |u_i - u_j|^2 = 2 - 2 cos and P has orthonormal
///     columns, |u_i - u_j|^2 >= |y_i - y_j|^2 + (r_i - r_j)^2: a pair can reach the threshold only if that lower
///     bound stays within 2 - 2 * threshold. The bound is exact, whatever the data; it is tight when the principal
///     components hold most of the variance, as they do for CLIP embeddings.
///  2. Rows are sorted by their first principal coordinate; a pair whose first coordinates differ by more than the
///     radius sqrt(2 - 2 * threshold) cannot pass, so each block of rows is compared only with the rows inside that
///     window after it. The bound of step 1 is computed for the remaining pairs as blocked float matrix products
///     of (projectedDim + 1)-dimensional rows (on all threads, each with its own blocks).
///  3. The pairs that pass are scored in full from the fp16 rows.
/// Cost: O(rows * dim * projectedDim) for the projection, O(W * projectedDim) for the filter, where W <= rows^2 / 2
/// is the number of pairs inside the window, and O(candidates * dim) for the scores: about 16 times less arithmetic
/// per pair than scoring all pairs at dim 512, fewer pairs, and no per-pair branch outside the rare candidates.
/// `cancelled` is polled between blocks. Never throws.
NearPairResult findNearPairs(const uint16_t *halves, int64_t rows, int dim, const NearPairOptions &options,
                             const std::function<bool()> &cancelled = {});

} // namespace clipfind::clip
