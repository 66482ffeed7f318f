// SPDX-License-Identifier: MIT
// The EXIF date reader on hand-built TIFF/JPEG bytes (both byte orders, tag precedence, time offsets) and on
// damaged input: truncated at every length, bytes overwritten, offsets and counts pointing anywhere.
#include "core/decode/exifdate.h"

#include "fixturedata.h"
#include "testfiles.h"

#include <QTemporaryDir>
#include <QTimeZone>
#include <QtTest>

using namespace clipfind;

namespace {

struct Tag {
    quint16 tag;
    QByteArray ascii; // without the terminating NUL
};

// A TIFF with IFD0 (optional DateTime, pointer to the Exif IFD) and an Exif IFD, data after each IFD.
class TiffBuilder
{
public:
    explicit TiffBuilder(bool bigEndian)
        : m_big(bigEndian)
    {
    }

    QByteArray build(const std::vector<Tag> &ifd0, const std::vector<Tag> &exif) const
    {
        QByteArray out = m_big ? QByteArray("MM", 2) : QByteArray("II", 2);
        put16(out, 42);
        put32(out, 8);
        const int ifd0Entries = int(ifd0.size()) + 1;
        const quint32 ifd0Size = 2 + 12 * ifd0Entries + 4;
        const quint32 ifd0Data = 8 + ifd0Size;
        quint32 ifd0DataSize = 0;
        for (const Tag &t : ifd0) {
            ifd0DataSize += t.ascii.size() + 1 > 4 ? quint32(t.ascii.size() + 1) : 0;
        }
        const quint32 exifAt = ifd0Data + ifd0DataSize;
        writeIfd(out, ifd0, ifd0Data, {{0x8769, exifAt}});
        writeIfd(out, exif, exifAt + 2 + 12 * quint32(exif.size()) + 4, {});
        return out;
    }

private:
    void put16(QByteArray &out, quint16 v) const
    {
        out.append(m_big ? char(v >> 8) : char(v & 0xff));
        out.append(m_big ? char(v & 0xff) : char(v >> 8));
    }
    void put32(QByteArray &out, quint32 v) const
    {
        for (int i = 0; i < 4; ++i) {
            const int shift = m_big ? 24 - 8 * i : 8 * i;
            out.append(char((v >> shift) & 0xff));
        }
    }
    // Entries (ASCII tags, then LONG pointers), next-IFD 0, then the ASCII data longer than 4 bytes.
    void writeIfd(QByteArray &out, const std::vector<Tag> &tags, quint32 dataAt,
                  const std::vector<std::pair<quint16, quint32>> &pointers) const
    {
        put16(out, quint16(tags.size() + pointers.size()));
        QByteArray data;
        for (const Tag &t : tags) {
            const QByteArray value = t.ascii + '\0';
            put16(out, t.tag);
            put16(out, 2);
            put32(out, quint32(value.size()));
            if (value.size() <= 4) {
                out.append(value.leftJustified(4, '\0'));
            } else {
                put32(out, dataAt + quint32(data.size()));
                data.append(value);
            }
        }
        for (const auto &[tag, offset] : pointers) {
            put16(out, tag);
            put16(out, 4);
            put32(out, 1);
            put32(out, offset);
        }
        put32(out, 0);
        out.append(data);
    }

    bool m_big;
};

QByteArray jpegWith(const QByteArray &tiff)
{
    QByteArray jpeg("\xFF\xD8", 2);
    const QByteArray jfif("JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14);
    jpeg += QByteArray("\xFF\xE0", 2) + char((jfif.size() + 2) >> 8) + char((jfif.size() + 2) & 0xff) + jfif;
    const QByteArray app1 = QByteArray("Exif\0\0", 6) + tiff;
    jpeg += QByteArray("\xFF\xE1", 2) + char((app1.size() + 2) >> 8) + char((app1.size() + 2) & 0xff) + app1;
    jpeg += QByteArray("\xFF\xDA\x00\x02\x12\x34\xFF\xD9", 8);
    return jpeg;
}

const QByteArray kOriginal("2021:07:04 18:30:05");
const QByteArray kDigitized("2019:01:02 03:04:05");
const QByteArray kModified("2024:12:31 23:59:59");

} // namespace

class ExifDateTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsDateTimeOriginal_data()
    {
        QTest::addColumn<bool>("bigEndian");
        QTest::addColumn<bool>("inJpeg");
        QTest::newRow("II tiff") << false << false;
        QTest::newRow("MM tiff") << true << false;
        QTest::newRow("II jpeg") << false << true;
        QTest::newRow("MM jpeg") << true << true;
    }

    void readsDateTimeOriginal()
    {
        QFETCH(bool, bigEndian);
        QFETCH(bool, inJpeg);
        const QByteArray tiff =
            TiffBuilder(bigEndian).build({{0x0132, kModified}}, {{0x9004, kDigitized}, {0x9003, kOriginal}});
        const QDateTime taken = exifDateTaken(inJpeg ? jpegWith(tiff) : tiff);
        QCOMPARE(taken, QDateTime(QDate(2021, 7, 4), QTime(18, 30, 5), Qt::LocalTime));
    }

    void usesTheTimeOffset()
    {
        const QByteArray tiff = TiffBuilder(true).build({}, {{0x9003, kOriginal}, {0x9011, "+02:00"}});
        const QDateTime taken = exifDateTaken(jpegWith(tiff));
        QCOMPARE(taken.toUTC(), QDateTime(QDate(2021, 7, 4), QTime(16, 30, 5), Qt::UTC));
        const QByteArray west = TiffBuilder(false).build({}, {{0x9003, kOriginal}, {0x9011, "-05:30"}});
        QCOMPARE(exifDateTaken(west).toUTC(), QDateTime(QDate(2021, 7, 5), QTime(0, 0, 5), Qt::UTC));
    }

