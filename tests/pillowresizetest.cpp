// SPDX-License-Identifier: MIT
// resizeBicubicPillow and preprocessForClip against Pillow 9.4 itself: tests/data/pillow holds inputs and
// PIL.Image.resize(..., BICUBIC) outputs made by tests/data/pillow/generate.py. Bit-exact equality required.
#include "core/clip/pixels/imageprep.h"
#include "testfiles.h"

#include <QElapsedTimer>
#include <QFile>
#include <QtTest>

#include <cmath>

using namespace clipfind::clip;

using namespace clipfind::test;

namespace {

QString pillowDir()
{
    return QStringLiteral(CLIPFIND_TEST_DATA "/pillow");
}

RgbImage imageFromBytes(const QByteArray &bytes, int width, int height)
{
    RgbImage image;
    image.width = width;
    image.height = height;
    image.pixels.assign(bytes.cbegin(), bytes.cend());
    return image;
}

// "" when equal, else where and how much the images differ (a bare QCOMPARE of 100k bytes says nothing).
QString describeDifference(const RgbImage &actual, const RgbImage &expected)
{
    if (actual.width != expected.width || actual.height != expected.height
        || actual.pixels.size() != expected.pixels.size()) {
        return QStringLiteral("size %1x%2 (%3 bytes), expected %4x%5")
            .arg(actual.width)
            .arg(actual.height)
            .arg(actual.pixels.size())
            .arg(expected.width)
            .arg(expected.height);
    }
    int differing = 0;
    int maxDiff = 0;
    size_t first = 0;
    for (size_t i = 0; i < actual.pixels.size(); ++i) {
        const int d = std::abs(int(actual.pixels[i]) - int(expected.pixels[i]));
        if (d != 0) {
            first = differing == 0 ? i : first;
            ++differing;
            maxDiff = std::max(maxDiff, d);
        }
    }
    if (differing == 0) {
        return {};
    }
    const size_t pixel = first / 3;
    return QStringLiteral("%1 bytes differ, max |diff| %2, first at x=%3 y=%4 channel %5 (%6 vs %7)")
        .arg(differing)
        .arg(maxDiff)
        .arg(pixel % size_t(actual.width))
        .arg(pixel / size_t(actual.width))
        .arg(first % 3)
        .arg(actual.pixels[first])
        .arg(expected.pixels[first]);
}

// A smooth but non-trivial test image, each row visibly different.
RgbImage syntheticImage(int width, int height)
{
    RgbImage image;
    image.width = width;
    image.height = height;
    image.pixels.resize(size_t(width) * size_t(height) * 3);
    uint32_t state = 12345;
    for (size_t i = 0; i < image.pixels.size(); ++i) {
        state = state * 1664525u + 1013904223u;
        const size_t x = (i / 3) % size_t(width);
        image.pixels[i] = uint8_t((x * 255 / size_t(width) + (state >> 27)) & 0xff);
    }
    return image;
}

} // namespace

class PillowResizeTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesPillow_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("inWidth");
        QTest::addColumn<int>("inHeight");
        QTest::addColumn<int>("outWidth");
        QTest::addColumn<int>("outHeight");
        const QByteArray manifest = readBytes(pillowDir() + QStringLiteral("/cases.txt"));
        QVERIFY2(!manifest.isEmpty(), "tests/data/pillow/cases.txt is missing");
        for (const QByteArray &line : manifest.split('\n')) {
            const QList<QByteArray> fields = line.simplified().split(' ');
            if (fields.size() != 5 || line.startsWith('#')) {
                continue;
            }
            const QString name = QString::fromLatin1(fields[0]);
            QTest::newRow(fields[0].constData())
                << name << fields[1].toInt() << fields[2].toInt() << fields[3].toInt() << fields[4].toInt();
        }
    }

    void matchesPillow()
    {
        QFETCH(QString, name);
        QFETCH(int, inWidth);
        QFETCH(int, inHeight);
        QFETCH(int, outWidth);
        QFETCH(int, outHeight);
        const QByteArray input = readBytes(pillowDir() + QLatin1Char('/') + name + QStringLiteral(".in.rgb"));
        const QByteArray output = readBytes(pillowDir() + QLatin1Char('/') + name + QStringLiteral(".out.rgb"));
        QCOMPARE(input.size(), inWidth * inHeight * 3);
        QCOMPARE(output.size(), outWidth * outHeight * 3);
        const RgbImage source = imageFromBytes(input, inWidth, inHeight);
        const RgbImage expected = imageFromBytes(output, outWidth, outHeight);

        const RgbImage resized = resizeBicubicPillow(source.view(), outWidth, outHeight);
        QString problem = describeDifference(resized, expected);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        // Same through a view whose rows are padded (QImage and cv::Mat rows usually are).
        const int64_t stride = int64_t(inWidth) * 3 + 13;
        std::vector<uint8_t> padded(size_t(stride) * size_t(inHeight), 0xAB);
        for (int y = 0; y < inHeight; ++y) {
            std::copy_n(source.pixels.begin() + int64_t(y) * inWidth * 3, inWidth * 3, padded.begin() + y * stride);
        }
        const RgbImage fromPadded =
            resizeBicubicPillow({padded.data(), inWidth, inHeight, stride}, outWidth, outHeight);
        problem = describeDifference(fromPadded, expected);
        QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("padded rows: ") + problem));
    }

    // preprocessForClip only resamples the cropped window; it must equal crop(Pillow's full resize).
    void preprocessMatchesPillowCrop()
    {
        const int size = 224;
        const RgbImage source =
            imageFromBytes(readBytes(pillowDir() + QStringLiteral("/gradient_clip.in.rgb")), 341, 285);
        const RgbImage resized =
            imageFromBytes(readBytes(pillowDir() + QStringLiteral("/gradient_clip.out.rgb")), 268, 224);
        QCOMPARE(int(source.pixels.size()), 341 * 285 * 3);
        QCOMPARE(int(resized.pixels.size()), 268 * 224 * 3);
        int width = 0;
        int height = 0;
        clipResizeTarget(341, 285, size, &width, &height);
        QCOMPARE(width, 268);
        QCOMPARE(height, 224);

        std::vector<float> out = {42.0f}; // appends, keeps what is there
        preprocessForClip(source.view(), size, out);
        QCOMPARE(out.size(), size_t(1 + 3 * size * size));
        QCOMPARE(out[0], 42.0f);
        const int left = 22; // round((268 - 224) / 2.0)
        int mismatches = 0;
        for (int c = 0; c < 3; ++c) {
            for (int y = 0; y < size; ++y) {
                for (int x = 0; x < size; ++x) {
                    const uint8_t v = resized.pixels[(size_t(y) * 268 + size_t(x + left)) * 3 + size_t(c)];
                    const float expected = (float(v) / 255.0f - kClipMean[c]) / kClipStd[c];
                    mismatches += out[1 + (size_t(c) * size + size_t(y)) * size + size_t(x)] != expected;
                }
            }
        }
        QCOMPARE(mismatches, 0);
    }

    void resizeTarget_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("expectedWidth");
        QTest::addColumn<int>("expectedHeight");
        QTest::newRow("landscape 4:3") << 640 << 480 << 298 << 224; // 298.67 truncated
        QTest::newRow("portrait 3:4") << 480 << 640 << 224 << 298;
        QTest::newRow("square") << 1000 << 1000 << 224 << 224;
        QTest::newRow("odd") << 1001 << 667 << 336 << 224;
        QTest::newRow("panorama") << 3000 << 600 << 1120 << 224;
        QTest::newRow("tall") << 500 << 2000 << 224 << 896;
        QTest::newRow("upscale") << 120 << 90 << 298 << 224;
        QTest::newRow("exact") << 224 << 224 << 224 << 224;
        QTest::newRow("empty") << 0 << 10 << 0 << 0;
    }

    void resizeTarget()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, expectedWidth);
        QFETCH(int, expectedHeight);
        int w = -1;
        int h = -1;
        clipResizeTarget(width, height, 224, &w, &h);
        QCOMPARE(w, expectedWidth);
        QCOMPARE(h, expectedHeight);
    }

    // torchvision rounds the crop offset half to even: (299-224)/2 = 37.5 -> 38, 38.5 -> 38, 36.5 -> 36.
    // A 224-wide image needs no resampling, so the first output row tells which source row was taken.
    void cropOffsetRoundsHalfToEven_data()
    {
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("expectedTop");
        QTest::newRow("299") << 299 << 38;
        QTest::newRow("301") << 301 << 38;
        QTest::newRow("297") << 297 << 36;
        QTest::newRow("300") << 300 << 38;
        QTest::newRow("224") << 224 << 0;
    }

    void cropOffsetRoundsHalfToEven()
    {
        QFETCH(int, height);
        QFETCH(int, expectedTop);
        RgbImage image;
        image.width = 224;
        image.height = height;
        image.pixels.resize(size_t(224) * size_t(height) * 3);
        for (int y = 0; y < height; ++y) {
            std::fill_n(image.pixels.begin() + int64_t(y) * 224 * 3, 224 * 3, uint8_t(y));
        }
        std::vector<float> out;
        preprocessForClip(image.view(), 224, out);
        QCOMPARE(out.size(), size_t(3 * 224 * 224));
        const float expected = (float(expectedTop) / 255.0f - kClipMean[0]) / kClipStd[0];
        QCOMPARE(out[0], expected);
    }

    void sameSizeIsACopy()
    {
        const RgbImage source = syntheticImage(31, 17);
        const RgbImage copy = resizeBicubicPillow(source.view(), 31, 17);
        QCOMPARE(copy.width, 31);
        QCOMPARE(copy.height, 17);
        QVERIFY(copy.pixels == source.pixels);
    }

    void emptyInputProducesNothing()
    {
        std::vector<float> out;
        preprocessForClip(RgbView{}, 224, out);
        QVERIFY(out.empty());
        QVERIFY(resizeBicubicPillow(RgbView{}, 10, 10).pixels.empty());
    }

    // Not a pass/fail check (shared machines are noisy); prints the time of a 12-megapixel resize.
    void timing12Megapixels()
    {
        const RgbImage source = syntheticImage(4000, 3000);
        qint64 bestResize = std::numeric_limits<qint64>::max();
        qint64 bestPreprocess = std::numeric_limits<qint64>::max();
        for (int i = 0; i < 3; ++i) {
            QElapsedTimer timer;
            timer.start();
            const RgbImage resized = resizeBicubicPillow(source.view(), 298, 224);
            bestResize = std::min(bestResize, timer.nsecsElapsed());
            QCOMPARE(resized.pixels.size(), size_t(298 * 224 * 3));
            std::vector<float> out;
            timer.restart();
            preprocessForClip(source.view(), 224, out);
            bestPreprocess = std::min(bestPreprocess, timer.nsecsElapsed());
            QCOMPARE(out.size(), size_t(3 * 224 * 224));
        }
        qInfo("4000x3000 -> 298x224 resizeBicubicPillow: %.1f ms; preprocessForClip(224): %.1f ms (best of 3, one "
              "thread)",
              double(bestResize) / 1e6, double(bestPreprocess) / 1e6);
    }
};

QTEST_GUILESS_MAIN(PillowResizeTest)
#include "pillowresizetest.moc"
