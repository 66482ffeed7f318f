// SPDX-License-Identifier: MIT
#include "core/decode/imagedecoder.h"

#include "core/decode/exifreader.h"
#include "core/decode/imagecodec.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <exception>
#include <limits>
#include <optional>
#include <utility>

namespace clipfind {
namespace {

// Decompression-bomb guard: a 200-megapixel RGB image already needs 600 MB decoded.
constexpr qint64 kMaxPixels = 200'000'000;
// Larger files are not photos we can handle (and QByteArray/cv::Mat sizes stay within int).
constexpr qint64 kMaxFileBytes = qint64(1) << 30;

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
    int orientation = 1;      // EXIF/TIFF orientation, 1..8
    bool complete = true;     // JPEG: an end-of-image marker follows the first scan; GIF: first frame whole
    bool animatedWebP = false; // OpenCV 4.6 cannot decode these
};

// IFD0 of a TIFF file: orientation and size. Classic TIFF only; anything malformed leaves the defaults.
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
}

// The orientation an EXIF payload gives (see tiffInExif); 1 (upright) when it has none.
int exifOrientation(const ByteView &exif)
{
    HeaderInfo ignoredSize;
    readTiffIfd0(tiffInExif(exif), &ignoredSize);
    return ignoredSize.orientation;
}

void readJpegHeader(const ByteView &bytes, HeaderInfo *info)
{
    bool exifSeen = false;
    qint64 scanAt = 0;
    const JpegWalkEnd end = walkJpegSegments(
        bytes,
        [&](const JpegSegment &segment) {
            if (segment.marker == 0xE1 && !exifSeen && segment.payload.matches(0, "Exif")) {
                exifSeen = true;
                info->orientation = exifOrientation(segment.payload);
            } else if (isJpegStartOfFrame(segment.marker)) {
                info->height = segment.payload.u16(1, true);
                info->width = segment.payload.u16(3, true);
            }
            return true;
        },
        &scanAt);
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
    info->width = bytes.u32(16, true);
    info->height = bytes.u32(20, true);
    for (qint64 pos = 8; bytes.has(pos, 12);) {
        const qint64 length = bytes.u32(pos, true);
        if (bytes.matches(pos + 4, "eXIf")) {
            info->orientation = exifOrientation(bytes.sub(pos + 8, length));
        } else if (bytes.matches(pos + 4, "IEND")) {
            break;
        }
        pos += 12 + length;
    }
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
    } else if (bytes.matches(12, "VP8X")) {
        info->animatedWebP = (bytes.u8(20) & 0x02) != 0;
        info->width = bytes.u24le(24) + 1;
        info->height = bytes.u24le(27) + 1;
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
        info.width = os2 ? bytes.u16(18, false) : qint32(bytes.u32(18, false));
        info.height = os2 ? bytes.u16(20, false) : qint32(bytes.u32(22, false));
        info.height = qAbs(info.height); // negative height = top-down rows
    } else if (bytes.matches(0, "RIFF") && bytes.matches(8, "WEBP")) {
        info.format = Format::WebP;
        readWebPHeader(bytes, &info);
    } else if (rawCodec().recognizes(bytes)) { // before TIFF: most raws are TIFF files
        info.format = Format::Raw;
    } else if (bytes.matches(0, "II*\0") || bytes.matches(0, "MM\0*")) {
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
    case 2: cv::flip(src, dst, 1); break;                          // mirror left-right
    case 3: cv::rotate(src, dst, cv::ROTATE_180); break;
    case 4: cv::flip(src, dst, 0); break;                          // mirror top-bottom
    case 5: cv::transpose(src, dst); break;                        // mirror along the main diagonal
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
    case CV_8U:
        eightBit = decoded;
        break;
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
        return QStringLiteral("unsupported sample format (OpenCV depth %1)").arg(decoded.depth());
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
    default: return QStringLiteral("unsupported number of channels (%1)").arg(eightBit.channels());
    }
    return {};
}

