// SPDX-License-Identifier: MIT
// The container reader shared by the decoder and the EXIF date reader, on hand-built bytes: how the JPEG marker walk
// ends, what the TIFF IFD reader finds in both byte orders, and that nothing reads outside the bytes.
#include "core/decode/exifreader.h"

#include <QtTest>

#include <array>
#include <limits>

using namespace clipfind;

namespace {

QByteArray segment(quint8 marker, const QByteArray &payload)
{
    const int length = int(payload.size()) + 2;
    return QByteArray("\xFF", 1) + char(marker) + char(length >> 8) + char(length & 0xff) + payload;
}

struct Walk {
    JpegWalkEnd end = JpegWalkEnd::Malformed;
    QList<quint32> markers;
    QList<QByteArray> payloads;
    qint64 scanAt = -1;
};

Walk walk(const QByteArray &jpeg, int stopAfter = -1)
{
    Walk result;
    const ByteView view(jpeg);
    result.end = walkJpegSegments(
        view,
        [&](const JpegSegment &s) {
            result.markers.append(s.marker);
            result.payloads.append(QByteArray(reinterpret_cast<const char *>(s.payload.data()), int(s.payload.size())));
            return result.markers.size() != stopAfter;
        },
        &result.scanAt);
    return result;
}

// A TIFF header and one IFD at offset 8: entries of (tag, type, count, 4-byte value field), next-IFD 0, then `data`.
QByteArray tiff(bool bigEndian, const QList<std::array<quint32, 4>> &entries, const QByteArray &data = {})
{
    QByteArray out = bigEndian ? QByteArray("MM\0*", 4) : QByteArray("II*\0", 4);
    const auto put = [&](quint32 value, int bytes) {
        for (int i = 0; i < bytes; ++i) {
            const int shift = bigEndian ? 8 * (bytes - 1 - i) : 8 * i;
            out.append(char((value >> shift) & 0xff));
        }
    };
    put(8, 4);
    put(quint32(entries.size()), 2);
    for (const auto &[tag, type, count, value] : entries) {
        put(tag, 2);
        put(type, 2);
        put(count, 4);
        if (type == 3) { // a SHORT sits in the first two bytes of the field
            put(value, 2);
            put(0, 2);
        } else {
            put(value, 4);
        }
    }
    put(0, 4);
    return out + data;
}

} // namespace

class ExifReaderTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void byteViewNeverReadsOutside()
    {
        const QByteArray bytes("\x01\x02\x03\x04", 4);
        const ByteView view(bytes);
        QCOMPARE(view.u32(0, true), 0x01020304u);
        QCOMPARE(view.u32(0, false), 0x04030201u);
        QCOMPARE(view.u16(3, true), 0x0400u); // the byte past the end reads as 0
        QCOMPARE(view.u8(-1), 0u);
        QCOMPARE(view.u8(4), 0u);
        QVERIFY(view.has(0, 4));
        QVERIFY(!view.has(1, 4));
        QVERIFY(!view.has(std::numeric_limits<qint64>::max(), 1));
        QVERIFY(!view.has(1, std::numeric_limits<qint64>::max()));
        QCOMPARE(view.sub(2, 3).size(), qint64(0));
        QCOMPARE(view.sub(2, 2).u16(0, true), 0x0304u);
        QVERIFY(view.matches(1, "\x02\x03"));
        QVERIFY(!view.matches(3, "\x04\x05"));
    }

    void jpegWalkReachesTheScan()
    {
        const QByteArray jpeg = QByteArray("\xFF\xD8", 2) + segment(0xE0, "JFIF") + QByteArray("\xFF\xFF", 2) // fill
                                + QByteArray("\xFF\xD0", 2)                                                   // RST0
                                + segment(0xE1, QByteArray("Exif\0\0II", 8)) + segment(0xC0, QByteArray(15, '\x01'))
                                + QByteArray("\xFF\xDA\x00\x02\x12\x34\xFF\xD9", 8);
        const Walk w = walk(jpeg);
        QCOMPARE(int(w.end), int(JpegWalkEnd::StartOfScan));
        QCOMPARE(w.markers, (QList<quint32>{0xE0, 0xE1, 0xC0}));
        QCOMPARE(w.payloads.at(0), QByteArray("JFIF"));
        QCOMPARE(w.payloads.at(1), QByteArray("Exif\0\0II", 8));
        QCOMPARE(w.payloads.at(2).size(), 15);
        QCOMPARE(w.scanAt, qint64(jpeg.indexOf("\xFF\xDA")));
        QCOMPARE(int(walk(jpeg, 2).end), int(JpegWalkEnd::Stopped));
        QCOMPARE(walk(jpeg, 2).markers.size(), 2);
    }

    void jpegWalkEnds_data()
    {
        QTest::addColumn<QByteArray>("jpeg");
        QTest::addColumn<int>("end");
        QTest::addColumn<int>("visited");
        const QByteArray soi("\xFF\xD8", 2);
        const QByteArray app0 = segment(0xE0, "JFIF");
        QTest::newRow("only SOI") << soi << int(JpegWalkEnd::Truncated) << 0;
        QTest::newRow("cut in a length") << soi + app0.left(3) << int(JpegWalkEnd::Truncated) << 0;
        QTest::newRow("segment past the end") << soi + app0.left(app0.size() - 1) << int(JpegWalkEnd::Truncated) << 0;
        QTest::newRow("no scan") << soi + app0 << int(JpegWalkEnd::Truncated) << 1;
        QTest::newRow("not a marker") << soi + app0 + "xy" << int(JpegWalkEnd::Malformed) << 1;
        QTest::newRow("length 1") << soi + QByteArray("\xFF\xE1\x00\x01", 4) << int(JpegWalkEnd::Malformed) << 0;
        QTest::newRow("end of image first")
            << soi + app0 + QByteArray("\xFF\xD9", 2) << int(JpegWalkEnd::EndOfImage) << 1;
    }

    void jpegWalkEnds()
    {
        QFETCH(QByteArray, jpeg);
        QFETCH(int, end);
        QFETCH(int, visited);
        const Walk w = walk(jpeg);
        QCOMPARE(int(w.end), end);
        QCOMPARE(w.markers.size(), visited);
    }

    void tiffEntriesInBothByteOrders()
    {
        for (const bool bigEndian : {false, true}) {
            // After the 2 + 4 * 12 + 4 bytes of the IFD at 8, the long ASCII value starts at 62.
            const QByteArray bytes = tiff(bigEndian,
                                          {{0x0100, 4, 1, 4000},  // LONG width
                                           {0x0112, 3, 1, 6},     // SHORT orientation
                                           {0x0132, 2, 20, 62},   // ASCII, 20 bytes at 62
                                           {0x8769, 4, 1, 1234}}, // pointer
                                          QByteArray("2021:07:04 18:30:05\0", 20));
            const TiffReader reader{ByteView(bytes)};
            QVERIFY(reader.isValid());
            QCOMPARE(reader.firstIfd(), 8u);
            const auto width = reader.find(8, 0x0100);
            QVERIFY(width);
            QCOMPARE(reader.number(*width), std::optional<quint32>(4000));
            QCOMPARE(reader.offset(*width), std::optional<quint32>(4000));
            const auto orientation = reader.find(8, 0x0112);
            QVERIFY(orientation);
            QCOMPARE(reader.number(*orientation), std::optional<quint32>(6));
            QVERIFY(!reader.offset(*orientation)); // a SHORT is no offset
            const auto date = reader.find(8, 0x0132);
            QVERIFY(date);
            QCOMPARE(reader.ascii(*date, 64), std::optional<QByteArray>("2021:07:04 18:30:05"));
            QVERIFY(!reader.ascii(*date, 19));   // longer than allowed
            QVERIFY(!reader.number(*date));      // text is no number
            QVERIFY(!reader.find(8, 0x0101));    // absent
            QVERIFY(!reader.find(1234, 0x0100)); // an IFD outside the bytes
        }
    }

    void tiffRejectsMalformedDirectories()
    {
        QVERIFY(!TiffReader(ByteView(QByteArray("II+\0\x08\0\0\0", 8))).isValid()); // magic 43
        QVERIFY(!TiffReader(ByteView(QByteArray("MM\0*\0\0", 6))).isValid());       // no IFD offset
        const QByteArray bytes = tiff(false, {{0x0100, 4, 1, 4000}, {0x0101, 4, 1, 3000}});
        QVERIFY(TiffReader(ByteView(bytes)).find(8, 0x0101));
        // The same directory cut inside its second entry: the entry is not read.
        QVERIFY(!TiffReader(ByteView(bytes.left(8 + 2 + 12 + 6))).find(8, 0x0101));
        // More than 1000 entries is garbage, whatever follows.
        QByteArray huge = bytes;
        huge[8] = char(0xe9); // 1001 = 0x03e9
        huge[9] = char(0x03);
        huge.append(QByteArray(12 * 1001, '\0'));
        QVERIFY(!TiffReader(ByteView(huge)).find(8, 0x0100));
        // An ASCII value whose offset points past the end.
        const QByteArray farText = tiff(false, {{0x0132, 2, 20, 0x7ffffff0}});
        const TiffReader far{ByteView(farText)};
        QVERIFY(!far.ascii(*far.find(8, 0x0132), 64));
    }

    void exifPayloads()
    {
        const QByteArray inner = tiff(true, {{0x0112, 3, 1, 8}});
        for (const QByteArray &payload : {QByteArray("Exif\0\0", 6) + inner, inner}) {
            const ByteView tiffBytes = tiffInExif(ByteView(payload));
            const TiffReader reader(tiffBytes);
            QVERIFY(reader.isValid());
            QCOMPARE(reader.number(*reader.find(reader.firstIfd(), 0x0112)), std::optional<quint32>(8));
        }
        QVERIFY(isJpegStartOfFrame(0xC0));
        QVERIFY(isJpegStartOfFrame(0xC2));
        QVERIFY(!isJpegStartOfFrame(0xC4)); // DHT
        QVERIFY(!isJpegStartOfFrame(0xCC)); // DAC
        QVERIFY(!isJpegStartOfFrame(0xE1));
    }
};

QTEST_GUILESS_MAIN(ExifReaderTest)
#include "exifreadertest.moc"
