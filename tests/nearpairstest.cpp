// SPDX-License-Identifier: MIT
// findNearPairs() against brute force: every pair scored in double precision from the same fp16 rows. Rows with a
// CLIP-like spectrum (a shared direction, decaying principal components) and isotropic ones (where the projection
// bound is weak and the filter must still be exact), planted near-copies, zero rows, several thresholds.
#include "core/clip/matrix/nearpairs.h"
#include "core/clip/matrix/half.h"
#include "core/clip/matrix/matrixkernels.h"
#include "core/clip/matrix/pairfilter.h"

#include <QtTest>

#include <cmath>
#include <random>
#include <set>
#include <tuple>

using namespace clipfind::clip;

namespace {

struct Rows {
    std::vector<uint16_t> halves;
    int64_t count = 0;
    int dim = 0;
};

// `count` rows: a shared direction, components with variance ~ 1/k (anisotropic) or equal (isotropic), and every
// 7th row a near-copy of the one before (noise of relative size `copyNoise`), every 50th row zero.
Rows makeRows(int64_t count, int dim, bool anisotropic, double copyNoise, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal;
    std::vector<double> shared(static_cast<size_t>(dim));
    for (double &v : shared) {
        v = normal(rng);
    }
    Rows rows;
    rows.count = count;
    rows.dim = dim;
    rows.halves.resize(size_t(count * dim));
    std::vector<double> previous(static_cast<size_t>(dim));
    std::vector<double> row(static_cast<size_t>(dim));
    for (int64_t r = 0; r < count; ++r) {
        if (r % 50 == 49) {
            std::fill(row.begin(), row.end(), 0.0);
        } else if (r % 7 == 6) {
            for (int c = 0; c < dim; ++c) {
                row[size_t(c)] = previous[size_t(c)] + copyNoise * normal(rng) / std::sqrt(double(dim));
            }
        } else {
            for (int c = 0; c < dim; ++c) {
                const double scale = anisotropic ? 1.0 / std::sqrt(1.0 + c) : 1.0 / std::sqrt(double(dim));
                row[size_t(c)] = 0.08 * shared[size_t(c)] / std::sqrt(double(dim)) * 10 + scale * normal(rng);
            }
        }
        previous = row;
        for (int c = 0; c < dim; ++c) {
            rows.halves[size_t(r * dim + c)] = floatToHalf(float(row[size_t(c)] * 3.0)); // any length
        }
    }
    return rows;
}

std::vector<std::tuple<int64_t, int64_t, double>> bruteForce(const Rows &rows, double threshold)
{
    std::vector<std::vector<double>> unit(size_t(rows.count), std::vector<double>(size_t(rows.dim)));
    for (int64_t r = 0; r < rows.count; ++r) {
        double norm = 0;
        for (int c = 0; c < rows.dim; ++c) {
            const double v = halfToFloat(rows.halves[size_t(r * rows.dim + c)]);
            unit[size_t(r)][size_t(c)] = v;
            norm += v * v;
        }
        for (double &v : unit[size_t(r)]) {
            v = norm > 0 ? v / std::sqrt(norm) : 0;
        }
    }
    std::vector<std::tuple<int64_t, int64_t, double>> pairs;
    for (int64_t a = 0; a < rows.count; ++a) {
        for (int64_t b = a + 1; b < rows.count; ++b) {
            double dot = 0;
            for (int c = 0; c < rows.dim; ++c) {
                dot += unit[size_t(a)][size_t(c)] * unit[size_t(b)][size_t(c)];
            }
            if (dot >= threshold) {
                pairs.emplace_back(a, b, dot);
            }
        }
    }
    return pairs;
}

} // namespace

class NearPairsTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesBruteForce_data()
    {
        QTest::addColumn<bool>("anisotropic");
        QTest::addColumn<int>("dim");
        QTest::addColumn<double>("copyNoise");
        QTest::addColumn<float>("threshold");
        QTest::addColumn<int>("projectedDim");
        QTest::addColumn<QString>("kernel"); // "best", "avx2" (if the CPU has AVX-512, it is turned off), "scalar"
        QTest::newRow("clip-like 512, 0.9") << true << 512 << 0.3 << 0.9f << 48 << "best";
        QTest::newRow("clip-like 512, 0.9, avx2") << true << 512 << 0.3 << 0.9f << 48 << "avx2";
        QTest::newRow("clip-like 512, 0.9, scalar") << true << 512 << 0.3 << 0.9f << 48 << "scalar";
        QTest::newRow("clip-like 512, 0.97, 32 components") << true << 512 << 0.3 << 0.97f << 32 << "best";
        QTest::newRow("clip-like 512, 0.6 (many pairs)") << true << 512 << 0.8 << 0.6f << 48 << "best";
        QTest::newRow("isotropic 64, 0.8") << false << 64 << 0.5 << 0.8f << 16 << "best";
        QTest::newRow("isotropic 64, 0.8, avx2") << false << 64 << 0.5 << 0.8f << 16 << "avx2";
        QTest::newRow("isotropic 64, 0.8, scalar") << false << 64 << 0.5 << 0.8f << 16 << "scalar";
        QTest::newRow("isotropic 512, 0.95") << false << 512 << 0.2 << 0.95f << 64 << "best";
        QTest::newRow("all components 48") << true << 48 << 0.4 << 0.9f << 48 << "best";
    }

    void matchesBruteForce()
    {
        QFETCH(bool, anisotropic);
        QFETCH(int, dim);
        QFETCH(double, copyNoise);
        QFETCH(float, threshold);
        QFETCH(int, projectedDim);
        QFETCH(QString, kernel);
        const Rows rows = makeRows(1500, dim, anisotropic, copyNoise, 7);
        NearPairOptions options;
        options.threshold = threshold;
        options.projectedDim = projectedDim;
        kernels::setSimdEnabled(kernel != QLatin1String("scalar"));
        kernels::setPairFilterAvx512Allowed(kernel != QLatin1String("avx2"));
        const NearPairResult result = findNearPairs(rows.halves.data(), rows.count, rows.dim, options);
        const QByteArray used = kernels::pairFilterKernelName();
        kernels::setSimdEnabled(true);
        kernels::setPairFilterAvx512Allowed(true);
        QVERIFY(kernel != QLatin1String("scalar") || used == "scalar");
        QVERIFY(kernel != QLatin1String("avx2") || used != "AVX-512");
        QVERIFY2(result.error.empty(), result.error.c_str());
        const auto expected = bruteForce(rows, threshold);
        qInfo("%s: %zu pairs, %lld candidates of %lld filter evaluations (%lld pairs in all), %.0f%% of the variance "
              "projected",
              used.constData(), expected.size(), static_cast<long long>(result.stats.candidates),
              static_cast<long long>(result.stats.filtered), static_cast<long long>(rows.count * (rows.count - 1) / 2),
              100 * result.stats.projectedVariance);
        QVERIFY(!expected.empty());
        // Float rounding may decide pairs within 1e-5 of the threshold either way; nothing else may differ.
        std::set<std::pair<int64_t, int64_t>> found;
        for (const NearPair &pair : result.pairs) {
            QVERIFY(pair.a < pair.b);
            found.insert({pair.a, pair.b});
        }
        for (const auto &[a, b, cosine] : expected) {
            if (cosine >= threshold + 1e-5) {
                QVERIFY2(found.count({a, b}),
                         qPrintable(QStringLiteral("missed %1-%2 (%3)").arg(a).arg(b).arg(cosine)));
            }
        }
        std::set<std::pair<int64_t, int64_t>> expectedSet;
        for (const auto &[a, b, cosine] : expected) {
            expectedSet.insert({a, b});
        }
        for (const NearPair &pair : result.pairs) {
            QVERIFY2(pair.cosine >= threshold, "a pair below the threshold");
            if (!expectedSet.count({pair.a, pair.b})) {
                QVERIFY2(pair.cosine < threshold + 1e-5, "a pair brute force does not have");
            }
        }
        for (size_t i = 1; i < result.pairs.size(); ++i) {
            const NearPair &p = result.pairs[i - 1], &q = result.pairs[i];
            QVERIFY(p.a < q.a || (p.a == q.a && p.b < q.b));
        }
        // Cosines are the full ones.
        for (const auto &[first, second, cosine] : expected) {
            // Copies: C++17 lambdas cannot capture structured bindings (clang refuses; the sanitizer build is clang).
            const auto a = first;
            const auto b = second;
            const auto it = std::find_if(result.pairs.begin(), result.pairs.end(),
                                         [&](const NearPair &p) { return p.a == a && p.b == b; });
            if (it != result.pairs.end()) {
                QVERIFY(std::fabs(it->cosine - cosine) < 1e-5);
            }
        }
        // Zero rows pair with nothing.
        for (const NearPair &pair : result.pairs) {
            QVERIFY(pair.a % 50 != 49 && pair.b % 50 != 49);
        }
    }

    void identicalRowsAndTinyInputs()
    {
        std::vector<uint16_t> halves(4 * 8, floatToHalf(0.5f));
        NearPairOptions options;
        options.threshold = 0.99f;
        const NearPairResult result = findNearPairs(halves.data(), 4, 8, options);
        QVERIFY(result.error.empty());
        QCOMPARE(result.pairs.size(), size_t(6));
        QVERIFY(findNearPairs(halves.data(), 1, 8, options).pairs.empty());
        QVERIFY(findNearPairs(nullptr, 0, 8, options).pairs.empty());
        QVERIFY(!findNearPairs(halves.data(), 4, 0, options).error.empty());
        options.threshold = 1.5f;
        QVERIFY(!findNearPairs(halves.data(), 4, 8, options).error.empty());
    }

    // Rows with infinities or NaNs (a damaged database) pair with nothing and do not disturb the others.
    void nonFiniteRowsPairWithNothing()
    {
        Rows rows = makeRows(600, 64, true, 0.3, 5);
        for (int c = 0; c < 64; ++c) {
            rows.halves[size_t(10 * 64 + c)] = 0x7e00;                                             // NaN
            rows.halves[size_t(11 * 64 + c)] = c == 3 ? 0x7c00 : rows.halves[size_t(12 * 64 + c)]; // +inf
        }
        NearPairOptions options;
        options.threshold = 0.9f;
        const NearPairResult result = findNearPairs(rows.halves.data(), rows.count, rows.dim, options);
        QVERIFY(result.error.empty());
        size_t expected = 0;
        for (const auto &[a, b, cosine] : bruteForce(rows, 0.9)) {
            expected += a != 10 && a != 11 && b != 10 && b != 11;
        }
        QVERIFY(expected > 0);
        QCOMPARE(result.pairs.size(), expected);
        for (const NearPair &pair : result.pairs) {
            QVERIFY(pair.a != 10 && pair.a != 11 && pair.b != 10 && pair.b != 11);
        }
    }

    void tooManyPairsIsAnError()
    {
        std::vector<uint16_t> halves(300 * 8, floatToHalf(0.5f));
        NearPairOptions options;
        options.threshold = 0.9f;
        options.maxPairs = 1000; // 300 identical rows make 44850 pairs
        NearPairResult result = findNearPairs(halves.data(), 300, 8, options);
        QVERIFY(result.pairs.empty());
        QVERIFY2(result.error.find("threshold is too low") != std::string::npos, result.error.c_str());
        options.maxCandidates = 1000;
        result = findNearPairs(halves.data(), 300, 8, options);
        QVERIFY2(result.error.find("threshold is too low") != std::string::npos, result.error.c_str());
    }

    void cancels()
    {
        const Rows rows = makeRows(3000, 64, true, 0.3, 3);
        NearPairOptions options;
        const NearPairResult result =
            findNearPairs(rows.halves.data(), rows.count, rows.dim, options, [] { return true; });
        QVERIFY(result.cancelled);
        QVERIFY(result.pairs.empty());
    }
};

QTEST_GUILESS_MAIN(NearPairsTest)
#include "nearpairstest.moc"
