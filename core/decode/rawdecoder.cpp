// SPDX-License-Identifier: MIT
// Camera RAW through LibRaw (the thread-safe libraw_r). LibRaw reports errors as return codes; its internal
// exceptions (end of data, out of memory) are caught inside each call, and a catch-all here keeps anything else in.
#include "core/decode/imagecodec.h"

#include <QCoreApplication>
#include <QFile>

#include <libraw/libraw.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>

namespace clipfind {

namespace {

constexpr quint32 kTagMake = 0x010F;
constexpr quint32 kTagSubIfds = 0x014A;
constexpr quint32 kTagDngVersion = 0xC612;
// LibRaw refuses to allocate more than this for the raw data (its default is 2 GiB).
constexpr unsigned kMaxRawMemoryMb = 1024;

// What kind of RAW file the first bytes show, for messages; empty when they show none. "RAW" is the guess for a TIFF
// with sub-IFDs and a camera make (NEF, ARW, PEF and friends keep a small image in IFD0 and the raw data in
// sub-IFDs; a plain TIFF rarely has sub-IFDs): if LibRaw does not take it, the decoder reads it as a TIFF.
QString rawKind(const ByteView &head)
{
    if (head.matches(0, "FUJIFILMCCD-RAW")) {
        return QStringLiteral("RAF");
    }
    if (head.matches(0, "IIRO") || head.matches(0, "IIRS") || head.matches(0, "MMOR")) {
        return QStringLiteral("ORF");
    }
    if (head.matches(0, "IIU\0")) {
        return QStringLiteral("RW2");
    }
    if (head.matches(4, "ftypcrx ")) { // ISO BMFF, like HEIF
        return QStringLiteral("CR3");
    }
    if (!head.matches(0, "II*\0") && !head.matches(0, "MM\0*")) {
        return {};
    }
    if (head.matches(8, "CR\x02")) {
        return QStringLiteral("CR2");
    }
    const TiffReader tiff(head);
    const quint32 ifd0 = tiff.firstIfd();
    if (tiff.find(ifd0, kTagDngVersion)) {
        return QStringLiteral("DNG");
    }
    return tiff.find(ifd0, kTagSubIfds) && tiff.find(ifd0, kTagMake) ? QStringLiteral("RAW") : QString();
}

// Whether a file LibRaw would not open is no RAW after all but a plain TIFF that looked like one: the one rule that
// decodeRawData() and the size readers follow, so the probe, readImageSize() and the decoder treat every file alike
// (fuzzing found a TIFF header with a CR3 signature that the probe read as a TIFF and the decoder as a CR3).
bool isPlainTiffAfterAll(int openCode, const QString &kind)
{
    return openCode == LIBRAW_FILE_UNSUPPORTED && kind == QLatin1String("RAW");
}

bool recognizesRaw(const ByteView &head)
{
    return !rawKind(head).isEmpty();
}

// LibRaw's flip (dcraw's: 4 transposes, 2 flips rows, 1 flips columns) as an EXIF orientation; the inverse of
// dcraw's "50132467"[orientation & 7].
int orientationFromFlip(int flip)
{
    static const int kExif[8] = {1, 2, 4, 3, 5, 8, 6, 7};
    return flip >= 0 && flip < 8 ? kExif[flip] : 1;
}

QString libRawError(int code)
{
    return QString::fromUtf8(LibRaw::strerror(code));
}

CodecOutput failed(const QString &problem, bool unsupported = false)
{
    CodecOutput out;
    out.error = problem;
    out.unsupported = unsupported;
    return out;
}

std::unique_ptr<LibRaw> newLibRaw()
{
    auto raw = std::make_unique<LibRaw>(LIBRAW_OPTIONS_NONE); // about a megabyte of state: never on the stack
    raw->set_dataerror_handler(nullptr, nullptr);             // the default handlers print to stderr
    raw->set_memerror_handler(nullptr, nullptr);
    raw->imgdata.params.max_raw_memory_mb = kMaxRawMemoryMb;
    return raw;
}

// Width and height from the first start-of-frame segment of a JPEG; empty when there is none.
QSize jpegSize(const QByteArray &jpeg)
{
    const ByteView bytes(jpeg);
    if (!bytes.matches(0, "\xFF\xD8")) {
        return {};
    }
    QSize size;
    walkJpegSegments(bytes, [&size](const JpegSegment &segment) {
        if (isJpegStartOfFrame(segment.marker)) {
            size = QSize(int(segment.payload.u16(3, true)), int(segment.payload.u16(1, true)));
            return false;
        }
        return true;
    });
    return size;
}

struct ProcessedImageDeleter {
    void operator()(libraw_processed_image_t *image) const { LibRaw::dcraw_clear_mem(image); }
};

// A half-size decode (one pixel per 2x2 sensor block: no demosaicing), white balance as shot, sRGB, 8 bits,
// rotated upright by LibRaw.
CodecOutput decodeHalfSize(LibRaw &raw, qint64 maxPixels, int orientation)
{
    const libraw_image_sizes_t &sizes = raw.imgdata.sizes;
    // The raw data is what LibRaw allocates (2 bytes a photosite) and the output is a quarter of it: the limit is
    // checked against the sensor's size before anything is unpacked.
    const qint64 rawWidth = sizes.raw_width;
    const qint64 rawHeight = sizes.raw_height;
    if (rawWidth <= 0 || rawHeight <= 0 || sizes.iwidth == 0 || sizes.iheight == 0) {
        return failed(
            QCoreApplication::translate("clipfind::ImageDecoder", "truncated or corrupt RAW header (no image size)"));
    }
    if (rawWidth * rawHeight > maxPixels) {
        return failed(imageTooLargeMessage(rawWidth, rawHeight, maxPixels));
    }
    int code = raw.unpack();
    if (code != LIBRAW_SUCCESS) {
        return failed(
            QCoreApplication::translate("clipfind::ImageDecoder", "truncated or corrupt RAW data (LibRaw: %1)")
                .arg(libRawError(code)));
    }
    if (raw.error_count() > 0) {
        return failed(
            QCoreApplication::translate("clipfind::ImageDecoder", "corrupt RAW data (LibRaw found %1 data error(s))")
                .arg(raw.error_count()));
    }
    code = raw.dcraw_process();
    if (code != LIBRAW_SUCCESS) {
        return failed(QCoreApplication::translate("clipfind::ImageDecoder", "cannot process RAW data (LibRaw: %1)")
                          .arg(libRawError(code)));
    }
    code = LIBRAW_SUCCESS;
    const std::unique_ptr<libraw_processed_image_t, ProcessedImageDeleter> image(raw.dcraw_make_mem_image(&code));
    if (!image || code != LIBRAW_SUCCESS) {
        return failed(QCoreApplication::translate("clipfind::ImageDecoder", "cannot process RAW data (LibRaw: %1)")
                          .arg(libRawError(code)));
    }
    const qint64 width = image->width;
    const qint64 height = image->height;
    const int channels = image->colors;
    if (image->type != LIBRAW_IMAGE_BITMAP || image->bits != 8 || (channels != 1 && channels != 3) || width <= 0
        || height <= 0 || width * height > maxPixels || qint64(image->data_size) < width * height * channels) {
        return failed(QCoreApplication::translate("clipfind::ImageDecoder",
                                                  "unexpected RAW output (%1 x %2, %3 channel(s) of %4 bits)")
                          .arg(width)
                          .arg(height)
                          .arg(channels)
                          .arg(image->bits));
    }
    CodecOutput out;
    out.orientation = orientation;
    out.image = QImage(int(width), int(height), QImage::Format_RGB888);
    if (out.image.isNull()) {
        return failed(
            QCoreApplication::translate("clipfind::ImageDecoder", "out of memory (%1 x %2)").arg(width).arg(height));
    }
    for (qint64 y = 0; y < height; ++y) {
        const uchar *in = image->data + y * width * channels;
        uchar *line = out.image.scanLine(int(y));
        if (channels == 3) {
            std::memcpy(line, in, size_t(width) * 3);
        } else {
            for (qint64 x = 0; x < width; ++x) {
                line[3 * x] = line[3 * x + 1] = line[3 * x + 2] = in[x];
            }
        }
    }
    return out;
}

CodecOutput decodeRawData(const QByteArray &data, qint64 maxPixels)
{
    const std::unique_ptr<LibRaw> raw = newLibRaw();
    libraw_output_params_t &params = raw->imgdata.params;
    params.half_size = 1;     // set before opening: LibRaw sizes its output (iwidth, iheight) when it opens the file
    params.use_camera_wb = 1; // the white balance the camera chose
    params.output_color = 1;  // sRGB
    params.output_bps = 8;
    const QString kind = rawKind(ByteView(data));
    const int code = raw->open_buffer(const_cast<char *>(data.constData()), size_t(data.size()));
    if (isPlainTiffAfterAll(code, kind)) {
        return failed(QCoreApplication::translate("clipfind::ImageDecoder", "not a supported RAW file (LibRaw: %1)")
                          .arg(libRawError(code)),
                      true);
    }
    if (code != LIBRAW_SUCCESS) {
        return failed(QCoreApplication::translate("clipfind::ImageDecoder", "truncated or corrupt %1 file (LibRaw: %2)")
                          .arg(kind, libRawError(code)));
    }
    // A cut file keeps its headers (and often its preview) but not all of its raw data: refused, as a cut JPEG is.
    const libraw_internal_data_t *internal = raw->get_internal_data_pointer();
    const qint64 dataOffset = internal->unpacker_data.data_offset;
    const qint64 dataSize = internal->unpacker_data.data_size;
    if (dataOffset >= data.size() || dataOffset + dataSize > data.size()) {
        return failed(
            QCoreApplication::translate("clipfind::ImageDecoder",
                                        "truncated %1 file (its raw data, bytes %2 to %3, runs past its end at %4)")
                .arg(kind)
                .arg(dataOffset)
                .arg(dataOffset + dataSize)
                .arg(data.size()));
    }
    const int orientation = orientationFromFlip(raw->imgdata.sizes.flip);

    // The camera's own JPEG rendering when it is large enough for the model (and thumbnails, and the preview):
    // faster than any raw decode and with the camera's colors.
    const libraw_thumbnail_t &thumbnail = raw->imgdata.thumbnail;
    if (raw->unpack_thumb() == LIBRAW_SUCCESS && thumbnail.tformat == LIBRAW_THUMBNAIL_JPEG && thumbnail.thumb
        && thumbnail.tlength > 0) {
        QByteArray jpeg(thumbnail.thumb, int(thumbnail.tlength));
        const QSize size = jpegSize(jpeg);
        if (std::min(size.width(), size.height()) >= kRawPreviewMinShortSide) {
            CodecOutput out;
            out.jpeg = std::move(jpeg);
            out.orientation = orientation; // the preview is stored like the sensor data
            return out;
        }
    }
    return decodeHalfSize(*raw, maxPixels, orientation);
}

CodecOutput decodeRaw(const QByteArray &data, qint64 maxPixels)
{
    try {
        return decodeRawData(data, maxPixels);
    } catch (const std::exception &e) { // std::bad_alloc for LibRaw's own object
        return failed(QCoreApplication::translate("clipfind::ImageDecoder", "cannot decode RAW data (%1)")
                          .arg(QString::fromUtf8(e.what())));
    } catch (...) {
        return failed(QCoreApplication::translate("clipfind::ImageDecoder", "cannot decode RAW data (unknown error)"));
    }
}

// LibRaw parses DateTimeOriginal (else the maker's own date) into a time_t with mktime, so as local time: the same
// wall-clock time the EXIF reader gives for a date without an offset. Opening reads the headers, not the pixels.
QDateTime rawDateTaken(const QString &path)
{
    try {
        const std::unique_ptr<LibRaw> raw = newLibRaw();
        if (raw->open_file(QFile::encodeName(path).constData()) != LIBRAW_SUCCESS) {
            return {};
        }
        const time_t taken = raw->imgdata.other.timestamp;
        return taken > 0 ? QDateTime::fromSecsSinceEpoch(qint64(taken)) : QDateTime();
    } catch (...) {
        return {};
    }
}

// The camera's full image size (after its crop to the visible area), upright: LibRaw's flip bit 4 transposes.
// Opening reads the headers, not the raw data. `open` opens the file or the buffer.
template<typename Open>
CodecSize uprightRawSize(const Open &open, const QString &kind)
{
    CodecSize result;
    try {
        const std::unique_ptr<LibRaw> raw = newLibRaw();
        const int code = open(*raw);
        if (code != LIBRAW_SUCCESS) {
            result.unsupported = isPlainTiffAfterAll(code, kind);
            return result;
        }
        const libraw_image_sizes_t &sizes = raw->imgdata.sizes;
        if (sizes.width == 0 || sizes.height == 0) {
            return result;
        }
        const QSize size(int(sizes.width), int(sizes.height));
        result.size = (sizes.flip & 4) ? size.transposed() : size;
    } catch (...) {
    }
    return result;
}

CodecSize rawSize(const QString &path, const ByteView &head)
{
    return uprightRawSize([&](LibRaw &raw) { return raw.open_file(QFile::encodeName(path).constData()); },
                          rawKind(head));
}

CodecSize rawSizeOfData(const QByteArray &data)
{
    return uprightRawSize(
        [&](LibRaw &raw) { return raw.open_buffer(const_cast<char *>(data.constData()), size_t(data.size())); },
        rawKind(ByteView(data)));
}

} // namespace

const ImageCodec &rawCodec()
{
    static const ImageCodec codec{"RAW", &recognizesRaw, &decodeRaw, &rawDateTaken, &rawSize, &rawSizeOfData};
    return codec;
}

} // namespace clipfind
