// SPDX-License-Identifier: MIT
// Precision::Auto's choice on the CPU between fp32 and BFloat16Images (the image tower's linears in bf16, its
// residual stream, LayerNorms and attention in fp32; text fp32). The gate for making BFloat16Images the default
// where the CPU has native bf16: the image features keep a cosine >= 0.9999 with fp32
// on every fixture image (the two tiny reference models and the 96 photos of the trained shapes model), and the
// shapes model ranks its 96 photos for all 41 reference queries (expected_rankings.json, made by the original
// OpenAI code) exactly as fp32 does and as the reference did: same top 10, same order. This test measures both
// and requires kBf16ImagesPassGate (what Auto uses) to say exactly whether the gate passed. (An all-bf16 image tower,
// Precision::BFloat16, passes the cosine bar but swaps two photos 0.0024 apart for "a black star".)
#include "fixturedata.h"

#include "core/clip/model/cpufeatures.h"
#include "core/encode/clipencoder.h"

#include <QDir>
#include <QtTest>

#include <numeric>

using namespace clipfind;
using namespace clipfind::test;

namespace {

constexpr double kMinCosine = 0.9999;

std::unique_ptr<ClipEncoder> loadEncoder(const QString &model, clip::Precision precision)
{
    ClipEncoder::Settings settings;
    settings.load.device = clip::DeviceChoice::Cpu;
    settings.load.precision = precision;
    QString error;
    auto encoder = ClipEncoder::load(dataPath(model), settings, &error);
    if (!encoder) {
        qWarning("%s", qPrintable(error));
    }
    return encoder;
}

double cosine(const float *a, const float *b, int dim)
{
    double dot = 0, aa = 0, bb = 0;
    for (int j = 0; j < dim; ++j) {
        dot += double(a[j]) * b[j];
        aa += double(a[j]) * a[j];
        bb += double(b[j]) * b[j];
    }
    return dot / std::sqrt(aa * bb);
}

double worstRowCosine(const clip::Features &a, const clip::Features &b)
{
    double worst = 1;
    for (int64_t r = 0; r < a.rows; ++r) {
        worst = std::min(worst, cosine(a.row(r), b.row(r), int(a.dim)));
    }
    return worst;
}

// The 10 best photos for a query: indices into the image rows, best first.
std::vector<int> topTen(const EmbeddingRows &images, const float *query)
{
    std::vector<double> scores(size_t(images.rows()));
    for (int i = 0; i < images.rows(); ++i) {
        scores[size_t(i)] = cosine(images.row(i), query, images.dim);
    }
    std::vector<int> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[size_t(a)] > scores[size_t(b)]; });
    order.resize(std::min<size_t>(10, order.size()));
    return order;
}

} // namespace

