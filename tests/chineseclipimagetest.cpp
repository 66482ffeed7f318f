// SPDX-License-Identifier: MIT
// Chinese-CLIP's image preprocessing (ClipFind's decoder, then a Pillow-exact resize to the full model size without
// crop, rescale, normalize) against the reference model inputs of tests/data/multilingual/tiny-chinese-clip
// (made with transformers' ChineseCLIPImageProcessor, see that folder's README); preprocessor_config.json reading.
#include "core/clip/formats/npy.h"
#include "core/clip/pixels/chineseclipprep.h"
#include "core/decode/imagedecoder.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace clipfind;
using namespace clipfind::clip;

namespace {

QString fixture(const QString &relative)
{
    return QStringLiteral(CLIPFIND_TEST_DATA "/multilingual/") + relative;
}

} // namespace

class ChineseClipImageTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void realConfig()
    {
        ChineseClipImageConfig config;
        config.height = 1;
        std::string error;
        QVERIFY2(
            readChineseClipImageConfig(
                fixture(QStringLiteral("tiny-chinese-clip/preprocessor_config.json")).toStdString(), &config, &error),
            error.c_str());
        QCOMPARE(config.height, 224);
        QCOMPARE(config.width, 224);
        QVERIFY(config.doResize && config.doRescale && config.doNormalize);
        QCOMPARE(config.mean[0], 0.48145466f);
        QCOMPARE(config.std[2], 0.27577711f);
    }

    void referencePixels_data()
    {
        QTest::addColumn<QString>("image");
        QTest::addColumn<QString>("npy");
        QFile file(fixture(QStringLiteral("tiny-chinese-clip/expected.json")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject expected = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonArray images = expected.value(QStringLiteral("images")).toArray();
        const QJsonArray npys = expected.value(QStringLiteral("preprocessed")).toArray();
        QCOMPARE(images.size(), 4);
        QCOMPARE(npys.size(), images.size());
        for (int i = 0; i < images.size(); ++i) {
            // Relative to tests/data/multilingual: "../images/x.jpg" is the CLIP fixtures' tests/data/images/x.jpg.
            QTest::newRow(qPrintable(images.at(i).toString()))
                << fixture(images.at(i).toString()) << fixture(npys.at(i).toString());
        }
    }

    void referencePixels()
    {
        QFETCH(QString, image);
        QFETCH(QString, npy);
        const DecodedImage decoded = decodeImage(image);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error));
        const QImage &rgb = decoded.image;
        const RgbView view{rgb.constBits(), rgb.width(), rgb.height(), rgb.bytesPerLine()};
        ChineseClipImageConfig config;
        std::string error;
        QVERIFY(readChineseClipImageConfig(
            fixture(QStringLiteral("tiny-chinese-clip/preprocessor_config.json")).toStdString(), &config, &error));
        std::vector<float> ours;
        preprocessForChineseClip(view, config, ours);

        NpyArray reference;
        QVERIFY2(readNpy(npy.toStdString(), &reference, &error), error.c_str());
        QCOMPARE(reference.shape, std::vector<int64_t>({3, 224, 224}));
        QCOMPARE(ours.size(), reference.values.size());
        double maxDiff = 0;
        double sumDiff = 0;
        for (size_t i = 0; i < ours.size(); ++i) {
            const double d = std::fabs(double(ours[i]) - double(reference.values[i]));
            maxDiff = std::max(maxDiff, d);
            sumDiff += d;
        }
        const double meanDiff = sumDiff / double(ours.size());
        qInfo("%s: max |diff| %.3g, mean %.3g", qPrintable(image.section(QLatin1Char('/'), -1)), maxDiff, meanDiff);
        QVERIFY2(maxDiff <= 0.02 && meanDiff <= 0.001,
                 qPrintable(QStringLiteral("max %1 mean %2").arg(maxDiff).arg(meanDiff)));
    }

    void unsupportedConfigs_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("problem");
        QTest::newRow("crop") << QByteArray(R"({"do_center_crop": true, "size": {"height": 224, "width": 224}})")
                              << QStringLiteral("do_center_crop is not supported");
        QTest::newRow("bilinear") << QByteArray(R"({"resample": 2, "size": {"height": 224, "width": 224}})")
                                  << QStringLiteral("resample 2 is not supported");
        QTest::newRow("shortest edge") << QByteArray(R"({"size": {"shortest_edge": 224}})")
                                       << QStringLiteral("size needs height and width");
        QTest::newRow("huge") << QByteArray(R"({"size": {"height": 100000, "width": 224}})")
                              << QStringLiteral("image size out of range");
        QTest::newRow("bad std") << QByteArray(R"({"image_std": [0.2, 0, 0.2]})")
                                 << QStringLiteral("image_std must be positive");
        QTest::newRow("not json") << QByteArray("{\"size\": ") << QStringLiteral("not a JSON object");
    }

    void unsupportedConfigs()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("preprocessor_config.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(json);
        file.close();
        ChineseClipImageConfig config;
        std::string error;
        QVERIFY(!readChineseClipImageConfig(path.toStdString(), &config, &error));
        QVERIFY2(QString::fromStdString(error).startsWith(path + QStringLiteral(": ")), error.c_str());
        QVERIFY2(QString::fromStdString(error).contains(problem), error.c_str());
    }
};

QTEST_GUILESS_MAIN(ChineseClipImageTest)
#include "chineseclipimagetest.moc"
