// SPDX-License-Identifier: MIT
// The few-row linear used for text queries on the CPU must compute what at::linear computes.
#include "core/clip/model/skinnylinear.h"

#include <QtTest>

using namespace clipfind::clip;

class SkinnyLinearTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesAtenLinear_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("in");
        QTest::addColumn<int>("out");
        // Row and column counts off the 4 x 3 register blocks and input sizes off the 8-float vectors.
        for (const int rows : {1, 2, 3, 4, 5, 7, 8, 13, 77, 80}) {
            QTest::newRow(qPrintable(QStringLiteral("%1 x 512 -> 1536").arg(rows))) << rows << 512 << 1536;
        }
        QTest::newRow("7 x 2048 -> 512") << 7 << 2048 << 512;
        QTest::newRow("5 x 37 -> 10 (tails)") << 5 << 37 << 10;
        QTest::newRow("3 x 5 -> 1") << 3 << 5 << 1;
    }

    void matchesAtenLinear()
    {
        QFETCH(int, rows);
        QFETCH(int, in);
        QFETCH(int, out);
        torch::manual_seed(rows * 1000 + in + out);
        const torch::Tensor x = torch::randn({1, rows, in});
        const torch::Tensor w = torch::randn({out, in});
        const torch::Tensor b = torch::randn({out});
        // This machine's CPU has AVX2 and FMA (x86-64 v3); the test needs them to exercise the kernel.
        QVERIFY(canUseSkinnyLinear(x, w, b));
        const torch::Tensor expected = torch::linear(x, w, b);
        const torch::Tensor actual = skinnyLinear(x, w, b);
        QCOMPARE(actual.sizes().vec(), expected.sizes().vec());
        const double relative = ((actual - expected).abs().max() / expected.abs().max()).item<double>();
        QVERIFY2(relative < 1e-5, qPrintable(QString::number(relative)));
    }

    void refusesWhatItCannotDo()
    {
        const torch::Tensor w = torch::randn({8, 16});
        const torch::Tensor b = torch::randn({8});
        QVERIFY(!canUseSkinnyLinear(torch::randn({kSkinnyMaxRows + 1, 16}), w, b)); // too many rows: BLAS is faster
        QVERIFY(!canUseSkinnyLinear(torch::randn({2, 16}).to(torch::kBFloat16), w, b));
        QVERIFY(!canUseSkinnyLinear(torch::randn({2, 16}), w.t(), b));           // not [out, in] contiguous
        QVERIFY(!canUseSkinnyLinear(torch::randn({2, 16}), w, torch::Tensor())); // no bias
        QVERIFY(!canUseSkinnyLinear(torch::randn({2, 15}), w, b));               // size mismatch
    }
};

QTEST_GUILESS_MAIN(SkinnyLinearTest)
#include "skinnylineartest.moc"
