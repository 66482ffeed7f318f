// SPDX-License-Identifier: MIT
// Camera RAW through decodeImage(): DNG files written by the test (tiffbuilder.h: a 16-bit RGGB mosaic, an optional
// JPEG preview in IFD0, the raw data in a sub-IFD), decoded by LibRaw. The embedded preview is used when its short
// side is at least 448 px, else the raw data is decoded at half size; the orientation tag is applied either way
// (checked on a picture with a different color in each quadrant); the EXIF date is read from the EXIF IFD, or
// through LibRaw when it lies beyond the first 256 KiB; broken files give one-line errors naming the file.
#include "core/decode/exifdate.h"
#include "core/decode/imagedecoder.h"
#include "core/decode/imagepreprocessor.h"
#include "photowriters.h"
#include "testfiles.h"

#include <QPainter>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace clipfind;
using namespace clipfind::test;

namespace {

// An upright test scene: red top left, green top right, blue bottom left, white bottom right, on mid gray.
QImage quadrants(int width, int height)
{
    QImage image(width, height, QImage::Format_RGB888);
    image.fill(QColor(128, 128, 128));
    QPainter painter(&image);
    const int w = width / 2 - width / 10;
    const int h = height / 2 - height / 10;
    painter.fillRect(width / 20, height / 20, w, h, QColor(220, 30, 30));
    painter.fillRect(width / 2 + width / 20, height / 20, w, h, QColor(30, 200, 30));
    painter.fillRect(width / 20, height / 2 + height / 20, w, h, QColor(30, 30, 220));
    painter.fillRect(width / 2 + width / 20, height / 2 + height / 20, w, h, QColor(240, 240, 240));
    return image;
}

// Which of red, green, blue or white the middle of a quadrant of `image` is ("r", "g", "b", "w"; "?" otherwise).
QString colorAt(const QImage &image, double fx, double fy)
{
    const QColor c = image.pixelColor(int(fx * image.width()), int(fy * image.height()));
    const int r = c.red(), g = c.green(), b = c.blue();
    if (r > 150 && g > 150 && b > 150) {
        return QStringLiteral("w");
    }
    if (r > g + 60 && r > b + 60) {
        return QStringLiteral("r");
    }
    if (g > r + 60 && g > b + 60) {
        return QStringLiteral("g");
    }
    if (b > r + 60 && b > g + 60) {
        return QStringLiteral("b");
    }
    return QStringLiteral("?(%1,%2,%3)").arg(r).arg(g).arg(b);
}

// The four quadrants, top left, top right, bottom left, bottom right: "rgbw" for an upright scene.
QString layout(const QImage &image)
{
    return colorAt(image, 0.25, 0.25) + colorAt(image, 0.75, 0.25) + colorAt(image, 0.25, 0.75)
           + colorAt(image, 0.75, 0.75);
}

} // namespace

class RawDecoderTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        return writeBytes(path, bytes) ? path : QString();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // No preview of 448 px: LibRaw decodes the mosaic at half size (one pixel per 2x2 block) and turns it upright.
    void halfSizeDecode_data()
    {
        QTest::addColumn<int>("orientation");
        QTest::addColumn<bool>("smallPreview");
        for (int orientation = 1; orientation <= 8; ++orientation) {
            QTest::addRow("no preview, orientation %d", orientation) << orientation << false;
        }
        QTest::addRow("320 x 240 preview, orientation 6") << 6 << true;
    }

    void halfSizeDecode()
    {
        QFETCH(int, orientation);
        QFETCH(bool, smallPreview);
        const QImage upright = quadrants(400, 300);
        DngSpec spec;
        spec.image = storedForOrientation(upright, orientation);
        spec.orientation = orientation;
        if (smallPreview) {
            spec.preview = encodeJpeg(spec.image.scaled(320, 240), 90);
        }
        const QString path = write(QStringLiteral("half %1.dng").arg(orientation), makeDng(spec));
        const DecodedImage decoded = decodeImage(path);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error));
        QCOMPARE(decoded.image.size(), QSize(200, 150));
        QCOMPARE(decoded.exifOrientation, orientation);
        QCOMPARE(layout(decoded.image), QStringLiteral("rgbw"));
    }

    // A preview with a short side of 448 px or more is what gets decoded (larger than the half-size decode here),
    // with the RAW file's orientation; the preview's model input matches the scene's.
    void previewDecode_data()
    {
        QTest::addColumn<int>("orientation");
        for (int orientation : {1, 2, 6, 8}) {
            QTest::addRow("orientation %d", orientation) << orientation;
        }
    }

    void previewDecode()
    {
        QFETCH(int, orientation);
        const QImage upright = quadrants(640, 448);
        DngSpec spec;
        spec.image = storedForOrientation(upright.scaled(200, 140), orientation);
        spec.preview = encodeJpeg(storedForOrientation(upright, orientation), 95);
        spec.orientation = orientation;
        const QString path = write(QStringLiteral("preview %1.dng").arg(orientation), makeDng(spec));
        const DecodedImage decoded = decodeImage(path);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error));
        QCOMPARE(decoded.image.size(), QSize(640, 448));
        QCOMPARE(decoded.exifOrientation, orientation);
        QCOMPARE(layout(decoded.image), QStringLiteral("rgbw"));

        const PreprocessedImage input = preprocessImageFile(path);
        const PreprocessedImage reference = preprocessImage(upright);
        QVERIFY2(input.ok(), qPrintable(input.error));
        double mean = 0;
        for (size_t i = 0; i < input.pixels.size(); ++i) {
            mean += std::fabs(double(input.pixels[i]) - double(reference.pixels[i]));
        }
        mean /= double(input.pixels.size());
        qInfo("preview, orientation %d: mean |diff| %.4f from the scene", orientation, mean);
        QVERIFY2(mean < 0.02, qPrintable(QString::number(mean)));
    }

    void dateTaken()
    {
        DngSpec spec;
        spec.image = quadrants(400, 300);
        spec.dateTimeOriginal = "2019:03:02 11:22:33";
        const QDateTime expected(QDate(2019, 3, 2), QTime(11, 22, 33), Qt::LocalTime);
        QCOMPARE(readExifDateTaken(write(QStringLiteral("dated.dng"), makeDng(spec))), expected);
        // EXIF IFD after 600 KB of raw data: beyond what the EXIF reader looks at, so LibRaw's timestamp answers.
        spec.image = quadrants(640, 480);
        spec.exifAfterRawData = true;
        const QByteArray far = makeDng(spec);
        QVERIFY(far.indexOf("2019:03:02") > 256 * 1024);
        QCOMPARE(readExifDateTaken(write(QStringLiteral("dated far.dng"), far)), expected);
        spec.dateTimeOriginal.clear();
        QVERIFY(!readExifDateTaken(write(QStringLiteral("undated.dng"), makeDng(spec))).isValid());
    }

    void brokenFilesGiveOneLineErrors()
    {
        DngSpec spec;
        spec.image = quadrants(400, 300);
        const QByteArray dng = makeDng(spec);
        spec.preview = encodeJpeg(quadrants(640, 480), 90);
        const QByteArray withPreview = makeDng(spec);
        QByteArray noDimensions = dng;
        noDimensions.replace(QByteArray("\x00\x01\x04\x00\x01\x00\x00\x00", 8), QByteArray(8, '\x7F')); // ImageWidth
        const struct {
            const char *name;
            QByteArray bytes;
            const char *expected;
        } cases[] = {
            {"half.dng", dng.left(dng.size() / 2), "truncated"},
            {"last byte cut.dng", dng.left(dng.size() - 1), "truncated"},
            {"headers only.dng", dng.left(dng.indexOf("ClipFind Test Camera") + 24), "truncated"},
            {"cut in IFD0.dng", dng.left(100), "truncated or corrupt"}, // not known to be a DNG yet
            {"preview intact, raw cut.dng", withPreview.left(withPreview.size() - 1000), "truncated"},
            {"no width.dng", noDimensions, "DNG"},
        };
        for (const auto &c : cases) {
            const QString path = write(QLatin1String(c.name), c.bytes);
            const DecodedImage decoded = decodeImage(path);
            qInfo("%s", qPrintable(decoded.error));
            QVERIFY2(!decoded.ok(), c.name);
            QVERIFY(decoded.image.isNull());
            QVERIFY2(decoded.error.startsWith(QLatin1String(c.name) + QLatin1String(": ")), qPrintable(decoded.error));
            QVERIFY2(decoded.error.contains(QLatin1String(c.expected)), qPrintable(decoded.error));
            QVERIFY2(!decoded.error.contains(QLatin1Char('\n')), qPrintable(decoded.error));
        }
    }

    // A TIFF with sub-IFDs and a make looks like NEF or ARW; LibRaw does not take it, so it is read as a TIFF.
    void plainTiffWithSubIfdsIsReadAsTiff()
    {
        const QImage scene = quadrants(64, 48);
        QByteArray pixels;
        for (int y = 0; y < scene.height(); ++y) {
            pixels.append(reinterpret_cast<const char *>(scene.constScanLine(y)), scene.width() * 3);
        }
        TiffBuilder tiff;
        const int ifd0 = tiff.addIfd();
        const int sub = tiff.addIfd();
        for (int ifd : {ifd0, sub}) {
            tiff.longs(ifd, 0x0100, {64});
            tiff.longs(ifd, 0x0101, {48});
            tiff.shorts(ifd, 0x0102, {8, 8, 8});
            tiff.shorts(ifd, 0x0103, {1});
            tiff.shorts(ifd, 0x0106, {2}); // RGB
            tiff.blobPointer(ifd, 0x0111, tiff.addBlob(pixels));
            tiff.shorts(ifd, 0x0115, {3});
            tiff.longs(ifd, 0x0116, {48});
            tiff.longs(ifd, 0x0117, {quint32(pixels.size())});
        }
        tiff.ascii(ifd0, 0x010F, "Scanner Company");
        tiff.ifdPointer(ifd0, 0x014A, sub);
        const DecodedImage decoded = decodeImageData(tiff.build(), QStringLiteral("scan.tif"));
        QVERIFY2(decoded.ok(), qPrintable(decoded.error));
        QCOMPARE(decoded.image.size(), QSize(64, 48));
        QCOMPARE(layout(decoded.image), QStringLiteral("rgbw"));
    }

    // The sensor size is checked against the 200-megapixel limit before any raw data is unpacked.
    void hugeSensorIsRefused()
    {
        DngSpec spec;
        spec.image = quadrants(400, 300);
        QByteArray dng = makeDng(spec);
        // ImageWidth / ImageLength of the raw IFD: LONG 400 and 300 -> 20000 x 20000.
        dng.replace(QByteArray("\x00\x01\x04\x00\x01\x00\x00\x00\x90\x01\x00\x00", 12),
                    QByteArray("\x00\x01\x04\x00\x01\x00\x00\x00\x20\x4E\x00\x00", 12));
        dng.replace(QByteArray("\x01\x01\x04\x00\x01\x00\x00\x00\x2C\x01\x00\x00", 12),
                    QByteArray("\x01\x01\x04\x00\x01\x00\x00\x00\x20\x4E\x00\x00", 12));
        const DecodedImage decoded = decodeImageData(dng, QStringLiteral("huge.dng"));
        qInfo("%s", qPrintable(decoded.error));
        QVERIFY(!decoded.ok());
        QVERIFY2(decoded.error.startsWith(QLatin1String("huge.dng: image too large (20000 x 20000")),
                 qPrintable(decoded.error));
    }
};

QTEST_GUILESS_MAIN(RawDecoderTest)
#include "rawdecodertest.moc"
