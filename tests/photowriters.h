// SPDX-License-Identifier: MIT
#pragma once

// Test support: photo files made at run time from fixture images (HEIC and AVIF: heifwriter.h). The DNG is written
// tag by tag (tiffbuilder.h), a 16-bit RGGB mosaic of the image. Nothing here uses the code under test.

#include "tiffbuilder.h"

#include <QBuffer>
#include <QByteArray>
#include <QColor>
#include <QImage>
#include <QString>

#include <cmath>

namespace clipfind::test {

/// The pixels a camera stores for an upright picture `upright` when it writes EXIF orientation `orientation` (1..8):
/// displaying the result with that orientation gives `upright` back. Pixel by pixel from the EXIF definitions.
inline QImage storedForOrientation(const QImage &upright, int orientation)
{
    const QImage in = upright.convertToFormat(QImage::Format_RGB888);
    const bool swap = orientation >= 5;
    const int storedWidth = swap ? in.height() : in.width();
    const int storedHeight = swap ? in.width() : in.height();
    QImage stored(storedWidth, storedHeight, QImage::Format_RGB888);
    for (int y = 0; y < in.height(); ++y) { // display coordinates
        for (int x = 0; x < in.width(); ++x) {
            int sx = x, sy = y; // where the stored pixel lies that is displayed at (x, y)
            switch (orientation) {
            case 2: sx = storedWidth - 1 - x; break;
            case 3:
                sx = storedWidth - 1 - x;
                sy = storedHeight - 1 - y;
                break;
            case 4: sy = storedHeight - 1 - y; break;
            case 5:
                sx = y;
                sy = x;
                break;
            case 6:
                sx = y;
                sy = storedHeight - 1 - x;
                break;
            case 7:
                sx = storedWidth - 1 - y;
                sy = storedHeight - 1 - x;
                break;
            case 8:
                sx = storedWidth - 1 - y;
                sy = x;
                break;
            default: break;
            }
            const uchar *from = in.constScanLine(y) + 3 * x;
            uchar *to = stored.scanLine(sy) + 3 * sx;
            to[0] = from[0];
            to[1] = from[1];
            to[2] = from[2];
        }
    }
    return stored;
}

/// A TIFF structure as EXIF carries it: IFD0 with the orientation, an EXIF IFD with DateTimeOriginal.
inline QByteArray exifTiff(int orientation, const QByteArray &dateTimeOriginal)
{
    TiffBuilder tiff;
    const int ifd0 = tiff.addIfd();
    const int exif = tiff.addIfd();
    tiff.shorts(ifd0, 0x0112, {quint32(orientation)});
    tiff.ifdPointer(ifd0, 0x8769, exif);
    tiff.ascii(exif, 0x9003, dateTimeOriginal);
    return tiff.build();
}

inline QByteArray encodeJpeg(const QImage &image, int quality)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "JPG", quality);
    return bytes;
}

/// What goes into a generated DNG.
struct DngSpec {
    QImage image;                ///< the scene as stored by the sensor (before orientation); even width and height
    int orientation = 1;         ///< IFD0 Orientation
    QByteArray preview;          ///< a JPEG for IFD0 (the raw data then goes to a sub-IFD); empty: the raw data is IFD0
    QByteArray dateTimeOriginal; ///< in an EXIF IFD when set
    bool exifAfterRawData = false; ///< put the EXIF IFD after the raw data (far from the start of the file)
};

