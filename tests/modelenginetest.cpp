// SPDX-License-Identifier: MIT
// modelEngine() (core/engine/engine.h) as the app and clipfind-cli use it: this test does not link
// libclipfind_torch.so, so nothing of libtorch is mapped until the first call loads it with dlopen; what it returns
// must then work like the engine linked directly (a matrix's ranking checked against scores computed here).
#include "core/engine/engine.h"

#include <QFile>
#include <QtTest>

#include <cmath>
#include <random>
#include <vector>

using namespace clipfind;

namespace {

// Whether a library whose file name contains `name` is mapped into this process (the kernel's record).
bool isMapped(const QByteArray &name)
{
    QFile maps(QStringLiteral("/proc/self/maps"));
    return maps.open(QIODevice::ReadOnly) && maps.readAll().contains(name);
}

} // namespace

class ModelEngineTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loadsOnFirstNeedOnly()
    {
        QVERIFY2(isMapped("libclipfind_core.so"), "the map lists no libclipfind_core.so: the check below is void");
        QVERIFY(!isModelEngineLoaded());
        QVERIFY2(!isMapped("libtorch_cpu") && !isMapped("libclipfind_torch.so"), "libtorch is loaded at start");

        QString error;
        const Engine *engine = modelEngine(&error);
        QVERIFY2(engine, qPrintable(error));
        QVERIFY(isModelEngineLoaded());
        QVERIFY(isMapped("libclipfind_torch.so"));
        QVERIFY(isMapped("libtorch_cpu"));
        QCOMPARE(modelEngine(), engine); // loaded once
    }

    void engineMatrixRanksExactly()
    {
        const Engine *engine = modelEngine();
        QVERIFY(engine);
        constexpr int dim = 40;
        constexpr int rows = 300;
        std::string problem;
        clip::MatrixOptions options;
        options.device = clip::DeviceChoice::Cpu;
        options.precision = clip::RowPrecision::Float32; // scores exact in float, against the double ones below
        std::unique_ptr<clip::EmbeddingMatrix> matrix = engine->createEmbeddingMatrix(dim, options, &problem);
        QVERIFY2(matrix, problem.c_str());

        std::mt19937 random(7);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        std::vector<float> values(size_t(rows) * dim);
        for (float &v : values) {
            v = normal(random);
        }
        std::vector<float> query(dim);
        double norm = 0;
        for (float &v : query) {
            v = normal(random);
            norm += double(v) * v;
        }
        for (float &v : query) {
            v = float(v / std::sqrt(norm));
        }
        matrix->append(values.data(), rows);
        QCOMPARE(matrix->rows(), int64_t(rows));

        // The best row and its cosine, in double precision.
        int64_t best = -1;
        double bestScore = -2;
        for (int64_t r = 0; r < rows; ++r) {
            double dot = 0, rowNorm = 0;
            for (int i = 0; i < dim; ++i) {
                const double x = values[size_t(r) * dim + size_t(i)];
                dot += x * query[size_t(i)];
                rowNorm += x * x;
            }
            const double score = dot / std::sqrt(rowNorm);
            if (score > bestScore) {
                bestScore = score;
                best = r;
            }
        }
        const clip::TopKResult top = matrix->topK(query.data(), 5);
        QVERIFY2(top.error.empty(), top.error.c_str());
        QCOMPARE(top.hits.size(), size_t(5));
        QCOMPARE(top.hits[0].row, best);
        QVERIFY(std::abs(top.hits[0].score - bestScore) < 1e-5);
    }

    void engineThreadsAreThisThreads()
    {
        const Engine *engine = modelEngine();
        QVERIFY(engine);
        const int before = engine->cpuThreadsForThisThread();
        {
            const ScopedEngineThreads one(1);
            QCOMPARE(engine->cpuThreadsForThisThread(), 1);
        }
        QCOMPARE(engine->cpuThreadsForThisThread(), before);
    }
};

QTEST_GUILESS_MAIN(ModelEngineTest)
#include "modelenginetest.moc"
