// SPDX-License-Identifier: MIT
// The indexer's JPEG fast path (libjpeg DCT scaling, then the exact resize) against the exact pipeline and the
// reference fixtures: mean |diff| <= 0.01 in normalized units, the bound.
#include "fixturedata.h"

#include "core/decode/imagedecoder.h"
#include "core/decode/imagepreprocessor.h"

#include <QElapsedTimer>
#include <QPainter>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

namespace {

struct Difference {
    double max = 0;
    double mean = 0;
};

Difference difference(const std::vector<float> &a, const std::vector<float> &b)
{
    Difference d;
    for (size_t i = 0; i < a.size(); ++i) {
        const double diff = std::fabs(double(a[i]) - b[i]);
        d.max = std::max(d.max, diff);
        d.mean += diff;
    }
    d.mean /= double(std::max<size_t>(a.size(), 1));
    return d;
}

// A 4000 x 3000 photo-like JPEG (smooth gradients, shapes, sensor-like noise) as phones and cameras write them.
QString writeLargePhoto(const QString &folder)
{
    QImage image(4000, 3000, QImage::Format_RGB888);
    QPainter painter(&image);
    QLinearGradient sky(0, 0, 0, 3000);
    sky.setColorAt(0, QColor(40, 90, 170));
    sky.setColorAt(0.6, QColor(250, 190, 120));
    sky.setColorAt(1, QColor(60, 50, 40));
    painter.fillRect(image.rect(), sky);
    painter.setBrush(QColor(230, 60, 40));
    painter.drawEllipse(QPoint(2600, 1500), 500, 500);
    painter.setBrush(QColor(20, 120, 60));
    painter.drawRect(400, 1900, 1500, 900);
    painter.end();
    QRandomGenerator random(42);
    for (int y = 0; y < image.height(); ++y) {
        uchar *line = image.scanLine(y);
        for (int x = 0; x < image.width() * 3; ++x) {
            line[x] = uchar(std::clamp(int(line[x]) + int(random.bounded(9)) - 4, 0, 255));
        }
    }
    const QString path = folder + QStringLiteral("/large photo.jpg");
    return image.save(path, "JPEG", 92) ? path : QString();
}

} // namespace

class JpegFastPathTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixturesStayCloseToReference_data()
    {
        QTest::addColumn<QString>("file");
        for (const char *file :
             {"landscape_2000x1500.jpg", "portrait_exif6_1600x1200.jpg", "mirrored_exif2_800x600.jpg",
              "rotated_exif8_900x700.jpg", "gray_800x600.jpg", "odd_1001x667.jpg"}) {
            QTest::newRow(file) << QString::fromLatin1(file);
        }
    }

    void fixturesStayCloseToReference()
    {
        QFETCH(QString, file);
        const PreprocessedImage fast = preprocessImageFileFast(dataPath(QStringLiteral("images/") + file));
        QVERIFY2(fast.ok(), qPrintable(fast.error));
        clip::NpyArray reference;
        std::string error;
        QVERIFY(clip::readNpy(dataPath(QStringLiteral("preprocessed/") + file + QStringLiteral(".npy")).toStdString(),
                              &reference, &error));
        const Difference d = difference(fast.pixels, reference.values);
        qInfo("%s: fast path vs reference: max %.4f, mean %.5f", qPrintable(file), d.max, d.mean);
        QVERIFY2(d.mean <= 0.01, qPrintable(QString::number(d.mean)));
    }

    void largePhotoIsScaledAndStaysClose()
    {
        QTemporaryDir dir;
        const QString path = writeLargePhoto(dir.path());
        QVERIFY(!path.isEmpty());

        // 3000 px short side: 1/4 scaling gives 750 >= 448, 1/8 would give 375.
        DecodeOptions options;
        options.minShortSide = 448;
        const DecodedImage scaled = decodeImage(path, options);
        QVERIFY2(scaled.ok(), qPrintable(scaled.error));
        QCOMPARE(scaled.image.size(), QSize(1000, 750));

        QElapsedTimer timer;
        timer.start();
        const PreprocessedImage exact = preprocessImageFile(path);
        const qint64 exactMs = timer.restart();
        const PreprocessedImage fast = preprocessImageFileFast(path);
        const qint64 fastMs = timer.elapsed();
        QVERIFY(exact.ok() && fast.ok());
        const Difference d = difference(fast.pixels, exact.pixels);
        qInfo("4000x3000 JPEG: exact %lld ms, fast %lld ms; fast vs exact max %.4f, mean %.5f", exactMs, fastMs, d.max,
              d.mean);
        QVERIFY2(d.mean <= 0.01, qPrintable(QString::number(d.mean)));
    }

    void otherFormatsAreUnchanged()
    {
        for (const char *file :
             {"alpha_640x480.png", "panorama_3000x600.webp", "tiff_700x500.tiff", "palette_320x240.gif"}) {
            const QString path = dataPath(QStringLiteral("images/") + QLatin1String(file));
            QCOMPARE(preprocessImageFileFast(path).pixels, preprocessImageFile(path).pixels);
        }
    }
};

QTEST_GUILESS_MAIN(JpegFastPathTest)
#include "jpegfastpathtest.moc"