/// A minimal DNG 1.4: an uncompressed 16-bit RGGB mosaic of `spec.image` (linear light, white level 65535, camera
/// RGB = linear sRGB through ColorMatrix1), as-shot neutral white balance.
inline QByteArray makeDng(const DngSpec &spec)
{
    const QImage rgb = spec.image.convertToFormat(QImage::Format_RGB888);
    const int width = rgb.width() & ~1;
    const int height = rgb.height() & ~1;
    QByteArray mosaic(qsizetype(width) * height * 2, '\0');
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const int channel = (y & 1) == 0 ? ((x & 1) == 0 ? 0 : 1) : ((x & 1) == 0 ? 1 : 2); // R G / G B
            const double srgb = rgb.constScanLine(y)[3 * x + channel] / 255.0;
            const double linear = srgb <= 0.04045 ? srgb / 12.92 : std::pow((srgb + 0.055) / 1.055, 2.4);
            const quint32 value = quint32(std::lround(linear * 65535.0));
            const qsizetype at = (qsizetype(y) * width + x) * 2;
            mosaic[at] = char(value & 0xFF);
            mosaic[at + 1] = char(value >> 8);
        }
    }

    TiffBuilder tiff;
    const int ifd0 = tiff.addIfd();
    const int rawIfd = spec.preview.isEmpty() ? ifd0 : tiff.addIfd();
    // IFD0: the DNG and camera tags, and the preview if there is one.
    tiff.bytes(ifd0, 0xC612, {1, 4, 0, 0}); // DNGVersion
    tiff.bytes(ifd0, 0xC613, {1, 1, 0, 0}); // DNGBackwardVersion
    tiff.ascii(ifd0, 0x010F, "ClipFind");   // Make
    tiff.ascii(ifd0, 0x0110, "Test Camera");
    tiff.ascii(ifd0, 0xC614, "ClipFind Test Camera"); // UniqueCameraModel
    tiff.shorts(ifd0, 0x0112, {quint32(spec.orientation)});
    // XYZ (D65) -> linear sRGB, in ten-thousandths: the camera's RGB is linear sRGB.
    tiff.rationals(ifd0, 0xC621,
                   {{32406, 10000},
                    {-15372, 10000},
                    {-4986, 10000},
                    {-9689, 10000},
                    {18758, 10000},
                    {415, 10000},
                    {557, 10000},
                    {-2040, 10000},
                    {10570, 10000}},
                   true);
    tiff.shorts(ifd0, 0xC65A, {21});                               // CalibrationIlluminant1: D65
    tiff.rationals(ifd0, 0xC628, {{1, 1}, {1, 1}, {1, 1}}, false); // AsShotNeutral
    if (!spec.dateTimeOriginal.isEmpty()) {
        const int exif = tiff.addIfd(spec.exifAfterRawData);
        tiff.ifdPointer(ifd0, 0x8769, exif);
        tiff.ascii(exif, 0x9003, spec.dateTimeOriginal);
    }
    if (!spec.preview.isEmpty()) {
        const QImage preview = QImage::fromData(spec.preview, "JPG");
        tiff.longs(ifd0, 0x00FE, {1}); // NewSubfileType: reduced-resolution image
        tiff.longs(ifd0, 0x0100, {quint32(preview.width())});
        tiff.longs(ifd0, 0x0101, {quint32(preview.height())});
        tiff.shorts(ifd0, 0x0102, {8, 8, 8});
        tiff.shorts(ifd0, 0x0103, {7}); // JPEG
        tiff.shorts(ifd0, 0x0106, {6}); // YCbCr
        tiff.blobPointer(ifd0, 0x0111, tiff.addBlob(spec.preview));
        tiff.shorts(ifd0, 0x0115, {3});
        tiff.longs(ifd0, 0x0116, {quint32(preview.height())});
        tiff.longs(ifd0, 0x0117, {quint32(spec.preview.size())});
        tiff.ifdPointer(ifd0, 0x014A, rawIfd); // SubIFDs
    }
    // The raw IFD: a color filter array image.
    tiff.longs(rawIfd, 0x00FE, {0});
    tiff.longs(rawIfd, 0x0100, {quint32(width)});
    tiff.longs(rawIfd, 0x0101, {quint32(height)});
    tiff.shorts(rawIfd, 0x0102, {16});
    tiff.shorts(rawIfd, 0x0103, {1});     // uncompressed
    tiff.shorts(rawIfd, 0x0106, {32803}); // CFA
    tiff.blobPointer(rawIfd, 0x0111, tiff.addBlob(mosaic));
    tiff.shorts(rawIfd, 0x0115, {1});
    tiff.longs(rawIfd, 0x0116, {quint32(height)});
    tiff.longs(rawIfd, 0x0117, {quint32(mosaic.size())});
    tiff.shorts(rawIfd, 0x011C, {1});
    tiff.shorts(rawIfd, 0x828D, {2, 2});      // CFARepeatPatternDim
    tiff.bytes(rawIfd, 0x828E, {0, 1, 1, 2}); // CFAPattern: RGGB
    tiff.longs(rawIfd, 0xC61A, {0});          // BlackLevel
    tiff.longs(rawIfd, 0xC61D, {65535});      // WhiteLevel
    return tiff.build();
}

} // namespace clipfind::test
