// SPDX-License-Identifier: MIT
// HEIC and AVIF through decodeImage(): files encoded at run time from fixture images (libheif's encoders, x265 and
// aom) with every orientation written as irot/imir boxes; their model input is compared with the fixture's reference
// model input (tests/data/preprocessed, made with OpenAI's CLIP code) within a lossy-codec tolerance. Also: the EXIF
// orientation is not applied on top of irot/imir, the EXIF date is read, broken files give one-line errors.
#include "core/clip/formats/npy.h"
#include "core/decode/exifdate.h"
#include "core/decode/imagedecoder.h"
#include "core/decode/imagepreprocessor.h"
#include "heifwriter.h"
#include "testfiles.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace clipfind;
using namespace clipfind::test;

namespace {

QString imagePath(const QString &file)
{
    return QStringLiteral(CLIPFIND_TEST_DATA "/images/") + file;
}

struct Difference {
    double mean = 0;
    double max = 0;
};

// Model input of `ours` against the reference model input of a fixture image, in normalized units.
Difference differenceFromReference(const PreprocessedImage &ours, const QString &file, QString *error)
{
    clip::NpyArray reference;
    std::string problem;
    const QString npy = QStringLiteral(CLIPFIND_TEST_DATA "/preprocessed/") + file + QStringLiteral(".npy");
    if (!clip::readNpy(npy.toStdString(), &reference, &problem) || reference.values.size() != ours.pixels.size()) {
        *error = QStringLiteral("%1: %2").arg(npy, QString::fromStdString(problem));
        return {};
    }
    Difference d;
    for (size_t i = 0; i < ours.pixels.size(); ++i) {
        const double diff = std::fabs(double(ours.pixels[i]) - double(reference.values[i]));
        d.mean += diff;
        d.max = std::max(d.max, diff);
    }
    d.mean /= double(ours.pixels.size());
    return d;
}

// Measured on this machine (Debian 12, libheif 1.15.1; x265 3.5 at quality 90 with preset ultrafast, aom 3.6 at
// quality 90), over the cases below: HEIC mean |diff| 0.0009 (gray) to 0.0121 (the tall PNG's fine detail), max |diff|
// at most 0.100; AVIF mean |diff| 0.0048 to 0.0098, max |diff| at most 0.128 (a few values at sharp colored edges,
// where 4:2:0 chroma subsampling blurs). The limits are a bit above.
constexpr double kMaxMeanDiff = 0.02;
constexpr double kMaxMaxDiff = 0.2;

} // namespace

class HeifDecoderTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QByteArray encode(const QString &file, bool avif, int orientation, const QByteArray &exif = {})
    {
        const QImage upright(imagePath(file)); // Qt's own decoder: independent of ours
        QString error;
        const QByteArray bytes =
            encodeHeif(storedForOrientation(upright, orientation), avif, 90, orientation, exif, &error);
        if (bytes.isEmpty()) {
            qWarning("%s", qPrintable(error));
        }
        return bytes;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void modelInputMatchesSource_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("avif");
        QTest::addColumn<int>("orientation");
        for (int orientation = 1; orientation <= 8; ++orientation) {
            QTest::addRow("avif odd, orientation %d", orientation) << "odd_1001x667.jpg" << true << orientation;
        }
        for (int orientation : {1, 3, 6, 7}) {
            QTest::addRow("heic odd, orientation %d", orientation) << "odd_1001x667.jpg" << false << orientation;
        }
        QTest::addRow("heic tall png, orientation 8") << "tall_500x2000.png" << false << 8;
        QTest::addRow("avif gray, orientation 5") << "gray_800x600.jpg" << true << 5;
        QTest::addRow("heic gray, orientation 2") << "gray_800x600.jpg" << false << 2;
    }

    void modelInputMatchesSource()
    {
        QFETCH(QString, file);
        QFETCH(bool, avif);
        QFETCH(int, orientation);
        const QByteArray bytes = encode(file, avif, orientation);
        QVERIFY(!bytes.isEmpty());
        const QString path = m_dir.filePath(QStringLiteral("photo %1.%2").arg(orientation).arg(avif ? "avif" : "heic"));
        QVERIFY(writeBytes(path, bytes));

        const DecodedImage decoded = decodeImage(path);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error));
        QCOMPARE(decoded.image.size(), QImage(imagePath(file)).size()); // upright: irot/imir applied
        QCOMPARE(decoded.exifOrientation, 1);

        const PreprocessedImage input = preprocessImageFile(path); // the exact pipeline every format goes through
        QVERIFY2(input.ok(), qPrintable(input.error));
        QString error;
        const Difference d = differenceFromReference(input, file, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        qInfo("%s %s orientation %d: mean |diff| %.4f, max |diff| %.3f", avif ? "AVIF" : "HEIC", qPrintable(file),
              orientation, d.mean, d.max);
        QVERIFY2(d.mean <= kMaxMeanDiff, qPrintable(QString::number(d.mean)));
        QVERIFY2(d.max <= kMaxMaxDiff, qPrintable(QString::number(d.max)));

        // The fast (indexing) pipeline decodes HEIF at full size: the same model input.
        QCOMPARE(preprocessImageFileFast(path).pixels, input.pixels);
    }

    // The HEIF spec makes the EXIF orientation informational: irot/imir are the truth. A file whose EXIF still says 6
    // next to a 90-degree irot must come out upright, not turned twice.
    void exifOrientationIsNotAppliedAgain()
    {
        const QByteArray exif = exifTiff(6, "2021:07:04 18:30:05");
        const QByteArray bytes = encode(QStringLiteral("odd_1001x667.jpg"), false, 6, exif);
        QVERIFY(!bytes.isEmpty());
        QVERIFY(bytes.contains(exif)); // libheif stored the EXIF as given: its orientation still says 6
        const QString path = m_dir.filePath(QStringLiteral("with exif.heic"));
        QVERIFY(writeBytes(path, bytes));
        const DecodedImage decoded = decodeImage(path);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error));
        QCOMPARE(decoded.image.size(), QSize(1001, 667));
        QString error;
        const Difference d =
            differenceFromReference(preprocessImageFile(path), QStringLiteral("odd_1001x667.jpg"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(d.mean <= kMaxMeanDiff, qPrintable(QString::number(d.mean)));

        // Date taken from the EXIF item (no offset tag: local time).
        QCOMPARE(readExifDateTaken(path), QDateTime(QDate(2021, 7, 4), QTime(18, 30, 5), Qt::LocalTime));
    }

    void noExifNoDate()
    {
        const QString path = m_dir.filePath(QStringLiteral("plain.avif"));
        QVERIFY(writeBytes(path, encode(QStringLiteral("gray_800x600.jpg"), true, 1)));
        QVERIFY(!readExifDateTaken(path).isValid());
    }

    void brokenFilesGiveOneLineErrors()
    {
        const QByteArray heic = encode(QStringLiteral("gray_800x600.jpg"), false, 1);
        QVERIFY(heic.size() > 2000);
        const int ftypSize =
            (quint8(heic[0]) << 24) | (quint8(heic[1]) << 16) | (quint8(heic[2]) << 8) | quint8(heic[3]);
        QByteArray garbledMeta = heic;
        for (int i = ftypSize + 8; i < ftypSize + 400; ++i) {
            garbledMeta[i] = char(0x5A ^ garbledMeta[i]);
        }
        const struct {
            const char *name;
            QByteArray bytes;
            const char *expected;
        } cases[] = {
            {"header only.heic", heic.left(ftypSize + 40), "truncated or corrupt HEIC file"},
            {"half.heic", heic.left(heic.size() / 2), "truncated or corrupt HEIC file"},
            {"last byte cut.heic", heic.left(heic.size() - 1), "truncated or corrupt HEIC file"},
            {"garbled.heic", garbledMeta, "HEIC"},
            {"ftyp only.avif", encode(QStringLiteral("gray_800x600.jpg"), true, 1).left(ftypSize), "AVIF"},
        };
        for (const auto &c : cases) {
            const QString path = m_dir.filePath(QLatin1String(c.name));
            QVERIFY(writeBytes(path, c.bytes));
            const DecodedImage decoded = decodeImage(path);
            QVERIFY2(!decoded.ok(), c.name);
            QVERIFY(decoded.image.isNull());
            QVERIFY2(decoded.error.startsWith(QLatin1String(c.name) + QLatin1String(": ")), qPrintable(decoded.error));
            QVERIFY2(decoded.error.contains(QLatin1String(c.expected)), qPrintable(decoded.error));
            QVERIFY2(!decoded.error.contains(QLatin1Char('\n')), qPrintable(decoded.error));
            QVERIFY2(!preprocessImageFile(path).ok(), c.name);
            qInfo("%s", qPrintable(decoded.error));
        }
    }

    // The size in the 'ispe' box (what libheif reports before decoding) is checked against the 200-megapixel limit.
    void hugeImageIsRefusedBeforeDecoding()
    {
        QByteArray heic = encode(QStringLiteral("gray_800x600.jpg"), false, 1);
        const int ispe = heic.indexOf("ispe");
        QVERIFY(ispe > 0);
        const QByteArray huge("\x00\x00\x4E\x20\x00\x00\x4E\x20", 8); // 20000 x 20000 = 400 megapixels
        heic.replace(ispe + 8, 8, huge);
        const DecodedImage decoded = decodeImageData(heic, QStringLiteral("huge.heic"));
        QVERIFY(!decoded.ok());
        QVERIFY2(decoded.error.startsWith(QLatin1String("huge.heic: image too large (20000 x 20000")),
                 qPrintable(decoded.error));
    }
};

QTEST_GUILESS_MAIN(HeifDecoderTest)
#include "heifdecodertest.moc"
