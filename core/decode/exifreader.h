// SPDX-License-Identifier: MIT
#pragma once

// Reading the containers photos come in, for the decoder (size, EXIF orientation) and the date reader (EXIF date
// taken): bounds-checked byte reads, one JPEG marker walker and one TIFF IFD reader. Photos are untrusted: every
// offset and count is checked against the bytes at hand, nothing recurses, and malformed input only ever means
// "not found".

#include <QByteArray>
#include <QtGlobal>

#include <cstring>
#include <functional>
#include <optional>

namespace clipfind {

/// A view of bytes (not owned) with big- and little-endian reads; a read outside the view gives 0.
class ByteView
{
public:
    ByteView() = default;
    ByteView(const uchar *data, qint64 size)
        : m_data(data)
        , m_size(size)
    {
    }
    explicit ByteView(const QByteArray &bytes)
        : m_data(reinterpret_cast<const uchar *>(bytes.constData()))
        , m_size(bytes.size())
    {
    }

    qint64 size() const { return m_size; }
    const uchar *data() const { return m_data; }
    /// Whether [pos, pos + count) lies inside the view.
    bool has(qint64 pos, qint64 count) const { return pos >= 0 && count >= 0 && pos <= m_size - count; }
    /// Whether the bytes at `pos` are `text` (a string literal, embedded NULs included: "II*\0").
    template<size_t N>
    bool matches(qint64 pos, const char (&text)[N]) const
    {
        return has(pos, qint64(N) - 1) && std::memcmp(m_data + pos, text, N - 1) == 0;
    }
    quint32 u8(qint64 pos) const { return has(pos, 1) ? m_data[pos] : 0; }
    quint32 u16(qint64 pos, bool bigEndian) const
    {
        return bigEndian ? (u8(pos) << 8) | u8(pos + 1) : u8(pos) | (u8(pos + 1) << 8);
    }
    quint32 u24le(qint64 pos) const { return u8(pos) | (u8(pos + 1) << 8) | (u8(pos + 2) << 16); }
    quint32 u32(qint64 pos, bool bigEndian) const
    {
        return bigEndian ? (u16(pos, true) << 16) | u16(pos + 2, true) : u16(pos, false) | (u16(pos + 2, false) << 16);
    }
    /// The `count` bytes at `pos`, or an empty view when they are not all inside this one.
    ByteView sub(qint64 pos, qint64 count) const
    {
        return has(pos, count) ? ByteView(m_data + pos, count) : ByteView();
    }

private:
    const uchar *m_data = nullptr;
    qint64 m_size = 0;
};

/// One marker segment of a JPEG before its image data: the marker (0xC0 SOF0, 0xE1 APP1, ...) and its payload (the
/// bytes after the 2-byte length).
struct JpegSegment {
    quint32 marker = 0;
    ByteView payload;
};

/// How walkJpegSegments() ended.
enum class JpegWalkEnd {
    StartOfScan, ///< reached the first SOS marker: the headers were complete
    Stopped,     ///< the visitor returned false
    EndOfImage,  ///< an EOI marker before any image data
    Malformed,   ///< a byte that is not a marker, or a segment length below 2
    Truncated,   ///< the bytes ran out, or the last segment runs past them
};

/// Walks the marker segments of the JPEG in `jpeg` (which starts with SOI, FF D8) up to its first start-of-scan,
/// calling `visit` for each segment with a length (APPn, DQT, SOFn, DHT, ...) until it returns false. Fill bytes and
/// markers without a length (RSTn, TEM, SOI) are skipped. *scanMarkerAt (if set) gets the offset of the SOS marker
/// when the walk ends at StartOfScan.
JpegWalkEnd walkJpegSegments(const ByteView &jpeg, const std::function<bool(const JpegSegment &)> &visit,
                             qint64 *scanMarkerAt = nullptr);

/// Whether a JPEG marker starts a frame (SOF0..SOF15 except DHT, JPG and DAC): its payload holds the image size.
bool isJpegStartOfFrame(quint32 marker);

/// The TIFF structure inside an EXIF payload: after "Exif\0\0" (JPEG APP1, most WebP writers), or the payload itself
/// (PNG eXIf, some WebP writers).
ByteView tiffInExif(const ByteView &exif);

/// One entry of a TIFF image file directory (IFD).
struct TiffEntry {
    quint32 tag = 0;
    quint32 type = 0;   ///< 2 ASCII, 3 SHORT, 4 LONG, 13 IFD, ...
    quint32 count = 0;  ///< number of values
    qint64 valueAt = 0; ///< offset of the entry's 4-byte value field (the value itself when it fits, else an offset)
};

/// A classic TIFF structure: a TIFF file, or the TIFF inside an EXIF block. Offsets are relative to its start.
class TiffReader
{
public:
    /// Reads the header ("II*\0" little-endian or "MM\0*" big-endian); isValid() is false when it is neither.
    explicit TiffReader(const ByteView &tiff);
    bool isValid() const { return m_valid; }
    /// The offset of IFD0, the first image's directory.
    quint32 firstIfd() const { return m_firstIfd; }

    /// The first entry with `tag` in the IFD at `ifd`. Nothing when the tag is absent, or the IFD lies outside the
    /// bytes or claims more than 1000 entries (real ones have a few dozen).
    std::optional<TiffEntry> find(quint32 ifd, quint32 tag) const;
    /// How many entries with `tag` the IFD at `ifd` holds (0 when it is unreadable). A tag should appear once; readers
    /// differ on which of several copies they use (libtiff: the first), so a size given twice is refused.
    int count(quint32 ifd, quint32 tag) const;
    /// The first value of a SHORT or LONG entry (sizes, orientation).
    std::optional<quint32> number(const TiffEntry &entry) const;
    /// The offset a single LONG or IFD entry holds (the EXIF sub-IFD pointer).
    std::optional<quint32> offset(const TiffEntry &entry) const;
    /// The text of an ASCII entry of at most `maxCount` bytes, up to its first NUL.
    std::optional<QByteArray> ascii(const TiffEntry &entry, quint32 maxCount) const;

private:
    ByteView m_bytes;
    bool m_valid = false;
    bool m_bigEndian = false;
    quint32 m_firstIfd = 0;
};

/// EXIF/TIFF tags both readers use.
namespace tifftag {
inline constexpr quint32 kImageWidth = 0x0100;
inline constexpr quint32 kImageHeight = 0x0101;
inline constexpr quint32 kOrientation = 0x0112;
inline constexpr quint32 kDateTime = 0x0132;
inline constexpr quint32 kExifIfd = 0x8769;
inline constexpr quint32 kDateTimeOriginal = 0x9003;
inline constexpr quint32 kDateTimeDigitized = 0x9004;
inline constexpr quint32 kOffsetTime = 0x9010;
inline constexpr quint32 kOffsetTimeOriginal = 0x9011;
inline constexpr quint32 kOffsetTimeDigitized = 0x9012;
} // namespace tifftag

} // namespace clipfind
