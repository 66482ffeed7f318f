// SPDX-License-Identifier: MIT
// Why this file is long: the header readers of every container OpenCV decodes and the checks on their numbers before
// any decode: the limits are only as strong as the one place that checks them all (HEIF, RAW and EXIF have their own
// files).
#include "core/decode/imagedecoder.h"

#include "core/decode/exifreader.h"
#include "core/decode/imagecodec.h"
#include "core/scan/regularfile.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <limits>
#include <optional>
#include <utility>

namespace clipfind {
namespace {

// Decompression-bomb guard: a 200-megapixel RGB image already needs 600 MB decoded.
constexpr qint64 kMaxPixels = kMaxImagePixels;
// Larger files are not photos we can handle (and QByteArray/cv::Mat sizes stay within int).
constexpr qint64 kMaxFileBytes = kMaxImageFileBytes;

// OpenCV checks the size its decoder read against limits of its own (validateInputImageSize, before any pixel buffer is
// allocated), read from the environment once, at its first decode. Set them to ours before main() runs: then a header
// that we read differently from the codec still cannot get a larger image decoded.
[[maybe_unused]] const bool kOpenCvLimitsSet = [] {
    ::setenv("OPENCV_IO_MAX_IMAGE_PIXELS", QByteArray::number(kMaxImagePixels).constData(), 1);
    ::setenv("OPENCV_IO_MAX_IMAGE_WIDTH", QByteArray::number(kMaxImageSide).constData(), 1);
    ::setenv("OPENCV_IO_MAX_IMAGE_HEIGHT", QByteArray::number(kMaxImageSide).constData(), 1);
    return true;
}();

enum class Format { Unknown, Jpeg, Png, Gif, Bmp, WebP, Tiff, Heif, Raw };

const char *formatName(Format format)
{
    switch (format) {
    case Format::Jpeg: return "JPEG";
    case Format::Png: return "PNG";
    case Format::Gif: return "GIF";
    case Format::Bmp: return "BMP";
    case Format::WebP: return "WebP";
    case Format::Tiff: return "TIFF";
    case Format::Heif: return heifCodec().formatName;
    case Format::Raw: return rawCodec().formatName;
    case Format::Unknown: break;
    }
    return "unknown";
}

// What the container headers say, read before decoding so huge images are refused without allocating.
struct HeaderInfo {
    Format format = Format::Unknown;
    qint64 width = 0;
    qint64 height = 0;
    int orientation = 1;       // EXIF/TIFF orientation, 1..8
    bool complete = true;      // JPEG: an end-of-image marker follows the first scan; GIF: first frame whole
    bool animatedWebP = false; // OpenCV 4.6 cannot decode these
    QString problem;           // a header refused although some codec might read it (the size given twice)
    // What the codec will produce and hold, for the memory estimate (upper bounds where the header leaves it open):
    int channels = 3;              // of OpenCV's output at full scale (IMREAD_UNCHANGED)
    int sampleBytes = 1;           // 1 for 8-bit samples, 2 for 16-bit, 4 or 8 for floating point
    qint64 codecBytesPerPixel = 0; // full-size buffers the codec keeps besides its output, per stored pixel
};

// IFD0 of a TIFF file (or of the TIFF inside an EXIF payload): orientation and size. Classic TIFF only; anything
// malformed leaves the defaults.
void readTiffIfd0(const ByteView &bytes, HeaderInfo *info)
{
    const TiffReader tiff(bytes);
    const auto value = [&tiff](quint32 tag) -> qint64 {
        const std::optional<TiffEntry> entry = tiff.find(tiff.firstIfd(), tag);
        const std::optional<quint32> number = entry ? tiff.number(*entry) : std::nullopt;
        return number ? qint64(*number) : 0;
    };
    const qint64 orientation = value(tifftag::kOrientation);
    if (orientation >= 1 && orientation <= 8) {
        info->orientation = int(orientation);
    }
    info->width = value(tifftag::kImageWidth);
    info->height = value(tifftag::kImageHeight);
    // A size given twice is refused: the limit must apply to the numbers the codec uses, and readers differ on which
    // copy counts (issue 11: a file passed the check as 64 x 8 and was decoded as 2048 x 2048).
    for (const auto &[tag, name] :
         {std::pair{tifftag::kImageWidth, "ImageWidth"}, std::pair{tifftag::kImageHeight, "ImageLength"}}) {
        const int copies = tiff.count(tiff.firstIfd(), tag);
        if (copies > 1 && info->problem.isEmpty()) {
            info->problem =
                QCoreApplication::translate("clipfind::ImageDecoder",
                                            "malformed TIFF header (%1 %2 entries: the image size is given twice)")
                    .arg(copies)
                    .arg(QLatin1String(name));
        }
    }
    // OpenCV's TIFF reader: up to 4 channels of up to 64-bit samples, read through a buffer that can be as large as
    // the image (a single strip or tile holding all of it).
    const qint64 bits = value(0x0102); // BitsPerSample
    info->sampleBytes = int(std::clamp<qint64>((bits + 7) / 8, 1, 8));
    info->channels = 4;
    info->codecBytesPerPixel = 4 * qint64(info->sampleBytes);
}

// The orientation an EXIF payload gives (see tiffInExif); 1 (upright) when it has none.
int exifOrientation(const ByteView &exif)
{
    HeaderInfo ignoredSize; // EXIF sizes are informative only: the container's own header gives the image size
    readTiffIfd0(tiffInExif(exif), &ignoredSize);
    return ignoredSize.orientation;
}

void readJpegHeader(const ByteView &bytes, HeaderInfo *info)
{
    bool exifSeen = false;
    int frames = 0;
    qint64 scanAt = 0;
    const JpegWalkEnd end = walkJpegSegments(
        bytes,
        [&](const JpegSegment &segment) {
            if (segment.marker == 0xE1 && !exifSeen && segment.payload.matches(0, "Exif")) {
                exifSeen = true;
                info->orientation = exifOrientation(segment.payload);
            } else if (isJpegStartOfFrame(segment.marker) && ++frames == 1) {
                info->height = segment.payload.u16(1, true);
                info->width = segment.payload.u16(3, true);
                const int components = int(segment.payload.u8(5));
                info->channels = components == 1 ? 1 : 3; // OpenCV gives gray as gray, everything else as BGR
                // Progressive (and other multi-scan) frames keep every DCT coefficient until the last scan: 2 bytes
                // per sample of the full-size image, also when decoding at a reduced scale.
                const bool progressive = segment.marker == 0xC2 || segment.marker == 0xC6 || segment.marker == 0xCA
                                         || segment.marker == 0xCE;
                info->codecBytesPerPixel = progressive ? 2 * qint64(std::max(components, 1)) : 0;
            }
            return true;
        },
        &scanAt);
    if (frames > 1) {
        info->problem =
            QCoreApplication::translate("clipfind::ImageDecoder",
                                        "malformed JPEG header (%1 start-of-frame markers: the image size is given "
                                        "more than once)")
                .arg(frames);
    }
    if (end == JpegWalkEnd::StartOfScan) {
        // Entropy-coded data never contains FF D9 (FF is byte-stuffed), so a complete file has an end-of-image
        // marker after the first scan; libjpeg would otherwise pad with gray and only warn.
        const QByteArray eoi("\xFF\xD9", 2);
        const QByteArray rest =
            QByteArray::fromRawData(reinterpret_cast<const char *>(bytes.data() + scanAt), bytes.size() - scanAt);
        info->complete = rest.lastIndexOf(eoi) >= 0;
    } else if (end == JpegWalkEnd::Truncated) {
        info->complete = false; // ran out of data before the first scan
    }
    // Malformed (not a marker where one belongs) or no image data: the decoder will say so.
}

void readPngHeader(const ByteView &bytes, HeaderInfo *info)
{
    if (!bytes.matches(12, "IHDR")) {
        return; // libpng wants IHDR first: no size
    }
    info->width = bytes.u32(16, true);
    info->height = bytes.u32(20, true);
    const quint32 bitDepth = bytes.u8(24);
    const quint32 colorType = bytes.u8(25);
    bool transparency = false;
    for (qint64 pos = 8; bytes.has(pos, 12);) {
        const qint64 length = bytes.u32(pos, true);
        if (bytes.matches(pos + 4, "eXIf")) {
            info->orientation = exifOrientation(bytes.sub(pos + 8, length));
        } else if (bytes.matches(pos + 4, "tRNS")) {
            transparency = true;
        } else if (bytes.matches(pos + 4, "IEND")) {
            break;
        }
        pos += 12 + length;
    }
    // OpenCV's PNG reader: gray stays 1 channel, RGB and palette give 3 (4 with a tRNS chunk), alpha gives 4.
    info->channels = colorType == 0 ? 1 : (colorType == 2 || colorType == 3) && !transparency ? 3 : 4;
    info->sampleBytes = bitDepth == 16 ? 2 : 1;
}

void readWebPHeader(const ByteView &bytes, HeaderInfo *info)
{
    if (bytes.matches(12, "VP8 ")) {
        info->width = bytes.u16(26, false) & 0x3FFF;
        info->height = bytes.u16(28, false) & 0x3FFF;
    } else if (bytes.matches(12, "VP8L")) {
        const quint32 bits = bytes.u32(21, false);
        info->width = (bits & 0x3FFF) + 1;
        info->height = ((bits >> 14) & 0x3FFF) + 1;
        info->channels = (bits >> 28) & 1 ? 4 : 3;
        info->codecBytesPerPixel = 4; // lossless decoding goes through a full-size ARGB buffer
    } else if (bytes.matches(12, "VP8X")) {
        info->animatedWebP = (bytes.u8(20) & 0x02) != 0;
        info->width = bytes.u24le(24) + 1;
        info->height = bytes.u24le(27) + 1;
        info->channels = (bytes.u8(20) & 0x10) ? 4 : 3;
        info->codecBytesPerPixel = 5; // lossless (ARGB buffer) or lossy with an alpha plane
    }
    for (qint64 pos = 12; bytes.has(pos, 8);) {
        const qint64 length = bytes.u32(pos + 4, false);
        if (bytes.matches(pos, "EXIF")) {
            info->orientation = exifOrientation(bytes.sub(pos + 8, length));
            break;
        }
        pos += 8 + length + (length & 1); // RIFF chunks are padded to even sizes
    }
}

// Qt's GIF reader returns a partly blank frame for a cut file instead of failing, so check that the first
// frame's LZW data reaches its zero-length terminator block.
bool gifFirstFrameComplete(const ByteView &bytes)
{
    const auto skipSubBlocks = [&bytes](qint64 pos) -> qint64 {
        for (; bytes.has(pos, 1); pos += 1 + bytes.u8(pos)) {
            if (bytes.u8(pos) == 0) {
                return pos + 1;
            }
        }
        return -1;
    };
    const auto colorTableSize = [](quint32 flags) { return (flags & 0x80) ? 3 * (qint64(2) << (flags & 7)) : 0; };
    qint64 pos = 13 + colorTableSize(bytes.u8(10));
    while (pos >= 0 && bytes.has(pos, 1)) {
        if (bytes.u8(pos) == 0x21) { // extension: label, then data sub-blocks
            pos = skipSubBlocks(pos + 2);
        } else if (bytes.u8(pos) == 0x2C) { // image descriptor, local colors, LZW code size, data sub-blocks
            return skipSubBlocks(pos + 10 + colorTableSize(bytes.u8(pos + 9)) + 1) >= 0;
        } else {
            return false; // trailer or garbage before the first image
        }
    }
    return false;
}

// Identifies the format from the content (never the file name) and reads size and orientation.
bool isTiff(const ByteView &bytes)
{
    return bytes.matches(0, "II*\0") || bytes.matches(0, "MM\0*");
}

// A file that looked like a camera RAW but that LibRaw does not take (a TIFF with sub-IFDs and no raw data) is a
// plain TIFF after all: its header read again as one. False, with `header` unchanged, when it is no TIFF.
bool readAsPlainTiff(const ByteView &bytes, HeaderInfo *header)
{
    if (!isTiff(bytes)) {
        return false;
    }
    *header = HeaderInfo();
    header->format = Format::Tiff;
    readTiffIfd0(bytes, header);
    return true;
}

HeaderInfo readHeader(const QByteArray &data)
{
    const ByteView bytes(data);
    HeaderInfo info;
    if (bytes.matches(0, "\xFF\xD8\xFF")) {
        info.format = Format::Jpeg;
        readJpegHeader(bytes, &info);
    } else if (bytes.matches(0, "\x89PNG\r\n\x1A\n")) {
        info.format = Format::Png;
        readPngHeader(bytes, &info);
    } else if (bytes.matches(0, "GIF87a") || bytes.matches(0, "GIF89a")) {
        info.format = Format::Gif;
        info.width = bytes.u16(6, false);
        info.height = bytes.u16(8, false);
        info.complete = gifFirstFrameComplete(bytes);
    } else if (bytes.matches(0, "BM") && bytes.has(0, 26)) {
        info.format = Format::Bmp;
        const bool os2 = bytes.u32(14, false) == 12; // BITMAPCOREHEADER has 16-bit sizes
        // BITMAPINFOHEADER's sizes are signed 32-bit; both branches are converted to qint32 on their own, or the
        // conditional's common type (quint32) loses the sign: a top-down BMP read as 4 billion rows (found by fuzzing).
        const qint32 width = os2 ? qint32(bytes.u16(18, false)) : qint32(bytes.u32(18, false));
        const qint32 height = os2 ? qint32(bytes.u16(20, false)) : qint32(bytes.u32(22, false));
        info.width = width;                 // negative: refused as no image size
        info.height = qAbs(qint64(height)); // negative height = top-down rows
        // OpenCV's BMP reader: palettes give 1 or 3 channels, 32 bits 4, anything else 3 (estimate the largest need).
        const quint32 bits = os2 ? bytes.u16(24, false) : bytes.u16(28, false);
        info.channels = bits <= 8 ? 1 : bits == 32 ? 4 : 3;
    } else if (bytes.matches(0, "RIFF") && bytes.matches(8, "WEBP")) {
        info.format = Format::WebP;
        readWebPHeader(bytes, &info);
    } else if (rawCodec().recognizes(bytes)) { // before TIFF: most raws are TIFF files
        info.format = Format::Raw;
    } else if (isTiff(bytes)) {
        info.format = Format::Tiff;
        readTiffIfd0(bytes, &info);
    } else if (heifCodec().recognizes(bytes)) {
        info.format = Format::Heif;
    }
    return info;
}

// EXIF orientation -> upright, written into `dst` (already sized for the result).
void applyOrientation(const cv::Mat &src, int orientation, cv::Mat &dst)
{
    switch (orientation) {
    case 2: cv::flip(src, dst, 1); break; // mirror left-right
    case 3: cv::rotate(src, dst, cv::ROTATE_180); break;
    case 4: cv::flip(src, dst, 0); break;   // mirror top-bottom
    case 5: cv::transpose(src, dst); break; // mirror along the main diagonal
    case 6: cv::rotate(src, dst, cv::ROTATE_90_CLOCKWISE); break;
    case 7: { // mirror along the anti-diagonal
        cv::Mat transposed;
        cv::transpose(src, transposed);
        cv::flip(transposed, dst, -1);
        break;
    }
    case 8: cv::rotate(src, dst, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: src.copyTo(dst); break;
    }
}

// Any decoded cv::Mat -> 8-bit RGB in `rgb` (which may wrap a QImage of the right size: OpenCV then
// writes into it). Returns an empty string or the problem.
QString toRgb8(const cv::Mat &decoded, cv::Mat *rgb)
{
    cv::Mat eightBit;
    switch (decoded.depth()) {
    case CV_8U: eightBit = decoded; break;
    case CV_16U:
        // The high byte, as Pillow does for 16-bit RGB(A) PNG and TIFF (its "RGB;16B" unpacker).
        eightBit.create(decoded.size(), CV_MAKETYPE(CV_8U, decoded.channels()));
        for (int y = 0; y < decoded.rows; ++y) {
            const quint16 *in = decoded.ptr<quint16>(y);
            uchar *out = eightBit.ptr<uchar>(y);
            for (int x = 0; x < decoded.cols * decoded.channels(); ++x) {
                out[x] = uchar(in[x] >> 8);
            }
        }
        break;
    case CV_32F:
    case CV_64F:
        decoded.convertTo(eightBit, CV_8U, 255.0); // float samples are 0..1; rounded and saturated
        break;
    default:
        return QCoreApplication::translate("clipfind::ImageDecoder", "unsupported sample format (OpenCV depth %1)")
            .arg(decoded.depth());
    }

    switch (eightBit.channels()) {
    case 1: cv::cvtColor(eightBit, *rgb, cv::COLOR_GRAY2RGB); break;
    case 2: { // gray + alpha: alpha dropped, gray replicated
        cv::Mat gray;
        cv::extractChannel(eightBit, gray, 0);
        cv::cvtColor(gray, *rgb, cv::COLOR_GRAY2RGB);
        break;
    }
    case 3: cv::cvtColor(eightBit, *rgb, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(eightBit, *rgb, cv::COLOR_BGRA2RGB); break; // alpha dropped, no compositing
    default:
        return QCoreApplication::translate("clipfind::ImageDecoder", "unsupported number of channels (%1)")
            .arg(eightBit.channels());
    }
    return {};
}

// The JPEG fast path: the largest libjpeg DCT scaling (1/N of each side, rounded up) that keeps the short side
// >= minShortSide; 1 = full size (every other format, and the exact pipeline).
int scaleDivisor(const HeaderInfo &header, const DecodeOptions &options)
{
    if (header.format != Format::Jpeg || options.minShortSide <= 0) {
        return 1;
    }
    const qint64 shortSide = std::min(header.width, header.height);
    for (const int divisor : {8, 4, 2}) {
        if ((shortSide + divisor - 1) / divisor >= options.minShortSide) {
            return divisor;
        }
    }
    return 1;
}

// IMREAD_UNCHANGED, or IMREAD_REDUCED_COLOR_N for the JPEG fast path. Orientation stays ours either way.
int decodeFlags(int divisor)
{
    switch (divisor) {
    case 8: return cv::IMREAD_REDUCED_COLOR_8 | cv::IMREAD_IGNORE_ORIENTATION;
    case 4: return cv::IMREAD_REDUCED_COLOR_4 | cv::IMREAD_IGNORE_ORIENTATION;
    case 2: return cv::IMREAD_REDUCED_COLOR_2 | cv::IMREAD_IGNORE_ORIENTATION;
    default: return cv::IMREAD_UNCHANGED;
    }
}

// The most memory a decode holds at once beyond the encoded bytes, from the header (see decodeImageData below):
// the codec's output and its full-size buffers, the 8-bit conversion, the QImage, the orientation's scratch.
qint64 estimateDecodeBytes(const HeaderInfo &header, int divisor)
{
    const qint64 stored = header.width * header.height;
    const qint64 out = ((header.width + divisor - 1) / divisor) * ((header.height + divisor - 1) / divisor);
    if (header.format == Format::Gif) {
        return stored * (4 + 4 + 3); // Qt's 32-bit frame (and its backing store for disposal), then RGB888
    }
    const int channels = divisor > 1 ? 3 : header.channels; // a reduced decode is always BGR
    const qint64 codecOutput = out * channels * header.sampleBytes;
    const qint64 conversion = header.sampleBytes > 1 ? out * channels : 0;
    // 8-bit BGR is turned to RGB in place and handed to the QImage; anything else is converted into a new one.
    const bool inPlace = channels == 3 && header.sampleBytes == 1;
    const int orientation = header.format == Format::Tiff ? 1 : header.orientation;
    const qint64 image = inPlace && orientation == 1 ? 0 : 3 * out;
    const qint64 rotation = orientation == 1 ? 0 : (inPlace ? 0 : 3 * out) + (orientation == 7 ? 3 * out : 0);
    const qint64 total = stored * header.codecBytesPerPixel + codecOutput + conversion + image + rotation;
    // The codecs' row buffers and small tables: measured within 2% (hostileimagetest).
    return total + total / 50 + (1 << 20);
}

DecodedImage failure(const QString &name, const QString &problem)
{
    DecodedImage result;
    result.error = name + QStringLiteral(": ") + problem;
    return result;
}

// OpenCV 4.6 has no GIF decoder: Qt's reader gives the first frame with the palette expanded.
QString decodeGif(const QByteArray &data, const HeaderInfo &header, QImage *image)
{
    QByteArray copy = data; // QBuffer wants a non-const array; this is a shallow copy
    QBuffer buffer(&copy);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer, "gif");
    reader.setAutoTransform(false);
    const QImage frame = reader.read();
    if (frame.isNull()) {
        return QCoreApplication::translate("clipfind::ImageDecoder", "cannot decode GIF data (%1)")
            .arg(reader.errorString());
    }
    if (frame.width() != header.width || frame.height() != header.height) {
        return QCoreApplication::translate("clipfind::ImageDecoder", "decoded as %1 x %2, but the header says %3 x %4")
            .arg(frame.width())
            .arg(frame.height())
            .arg(header.width)
            .arg(header.height);
    }
    // Transparent palette entries keep their color with alpha 0 in Qt; RGB888 drops the alpha.
    *image = frame.convertToFormat(QImage::Format_RGB888);
    return image->isNull()
               ? QCoreApplication::translate("clipfind::ImageDecoder", "out of memory converting the GIF frame")
               : QString();
}

// A QImage over the pixels of an 8-bit RGB cv::Mat, sharing its buffer (the Mat's reference keeps it alive until the
// last copy of the image is gone): no second full-size copy of a large photo.
QImage imageSharing(const cv::Mat &rgb)
{
    auto *owner = new cv::Mat(rgb);
    QImage image(
        owner->data, owner->cols, owner->rows, qsizetype(owner->step[0]), QImage::Format_RGB888,
        [](void *info) { delete static_cast<cv::Mat *>(info); }, owner);
    if (image.isNull()) {
        delete owner; // Qt calls the cleanup function only for an image it created
    }
    return image;
}

void swapRedAndBlue(cv::Mat &pixels)
{
    for (int y = 0; y < pixels.rows; ++y) {
        uchar *p = pixels.ptr<uchar>(y);
        for (int x = 0; x < pixels.cols; ++x, p += 3) {
            std::swap(p[0], p[2]);
        }
    }
}

QString nameInMessages(const QString &path)
{
    const QString fileName = QFileInfo(path).fileName();
    return !fileName.isEmpty() ? fileName
           : path.isEmpty()    ? QCoreApplication::translate("clipfind::ImageDecoder", "(no path)")
                               : path;
}

// Whether decoding may go ahead on what the header says: an empty string, or the problem.
QString checkHeader(const QByteArray &data, const HeaderInfo &header)
{
    const QString format = QString::fromLatin1(formatName(header.format));
    if (data.isEmpty()) {
        return QCoreApplication::translate("clipfind::ImageDecoder", "file is empty (0 bytes)");
    }
    if (data.size() > kMaxFileBytes) {
        return QCoreApplication::translate("clipfind::ImageDecoder", "file is too large (%1 MB)")
            .arg(data.size() >> 20);
    }
    if (header.format == Format::Unknown) {
        return QCoreApplication::translate("clipfind::ImageDecoder",
                                           "not a supported image (unrecognized content, %1 bytes)")
            .arg(data.size());
    }
    if (!header.problem.isEmpty()) {
        return header.problem;
    }
    if (header.width <= 0 || header.height <= 0) {
        return QCoreApplication::translate("clipfind::ImageDecoder", "truncated or corrupt %1 header (no image size)")
            .arg(format);
    }
    if (header.width > kMaxImageSide || header.height > kMaxImageSide || header.width * header.height > kMaxPixels) {
        return QCoreApplication::translate(
                   "clipfind::ImageDecoder",
                   "image too large (%1 x %2 = %3 megapixels; the limit is %4 megapixels, %5 pixels a side)")
            .arg(header.width)
            .arg(header.height)
            .arg(double(header.width) * double(header.height) / 1e6, 0, 'f', 1) // sizes up to 2^32: no qint64 product
            .arg(kMaxPixels / 1000000)
            .arg(kMaxImageSide);
    }
    if (header.animatedWebP) {
        return QCoreApplication::translate("clipfind::ImageDecoder", "animated WebP is not supported");
    }
    if (!header.complete) {
        return header.format == Format::Jpeg
                   ? QCoreApplication::translate("clipfind::ImageDecoder",
                                                 "truncated or corrupt JPEG data (no end-of-image marker)")
                   : QCoreApplication::translate("clipfind::ImageDecoder", "truncated or corrupt %1 data").arg(format);
    }
    return {};
}

} // namespace

QImage shrinkImage(const QImage &image, int maxSide)
{
    if (image.isNull() || maxSide <= 0 || (image.width() <= maxSide && image.height() <= maxSide)
        || image.format() != QImage::Format_RGB888) {
        return image;
    }
    const double scale = std::min(double(maxSide) / image.width(), double(maxSide) / image.height());
    QImage out(std::clamp(int(image.width() * scale + 0.5), 1, maxSide),
               std::clamp(int(image.height() * scale + 0.5), 1, maxSide), QImage::Format_RGB888);
    if (out.isNull()) {
        return image;
    }
    try {
        const cv::Mat source(image.height(), image.width(), CV_8UC3, const_cast<uchar *>(image.constBits()),
                             size_t(image.bytesPerLine()));
        cv::Mat target(out.height(), out.width(), CV_8UC3, out.bits(), size_t(out.bytesPerLine()));
        cv::resize(source, target, target.size(), 0, 0, cv::INTER_AREA);
        return target.data == out.constBits() ? out : image;
    } catch (const std::exception &) {
        return image;
    }
}

bool readImageFile(const QString &path, QByteArray *data, QString *error)
{
    const QString name = nameInMessages(path);
    QString problem;
    if (!readRegularFile(path, kMaxFileBytes, data, &problem)) {
        // readRegularFile() words its reasons through the same translation, so this compares like with like.
        *error = name + QStringLiteral(": ")
                 + (problem == QCoreApplication::translate("clipfind::RegularFile", "is a directory")
                        ? QCoreApplication::translate("clipfind::ImageDecoder", "is a directory, not an image file")
                        : problem);
        return false;
    }
    return true;
}

DecodedImage decodeImage(const QString &path, const DecodeOptions &options)
{
    QByteArray data;
    QString error;
    if (!readImageFile(path, &data, &error)) {
        DecodedImage result;
        result.error = error;
        return result;
    }
    return decodeImageData(data, nameInMessages(path), options);
}

ImageProbe probeImageData(const QByteArray &data, const QString &nameForErrors, const DecodeOptions &options)
{
    HeaderInfo header = readHeader(data);
    ImageProbe probe;
    if (!data.isEmpty() && data.size() <= kMaxFileBytes
        && (header.format == Format::Heif || header.format == Format::Raw)) {
        // The codecs read their containers themselves and check the limit before they decode.
        const CodecSize sized = (header.format == Format::Heif ? heifCodec() : rawCodec()).sizeOfData(data);
        const QSize size = sized.size;
        const ByteView bytes(data);
        if (size.isValid()) {
            // Decoded RGB, the codec's own planes (up to 16-bit 4:4:4 for HEIF, the raw buffer for RAW) and the
            // QImage: at most 12 bytes a pixel.
            probe.width = size.width();
            probe.height = size.height();
            probe.decodeBytes = qint64(size.width()) * size.height() * 12 + (qint64(1) << 20);
            return probe;
        }
        if (!sized.unsupported || !readAsPlainTiff(bytes, &header)) {
            // Unreadable: decodeImageData() fails on it with the codec's own words, before any large allocation.
            probe.decodeBytes = data.size();
            return probe;
        }
    }
    const QString problem = checkHeader(data, header);
    if (!problem.isEmpty()) {
        probe.error = nameForErrors + QStringLiteral(": ") + problem;
        return probe;
    }
    probe.width = int(header.width);
    probe.height = int(header.height);
    probe.decodeBytes = estimateDecodeBytes(header, scaleDivisor(header, options));
    return probe;
}

namespace {

// Where a decode starts: the whole file, or a RAW file's embedded preview (never a codec's file again, so the JPEG
// inside a RAW cannot lead to another codec: no recursion on what a file says).
enum class Source { File, Preview };

DecodedImage decodeBytes(const QByteArray &data, const QString &name, const DecodeOptions &options, Source source,
                         std::optional<int> orientation);

// HEIF and RAW: the codec decodes, or hands back a RAW file's JPEG preview for the JPEG path below.
DecodedImage decodeWithCodec(const ImageCodec &codec, const QByteArray &data, const QString &name,
                             const DecodeOptions &options, bool *unsupported)
{
    CodecOutput out = codec.decode(data, kMaxPixels);
    if (!out.error.isEmpty()) {
        *unsupported = out.unsupported;
        return failure(name, out.error);
    }
    if (!out.jpeg.isEmpty()) {
        return decodeBytes(out.jpeg,
                           QCoreApplication::translate("clipfind::ImageDecoder", "%1: embedded JPEG preview").arg(name),
                           options, Source::Preview, out.orientation);
    }
    DecodedImage result;
    result.image = std::move(out.image);
    result.exifOrientation = out.orientation;
    return result;
}

DecodedImage decodeBytes(const QByteArray &data, const QString &name, const DecodeOptions &options, Source source,
                         std::optional<int> orientation)
{
    if (data.isEmpty()) {
        return failure(name, QCoreApplication::translate("clipfind::ImageDecoder", "file is empty (0 bytes)"));
    }
    if (data.size() > kMaxFileBytes) {
        return failure(
            name,
            QCoreApplication::translate("clipfind::ImageDecoder", "file is too large (%1 MB)").arg(data.size() >> 20));
    }
    HeaderInfo header = readHeader(data);
    if (source == Source::Preview && header.format != Format::Jpeg) {
        return failure(name, QCoreApplication::translate("clipfind::ImageDecoder", "not a JPEG"));
    }
    if (header.format == Format::Heif || header.format == Format::Raw) {
        bool unsupported = false;
        DecodedImage decoded = decodeWithCodec(header.format == Format::Heif ? heifCodec() : rawCodec(), data, name,
                                               options, &unsupported);
        if (!unsupported || !readAsPlainTiff(ByteView(data), &header)) {
            return decoded;
        }
    }
    if (orientation) {
        header.orientation = *orientation; // a RAW preview is oriented by the RAW file's header, not its own EXIF
    }
    const QString problem = checkHeader(data, header);
    if (!problem.isEmpty()) {
        return failure(name, problem);
    }
    const QString format = QString::fromLatin1(formatName(header.format));

    DecodedImage result;
    result.exifOrientation = header.orientation;
    try {
        if (header.format == Format::Gif) { // no EXIF in GIF files
            const QString gifProblem = decodeGif(data, header, &result.image);
            return gifProblem.isEmpty() ? result : failure(name, gifProblem);
        }

        // IMREAD_UNCHANGED: no EXIF rotation by OpenCV (we apply it), no alpha compositing, no silent
        // 16-bit reduction; everything below is our choice.
        const int divisor = scaleDivisor(header, options);
        const cv::Mat encoded(1, int(data.size()), CV_8UC1, const_cast<char *>(data.constData()));
        cv::Mat decoded = cv::imdecode(encoded, decodeFlags(divisor));
        if (decoded.empty()) {
            return failure(name, QCoreApplication::translate("clipfind::ImageDecoder",
                                                             "cannot decode %1 data (truncated or corrupt)")
                                     .arg(format));
        }
        // The memory estimate and the size limit used the header's numbers: the codec must have used the same ones.
        const qint64 expectedWidth = (header.width + divisor - 1) / divisor;
        const qint64 expectedHeight = (header.height + divisor - 1) / divisor;
        const bool sameSize =
            (decoded.cols == expectedWidth && decoded.rows == expectedHeight)
            || (header.format == Format::Tiff && decoded.cols == expectedHeight && decoded.rows == expectedWidth);
        if (!sameSize) {
            return failure(name, QCoreApplication::translate("clipfind::ImageDecoder",
                                                             "decoded as %1 x %2, but the header says %3 x %4")
                                     .arg(decoded.cols)
                                     .arg(decoded.rows)
                                     .arg(expectedWidth)
                                     .arg(expectedHeight));
        }
        // OpenCV's TIFF reader already applies the TIFF orientation tag itself, even with IMREAD_UNCHANGED.
        const int orientation = header.format == Format::Tiff ? 1 : header.orientation;
        const bool swap = orientation >= 5;
        if (decoded.type() == CV_8UC3) {
            // The usual case (8-bit color): RGB in place, and upright photos keep the codec's buffer.
            swapRedAndBlue(decoded);
            if (orientation == 1) {
                result.image = imageSharing(decoded);
                return result.image.isNull() ? failure(
                           name, QCoreApplication::translate("clipfind::ImageDecoder", "out of memory (%1 x %2)")
                                     .arg(decoded.cols)
                                     .arg(decoded.rows))
                                             : result;
            }
        }
        result.image =
            QImage(swap ? decoded.rows : decoded.cols, swap ? decoded.cols : decoded.rows, QImage::Format_RGB888);
        if (result.image.isNull()) {
            return failure(name, QCoreApplication::translate("clipfind::ImageDecoder", "out of memory (%1 x %2)")
                                     .arg(decoded.cols)
                                     .arg(decoded.rows));
        }
        cv::Mat out(result.image.height(), result.image.width(), CV_8UC3, result.image.bits(),
                    size_t(result.image.bytesPerLine()));
        cv::Mat rgb = decoded.type() == CV_8UC3 ? decoded
                      : orientation == 1        ? out
                                                : cv::Mat(); // upright: into the QImage
        if (decoded.type() != CV_8UC3) {
            const QString conversionProblem = toRgb8(decoded, &rgb);
            if (!conversionProblem.isEmpty()) {
                return failure(name, conversionProblem);
            }
        }
        if (orientation != 1) {
            applyOrientation(rgb, orientation, out);
        }
        if ((orientation == 1 ? rgb.data : out.data) != result.image.constBits()) { // OpenCV reallocated
            return failure(name, QCoreApplication::translate("clipfind::ImageDecoder",
                                                             "internal error: decoded image was not written in place"));
        }
        return result;
    } catch (const cv::Exception &e) {
        return failure(name, QCoreApplication::translate("clipfind::ImageDecoder", "cannot decode %1 data (%2)")
                                 .arg(format, QString::fromUtf8(e.what()).simplified()));
    } catch (const std::exception &e) { // std::bad_alloc from a decoder
        return failure(name, QCoreApplication::translate("clipfind::ImageDecoder", "cannot decode %1 data (%2)")
                                 .arg(format, QString::fromUtf8(e.what())));
    } catch (...) {
        return failure(
            name,
            QCoreApplication::translate("clipfind::ImageDecoder", "cannot decode %1 data (unknown error)").arg(format));
    }
}

} // namespace

QSize readImageSize(const QString &path)
{
    // A JPEG's frame header follows its APP segments (each at most 64 KiB); PNG, GIF, BMP and WebP say it at once.
    constexpr qint64 kHeadBytes = qint64(1) << 20;
    // Writers such as libtiff put IFD0 after the image data: a TIFF is read whole up to this size.
    constexpr qint64 kMaxTiffBytes = qint64(64) << 20;
    // Only a regular file: a photo replaced by a FIFO would block the caller's thread for good.
    RegularFile regular;
    QString notRegular;
    if (!regular.open(path, &notRegular)) {
        return {};
    }
    QFile file;
    if (!file.open(regular.handle(), QIODevice::ReadOnly, QFileDevice::DontCloseHandle)) {
        return {};
    }
    QByteArray head = file.read(kHeadBytes);
    HeaderInfo header = readHeader(head);
    if (header.format == Format::Heif || header.format == Format::Raw) {
        const CodecSize sized = (header.format == Format::Heif ? heifCodec() : rawCodec()).size(path, ByteView(head));
        if (sized.size.isValid() || !sized.unsupported || !readAsPlainTiff(ByteView(head), &header)) {
            return sized.size;
        }
    }
    if (header.format == Format::Tiff && (header.width <= 0 || header.height <= 0) && file.size() > head.size()
        && file.size() <= kMaxTiffBytes) {
        head += file.readAll();
        readTiffIfd0(ByteView(head), &header);
    }
    if (header.format == Format::Unknown || header.width <= 0 || header.height <= 0
        || header.width > std::numeric_limits<int>::max() || header.height > std::numeric_limits<int>::max()) {
        return {};
    }
    const QSize size(int(header.width), int(header.height));
    return header.orientation >= 5 ? size.transposed() : size; // 5-8 turn the picture a quarter
}

QString imageTooLargeMessage(qint64 width, qint64 height, qint64 maxPixels)
{
    return QCoreApplication::translate("clipfind::ImageDecoder",
                                       "image too large (%1 x %2 = %3 megapixels; the limit is %4)")
        .arg(width)
        .arg(height)
        .arg(double(width) * double(height) / 1e6, 0, 'f', 1) // sizes up to 2^32: no qint64 product
        .arg(maxPixels / 1000000);
}

DecodedImage decodeImageData(const QByteArray &data, const QString &nameForErrors, const DecodeOptions &options)
{
    return decodeBytes(data, nameForErrors, options, Source::File, std::nullopt);
}

} // namespace clipfind
