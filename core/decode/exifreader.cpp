// SPDX-License-Identifier: MIT
#include "core/decode/exifreader.h"

namespace clipfind {

namespace {

constexpr quint32 kMaxIfdEntries = 1000; // real IFDs have a few dozen; more means garbage

constexpr quint32 kTypeAscii = 2;
constexpr quint32 kTypeShort = 3;
constexpr quint32 kTypeLong = 4;
constexpr quint32 kTypeIfd = 13;

} // namespace

JpegWalkEnd walkJpegSegments(const ByteView &jpeg, const std::function<bool(const JpegSegment &)> &visit,
                             qint64 *scanMarkerAt)
{
    qint64 pos = 2; // after SOI
    for (;;) {
        if (!jpeg.has(pos, 2)) {
            return JpegWalkEnd::Truncated;
        }
        if (jpeg.u8(pos) != 0xFF) {
            return JpegWalkEnd::Malformed;
        }
        const quint32 marker = jpeg.u8(pos + 1);
        if (marker == 0xFF) { // fill byte
            ++pos;
            continue;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) { // TEM, RSTn, SOI: no length
            pos += 2;
            continue;
        }
        if (marker == 0xD9) {
            return JpegWalkEnd::EndOfImage;
        }
        if (marker == 0xDA) {
            if (scanMarkerAt) {
                *scanMarkerAt = pos;
            }
            return JpegWalkEnd::StartOfScan;
        }
        if (!jpeg.has(pos + 2, 2)) {
            return JpegWalkEnd::Truncated;
        }
        const qint64 length = jpeg.u16(pos + 2, true); // counts itself, not the marker
        if (length < 2) {
            return JpegWalkEnd::Malformed;
        }
        if (!jpeg.has(pos + 2, length)) {
            return JpegWalkEnd::Truncated;
        }
        if (!visit(JpegSegment{marker, jpeg.sub(pos + 4, length - 2)})) {
            return JpegWalkEnd::Stopped;
        }
        pos += 2 + length;
    }
}

bool isJpegStartOfFrame(quint32 marker)
{
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

ByteView tiffInExif(const ByteView &exif)
{
    return exif.matches(0, "Exif") ? exif.sub(6, exif.size() - 6) : exif;
}

TiffReader::TiffReader(const ByteView &tiff)
    : m_bytes(tiff)
{
    if (tiff.matches(0, "II*\0")) {
        m_bigEndian = false;
    } else if (tiff.matches(0, "MM\0*")) {
        m_bigEndian = true;
    } else {
        return;
    }
    m_valid = tiff.has(4, 4);
    m_firstIfd = tiff.u32(4, m_bigEndian);
}

std::optional<TiffEntry> TiffReader::find(quint32 ifd, quint32 tag) const
{
    if (!m_valid || !m_bytes.has(ifd, 2)) {
        return std::nullopt;
    }
    const quint32 entries = m_bytes.u16(ifd, m_bigEndian);
    if (entries > kMaxIfdEntries) {
        return std::nullopt;
    }
    for (quint32 i = 0; i < entries; ++i) {
        const qint64 at = qint64(ifd) + 2 + 12 * qint64(i);
        if (!m_bytes.has(at, 12)) {
            return std::nullopt;
        }
        if (m_bytes.u16(at, m_bigEndian) == tag) {
            return TiffEntry{tag, m_bytes.u16(at + 2, m_bigEndian), m_bytes.u32(at + 4, m_bigEndian), at + 8};
        }
    }
    return std::nullopt;
}

int TiffReader::count(quint32 ifd, quint32 tag) const
{
    if (!m_valid || !m_bytes.has(ifd, 2)) {
        return 0;
    }
    const quint32 entries = m_bytes.u16(ifd, m_bigEndian);
    if (entries > kMaxIfdEntries) {
        return 0;
    }
    int found = 0;
    for (quint32 i = 0; i < entries; ++i) {
        const qint64 at = qint64(ifd) + 2 + 12 * qint64(i);
        if (!m_bytes.has(at, 12)) {
            break;
        }
        found += m_bytes.u16(at, m_bigEndian) == tag ? 1 : 0;
    }
    return found;
}

std::optional<quint32> TiffReader::number(const TiffEntry &entry) const
{
    if (entry.count == 0) {
        return std::nullopt;
    }
    // A SHORT sits in the first two bytes of the value field, a LONG fills it.
    if (entry.type == kTypeShort) {
        return m_bytes.u16(entry.valueAt, m_bigEndian);
    }
    if (entry.type == kTypeLong) {
        return m_bytes.u32(entry.valueAt, m_bigEndian);
    }
    return std::nullopt;
}

std::optional<quint32> TiffReader::offset(const TiffEntry &entry) const
{
    if ((entry.type != kTypeLong && entry.type != kTypeIfd) || entry.count != 1) {
        return std::nullopt;
    }
    return m_bytes.u32(entry.valueAt, m_bigEndian);
}

std::optional<QByteArray> TiffReader::ascii(const TiffEntry &entry, quint32 maxCount) const
{
    if (entry.type != kTypeAscii || entry.count == 0 || entry.count > maxCount) {
        return std::nullopt;
    }
    // Up to 4 bytes sit in the entry itself; longer values are elsewhere.
    const qint64 start = entry.count <= 4 ? entry.valueAt : qint64(m_bytes.u32(entry.valueAt, m_bigEndian));
    if (!m_bytes.has(start, entry.count)) {
        return std::nullopt;
    }
    QByteArray value(reinterpret_cast<const char *>(m_bytes.data() + start), int(entry.count));
    const int nul = value.indexOf('\0');
    return nul >= 0 ? value.left(nul) : value;
}

} // namespace clipfind