// IMREAD_UNCHANGED, or for the JPEG fast path the largest libjpeg DCT scaling (IMREAD_REDUCED_COLOR_N decodes
// at 1/N of each side, rounded up) that keeps the short side >= minShortSide. Orientation stays ours either way.
int decodeFlags(const HeaderInfo &header, const DecodeOptions &options)
{
    if (header.format != Format::Jpeg || options.minShortSide <= 0) {
        return cv::IMREAD_UNCHANGED;
    }
    const qint64 shortSide = std::min(header.width, header.height);
    for (const auto &[factor, flag] : {std::pair{8, cv::IMREAD_REDUCED_COLOR_8}, std::pair{4, cv::IMREAD_REDUCED_COLOR_4},
                                      std::pair{2, cv::IMREAD_REDUCED_COLOR_2}}) {
        if ((shortSide + factor - 1) / factor >= options.minShortSide) {
            return flag | cv::IMREAD_IGNORE_ORIENTATION;
        }
    }
    return cv::IMREAD_UNCHANGED;
}

DecodedImage failure(const QString &name, const QString &problem)
{
    DecodedImage result;
    result.error = name + QStringLiteral(": ") + problem;
    return result;
}

// OpenCV 4.6 has no GIF decoder: Qt's reader gives the first frame with the palette expanded.
QString decodeGif(const QByteArray &data, QImage *image)
{
    QByteArray copy = data; // QBuffer wants a non-const array; this is a shallow copy
    QBuffer buffer(&copy);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer, "gif");
    reader.setAutoTransform(false);
    const QImage frame = reader.read();
    if (frame.isNull()) {
        return QStringLiteral("cannot decode GIF data (%1)").arg(reader.errorString());
    }
    // Transparent palette entries keep their color with alpha 0 in Qt; RGB888 drops the alpha.
    *image = frame.convertToFormat(QImage::Format_RGB888);
    return image->isNull() ? QStringLiteral("out of memory converting the GIF frame") : QString();
}

} // namespace

