// SPDX-License-Identifier: MIT
// The image pipeline (decode, EXIF orientation, RGB, Pillow-exact resize, crop, normalize) against the
// reference model inputs in tests/data/preprocessed (made with OpenAI's CLIP code, see tests/data/README.md),
// plus decoder behaviour on orientations, pixel formats and bad files.
#include "core/decode/imagepreprocessor.h"
#include "core/clip/formats/npy.h"
#include "core/decode/imagedecoder.h"
#include "testfiles.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

#include <cmath>
#include <functional>

using namespace clipfind;

using namespace clipfind::test;

namespace {

QString imagesDir()
{
    return QStringLiteral(CLIPFIND_TEST_DATA "/images");
}

quint32 crc32(const QByteArray &data)
{
    quint32 crc = 0xFFFFFFFFu;
    for (const char byte : data) {
        crc ^= quint8(byte);
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

QByteArray bigEndian32(quint32 v)
{
    const char bytes[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
    return QByteArray(bytes, 4);
}

QByteArray pngChunk(const QByteArray &type, const QByteArray &payload)
{
    return bigEndian32(quint32(payload.size())) + type + payload + bigEndian32(crc32(type + payload));
}

// A little-endian EXIF block (bare TIFF structure, as in a PNG eXIf chunk) holding only an orientation.
QByteArray littleEndianExif(int orientation)
{
    QByteArray tiff("II*\0\x08\0\0\0", 8);
    tiff += QByteArray("\x01\0", 2);                   // one IFD entry
    tiff += QByteArray("\x12\x01\x03\0\x01\0\0\0", 8); // 0x0112 SHORT x1
    tiff += char(orientation);
    tiff += QByteArray(3, '\0');
    tiff += QByteArray(4, '\0'); // no next IFD
    return tiff;
}

QByteArray encodePng(const QImage &image)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

// An uncompressed little-endian RGB TIFF of `stored` with the given orientation tag.
QByteArray encodeTiff(const QImage &stored, int orientation)
{
    const QImage rgb = stored.convertToFormat(QImage::Format_RGB888);
    QByteArray out("II*\0\x08\0\0\0", 8);
    const auto put16 = [&out](quint32 v) {
        out += char(v & 0xFF);
        out += char((v >> 8) & 0xFF);
    };
    const auto put32 = [&](quint32 v) {
        put16(v & 0xFFFF);
        put16(v >> 16);
    };
    const quint32 entries = 11;
    const quint32 bitsOffset = 8 + 2 + entries * 12 + 4;
    const quint32 dataOffset = bitsOffset + 6;
    const quint32 dataSize = quint32(rgb.width() * rgb.height() * 3);
    const quint32 tags[entries][3] = {// tag, type (3 SHORT, 4 LONG), value
                                      {256, 3, quint32(rgb.width())},
                                      {257, 3, quint32(rgb.height())},
                                      {258, 3, bitsOffset},
                                      {259, 3, 1},
                                      {262, 3, 2},
                                      {273, 4, dataOffset},
                                      {274, 3, quint32(orientation)},
                                      {277, 3, 3},
                                      {278, 3, quint32(rgb.height())},
                                      {279, 4, dataSize},
                                      {284, 3, 1}};
    put16(entries);
    for (const auto &tag : tags) {
        put16(tag[0]);
        put16(tag[1]);
        put32(tag[0] == 258 ? 3 : 1); // BitsPerSample: 3 values stored at bitsOffset
        if (tag[1] == 3 && tag[0] != 258) {
            put16(tag[2]);
            put16(0);
        } else {
            put32(tag[2]);
        }
    }
    put32(0); // no next IFD
    put16(8);
    put16(8);
    put16(8);
    for (int y = 0; y < rgb.height(); ++y) {
        out += QByteArray(reinterpret_cast<const char *>(rgb.constScanLine(y)), rgb.width() * 3);
    }
    return out;
}

// Where upright pixel (x, y) comes from in the stored image (width w, height h), per EXIF orientation.
QPoint storedPosition(int orientation, int x, int y, int w, int h)
{
    switch (orientation) {
    case 2: return {w - 1 - x, y};
    case 3: return {w - 1 - x, h - 1 - y};
    case 4: return {x, h - 1 - y};
    case 5: return {y, x};
    case 6: return {y, h - 1 - x};
    case 7: return {w - 1 - y, h - 1 - x};
    case 8: return {w - 1 - y, x};
    default: return {x, y};
    }
}

// Checks `upright` is `stored` seen with the given orientation; returns "" or the first mismatch.
QString compareOriented(const QImage &stored, const QImage &upright, int orientation)
{
    const bool swapped = orientation >= 5;
    const QSize expectedSize = swapped ? stored.size().transposed() : stored.size();
    if (upright.size() != expectedSize) {
        return QStringLiteral("size %1x%2").arg(upright.width()).arg(upright.height());
    }
    for (int y = 0; y < upright.height(); ++y) {
        for (int x = 0; x < upright.width(); ++x) {
            const QPoint from = storedPosition(orientation, x, y, stored.width(), stored.height());
            if (upright.pixel(x, y) != stored.pixel(from)) {
                return QStringLiteral("pixel (%1,%2) differs").arg(x).arg(y);
            }
        }
    }
    return {};
}

} // namespace

class ImagePreprocessorTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesReference_data()
    {
        QTest::addColumn<QString>("file");
        const QStringList files = QDir(imagesDir()).entryList(QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 13);
        for (const QString &file : files) {
            QTest::newRow(qPrintable(file)) << file;
        }
    }

    void matchesReference()
    {
        QFETCH(QString, file);
        const PreprocessedImage ours = preprocessImageFile(imagesDir() + QLatin1Char('/') + file, 224);
        QVERIFY2(ours.ok(), qPrintable(ours.error));
        QCOMPARE(ours.size, 224);
        QCOMPARE(ours.pixels.size(), size_t(3 * 224 * 224));

        clip::NpyArray reference;
        std::string error;
        const QString npy = QStringLiteral(CLIPFIND_TEST_DATA "/preprocessed/") + file + QStringLiteral(".npy");
        QVERIFY2(clip::readNpy(npy.toStdString(), &reference, &error), error.c_str());
        QCOMPARE(reference.shape, (std::vector<int64_t>{3, 224, 224}));
        QCOMPARE(reference.values.size(), ours.pixels.size());

        double maxDiff = 0.0;
        double sumDiff = 0.0;
        size_t different = 0;
        for (size_t i = 0; i < ours.pixels.size(); ++i) {
            const double d = std::abs(double(ours.pixels[i]) - double(reference.values[i]));
            maxDiff = std::max(maxDiff, d);
            sumDiff += d;
            different += d != 0.0;
        }
        const double meanDiff = sumDiff / double(ours.pixels.size());
        qInfo("%-30s max|diff| %.3g  mean|diff| %.3g  (%zu of %zu values differ)", qPrintable(file), maxDiff, meanDiff,
              different, ours.pixels.size());
        QVERIFY2(maxDiff <= 0.02, qPrintable(QStringLiteral("max |diff| %1").arg(maxDiff)));
        QVERIFY2(meanDiff <= 0.001, qPrintable(QStringLiteral("mean |diff| %1").arg(meanDiff)));
    }

    void fixtureOrientations_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("orientation");
        QTest::addColumn<QSize>("size");
        QTest::newRow("exif 2") << "mirrored_exif2_800x600.jpg" << 2 << QSize(800, 600);
        QTest::newRow("exif 6") << "portrait_exif6_1600x1200.jpg" << 6 << QSize(1200, 1600);
        QTest::newRow("exif 8") << "rotated_exif8_900x700.jpg" << 8 << QSize(700, 900);
        QTest::newRow("none") << "landscape_2000x1500.jpg" << 1 << QSize(2000, 1500);
        QTest::newRow("tiff") << "tiff_700x500.tiff" << 1 << QSize(700, 500);
        QTest::newRow("gif") << "palette_320x240.gif" << 1 << QSize(320, 240);
    }

    void fixtureOrientations()
    {
        QFETCH(QString, file);
        QFETCH(int, orientation);
        QFETCH(QSize, size);
        const DecodedImage decoded = decodeImage(imagesDir() + QLatin1Char('/') + file);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error));
        QCOMPARE(decoded.exifOrientation, orientation);
        QCOMPARE(decoded.image.size(), size);
        QCOMPARE(decoded.image.format(), QImage::Format_RGB888);
    }

    // All eight orientations, by rewriting the orientation value in a fixture's (big-endian) EXIF block.
    void allJpegOrientations()
    {
        QByteArray jpeg = readBytes(imagesDir() + QStringLiteral("/mirrored_exif2_800x600.jpg"));
        const QByteArray entry("\x01\x12\x00\x03\x00\x00\x00\x01\x00\x02", 10); // tag 0x0112, SHORT, 1, value 2
        const int at = jpeg.indexOf(entry);
        QVERIFY(at > 0);
        jpeg[at + 9] = 1;
        const DecodedImage stored = decodeImageData(jpeg, QStringLiteral("stored.jpg"));
        QVERIFY2(stored.ok(), qPrintable(stored.error));
        QCOMPARE(stored.exifOrientation, 1);
        for (int orientation = 1; orientation <= 8; ++orientation) {
            jpeg[at + 9] = char(orientation);
            const DecodedImage upright = decodeImageData(jpeg, QStringLiteral("oriented.jpg"));
            QVERIFY2(upright.ok(), qPrintable(upright.error));
            QCOMPARE(upright.exifOrientation, orientation);
            const QString problem = compareOriented(stored.image, upright.image, orientation);
            QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("orientation %1: %2").arg(orientation).arg(problem)));
        }
        jpeg[at + 9] = 9; // invalid values are ignored
        QCOMPARE(decodeImageData(jpeg, QStringLiteral("bad.jpg")).image.size(), QSize(800, 600));
    }

    // A PNG eXIf chunk (little-endian TIFF structure) is honoured too; PNG pixels are exact, so compare all.
    void pngExifOrientation()
    {
        QImage source(7, 5, QImage::Format_RGB888);
        for (int y = 0; y < 5; ++y) {
            for (int x = 0; x < 7; ++x) {
                source.setPixel(x, y, qRgb(x * 30, y * 50, (x + y) * 10));
            }
        }
        const QByteArray png = encodePng(source);
        const int idat = png.indexOf("IDAT") - 4;
        QVERIFY(idat > 8);
        for (int orientation = 1; orientation <= 8; ++orientation) {
            const QByteArray withExif =
                png.left(idat) + pngChunk("eXIf", littleEndianExif(orientation)) + png.mid(idat);
            const DecodedImage decoded = decodeImageData(withExif, QStringLiteral("exif.png"));
            QVERIFY2(decoded.ok(), qPrintable(decoded.error));
            QCOMPARE(decoded.exifOrientation, orientation);
            const QString problem = compareOriented(source, decoded.image, orientation);
            QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("orientation %1: %2").arg(orientation).arg(problem)));
        }
    }

    // OpenCV's TIFF reader applies the orientation tag itself; the decoder must not apply it twice.
    void tiffOrientation()
    {
        QImage stored(5, 3, QImage::Format_RGB888);
        for (int y = 0; y < 3; ++y) {
            for (int x = 0; x < 5; ++x) {
                stored.setPixel(x, y, qRgb(x * 50, y * 100, 255 - x * 20));
            }
        }
        for (int orientation = 1; orientation <= 8; ++orientation) {
            const DecodedImage decoded = decodeImageData(encodeTiff(stored, orientation), QStringLiteral("o.tiff"));
            QVERIFY2(decoded.ok(), qPrintable(decoded.error));
            QCOMPARE(decoded.exifOrientation, orientation);
            const QString problem = compareOriented(stored, decoded.image, orientation);
            QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("orientation %1: %2").arg(orientation).arg(problem)));
        }
    }

    // A GIF89a whose transparent palette entry is (200, 100, 50): like Pillow's convert("RGB"), the color
    // stays (alpha dropped, nothing composited). Made with Pillow 9.4: P mode 6x4, transparency=0.
    void gifTransparencyKeepsPaletteColor()
    {
        const QByteArray gif(
            "\x47\x49\x46\x38\x39\x61\x06\x00\x04\x00\x81\x00\x00\xc8\x64\x32\x0a\x14\x1e\x01\x02\x03\x00\x00"
            "\x00\x21\xf9\x04\x01\x00\x00\x00\x00\x2c\x00\x00\x00\x00\x06\x00\x04\x00\x00\x08\x11\x00\x05\x00"
            "\x00\x10\xa0\xe0\x40\x82\x06\x07\x16\x0c\x70\x70\x61\x40\x00\x3b",
            64);
        const DecodedImage decoded = decodeImageData(gif, QStringLiteral("transparent.gif"));
        QVERIFY2(decoded.ok(), qPrintable(decoded.error));
        QCOMPARE(decoded.image.size(), QSize(6, 4));
        QCOMPARE(decoded.image.pixel(1, 1), qRgb(200, 100, 50)); // transparent index 0
        QCOMPARE(decoded.image.pixel(4, 1), qRgb(10, 20, 30));
        QCOMPARE(decoded.image.pixel(0, 0), qRgb(1, 2, 3));
    }

    // Alpha dropped without compositing, palettes expanded, gray replicated, 16-bit -> high byte.
    void pixelFormats()
    {
        QImage argb(4, 3, QImage::Format_ARGB32);
        argb.fill(qRgba(200, 100, 50, 0)); // fully transparent: the color must survive, not become black
        QImage gray(4, 3, QImage::Format_Grayscale8);
        gray.fill(77);
        QImage palette(4, 3, QImage::Format_Indexed8);
        palette.setColorTable({qRgb(10, 20, 30), qRgb(240, 130, 20)});
        palette.fill(1);
        QImage deep(4, 3, QImage::Format_RGBX64);
        deep.fill(QColor::fromRgba64(0xABCD, 0x12FF, 0x0080));

        const struct {
            const char *name;
            QImage image;
            QRgb expected;
        } cases[] = {
            {"alpha.png", argb, qRgb(200, 100, 50)},
            {"gray.png", gray, qRgb(77, 77, 77)},
            {"palette.png", palette, qRgb(240, 130, 20)},
            {"deep.png", deep, qRgb(0xAB, 0x12, 0x00)},
        };
        for (const auto &c : cases) {
            const DecodedImage decoded = decodeImageData(encodePng(c.image), QString::fromLatin1(c.name));
            QVERIFY2(decoded.ok(), qPrintable(decoded.error));
            QCOMPARE(decoded.image.size(), QSize(4, 3));
            QCOMPARE(decoded.image.pixel(2, 1), c.expected);
        }
    }

    void badFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray jpeg = readBytes(imagesDir() + QStringLiteral("/landscape_2000x1500.jpg"));
        QVERIFY(!jpeg.isEmpty());

        struct Case {
            QString name;
            std::function<bool(const QString &)> make;
            QString expected; // a word the message must contain
        };
        QByteArray noise(4096, '\0');
        quint32 state = 7;
        for (char &byte : noise) {
            state = state * 1664525u + 1013904223u;
            byte = char(state >> 24);
        }
        const QByteArray bigPng =
            QByteArray("\x89PNG\r\n\x1A\n", 8)
            + pngChunk("IHDR", bigEndian32(30000) + bigEndian32(20000) + QByteArray("\x08\x02\0\0\0", 5));
        const QList<Case> cases = {
            {QStringLiteral("empty.jpg"), [](const QString &p) { return writeBytes(p, {}); }, QStringLiteral("empty")},
            {QStringLiteral("half.jpg"), [&](const QString &p) { return writeBytes(p, jpeg.left(jpeg.size() / 2)); },
             QStringLiteral("truncated")},
            {QStringLiteral("header only.jpg"), [&](const QString &p) { return writeBytes(p, jpeg.left(300)); },
             QStringLiteral("truncated")},
            {QStringLiteral("noise.jpg"), [&](const QString &p) { return writeBytes(p, noise); },
             QStringLiteral("not a supported image")},
            {QStringLiteral("missing.jpg"), [](const QString &) { return true; }, QStringLiteral("not found")},
            {QStringLiteral("folder.jpg"), [](const QString &p) { return QDir().mkdir(p); },
             QStringLiteral("directory")},
            {QStringLiteral("bomb.png"), [&](const QString &p) { return writeBytes(p, bigPng); },
             QStringLiteral("too large")},
            {QStringLiteral("anim.webp"), // VP8X header with the animation flag, 2x2 (Pillow save_all=True)
             [](const QString &p) {
                 return writeBytes(p, QByteArray("RIFF\x84\0\0\0WEBPVP8X\x0a\0\0\0\x02\0\0\0\x01\0\0\x01\0\0", 30));
             },
             QStringLiteral("animated")},
        };
        for (const Case &c : cases) {
            const QString path = dir.filePath(c.name);
            QVERIFY2(c.make(path), qPrintable(c.name));
            const DecodedImage decoded = decodeImage(path);
            QVERIFY2(!decoded.ok(), qPrintable(c.name));
            QVERIFY(decoded.image.isNull());
            QVERIFY2(decoded.error.contains(c.name) && decoded.error.contains(c.expected), qPrintable(decoded.error));
            const PreprocessedImage preprocessed = preprocessImageFile(path);
            QVERIFY(!preprocessed.ok() && preprocessed.pixels.empty());
            QVERIFY2(preprocessed.error.contains(c.name), qPrintable(preprocessed.error));
            qInfo("%s", qPrintable(decoded.error));
        }

        // Permission bits do not stop root; the directory case above covers unreadable paths for everyone.
        if (geteuid() != 0) {
            const QString locked = dir.filePath(QStringLiteral("locked.jpg"));
            QVERIFY(writeBytes(locked, jpeg));
            QVERIFY(QFile::setPermissions(locked, QFileDevice::Permissions()));
            const DecodedImage decoded = decodeImage(locked);
            QVERIFY2(!decoded.ok() && decoded.error.contains(QStringLiteral("locked.jpg")), qPrintable(decoded.error));
        }
    }

    // Truncated files of every format: an error naming the file, never a crash, an exception or a partly
    // gray image. Only the last byte missing may still decode (e.g. a GIF without its trailer byte).
    void truncatedFormatsDoNotCrash()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QStringList files = QDir(imagesDir()).entryList(QDir::Files, QDir::Name);
        for (const QString &file : files) {
            const QByteArray data = readBytes(imagesDir() + QLatin1Char('/') + file);
            for (const qsizetype keep : {qsizetype(8), qsizetype(64), data.size() / 3, data.size() - 1}) {
                const QString name = QStringLiteral("cut_%1_").arg(keep) + file;
                const QString path = dir.filePath(name);
                QVERIFY(writeBytes(path, data.left(keep)));
                const DecodedImage decoded = decodeImage(path);
                if (!decoded.ok()) {
                    QVERIFY2(decoded.error.contains(name), qPrintable(decoded.error));
                } else {
                    QVERIFY2(keep == data.size() - 1, qPrintable(name + QStringLiteral(" decodes despite truncation")));
                    QVERIFY(!decoded.image.isNull());
                }
            }
        }
    }

    // Content decides the format, not the extension, and any file name works.
    void namesAndExtensions()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString png = imagesDir() + QStringLiteral("/small_120x90.png");
        const QString renamed = dir.filePath(QStringLiteral("really a png.jpg"));
        QVERIFY(QFile::copy(png, renamed));
        const DecodedImage original = decodeImage(png);
        const DecodedImage fromRenamed = decodeImage(renamed);
        QVERIFY2(fromRenamed.ok(), qPrintable(fromRenamed.error));
        QCOMPARE(fromRenamed.image, original.image);

        const QString unicode = dir.filePath(QStringLiteral("фото 日本.jpg"));
        QVERIFY(QFile::copy(imagesDir() + QStringLiteral("/odd_1001x667.jpg"), unicode));
        const PreprocessedImage fromUnicode = preprocessImageFile(unicode);
        QVERIFY2(fromUnicode.ok(), qPrintable(fromUnicode.error));
        const PreprocessedImage reference = preprocessImageFile(imagesDir() + QStringLiteral("/odd_1001x667.jpg"));
        QVERIFY(fromUnicode.pixels == reference.pixels);

        const QString unicodeMissing = dir.filePath(QStringLiteral("нет файла.png"));
        const DecodedImage missing = decodeImage(unicodeMissing);
        QVERIFY2(!missing.ok() && missing.error.contains(QStringLiteral("нет файла.png")), qPrintable(missing.error));
    }

    void preprocessQImage()
    {
        const DecodedImage decoded = decodeImage(imagesDir() + QStringLiteral("/small_120x90.png"));
        QVERIFY2(decoded.ok(), qPrintable(decoded.error));
        const PreprocessedImage fromRgb = preprocessImage(decoded.image);
        QVERIFY(fromRgb.ok());
        const PreprocessedImage fromArgb = preprocessImage(decoded.image.convertToFormat(QImage::Format_ARGB32));
        QVERIFY(fromArgb.ok());
        QVERIFY(fromRgb.pixels == fromArgb.pixels);
        QCOMPARE(preprocessImage(decoded.image, 336).pixels.size(), size_t(3 * 336 * 336));

        const PreprocessedImage empty = preprocessImage(QImage());
        QVERIFY(!empty.ok());
        QVERIFY(empty.pixels.empty());
    }
};

QTEST_GUILESS_MAIN(ImagePreprocessorTest)
#include "imagepreprocessortest.moc"
