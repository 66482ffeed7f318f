// SPDX-License-Identifier: MIT
// The indexer's default path (JPEG DCT-scaled decode, the image tower in bf16 where the CPU has native bf16) against
// the exact path and the reference: every fixture photo is indexed both ways with the tiny reference model, and the
// stored rows are compared with the features the original OpenAI code computed from the reference pipeline
// (tiny-openai/expected.json).
// Stated tolerances: default path cosine >= 0.999 with the reference row (the fixture README's bar for reduced
// precision); exact path (--exact, --precision float32) max |ours - ref| <= 1e-3 x max |ref| per row, the 1e-4 of
// the fp32 engine plus the cache's fp16 storage (11 significant bits, relative 4.9e-4).
#include "fixturedata.h"

#include "core/encode/clipencoder.h"
#include "core/index/indexer.h"
#include "core/store/librarydatabase.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

namespace {

std::unique_ptr<ClipEncoder> loadEncoder(clip::Precision precision)
{
    ClipEncoder::Settings settings;
    settings.load.device = clip::DeviceChoice::Cpu;
    settings.load.precision = precision;
    QString error;
    auto encoder = ClipEncoder::load(dataPath(QStringLiteral("tiny-openai/model.pt")), settings, &error);
    if (!encoder) {
        qWarning("%s", qPrintable(error));
    }
    return encoder;
}

// Indexes copies of every fixture photo and returns the stored row of each, in expected.json's order.
std::vector<std::vector<float>> indexFixtures(const ExpectedModel &expected, ClipEncoder &encoder,
                                              const IndexOptions &options)
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("photos"));
    QDir().mkpath(folder);
    for (const QString &path : expected.imagePaths) {
        if (!QFile::copy(path, folder + QLatin1Char('/') + path.section(QLatin1Char('/'), -1))) {
            return {};
        }
    }
    QString error;
    auto cache = LibraryDatabase::open(dir.filePath(QStringLiteral("cache.sqlite")), &error);
    if (!cache) {
        return {};
    }
    const IndexReport report = indexFolder(folder, encoder, *cache, nullptr, options);
    if (!report.error.isEmpty() || report.indexed != expected.imagePaths.size()) {
        qWarning("index: %s (%lld indexed)", qPrintable(report.error), qlonglong(report.indexed));
        return {};
    }
    QHash<QString, QByteArray> hashes;
    for (const FileState &state : cache->filesUnder(QFileInfo(folder).canonicalFilePath())) {
        hashes.insert(state.path.section(QLatin1Char('/'), -1), state.contentHash);
    }
    std::vector<std::vector<float>> rows;
    for (const QString &path : expected.imagePaths) {
        std::vector<float> row;
        if (!cache->embeddingFor(hashes.value(path.section(QLatin1Char('/'), -1)), encoder.sha256(), &row)) {
            return {};
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace

class IndexDefaultPathTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultPathWithinCosineOfReference()
    {
        const ExpectedModel expected = readExpected(QStringLiteral("tiny-openai"));
        QCOMPARE(expected.imagePaths.size(), 13);
        auto encoder = loadEncoder(clip::Precision::Auto);
        QVERIFY(encoder);
        const auto rows = indexFixtures(expected, *encoder, IndexOptions());
        QCOMPARE(rows.size(), size_t(13));
        for (size_t i = 0; i < rows.size(); ++i) {
            const double c = rowCosine(rows[i].data(), expected.imageFeatures[i]);
            QVERIFY2(c >= 0.999,
                     qPrintable(expected.imagePaths[int(i)] + QStringLiteral(": cosine %1").arg(c, 0, 'f', 6)));
        }
    }

    void exactPathMatchesReference()
    {
        const ExpectedModel expected = readExpected(QStringLiteral("tiny-openai"));
        auto encoder = loadEncoder(clip::Precision::Float32);
        QVERIFY(encoder);
        IndexOptions options;
        options.exactDecode = true;
        const auto rows = indexFixtures(expected, *encoder, options);
        QCOMPARE(rows.size(), size_t(13));
        for (size_t i = 0; i < rows.size(); ++i) {
            const double error = relativeRowError(rows[i].data(), expected.imageFeatures[i]);
            QVERIFY2(error <= 1e-3, qPrintable(expected.imagePaths[int(i)] + QStringLiteral(": %1").arg(error)));
        }
    }
};

QTEST_GUILESS_MAIN(IndexDefaultPathTest)
#include "indexdefaultpathtest.moc"