DecodedImage decodeImage(const QString &path, const DecodeOptions &options)
{
    const QFileInfo info(path);
    const QString name = !info.fileName().isEmpty() ? info.fileName() : path.isEmpty() ? QStringLiteral("(no path)") : path;
    if (!info.exists()) {
        return failure(name, QStringLiteral("file not found"));
    }
    if (info.isDir()) {
        return failure(name, QStringLiteral("is a directory, not an image file"));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return failure(name, QStringLiteral("cannot open file (%1)").arg(file.errorString()));
    }
    const qint64 size = file.size();
    if (size > kMaxFileBytes) {
        return failure(name, QStringLiteral("file is too large (%1 MB)").arg(size >> 20));
    }
    const QByteArray data = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        return failure(name, QStringLiteral("read error (%1)").arg(file.errorString()));
    }
    return decodeImageData(data, name, options);
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
        return decodeBytes(out.jpeg, name + QStringLiteral(": embedded JPEG preview"), options, Source::Preview,
                           out.orientation);
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
        return failure(name, QStringLiteral("file is empty (0 bytes)"));
    }
    if (data.size() > kMaxFileBytes) {
        return failure(name, QStringLiteral("file is too large (%1 MB)").arg(data.size() >> 20));
    }
    HeaderInfo header = readHeader(data);
    if (source == Source::Preview && header.format != Format::Jpeg) {
        return failure(name, QStringLiteral("not a JPEG"));
    }
    if (header.format == Format::Heif || header.format == Format::Raw) {
        bool unsupported = false;
        DecodedImage decoded = decodeWithCodec(header.format == Format::Heif ? heifCodec() : rawCodec(), data, name,
                                               options, &unsupported);
        const ByteView bytes(data);
        if (!unsupported || !(bytes.matches(0, "II*\0") || bytes.matches(0, "MM\0*"))) {
            return decoded;
        }
        header = HeaderInfo(); // a TIFF with sub-IFDs that LibRaw does not take: a plain TIFF after all
        header.format = Format::Tiff;
        readTiffIfd0(bytes, &header);
    }
    if (orientation) {
        header.orientation = *orientation; // a RAW preview is oriented by the RAW file's header, not its own EXIF
    }
    const QString format = QString::fromLatin1(formatName(header.format));
    if (header.format == Format::Unknown) {
        return failure(name, QStringLiteral("not a supported image (unrecognized content, %1 bytes)").arg(data.size()));
    }
    if (header.width <= 0 || header.height <= 0) {
        return failure(name, QStringLiteral("truncated or corrupt %1 header (no image size)").arg(format));
    }
    if (header.width > kMaxPixels || header.height > kMaxPixels || header.width * header.height > kMaxPixels) {
        return failure(name, imageTooLargeMessage(header.width, header.height, kMaxPixels));
    }
    if (header.animatedWebP) {
        return failure(name, QStringLiteral("animated WebP is not supported"));
    }
    if (!header.complete) {
        return failure(name, header.format == Format::Jpeg
                                 ? QStringLiteral("truncated or corrupt JPEG data (no end-of-image marker)")
                                 : QStringLiteral("truncated or corrupt %1 data").arg(format));
    }

    DecodedImage result;
    result.exifOrientation = header.orientation;
    try {
        if (header.format == Format::Gif) { // no EXIF in GIF files
            const QString problem = decodeGif(data, &result.image);
            return problem.isEmpty() ? result : failure(name, problem);
        }

        // IMREAD_UNCHANGED: no EXIF rotation by OpenCV (we apply it), no alpha compositing, no silent
        // 16-bit reduction; everything below is our choice.
        const cv::Mat encoded(1, int(data.size()), CV_8UC1, const_cast<char *>(data.constData()));
        const cv::Mat decoded = cv::imdecode(encoded, decodeFlags(header, options));
        if (decoded.empty()) {
            return failure(name, QStringLiteral("cannot decode %1 data (truncated or corrupt)").arg(format));
        }
        // OpenCV's TIFF reader already applies the TIFF orientation tag itself, even with IMREAD_UNCHANGED.
        const int orientation = header.format == Format::Tiff ? 1 : header.orientation;
        const bool swap = orientation >= 5;
        result.image = QImage(swap ? decoded.rows : decoded.cols, swap ? decoded.cols : decoded.rows, QImage::Format_RGB888);
        if (result.image.isNull()) {
            return failure(name, QStringLiteral("out of memory (%1 x %2)").arg(decoded.cols).arg(decoded.rows));
        }
        cv::Mat out(result.image.height(), result.image.width(), CV_8UC3, result.image.bits(), size_t(result.image.bytesPerLine()));
        cv::Mat rgb = orientation == 1 ? out : cv::Mat(); // upright: convert straight into the QImage
        const QString problem = toRgb8(decoded, &rgb);
        if (!problem.isEmpty()) {
            return failure(name, problem);
        }
        if (orientation != 1) {
            applyOrientation(rgb, orientation, out);
        }
        if ((orientation == 1 ? rgb.data : out.data) != result.image.constBits()) { // OpenCV reallocated
            return failure(name, QStringLiteral("internal error: decoded image was not written in place"));
        }
        return result;
    } catch (const cv::Exception &e) {
        return failure(name, QStringLiteral("cannot decode %1 data (%2)").arg(format, QString::fromUtf8(e.what()).simplified()));
    } catch (const std::exception &e) { // std::bad_alloc from a decoder
        return failure(name, QStringLiteral("cannot decode %1 data (%2)").arg(format, QString::fromUtf8(e.what())));
    } catch (...) {
        return failure(name, QStringLiteral("cannot decode %1 data (unknown error)").arg(format));
    }
}

} // namespace

QSize readImageSize(const QString &path)
{
    // A JPEG's frame header follows its APP segments (each at most 64 KiB); PNG, GIF, BMP and WebP say it at once.
    constexpr qint64 kHeadBytes = qint64(1) << 20;
    // Writers such as libtiff put IFD0 after the image data: a TIFF is read whole up to this size.
    constexpr qint64 kMaxTiffBytes = qint64(64) << 20;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    QByteArray head = file.read(kHeadBytes);
    HeaderInfo header = readHeader(head);
    if (header.format == Format::Heif || header.format == Format::Raw) {
        const QSize size = (header.format == Format::Heif ? heifCodec() : rawCodec()).size(path);
        if (size.isValid() || header.format == Format::Heif) {
            return size;
        }
        header = HeaderInfo(); // a TIFF with sub-IFDs that LibRaw does not take: a plain TIFF, as decodeBytes() says
        header.format = Format::Tiff;
        readTiffIfd0(ByteView(head), &header);
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
    return QStringLiteral("image too large (%1 x %2 = %3 megapixels; the limit is %4)")
        .arg(width).arg(height).arg(double(width * height) / 1e6, 0, 'f', 1).arg(maxPixels / 1000000);
}

DecodedImage decodeImageData(const QByteArray &data, const QString &nameForErrors, const DecodeOptions &options)
{
    return decodeBytes(data, nameForErrors, options, Source::File, std::nullopt);
}

} // namespace clipfind
