// SPDX-License-Identifier: MIT
// EmbeddingMatrix::topK must return what a brute-force scan in double precision returns (ties aside), whatever the
// size, the SIMD tails, k, and the edits made to the matrix.
#include "core/clip/matrix/embeddingmatrix.h"
#include "core/clip/matrix/half.h"
#include "core/clip/matrix/matrixkernels.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

using namespace clipfind::clip;

namespace {

// Rows the test keeps itself, next to the matrix, and scores in double.
struct Reference {
    int dim = 0;
    std::vector<std::vector<float>> rows;

    std::vector<double> scores(const std::vector<float> &query) const
    {
        std::vector<double> out;
        for (const auto &row : rows) {
            double dot = 0, norm = 0;
            for (int i = 0; i < dim; ++i) {
                dot += double(query[size_t(i)]) * row[size_t(i)];
                norm += double(row[size_t(i)]) * row[size_t(i)];
            }
            out.push_back(norm > 0 ? dot / std::sqrt(norm) : 0.0);
        }
        return out;
    }
};

// Values that fp16 holds exactly (m / 1024, |m| < 2048), so the fp16 matrix must match the double reference too.
std::vector<float> randomRow(std::mt19937 &random, int dim, bool halfExact)
{
    std::normal_distribution<float> normal(0.0f, 0.4f);
    std::vector<float> row(static_cast<size_t>(dim));
    for (float &v : row) {
        v = normal(random);
        if (halfExact) {
            v = std::max(-2047.0f, std::min(2047.0f, std::nearbyint(v * 1024.0f))) / 1024.0f;
        }
    }
    return row;
}

std::vector<float> unitQuery(std::mt19937 &random, int dim)
{
    std::vector<float> q = randomRow(random, dim, false);
    double norm = 0;
    for (float v : q) {
        norm += double(v) * v;
    }
    for (float &v : q) {
        v = float(v / std::sqrt(norm));
    }
    return q;
}

// The hits must be the brute-force top k: same length, same scores position by position, and every returned
// row's own reference score equal to the score given for it. Rows whose scores tie (within the tolerance) may
// come in either order.
void compareWithBruteForce(const TopKResult &result, const std::vector<double> &reference, int64_t k,
                           double tolerance = 2e-6)
{
    QVERIFY2(result.error.empty(), result.error.c_str());
    QVERIFY(!result.cancelled);
    std::vector<double> sorted = reference;
    std::sort(sorted.begin(), sorted.end(), std::greater<double>());
    const size_t expected = size_t(std::min<int64_t>(k, int64_t(reference.size())));
    QCOMPARE(result.hits.size(), expected);
    std::vector<int64_t> seen;
    for (size_t i = 0; i < expected; ++i) {
        const ScoredRow &hit = result.hits[i];
        QVERIFY(hit.row >= 0 && hit.row < int64_t(reference.size()));
        seen.push_back(hit.row);
        if (std::fabs(hit.score - sorted[i]) > tolerance
            || std::fabs(hit.score - reference[size_t(hit.row)]) > tolerance) {
            QFAIL(qPrintable(QStringLiteral("hit %1: row %2 score %3, its reference %4, reference rank score %5")
                                 .arg(i)
                                 .arg(hit.row)
                                 .arg(double(hit.score), 0, 'g', 9)
                                 .arg(reference[size_t(hit.row)], 0, 'g', 9)
                                 .arg(sorted[i], 0, 'g', 9)));
        }
    }
    std::sort(seen.begin(), seen.end());
    QVERIFY2(std::adjacent_find(seen.begin(), seen.end()) == seen.end(), "a row came back twice");
}

std::unique_ptr<EmbeddingMatrix> makeMatrix(int dim, ScanMethod method, RowPrecision precision, int threads = 0)
{
    MatrixOptions options;
    options.method = method;
    options.precision = precision;
    options.threads = threads;
    std::string error;
    auto matrix = EmbeddingMatrix::create(dim, options, &error);
    if (!matrix) {
        qFatal("%s", error.c_str());
    }
    return matrix;
}

} // namespace

class EmbeddingMatrixTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { kernels::setSimdEnabled(true); }

    void topKMatchesBruteForce_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("dim");
        QTest::addColumn<int>("method");
        QTest::addColumn<int>("precision");
        QTest::addColumn<bool>("simd");
        // Row counts off the 4-row blocks and the 4096-row scan blocks, dims off the 32-code registers and the
        // 8-float rescoring vectors, a matrix large enough to scan on two threads.
        const std::vector<std::pair<int, int>> shapes{{1, 64},   {3, 37},     {5, 512},    {31, 33},
                                                      {100, 64}, {1000, 100}, {4099, 512}, {40001, 64}};
        for (const auto &[rows, dim] : shapes) {
            for (const int precision : {int(RowPrecision::Float16), int(RowPrecision::Float32)}) {
                for (const bool simd : {true, false}) {
                    QTest::newRow(qPrintable(QStringLiteral("quantized %1x%2 %3 %4")
                                                 .arg(rows)
                                                 .arg(dim)
                                                 .arg(precision ? "fp32" : "fp16", simd ? "simd" : "scalar")))
                        << rows << dim << int(ScanMethod::Quantized) << precision << simd;
                }
            }
            QTest::newRow(qPrintable(QStringLiteral("torch %1x%2").arg(rows).arg(dim)))
                << rows << dim << int(ScanMethod::Torch) << int(RowPrecision::Float32) << true;
        }
    }

    void topKMatchesBruteForce()
    {
        QFETCH(int, rows);
        QFETCH(int, dim);
        QFETCH(int, method);
        QFETCH(int, precision);
        QFETCH(bool, simd);
        kernels::setSimdEnabled(simd); // the scalar fallbacks must give the same hits
        std::mt19937 random(uint32_t(rows * 131 + dim));
        auto matrix = makeMatrix(dim, ScanMethod(method), RowPrecision(precision));
        Reference reference{dim, {}};
        std::vector<float> flat;
        for (int r = 0; r < rows; ++r) {
            reference.rows.push_back(randomRow(random, dim, precision == int(RowPrecision::Float16)));
            flat.insert(flat.end(), reference.rows.back().begin(), reference.rows.back().end());
        }
        matrix->append(flat.data(), rows);
        QCOMPARE(matrix->rows(), int64_t(rows));
        for (int trial = 0; trial < 3; ++trial) {
            const std::vector<float> query = unitQuery(random, dim);
            const std::vector<double> expected = reference.scores(query);
            for (const int64_t k : {int64_t(1), int64_t(10), int64_t(100), int64_t(rows) + 5}) {
                compareWithBruteForce(matrix->topK(query.data(), k), expected, k);
            }
        }
    }

    // Issue 12: with keepRows = false only the codes stay in memory and the exact rescoring fetches the rows it
    // needs; hits and scores are those of the matrix that keeps its rows, bit for bit, and few rows are fetched.
    void fetchedRowsScoreAsKeptRows_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("dim");
        QTest::addColumn<bool>("nearDuplicates");
        QTest::newRow("7x64") << 7 << 64 << false;
        QTest::newRow("4099x512") << 4099 << 512 << false;
        QTest::newRow("60000x512, two threads") << 60000 << 512 << false;
        QTest::newRow("30000x64 near-duplicates") << 30000 << 64 << true;
    }

    void fetchedRowsScoreAsKeptRows()
    {
        QFETCH(int, rows);
        QFETCH(int, dim);
        QFETCH(bool, nearDuplicates);
        std::mt19937 random(uint32_t(rows + dim));
        MatrixOptions keptOptions;
        keptOptions.method = ScanMethod::Quantized;
        keptOptions.threads = 2;
        MatrixOptions leanOptions = keptOptions;
        leanOptions.keepRows = false;
        std::string error;
        auto kept = EmbeddingMatrix::create(dim, keptOptions, &error);
        auto lean = EmbeddingMatrix::create(dim, leanOptions, &error);
        QVERIFY(kept && lean);
        // The store the fetcher reads: the fp16 bits, as the library database keeps them.
        std::vector<uint16_t> store;
        Reference reference{dim, {}};
        const std::vector<float> base = randomRow(random, dim, false);
        std::normal_distribution<float> tiny(0.0f, 1e-4f);
        for (int r = 0; r < rows; ++r) {
            std::vector<float> row = nearDuplicates ? base : randomRow(random, dim, true);
            for (float &v : row) {
                v = nearDuplicates ? halfToFloat(floatToHalf(v + tiny(random))) : v;
                store.push_back(floatToHalf(v));
            }
            reference.rows.push_back(row);
        }
        kept->appendHalf(store.data(), rows);
        lean->appendHalf(store.data(), rows);
        QVERIFY2(rows < 1000 || lean->memoryBytes() * 2 < kept->memoryBytes(), // small ones: one 2 MiB block each
                 qPrintable(QStringLiteral("%1 vs %2").arg(lean->memoryBytes()).arg(kept->memoryBytes())));
        int64_t fetched = 0;
        const RowFetcher fetch = [&](const int64_t *wanted, size_t count, uint16_t *out, std::string *) {
            for (size_t i = 0; i < count; ++i) {
                std::copy_n(store.data() + wanted[i] * dim, dim, out + i * size_t(dim));
            }
            fetched += int64_t(count);
            return true;
        };
        QVERIFY(!lean->topK(unitQuery(random, dim).data(), 10).error.empty()); // no rows and no fetcher
        for (int trial = 0; trial < 3; ++trial) {
            const std::vector<float> query = unitQuery(random, dim);
            for (const int64_t k : {int64_t(1), int64_t(20), int64_t(100)}) {
                fetched = 0;
                const TopKResult a = kept->topK(query.data(), k);
                const TopKResult b = lean->topK(query.data(), k, {}, fetch);
                QVERIFY2(b.error.empty(), b.error.c_str());
                QCOMPARE(b.hits.size(), a.hits.size());
                for (size_t h = 0; h < a.hits.size(); ++h) {
                    QCOMPARE(b.hits[h].row, a.hits[h].row);
                    QCOMPARE(b.hits[h].score, a.hits[h].score);
                }
                QCOMPARE(fetched, b.rescored);
                if (trial == 0) {
                    qInfo("%d rows, k %lld: %lld rows rescored", rows, static_cast<long long>(k),
                          static_cast<long long>(b.rescored));
                }
                compareWithBruteForce(b, reference.scores(query), k, nearDuplicates ? 1e-7 + 1e-6 : 2e-6);
                if (!nearDuplicates && rows > 32768) {
                    // The old scheme rescored k + 256 rows per scanning thread (two here); now rows are taken in order
                    // of their int8 score until no other row can still make the top k.
                    QVERIFY2(b.rescored < 2 * (k + 256), qPrintable(QStringLiteral("k %1: %2").arg(k).arg(b.rescored)));
                }
            }
        }
        // "More like this" reads its row through the fetcher too.
        std::vector<float> normalized(static_cast<size_t>(dim));
        QVERIFY(lean->normalizedRow(rows / 2, normalized.data(), fetch));
        std::vector<float> expected(static_cast<size_t>(dim));
        QVERIFY(kept->normalizedRow(rows / 2, expected.data()));
        QVERIFY(normalized == expected);
    }

    // A fetched row that is not the row appended (its store changed) is reported, never scored.
    void staleFetchedRowsAreReported()
    {
        std::mt19937 random(9);
        const int dim = 32;
        MatrixOptions options;
        options.method = ScanMethod::Quantized;
        options.keepRows = false;
        std::string error;
        auto matrix = EmbeddingMatrix::create(dim, options, &error);
        QVERIFY(matrix);
        std::vector<uint16_t> store;
        for (int r = 0; r < 50; ++r) {
            for (float v : randomRow(random, dim, true)) {
                store.push_back(floatToHalf(v));
            }
        }
        matrix->appendHalf(store.data(), 50);
        for (size_t i = 0; i < store.size(); ++i) {
            store[i] ^= 0x0001; // every stored value changes in its last bit
        }
        const RowFetcher fetch = [&](const int64_t *wanted, size_t count, uint16_t *out, std::string *) {
            for (size_t i = 0; i < count; ++i) {
                std::copy_n(store.data() + wanted[i] * dim, dim, out + i * size_t(dim));
            }
            return true;
        };
        const TopKResult result = matrix->topK(unitQuery(random, dim).data(), 5, {}, fetch);
        QVERIFY(result.staleRows);
        QVERIFY(result.hits.empty());
        QVERIFY(!result.error.empty());
        std::vector<float> row(static_cast<size_t>(dim));
        QVERIFY(!matrix->normalizedRow(3, row.data(), fetch, &error));
        const RowFetcher failing = [](const int64_t *, size_t, uint16_t *, std::string *problem) {
            *problem = "the cache is gone";
            return false;
        };
        const TopKResult failed = matrix->topK(unitQuery(random, dim).data(), 5, {}, failing);
        QCOMPARE(failed.error, std::string("the cache is gone"));
        QVERIFY(!failed.staleRows);
    }

    // The cache hands over fp16 bits; they must score like the same values given as floats.
    void halfRowsMatchFloatRows()
    {
        std::mt19937 random(5);
        const int dim = 48;
        auto matrix = makeMatrix(dim, ScanMethod::Quantized, RowPrecision::Float16);
        Reference reference{dim, {}};
        // 1.0, -2.0, 0.5, 0 and a subnormal (2^-24) in binary16, then the pattern repeated.
        const uint16_t patterns[] = {0x3c00, 0xc000, 0x3800, 0x0000, 0x0001, 0x3555};
        const float values[] = {1.0f, -2.0f, 0.5f, 0.0f, std::ldexp(1.0f, -24), 0.333251953125f};
        std::vector<uint16_t> halves;
        for (int r = 0; r < 20; ++r) {
            std::vector<float> row(static_cast<size_t>(dim));
            for (int i = 0; i < dim; ++i) {
                const int pick = (r * 7 + i * 3) % 6;
                halves.push_back(patterns[pick]);
                row[size_t(i)] = values[pick];
            }
            reference.rows.push_back(row);
        }
        matrix->appendHalf(halves.data(), 20);
        const std::vector<float> query = unitQuery(random, dim);
        compareWithBruteForce(matrix->topK(query.data(), 20), reference.scores(query), 20);
    }

    // Rows replaced and removed (the last row moves into the hole) must score as the edited reference does.
    void editsKeepTopKExact()
    {
        std::mt19937 random(11);
        const int dim = 40;
        for (const ScanMethod method : {ScanMethod::Quantized, ScanMethod::Torch}) {
            auto matrix = makeMatrix(dim, method, RowPrecision::Float32);
            Reference reference{dim, {}};
            for (int r = 0; r < 500; ++r) {
                reference.rows.push_back(randomRow(random, dim, false));
                matrix->append(reference.rows.back().data(), 1);
            }
            for (int step = 0; step < 200; ++step) {
                const int64_t row = int64_t(random() % uint32_t(reference.rows.size()));
                if (step % 3 == 0) {
                    matrix->removeSwapLast(row);
                    reference.rows[size_t(row)] = reference.rows.back();
                    reference.rows.pop_back();
                } else {
                    reference.rows[size_t(row)] = randomRow(random, dim, false);
                    matrix->replace(row, reference.rows[size_t(row)].data());
                }
            }
            QCOMPARE(matrix->rows(), int64_t(reference.rows.size()));
            const std::vector<float> query = unitQuery(random, dim);
            compareWithBruteForce(matrix->topK(query.data(), 25), reference.scores(query), 25);
            std::vector<float> normalized(static_cast<size_t>(dim));
            matrix->normalizedRow(7, normalized.data());
            double norm = 0, dot = 0;
            for (int i = 0; i < dim; ++i) {
                norm += double(reference.rows[7][size_t(i)]) * reference.rows[7][size_t(i)];
                dot += double(normalized[size_t(i)]) * reference.rows[7][size_t(i)];
            }
            QVERIFY(std::fabs(dot / std::sqrt(norm) - 1.0) < 1e-6);
        }
    }

    // Near-duplicate rows: int8 scores cannot tell them apart, so the proven error bound must pull more rows into
    // the exact rescoring than the first candidates, and the result must still be exact.
    void nearDuplicatesAreRescoredExactly()
    {
        std::mt19937 random(3);
        const int dim = 64;
        const int rows = 50000;
        auto matrix = makeMatrix(dim, ScanMethod::Quantized, RowPrecision::Float32, 2);
        const std::vector<float> base = randomRow(random, dim, false);
        std::normal_distribution<float> tiny(0.0f, 1e-4f);
        Reference reference{dim, {}};
        std::vector<float> flat;
        for (int r = 0; r < rows; ++r) {
            std::vector<float> row = base;
            for (float &v : row) {
                v += tiny(random);
            }
            reference.rows.push_back(row);
            flat.insert(flat.end(), row.begin(), row.end());
        }
        matrix->append(flat.data(), rows);
        const std::vector<float> query = unitQuery(random, dim);
        const TopKResult result = matrix->topK(query.data(), 10);
        QVERIFY2(result.rescored > 2 * (10 + 256), qPrintable(QString::number(result.rescored)));
        compareWithBruteForce(result, reference.scores(query), 10, 1e-7 + 1e-6);
    }

    // The SIMD kernels against their scalar fallbacks on the same input: identical codes and integer scans, fp16
    // conversions bit for bit, dot products to float rounding.
    void kernelsMatchScalarFallbacks()
    {
        std::mt19937 random(21);
        const int dim = 77; // off the 8- and 32-lane widths
        const int64_t stride = 96;
        std::vector<float> row = randomRow(random, dim, false);
        std::vector<int8_t> codesSimd(size_t(stride), 0), codesScalar(size_t(stride), 0);
        std::vector<uint16_t> halves(static_cast<size_t>(dim));
        for (int i = 0; i < dim; ++i) {
            halves[size_t(i)] = floatToHalf(row[size_t(i)]);
        }
        std::vector<float> fromHalvesSimd(static_cast<size_t>(dim)), fromHalvesScalar(static_cast<size_t>(dim));
        const int64_t l1Simd = kernels::quantize(row.data(), dim, 60.0f, codesSimd.data());
        kernels::halvesToFloats(halves.data(), fromHalvesSimd.data(), dim);
        const float dotSimd = kernels::dotHalf(row.data(), halves.data(), dim);
        kernels::setSimdEnabled(false);
        const int64_t l1Scalar = kernels::quantize(row.data(), dim, 60.0f, codesScalar.data());
        kernels::halvesToFloats(halves.data(), fromHalvesScalar.data(), dim);
        const float dotScalar = kernels::dotHalf(row.data(), halves.data(), dim);
        kernels::setSimdEnabled(true);
        QCOMPARE(l1Simd, l1Scalar);
        QVERIFY(codesSimd == codesScalar);
        QVERIFY(std::memcmp(fromHalvesSimd.data(), fromHalvesScalar.data(), sizeof(float) * size_t(dim)) == 0);
        QVERIFY(std::fabs(dotSimd - dotScalar) < 1e-5f);
        // Quantized values by hand: round(x * 60) clamped to 127 (ties to even, like std::nearbyint).
        for (int i = 0; i < dim; ++i) {
            const double expected = std::max(-127.0, std::min(127.0, std::nearbyint(double(row[size_t(i)]) * 60.0)));
            QCOMPARE(int(codesScalar[size_t(i)]), int(expected));
        }
    }

    void statisticsDescribeAllScores()
    {
        std::mt19937 random(8);
        const int dim = 32;
        auto matrix = makeMatrix(dim, ScanMethod::Quantized, RowPrecision::Float32);
        Reference reference{dim, {}};
        for (int r = 0; r < 3000; ++r) {
            reference.rows.push_back(randomRow(random, dim, false));
            matrix->append(reference.rows.back().data(), 1);
        }
        const std::vector<float> query = unitQuery(random, dim);
        const std::vector<double> scores = reference.scores(query);
        double mean = 0, square = 0;
        for (double s : scores) {
            mean += s;
            square += s * s;
        }
        mean /= double(scores.size());
        const double stddev = std::sqrt(square / double(scores.size()) - mean * mean);
        const TopKResult result = matrix->topK(query.data(), 5);
        QVERIFY(std::fabs(result.mean - mean) < 2e-3);
        QVERIFY(std::fabs(result.stddev - stddev) < 2e-3);
    }

    void cancelStopsTheScan()
    {
        auto matrix = makeMatrix(16, ScanMethod::Quantized, RowPrecision::Float16);
        std::vector<float> rows(16 * 10000, 0.25f);
        matrix->append(rows.data(), 10000);
        std::vector<float> query(16, 0.25f);
        const TopKResult result = matrix->topK(query.data(), 10, [] { return true; });
        QVERIFY(result.cancelled);
        QVERIFY(result.hits.empty());
    }

    void zeroRowsScoreZeroAndEmptyMatrixIsEmpty()
    {
        auto matrix = makeMatrix(8, ScanMethod::Quantized, RowPrecision::Float16);
        std::vector<float> query(8, 0.0f);
        query[0] = 1.0f;
        QVERIFY(matrix->topK(query.data(), 10).hits.empty());
        std::vector<float> rows(16, 0.0f);
        rows[8] = 2.0f; // second row points along the query
        matrix->append(rows.data(), 2);
        const TopKResult result = matrix->topK(query.data(), 10);
        QCOMPARE(result.hits.size(), size_t(2));
        QCOMPARE(result.hits[0].row, int64_t(1));
        QCOMPARE(result.hits[0].score, 1.0f);
        QCOMPARE(result.hits[1].score, 0.0f);
    }

    void badDimensionIsAnError()
    {
        std::string error;
        QVERIFY(!EmbeddingMatrix::create(0, {}, &error));
        QVERIFY(error.find("dimension") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(EmbeddingMatrixTest)
#include "embeddingmatrixtest.moc"
