// SPDX-License-Identifier: MIT
#include "core/decode/exifdate.h"

#include <QFile>
#include <QTimeZone>

#include <cstring>
#include <optional>

namespace clipfind {

namespace {

constexpr qint64 kHeaderBytes = 256 * 1024;
constexpr int kMaxIfdEntries = 1000; // real IFDs have a few dozen; more means garbage

constexpr quint16 kTagDateTime = 0x0132;
constexpr quint16 kTagExifIfd = 0x8769;
constexpr quint16 kTagDateTimeOriginal = 0x9003;
constexpr quint16 kTagDateTimeDigitized = 0x9004;
constexpr quint16 kTagOffsetTime = 0x9010;
constexpr quint16 kTagOffsetTimeOriginal = 0x9011;
constexpr quint16 kTagOffsetTimeDigitized = 0x9012;
constexpr quint16 kTypeAscii = 2;

// A TIFF structure inside a byte range; every read is bounds-checked and fails softly.
class Tiff
{
public:
    Tiff(const uchar *data, qint64 size) : m_data(data), m_size(size) {}

    bool readHeader(quint32 *firstIfd)
    {
        if (m_size < 8) {
            return false;
        }
        if (m_data[0] == 'I' && m_data[1] == 'I') {
            m_littleEndian = true;
        } else if (m_data[0] == 'M' && m_data[1] == 'M') {
            m_littleEndian = false;
        } else {
            return false;
        }
        quint16 magic = 0;
        return u16(2, &magic) && magic == 42 && u32(4, firstIfd);
    }

    /// The value of an ASCII tag in the IFD at `ifd`, or of a LONG tag (as text) for pointers.
    std::optional<QByteArray> ascii(quint32 ifd, quint16 tag) const
    {
        quint32 count = 0, valueOffset = 0;
        quint16 type = 0;
        if (!find(ifd, tag, &type, &count, &valueOffset) || type != kTypeAscii || count == 0 || count > 64) {
            return std::nullopt;
        }
        // Up to 4 bytes sit in the entry itself; longer values are elsewhere.
        const qint64 start = count <= 4 ? qint64(valueOffset) : qint64(offsetField(valueOffset));
        if (start < 0 || start + count > m_size) {
            return std::nullopt;
        }
        QByteArray value(reinterpret_cast<const char *>(m_data + start), int(count));
        const int nul = value.indexOf('\0');
        return nul >= 0 ? value.left(nul) : value;
    }

    std::optional<quint32> pointer(quint32 ifd, quint16 tag) const
    {
        quint32 count = 0, value = 0;
        quint16 type = 0;
        if (!find(ifd, tag, &type, &count, &value) || (type != 4 && type != 13) || count != 1) {
            return std::nullopt;
        }
        return offsetField(value);
    }

private:
    bool u16(qint64 at, quint16 *out) const
    {
        if (at < 0 || at + 2 > m_size) {
            return false;
        }
        const uchar *p = m_data + at;
        *out = m_littleEndian ? quint16(p[0] | (p[1] << 8)) : quint16((p[0] << 8) | p[1]);
        return true;
    }

    bool u32(qint64 at, quint32 *out) const
    {
        if (at < 0 || at + 4 > m_size) {
            return false;
        }
        const uchar *p = m_data + at;
        *out = m_littleEndian ? quint32(p[0]) | (quint32(p[1]) << 8) | (quint32(p[2]) << 16) | (quint32(p[3]) << 24)
                              : (quint32(p[0]) << 24) | (quint32(p[1]) << 16) | (quint32(p[2]) << 8) | quint32(p[3]);
        return true;
    }

    // The 4-byte value field was read as an address of the entry (see find); turn it into the number it holds.
    quint32 offsetField(quint32 entryValueAt) const
    {
        quint32 v = 0;
        return u32(entryValueAt, &v) ? v : quint32(-1);
    }

    // Finds `tag` in the IFD at `ifd`. *value is the position of the entry's 4-byte value field (the value itself
    // for data of up to 4 bytes, else the offset of the data).
    bool find(quint32 ifd, quint16 tag, quint16 *type, quint32 *count, quint32 *value) const
    {
        quint16 entries = 0;
        if (!u16(ifd, &entries) || entries > kMaxIfdEntries) {
            return false;
        }
        for (quint32 i = 0; i < entries; ++i) {
            const qint64 entry = qint64(ifd) + 2 + 12 * qint64(i);
            quint16 entryTag = 0;
            if (!u16(entry, &entryTag) || entry + 12 > m_size) {
                return false;
            }
            if (entryTag == tag) {
                return u16(entry + 2, type) && u32(entry + 4, count) && (*value = quint32(entry + 8), true);
            }
        }
        return false;
    }

