// SPDX-License-Identifier: MIT
// The engine's own JPEG path (issue 14's Qt-free, OpenCV-free indexing path that `clipfind-engine index-bench` times
// and the GPU machine runs): libjpeg-turbo's DCT-scaled decode, CLIP's crop, the CropBatcher feeding the image tower.
// Every upright fixture JPEG goes through it with the tiny reference model, and each row is compared with the
// features the original OpenAI code computed from the reference pipeline (tiny-openai/expected.json).
// Tolerance: cosine >= 0.999 with the reference row, the bar the app's default (DCT-scaled) path meets
// (indexdefaultpathtest). The fixtures with an EXIF orientation are left out: this path does not rotate (see
// jpegdecode.h), so their rows are expected to differ.
#include "fixturedata.h"

#include "core/clip/pixels/cropbatcher.h"
#include "core/clip/pixels/jpegdecode.h"

#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

namespace {

bool isUprightJpeg(const QString &path)
{
    return path.endsWith(QLatin1String(".jpg")) && !path.contains(QLatin1String("_exif"));
}

} // namespace

class EngineJpegPathTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decoderIsBuilt()
    {
        // The full build requires libjpeg-turbo (core/clip/CMakeLists.txt): without it index-bench cannot run.
        QVERIFY(clip::haveJpegDecoder());
    }

    void uprightJpegsMatchTheReference()
    {
        const ExpectedModel expected = readExpected(QStringLiteral("tiny-openai"));
        clip::LoadOptions options;
        options.device = clip::DeviceChoice::Cpu;
        options.precision = clip::Precision::Float32;
        clip::LoadResult loaded =
            clip::ClipModel::load(dataPath(QStringLiteral("tiny-openai/model.pt")).toStdString(), options);
        QVERIFY2(loaded.model, loaded.error.c_str());
        clip::ClipModel &model = *loaded.model;
        const int size = int(model.config().imageResolution);

        std::vector<int> fixtures; // indexes into expected.imagePaths
        for (int i = 0; i < expected.imagePaths.size(); ++i) {
            if (isUprightJpeg(expected.imagePaths[i])) {
                fixtures.push_back(i);
            }
        }
        QCOMPARE(fixtures.size(), size_t(3)); // gray_800x600, landscape_2000x1500, odd_1001x667

        std::map<int64_t, std::vector<float>> rows;
        std::string batchError;
        {
            clip::CropBatcher batcher(model, 2, [&](clip::CropBatchResult result) {
                if (!result.features.ok()) {
                    batchError = result.features.error;
                    return;
                }
                for (size_t i = 0; i < result.tickets.size(); ++i) {
                    const float *row = result.features.row(int64_t(i));
                    rows[result.tickets[i]].assign(row, row + result.features.dim);
                }
            });
            for (int index : fixtures) {
                clip::RgbImage image;
                std::string error;
                QVERIFY2(clip::decodeJpegFile(expected.imagePaths[index].toStdString(), 2 * size, &image, &error),
                         error.c_str());
                const clip::RgbImage crop = clip::clipCenterCrop(image.view(), size);
                batcher.push(index, crop.pixels.data());
            }
            batcher.finish();
        }
        QVERIFY2(batchError.empty(), batchError.c_str());
        QCOMPARE(rows.size(), fixtures.size());
        for (int index : fixtures) {
            const double c = rowCosine(rows[index].data(), expected.imageFeatures[size_t(index)]);
            QVERIFY2(c >= 0.999,
                     qPrintable(expected.imagePaths[index] + QStringLiteral(": cosine %1").arg(c, 0, 'f', 6)));
        }
    }

    void refusesWhatIsNotAJpeg()
    {
        clip::RgbImage image;
        std::string error;
        const QString png = dataPath(QStringLiteral("images/small_120x90.png"));
        QVERIFY(!clip::decodeJpegFile(png.toStdString(), 0, &image, &error));
        QVERIFY2(QString::fromStdString(error).contains(QLatin1String("small_120x90.png")), error.c_str());
        QVERIFY(!QString::fromStdString(error).contains(QLatin1Char('\n')));
    }
};

QTEST_GUILESS_MAIN(EngineJpegPathTest)
#include "enginejpegpathtest.moc"
