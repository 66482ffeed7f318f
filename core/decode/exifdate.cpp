// SPDX-License-Identifier: MIT
#include "core/decode/exifdate.h"

#include "core/decode/exifreader.h"
#include "core/decode/imagecodec.h"

#include <QFile>
#include <QTimeZone>

#include <optional>

namespace clipfind {

namespace {

constexpr qint64 kHeaderBytes = 256 * 1024;
constexpr quint32 kMaxDateBytes = 64; // "YYYY:MM:DD HH:MM:SS" has 20; longer is garbage

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

QDateTime dateFromTiff(const ByteView &bytes)
{
    const TiffReader tiff(bytes);
    if (!tiff.isValid()) {
        return {};
    }
    const auto text = [&tiff](quint32 ifd, quint32 tag) -> std::optional<QByteArray> {
        const std::optional<TiffEntry> entry = tiff.find(ifd, tag);
        return entry ? tiff.ascii(*entry, kMaxDateBytes) : std::nullopt;
    };
    const quint32 ifd0 = tiff.firstIfd();
    const std::optional<TiffEntry> exifPointer = tiff.find(ifd0, tifftag::kExifIfd);
    const std::optional<quint32> exif = exifPointer ? tiff.offset(*exifPointer) : std::nullopt;
    if (exif) {
        const std::pair<quint32, quint32> dateTags[] = {{tifftag::kDateTimeOriginal, tifftag::kOffsetTimeOriginal},
                                                        {tifftag::kDateTimeDigitized, tifftag::kOffsetTimeDigitized}};
        for (const auto &[dateTag, offsetTag] : dateTags) {
            if (const std::optional<QByteArray> date = text(*exif, dateTag)) {
                const QDateTime taken = parseExifDate(*date, text(*exif, offsetTag));
                if (taken.isValid()) {
                    return taken;
                }
            }
        }
    }
    if (const std::optional<QByteArray> date = text(ifd0, tifftag::kDateTime)) {
        return parseExifDate(*date, exif ? text(*exif, tifftag::kOffsetTime) : std::nullopt);
    }
    return {};
}

} // namespace

QDateTime exifDateTaken(const QByteArray &bytes)
{
    const ByteView view(bytes);
    if (view.matches(0, "II") || view.matches(0, "MM")) {
        return dateFromTiff(view);
    }
    if (!view.matches(0, "\xFF\xD8")) {
        return {};
    }
    // JPEG: the first APP1 "Exif" segment with a usable date, before the image data.
    QDateTime taken;
    walkJpegSegments(view, [&taken](const JpegSegment &segment) {
        if (segment.marker == 0xE1 && segment.payload.matches(0, "Exif")) {
            taken = dateFromTiff(tiffInExif(segment.payload));
        }
        return !taken.isValid();
    });
    return taken;
}

QDateTime readExifDateTaken(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QByteArray head = file.read(kHeaderBytes);
    file.close();
    // JPEG and TIFF, and the TIFF-based raws (DNG, CR2, NEF, ARW) whose EXIF is near the start.
    const QDateTime taken = exifDateTaken(head);
    if (taken.isValid()) {
        return taken;
    }
    // HEIF keeps its EXIF in an item anywhere in the file; the other raws have containers of their own.
    for (const ImageCodec *codec : {&heifCodec(), &rawCodec()}) {
        if (codec->recognizes(ByteView(head))) {
            return codec->dateTaken(path);
        }
    }
    return {};
}

} // namespace clipfind
