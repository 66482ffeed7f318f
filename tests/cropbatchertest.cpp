// SPDX-License-Identifier: MIT
// CropBatcher: 8-bit crops pushed from several threads come back as the reference features, each exactly once.
#include "fixturedata.h"

#include "core/clip/pixels/cropbatcher.h"
#include "core/clip/pixels/imageprep.h"
#include "core/decode/imagedecoder.h"

#include <QtTest>

#include <map>
#include <mutex>
#include <thread>

using namespace clipfind;
using namespace clipfind::test;

class CropBatcherTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void producersGetReferenceFeatures_data()
    {
        QTest::addColumn<int>("batchSize");
        QTest::addColumn<int>("producers");
        QTest::newRow("batches of 4, 3 producers (last batch partial)") << 4 << 3;
        QTest::newRow("one batch bigger than the input") << 64 << 2;
        QTest::newRow("batches of 1") << 1 << 4;
    }

    void producersGetReferenceFeatures()
    {
        QFETCH(int, batchSize);
        QFETCH(int, producers);
        const ExpectedModel expected = readExpected(QStringLiteral("tiny-openai"));
        clip::LoadResult loaded = clip::ClipModel::load(dataPath(QStringLiteral("tiny-openai/model.pt")).toStdString(),
                                                        {clip::DeviceChoice::Cpu});
        QVERIFY2(loaded.model, loaded.error.c_str());

        // The decode pool's part: upright RGB, then the 8-bit 224 x 224 crop.
        std::vector<clip::RgbImage> crops;
        for (const QString &path : expected.imagePaths) {
            const DecodedImage decoded = decodeImage(path);
            QVERIFY2(decoded.ok(), qPrintable(decoded.error));
            const clip::RgbView view{decoded.image.constBits(), decoded.image.width(), decoded.image.height(),
                                     decoded.image.bytesPerLine()};
            crops.push_back(clip::clipCenterCrop(view, 224));
            QCOMPARE(crops.back().width, 224);
        }

        std::mutex mutex;
        std::map<int64_t, std::vector<float>> features; // ticket → row
        int duplicates = 0;
        QString failure;
        {
            clip::CropBatcher batcher(*loaded.model, batchSize, [&](clip::CropBatchResult result) {
                std::lock_guard<std::mutex> lock(mutex);
                if (!result.features.ok()) {
                    failure = QString::fromStdString(result.features.error);
                    return;
                }
                for (size_t i = 0; i < result.tickets.size(); ++i) {
                    const float *row = result.features.row(int64_t(i));
                    duplicates += features.count(result.tickets[i]) ? 1 : 0;
                    features[result.tickets[i]] = std::vector<float>(row, row + result.features.dim);
                }
            });
            std::vector<std::thread> threads;
            for (int p = 0; p < producers; ++p) {
                threads.emplace_back([&, p] {
                    for (size_t i = size_t(p); i < crops.size(); i += size_t(producers)) {
                        batcher.push(int64_t(i), crops[i].pixels.data());
                    }
                });
            }
            for (std::thread &t : threads) {
                t.join();
            }
            batcher.finish();
        }
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        QCOMPARE(duplicates, 0);
        QCOMPARE(features.size(), crops.size());
        for (size_t i = 0; i < crops.size(); ++i) {
            const double error = relativeRowError(features[int64_t(i)].data(), expected.imageFeatures[i]);
            QVERIFY2(error <= 1e-4, qPrintable(QStringLiteral("%1: %2").arg(expected.imagePaths[int(i)]).arg(error)));
        }
    }

    void finishWithoutPushesDeliversNothing()
    {
        clip::LoadResult loaded = clip::ClipModel::load(dataPath(QStringLiteral("tiny-openai/model.pt")).toStdString(),
                                                        {clip::DeviceChoice::Cpu});
        QVERIFY2(loaded.model, loaded.error.c_str());
        int batches = 0;
        clip::CropBatcher batcher(*loaded.model, 8, [&](clip::CropBatchResult) { ++batches; });
        batcher.finish();
        batcher.finish(); // idempotent, and the destructor finishes again
        QCOMPARE(batches, 0);
    }
};

QTEST_GUILESS_MAIN(CropBatcherTest)
#include "cropbatchertest.moc"