    void fallsBackInOrder()
    {
        const QDateTime digitized(QDate(2019, 1, 2), QTime(3, 4, 5), Qt::LocalTime);
        const QDateTime modified(QDate(2024, 12, 31), QTime(23, 59, 59), Qt::LocalTime);
        TiffBuilder le(false);
        QCOMPARE(exifDateTaken(le.build({{0x0132, kModified}}, {{0x9004, kDigitized}})), digitized);
        QCOMPARE(
            exifDateTaken(le.build({{0x0132, kModified}}, {{0x9003, "0000:00:00 00:00:00"}, {0x9004, kDigitized}})),
            digitized);
        QCOMPARE(exifDateTaken(le.build({{0x0132, kModified}}, {{0x9003, "                   "}})), modified);
        QVERIFY(!exifDateTaken(le.build({}, {{0x9003, "2021:13:40 25:61:00"}})).isValid());
        QVERIFY(!exifDateTaken(le.build({}, {{0x010f, "Camera maker"}})).isValid());
    }

    // Every prefix of a valid file and every single overwritten byte: no crash, and a date only when the bytes
    // that hold it are intact.
    void damagedInputNeverCrashes()
    {
        const QByteArray jpeg = jpegWith(TiffBuilder(false).build({{0x0132, kModified}}, {{0x9003, kOriginal}}));
        const QDateTime expected(QDate(2021, 7, 4), QTime(18, 30, 5), Qt::LocalTime);
        QCOMPARE(exifDateTaken(jpeg), expected);
        int truncatedDates = 0;
        for (int n = 0; n < jpeg.size(); ++n) {
            const QByteArray prefix = jpeg.left(n); // a detached copy: reading past its end is a real overrun
            const QDateTime taken = exifDateTaken(prefix);
            truncatedDates += taken.isValid() ? 1 : 0;
        }
        // The APP1 length covers the whole TIFF, so a cut anywhere inside it hides the date.
        QCOMPARE(truncatedDates, 8); // only the cuts inside the trailing SOS/EOI bytes keep it
        for (int i = 0; i < jpeg.size(); ++i) {
            for (const char value : {'\x00', '\xff', '\x7f'}) {
                QByteArray damaged = jpeg;
                damaged[i] = value;
                (void)exifDateTaken(damaged);
            }
        }
    }

    void hostileOffsetsAreRejected()
    {
        // IFD0 offset beyond the end, IFD with 65535 entries, Exif pointer to itself, date offset beyond the end.
        QVERIFY(!exifDateTaken(QByteArray("II\x2a\0\xff\xff\xff\x7f", 8)).isValid());
        QVERIFY(!exifDateTaken(QByteArray("MM\0\x2a\0\0\0\x08\xff\xff", 10) + QByteArray(64, '\0')).isValid());
        QByteArray loop("II\x2a\0\x08\0\0\0\x01\0\x69\x87\x04\0\x01\0\0\0\x08\0\0\0\0\0\0\0", 26);
        QVERIFY(!exifDateTaken(loop).isValid());
        QByteArray farDate("II\x2a\0\x08\0\0\0\x01\0\x32\x01\x02\0\x14\0\0\0\xf0\xff\xff\xff\0\0\0\0", 26);
        QVERIFY(!exifDateTaken(farDate).isValid());
        QVERIFY(!exifDateTaken(QByteArray("\xFF\xD8\xFF\xE1\x00\x01", 6)).isValid());
        QVERIFY(!exifDateTaken(QByteArray()).isValid());
    }

    // Real camera-style JPEGs from the fixtures carry EXIF (orientation) but no date.
    void realPhotosWithoutDates()
    {
        for (const char *name : {"portrait_exif6_1600x1200.jpg", "rotated_exif8_900x700.jpg", "gray_800x600.jpg"}) {
            const QString path = test::dataPath(QStringLiteral("images/") + QLatin1String(name));
            QVERIFY(QFileInfo::exists(path));
            QVERIFY2(!readExifDateTaken(path).isValid(), name);
        }
        QVERIFY(!readExifDateTaken(QStringLiteral("/no/such/file.jpg")).isValid());
    }

    // A real JPEG with a dated EXIF segment put in front of its own: the date is read from the file.
    void readsTheDateFromAFile()
    {
        QTemporaryDir dir;
        const QByteArray original =
            test::readBytes(test::dataPath(QStringLiteral("images/portrait_exif6_1600x1200.jpg")));
        QVERIFY(original.startsWith("\xFF\xD8"));
        const QByteArray app1 =
            jpegWith(TiffBuilder(true).build({}, {{0x9003, kOriginal}})).mid(2 + 18); // our APP1 + SOS
        const QByteArray dated = original.left(2) + app1.left(app1.size() - 8) + original.mid(2);
        const QString path = dir.filePath(QStringLiteral("dated.jpg"));
        QVERIFY(test::writeBytes(path, dated));
        QCOMPARE(readExifDateTaken(path), QDateTime(QDate(2021, 7, 4), QTime(18, 30, 5), Qt::LocalTime));
    }
};

QTEST_GUILESS_MAIN(ExifDateTest)
#include "exifdatetest.moc"
