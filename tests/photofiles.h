// SPDX-License-Identifier: MIT
#pragma once

// Test support: photos with a known date taken (an EXIF DateTimeOriginal put in front of a fixture JPEG's own
// segments) and files with a chosen modification time, for the browsing tests.

#include "testfiles.h"

#include <QByteArray>
#include <QDateTime>
#include <QFile>
#include <QString>

#include <fcntl.h>
#include <sys/stat.h>

namespace clipfind::test {

/// An APP1 segment holding a big-endian TIFF whose Exif IFD has one DateTimeOriginal ("YYYY:MM:DD HH:MM:SS").
inline QByteArray exifDateSegment(const QByteArray &dateTimeOriginal)
{
    QByteArray tiff("MM\0\x2a\0\0\0\x08", 8);
    auto put16 = [&tiff](int v) {
        tiff.append(char((v >> 8) & 0xff));
        tiff.append(char(v & 0xff));
    };
    auto put32 = [&](int v) {
        put16((v >> 16) & 0xffff);
        put16(v & 0xffff);
    };
    // IFD0 at 8: one entry, the Exif IFD pointer (LONG) to offset 26.
    put16(1);
    put16(0x8769);
    put16(4);
    put32(1);
    put32(26);
    put32(0);
    // The Exif IFD at 26: DateTimeOriginal (ASCII, 20 bytes with the NUL) at offset 44.
    put16(1);
    put16(0x9003);
    put16(2);
    put32(20);
    put32(44);
    put32(0);
    tiff += dateTimeOriginal.left(19) + '\0';
    const QByteArray app1 = QByteArray("Exif\0\0", 6) + tiff;
    const int length = int(app1.size()) + 2;
    return QByteArray("\xFF\xE1", 2) + char(length >> 8) + char(length & 0xff) + app1;
}

/// Writes `jpeg` (a whole JPEG file) to `path` with a DateTimeOriginal segment right after its SOI marker.
inline bool writeJpegTakenAt(const QString &path, const QByteArray &jpeg, const QByteArray &dateTimeOriginal)
{
    return jpeg.startsWith("\xFF\xD8")
           && writeBytes(path, jpeg.left(2) + exifDateSegment(dateTimeOriginal) + jpeg.mid(2));
}

/// Sets the file's modification (and access) time.
inline bool setModificationTime(const QString &path, const QDateTime &time)
{
    const qint64 ms = time.toMSecsSinceEpoch();
    struct timespec times[2];
    times[0].tv_sec = time_t(ms / 1000);
    times[0].tv_nsec = long(ms % 1000) * 1000000;
    times[1] = times[0];
    return ::utimensat(AT_FDCWD, QFile::encodeName(path).constData(), times, 0) == 0;
}

} // namespace clipfind::test
