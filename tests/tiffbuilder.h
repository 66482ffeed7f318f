// SPDX-License-Identifier: MIT
#pragma once

// Test support: writing little-endian TIFF structures (a DNG, an EXIF block) byte by byte, independently of the
// readers under test. IFDs come first (entries sorted by tag, as TIFF requires), then the blobs (pixel data, JPEGs);
// an IFD can be placed after the blobs to put it far from the start of the file.

#include <QByteArray>
#include <QtGlobal>

#include <algorithm>
#include <utility>
#include <vector>

namespace clipfind::test {

class TiffBuilder
{
public:
    enum Type : quint16 { Byte = 1, Ascii = 2, Short = 3, Long = 4, Rational = 5, SRational = 10 };

    /// A new image file directory; the first one is IFD0. `afterBlobs`: written after the blobs.
    int addIfd(bool afterBlobs = false)
    {
        m_ifds.push_back({{}, afterBlobs});
        return int(m_ifds.size()) - 1;
    }
    int addBlob(const QByteArray &bytes)
    {
        m_blobs.push_back(bytes);
        return int(m_blobs.size()) - 1;
    }

    void bytes(int ifd, quint16 tag, const std::vector<quint8> &values)
    {
        QByteArray raw;
        for (quint8 v : values) {
            raw.append(char(v));
        }
        add(ifd, tag, Byte, quint32(values.size()), raw);
    }
    void ascii(int ifd, quint16 tag, const QByteArray &text)
    {
        add(ifd, tag, Ascii, quint32(text.size() + 1), text + '\0');
    }
    void shorts(int ifd, quint16 tag, const std::vector<quint32> &values)
    {
        QByteArray raw;
        for (quint32 v : values) {
            appendLe(raw, v, 2);
        }
        add(ifd, tag, Short, quint32(values.size()), raw);
    }
    void longs(int ifd, quint16 tag, const std::vector<quint32> &values)
    {
        QByteArray raw;
        for (quint32 v : values) {
            appendLe(raw, v, 4);
        }
        add(ifd, tag, Long, quint32(values.size()), raw);
    }
    /// Numerator/denominator pairs; SRational when `isSigned`.
    void rationals(int ifd, quint16 tag, const std::vector<std::pair<qint32, qint32>> &values, bool isSigned)
    {
        QByteArray raw;
        for (const auto &[numerator, denominator] : values) {
            appendLe(raw, quint32(numerator), 4);
            appendLe(raw, quint32(denominator), 4);
        }
        add(ifd, tag, isSigned ? SRational : Rational, quint32(values.size()), raw);
    }
    /// A LONG holding the offset of another IFD (SubIFDs, ExifIFD).
    void ifdPointer(int ifd, quint16 tag, int target) { addPointer(ifd, tag, Pointer::Ifd, target); }
    /// A LONG holding the offset of a blob (StripOffsets).
    void blobPointer(int ifd, quint16 tag, int blob) { addPointer(ifd, tag, Pointer::Blob, blob); }

    QByteArray build() const
    {
        // Positions first: every size is known without the offsets.
        std::vector<qint64> ifdAt(m_ifds.size());
        std::vector<qint64> blobAt(m_blobs.size());
        qint64 at = 8;
        const auto placeIfds = [&](bool afterBlobs) {
            for (size_t i = 0; i < m_ifds.size(); ++i) {
                if (m_ifds[i].afterBlobs == afterBlobs) {
                    ifdAt[i] = at;
                    at += ifdSize(m_ifds[i]);
                }
            }
        };
        placeIfds(false);
        for (size_t b = 0; b < m_blobs.size(); ++b) {
            blobAt[b] = at;
            at += m_blobs[b].size() + (m_blobs[b].size() & 1);
        }
        placeIfds(true);

        QByteArray out("II*\0", 4);
        appendLe(out, quint32(m_ifds.empty() ? 0 : ifdAt[0]), 4);
        out.resize(int(at), '\0');
        for (size_t i = 0; i < m_ifds.size(); ++i) {
            std::vector<Entry> entries = m_ifds[i].entries;
            std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) { return a.tag < b.tag; });
            QByteArray ifd;
            appendLe(ifd, quint32(entries.size()), 2);
            QByteArray external;
            const qint64 externalAt = ifdAt[i] + 2 + 12 * qint64(entries.size()) + 4;
            for (const Entry &entry : entries) {
                QByteArray value = entry.value;
                if (entry.pointer != Pointer::None) {
                    value.clear();
                    appendLe(value,
                             quint32(entry.pointer == Pointer::Ifd ? ifdAt[size_t(entry.target)]
                                                                   : blobAt[size_t(entry.target)]),
                             4);
                }
                appendLe(ifd, entry.tag, 2);
                appendLe(ifd, entry.type, 2);
                appendLe(ifd, entry.count, 4);
                if (value.size() <= 4) {
                    ifd.append(value.leftJustified(4, '\0'));
                } else {
                    appendLe(ifd, quint32(externalAt + external.size()), 4);
                    external.append(value);
                    if (external.size() & 1) {
                        external.append('\0');
                    }
                }
            }
            appendLe(ifd, 0, 4); // no next IFD
            ifd.append(external);
            out.replace(int(ifdAt[i]), ifd.size(), ifd);
        }
        for (size_t b = 0; b < m_blobs.size(); ++b) {
            out.replace(int(blobAt[b]), m_blobs[b].size(), m_blobs[b]);
        }
        return out;
    }

private:
    enum class Pointer { None, Ifd, Blob };
    struct Entry {
        quint16 tag = 0;
        quint16 type = 0;
        quint32 count = 0;
        QByteArray value;
        Pointer pointer = Pointer::None;
        int target = 0;
    };
    struct Ifd {
        std::vector<Entry> entries;
        bool afterBlobs = false;
    };

    static void appendLe(QByteArray &out, quint32 value, int bytes)
    {
        for (int i = 0; i < bytes; ++i) {
            out.append(char((value >> (8 * i)) & 0xFF));
        }
    }
    static qint64 ifdSize(const Ifd &ifd)
    {
        qint64 size = 2 + 12 * qint64(ifd.entries.size()) + 4;
        for (const Entry &entry : ifd.entries) {
            if (entry.pointer == Pointer::None && entry.value.size() > 4) {
                size += entry.value.size() + (entry.value.size() & 1);
            }
        }
        return size;
    }
    void add(int ifd, quint16 tag, quint16 type, quint32 count, const QByteArray &value)
    {
        m_ifds[size_t(ifd)].entries.push_back({tag, type, count, value, Pointer::None, 0});
    }
    void addPointer(int ifd, quint16 tag, Pointer pointer, int target)
    {
        m_ifds[size_t(ifd)].entries.push_back({tag, Long, 1, QByteArray(4, '\0'), pointer, target});
    }

    std::vector<Ifd> m_ifds;
    std::vector<QByteArray> m_blobs;
};

} // namespace clipfind::test