    const uchar *m_data;
    qint64 m_size;
    bool m_littleEndian = true;
};

// "YYYY:MM:DD HH:MM:SS" (the EXIF form; blanks or zeros mean unknown) plus an optional "+HH:MM" offset.
QDateTime parseExifDate(const QByteArray &text, const std::optional<QByteArray> &offset)
{
    if (text.size() < 19) {
        return {};
    }
    auto number = [&](int at, int digits, int *out) {
        int v = 0;
        for (int i = 0; i < digits; ++i) {
            const char c = text.at(at + i);
            if (c < '0' || c > '9') {
                return false;
            }
            v = v * 10 + (c - '0');
        }
        *out = v;
        return true;
    };
    int year, month, day, hour, minute, second;
    if (!number(0, 4, &year) || text.at(4) != ':' || !number(5, 2, &month) || text.at(7) != ':' || !number(8, 2, &day)
        || !number(11, 2, &hour) || text.at(13) != ':' || !number(14, 2, &minute) || text.at(16) != ':'
        || !number(17, 2, &second)) {
        return {};
    }
    const QDate date(year, month, day);
    const QTime time(hour, minute, second);
    if (!date.isValid() || !time.isValid() || year < 1800) {
        return {};
    }
    if (offset && offset->size() >= 6 && (offset->at(0) == '+' || offset->at(0) == '-') && offset->at(3) == ':') {
        bool okHours = false, okMinutes = false;
        const int hours = offset->mid(1, 2).toInt(&okHours);
        const int minutes = offset->mid(4, 2).toInt(&okMinutes);
        if (okHours && okMinutes && hours <= 14 && minutes < 60) {
            const int seconds = (hours * 3600 + minutes * 60) * (offset->at(0) == '-' ? -1 : 1);
            return QDateTime(date, time, QTimeZone(seconds));
        }
    }
    return QDateTime(date, time, Qt::LocalTime);
}

QDateTime dateFromTiff(const uchar *data, qint64 size)
{
    Tiff tiff(data, size);
    quint32 ifd0 = 0;
    if (!tiff.readHeader(&ifd0)) {
        return {};
    }
    if (const std::optional<quint32> exif = tiff.pointer(ifd0, kTagExifIfd)) {
        for (const auto &[dateTag, offsetTag] : {std::pair{kTagDateTimeOriginal, kTagOffsetTimeOriginal},
                                                 std::pair{kTagDateTimeDigitized, kTagOffsetTimeDigitized}}) {
            if (const std::optional<QByteArray> text = tiff.ascii(*exif, dateTag)) {
                const QDateTime taken = parseExifDate(*text, tiff.ascii(*exif, offsetTag));
                if (taken.isValid()) {
                    return taken;
                }
            }
        }
    }
    if (const std::optional<QByteArray> text = tiff.ascii(ifd0, kTagDateTime)) {
        const std::optional<quint32> exif = tiff.pointer(ifd0, kTagExifIfd);
        return parseExifDate(*text, exif ? tiff.ascii(*exif, kTagOffsetTime) : std::nullopt);
    }
    return {};
}

} // namespace

QDateTime exifDateTaken(const QByteArray &bytes)
{
    const auto *data = reinterpret_cast<const uchar *>(bytes.constData());
    const qint64 size = bytes.size();
    if (size >= 4 && ((data[0] == 'I' && data[1] == 'I') || (data[0] == 'M' && data[1] == 'M'))) {
        return dateFromTiff(data, size);
    }
    if (size < 4 || data[0] != 0xFF || data[1] != 0xD8) {
        return {};
    }
    // JPEG: walk the marker segments before the image data looking for APP1 "Exif\0\0".
    qint64 pos = 2;
    while (pos + 4 <= size) {
        if (data[pos] != 0xFF) {
            return {};
        }
        const uchar marker = data[pos + 1];
        if (marker == 0xFF) { // fill byte
            ++pos;
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA) { // end of image, start of scan: no EXIF before the data
            return {};
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // markers without a length
            pos += 2;
            continue;
        }
        const qint64 length = (qint64(data[pos + 2]) << 8) | data[pos + 3];
        if (length < 2 || pos + 2 + length > size) {
            return {};
        }
        const uchar *segment = data + pos + 4;
        const qint64 segmentSize = length - 2;
        if (marker == 0xE1 && segmentSize >= 6 && std::memcmp(segment, "Exif\0\0", 6) == 0) {
            const QDateTime taken = dateFromTiff(segment + 6, segmentSize - 6);
            if (taken.isValid()) {
                return taken;
            }
        }
        pos += 2 + length;
    }
    return {};
}

QDateTime readExifDateTaken(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return exifDateTaken(file.read(kHeaderBytes));
}

} // namespace clipfind