class Bf16DecisionTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void autoFollowsTheGate()
    {
        QCOMPARE(clip::bf16ImagesByDefault(), clip::kBf16ImagesPassGate && clip::cpuHasNativeBFloat16());
        auto automatic = loadEncoder(QStringLiteral("tiny-openai/model.pt"), clip::Precision::Auto);
        QVERIFY(automatic);
        QCOMPARE(automatic->model()->precisionName(), std::string("float32")); // text: always fp32 on the CPU
        QCOMPARE(automatic->model()->imagePrecisionName(),
                 std::string(clip::bf16ImagesByDefault() ? "bfloat16-mixed" : "float32"));
        auto exact = loadEncoder(QStringLiteral("tiny-openai/model.pt"), clip::Precision::Float32);
        QVERIFY(exact);
        QCOMPARE(exact->model()->imagePrecisionName(), std::string("float32")); // --precision float32: exact path
    }

    void tinyModelsBf16ImagesWithinCosine_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("file");
        QTest::newRow("tiny-openai") << QStringLiteral("tiny-openai") << QStringLiteral("tiny-openai/model.pt");
        QTest::newRow("tiny-hf") << QStringLiteral("tiny-hf") << QStringLiteral("tiny-hf");
    }

    void tinyModelsBf16ImagesWithinCosine()
    {
        QFETCH(QString, model);
        QFETCH(QString, file);
        const ExpectedModel expected = readExpected(model);
        const std::vector<float> pixels = referencePixels(expected.imagePaths);
        QVERIFY(!pixels.empty());
        const int64_t count = expected.imagePaths.size();
        auto fp32 = loadEncoder(file, clip::Precision::Float32);
        auto bf16 = loadEncoder(file, clip::Precision::BFloat16Images);
        QVERIFY(fp32 && bf16);
        const clip::Features exact = fp32->model()->encodeImages(pixels.data(), count);
        const clip::Features reduced = bf16->model()->encodeImages(pixels.data(), count);
        QVERIFY(exact.ok() && reduced.ok());
        QVERIFY(worstRelativeError(exact.values.data(), exact.rows, exact.dim, expected.imageFeatures) <= 1e-4);
        const double worst = worstCosine(reduced.values.data(), reduced.rows, reduced.dim, expected.imageFeatures);
        QVERIFY2(worst >= kMinCosine,
                 qPrintable(QStringLiteral("worst cosine with the reference %1").arg(worst, 0, 'f', 7)));
        QVERIFY(worstRowCosine(reduced, exact) >= kMinCosine);

        // What Auto runs is one of the two, tower by tower, bit for bit.
        auto automatic = loadEncoder(file, clip::Precision::Auto);
        QVERIFY(automatic);
        const clip::Features autoImages = automatic->model()->encodeImages(pixels.data(), count);
        QVERIFY(autoImages.ok());
        QVERIFY(autoImages.values == (clip::bf16ImagesByDefault() ? reduced.values : exact.values));
        const clip::Features autoText = automatic->model()->encodeTexts(expected.tokens);
        const clip::Features exactText = fp32->model()->encodeTexts(expected.tokens);
        QVERIFY(autoText.ok() && exactText.ok());
        QVERIFY(autoText.values == exactText.values);
    }

    // The gate: cosine on all 96 photos, then the top 10 of every query. fp32 must reproduce the reference; whether
    // bf16 does too must be what kBf16ImagesPassGate says.
    void shapesRankingsDecideTheGate()
    {
        const QJsonObject queries = readJsonObject(dataPath(QStringLiteral("shapes-clip/expected_rankings.json")))
                                        .value(QStringLiteral("queries"))
                                        .toObject();
        QCOMPARE(queries.size(), 41);
        QStringList photos;
        QStringList names = QDir(dataPath(QStringLiteral("shapes-clip/images")))
                                .entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
        for (const QString &name : names) {
            photos << dataPath(QStringLiteral("shapes-clip/images/") + name);
        }
        QCOMPARE(photos.size(), 96);
        auto fp32 = loadEncoder(QStringLiteral("shapes-clip/model.pt"), clip::Precision::Float32);
        auto bf16 = loadEncoder(QStringLiteral("shapes-clip/model.pt"), clip::Precision::BFloat16Images);
        QVERIFY(fp32 && bf16);
        QCOMPARE(bf16->model()->imagePrecisionName(), std::string("bfloat16-mixed"));
        QCOMPARE(bf16->model()->precisionName(), std::string("float32"));
        const EmbeddingRows exact = fp32->encodeImageFiles(photos);
        const EmbeddingRows reduced = bf16->encodeImageFiles(photos);
        QVERIFY(exact.error.isEmpty() && reduced.error.isEmpty());
        QCOMPARE(reduced.rows(), 96);
        double worst = 1;
        for (int i = 0; i < 96; ++i) {
            worst = std::min(worst, cosine(reduced.row(i), exact.row(i), exact.dim));
        }
        QVERIFY2(worst >= kMinCosine,
                 qPrintable(QStringLiteral("worst image cosine bf16 vs fp32 %1").arg(worst, 0, 'f', 7)));
        QStringList bf16Differs;

        const QStringList texts = queries.keys();
        const EmbeddingRows text = fp32->encodeTexts(texts); // queries stay fp32 under Auto
        QVERIFY(text.error.isEmpty());
        for (int q = 0; q < texts.size(); ++q) {
            QStringList reference;
            for (const QJsonValue &hit : queries.value(texts[q]).toArray()) {
                reference << hit.toObject().value(QStringLiteral("file")).toString();
            }
            QStringList ours32, ours16;
            for (const int i : topTen(exact, text.row(q))) {
                ours32 << names[i];
            }
            for (const int i : topTen(reduced, text.row(q))) {
                ours16 << names[i];
            }
            QVERIFY2(ours32 == reference,
                     qPrintable(texts[q] + QStringLiteral(": fp32 ") + ours32.join(QLatin1Char(' '))));
            if (ours16 != reference) {
                bf16Differs << texts[q] + QStringLiteral(": ") + ours16.join(QLatin1Char(' '));
            }
        }
        const bool gatePasses = bf16Differs.isEmpty(); // the cosine part passed above
        QVERIFY2(clip::kBf16ImagesPassGate == gatePasses,
                 qPrintable(QStringLiteral("kBf16ImagesPassGate must be %1; bf16 rankings that differ: %2")
                                .arg(gatePasses ? QStringLiteral("true") : QStringLiteral("false"),
                                     bf16Differs.join(QStringLiteral("; ")))));
    }
};

QTEST_GUILESS_MAIN(Bf16DecisionTest)
#include "bf16decisiontest.moc"
