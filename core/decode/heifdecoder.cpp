// SPDX-License-Identifier: MIT
// HEIF and AVIF through libheif's C API.
#include "core/decode/exifdate.h"
#include "core/decode/imagecodec.h"

#include <QCoreApplication>
#include <QFile>

#include <libheif/heif.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>

namespace clipfind {

namespace {

// A HEIF EXIF block is a 4-byte offset and the TIFF structure; real ones have a few KiB to a few dozen.
constexpr size_t kMaxExifBytes = 4 << 20;

struct ContextDeleter {
    void operator()(heif_context *context) const { heif_context_free(context); }
};
struct HandleDeleter {
    void operator()(heif_image_handle *handle) const { heif_image_handle_release(handle); }
};
struct ImageDeleter {
    void operator()(heif_image *image) const { heif_image_release(image); }
};
struct OptionsDeleter {
    void operator()(heif_decoding_options *options) const { heif_decoding_options_free(options); }
};
using ContextPtr = std::unique_ptr<heif_context, ContextDeleter>;
using HandlePtr = std::unique_ptr<heif_image_handle, HandleDeleter>;
using ImagePtr = std::unique_ptr<heif_image, ImageDeleter>;
using OptionsPtr = std::unique_ptr<heif_decoding_options, OptionsDeleter>;

QString describe(const heif_error &error)
{
    return error.message && *error.message
               ? QString::fromUtf8(error.message).simplified()
               : QCoreApplication::translate("clipfind::ImageDecoder", "libheif error %1").arg(int(error.code));
}

// The 'ftyp' box an ISO base media file starts with, if it is one: its major brand at 8, compatible brands from 16.
bool hasBrand(const ByteView &head, const char *brand)
{
    const qint64 boxSize = head.u32(0, true);
    const qint64 end = std::min(boxSize, head.size());
    if (head.has(8, 4) && std::memcmp(head.data() + 8, brand, 4) == 0) {
        return true;
    }
    for (qint64 at = 16; at + 4 <= end; at += 4) {
        if (std::memcmp(head.data() + at, brand, 4) == 0) {
            return true;
        }
    }
    return false;
}

bool recognizesHeif(const ByteView &head)
{
    const qint64 boxSize = head.u32(0, true);
    if (!head.matches(4, "ftyp") || boxSize < 16 || boxSize > 4096 || head.matches(8, "crx ")) {
        return false; // not ISO BMFF, or Canon's CR3 (ISO BMFF too, but RAW)
    }
    for (const char *brand :
         {"heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "msf1", "avif", "avis"}) {
        if (hasBrand(head, brand)) {
            return true;
        }
    }
    return false;
}

// "AVIF" or "HEIC", for messages.
QString flavour(const ByteView &head)
{
    return hasBrand(head, "avif") || hasBrand(head, "avis") ? QStringLiteral("AVIF") : QStringLiteral("HEIC");
}

CodecOutput failed(const QString &problem)
{
    CodecOutput out;
    out.error = problem;
    return out;
}

CodecOutput decodePrimary(const QByteArray &data, qint64 maxPixels)
{
    const QString format = flavour(ByteView(data));
    ContextPtr context(heif_context_alloc());
    if (!context) {
        return failed(QCoreApplication::translate("clipfind::ImageDecoder", "out of memory"));
    }
    heif_error error =
        heif_context_read_from_memory_without_copy(context.get(), data.constData(), size_t(data.size()), nullptr);
    if (error.code != heif_error_Ok) {
        return failed(QCoreApplication::translate("clipfind::ImageDecoder", "truncated or corrupt %1 file (%2)")
                          .arg(format, describe(error)));
    }
    heif_image_handle *rawHandle = nullptr;
    error = heif_context_get_primary_image_handle(context.get(), &rawHandle);
    const HandlePtr handle(rawHandle);
    if (error.code != heif_error_Ok || !handle) {
        return failed(QCoreApplication::translate("clipfind::ImageDecoder", "%1 file has no primary image (%2)")
                          .arg(format, describe(error)));
    }
    // The size after libheif's transforms (a 90-degree irot swaps the sides, clap crops), so exactly what the
    // decoded image will have: this is the one number the limit and the result are checked against.
    const qint64 width = heif_image_handle_get_width(handle.get());
    const qint64 height = heif_image_handle_get_height(handle.get());
    if (width <= 0 || height <= 0) {
        return failed(
            QCoreApplication::translate("clipfind::ImageDecoder", "truncated or corrupt %1 header (no image size)")
                .arg(format));
    }
    if (width * height > maxPixels) {
        return failed(imageTooLargeMessage(width, height, maxPixels));
    }

    const OptionsPtr options(heif_decoding_options_alloc());
    if (!options) {
        return failed(QCoreApplication::translate("clipfind::ImageDecoder", "out of memory"));
    }
    options->ignore_transformations = 0; // irot/imir/clap applied here; EXIF orientation is informational in HEIF
    if (options->version >= 2) {
        options->convert_hdr_to_8bit = 1; // 10- and 12-bit images come out as 8-bit RGB like everything else
    }
    heif_image *rawImage = nullptr;
    // Interleaved RGB: alpha, if any, is dropped without compositing (as for PNG and WebP).
    error = heif_decode_image(handle.get(), &rawImage, heif_colorspace_RGB, heif_chroma_interleaved_RGB, options.get());
    const ImagePtr image(rawImage);
    if (error.code != heif_error_Ok || !image) {
        return failed(QCoreApplication::translate("clipfind::ImageDecoder", "cannot decode %1 data (%2)")
                          .arg(format, describe(error)));
    }
    int stride = 0;
    const uint8_t *plane = heif_image_get_plane_readonly(image.get(), heif_channel_interleaved, &stride);
    const int decodedWidth = heif_image_get_width(image.get(), heif_channel_interleaved);
    const int decodedHeight = heif_image_get_height(image.get(), heif_channel_interleaved);
    if (!plane || decodedWidth != width || decodedHeight != height || stride < 3 * decodedWidth
        || heif_image_get_bits_per_pixel_range(image.get(), heif_channel_interleaved) != 8) {
        return failed(QCoreApplication::translate("clipfind::ImageDecoder",
                                                  "cannot decode %1 data (decoded %2 x %3, the header says %4 x %5)")
                          .arg(format)
                          .arg(decodedWidth)
                          .arg(decodedHeight)
                          .arg(width)
                          .arg(height));
    }
    CodecOutput out;
    out.image = QImage(decodedWidth, decodedHeight, QImage::Format_RGB888);
    if (out.image.isNull()) {
        return failed(QCoreApplication::translate("clipfind::ImageDecoder", "out of memory (%1 x %2)")
                          .arg(decodedWidth)
                          .arg(decodedHeight));
    }
    for (int y = 0; y < decodedHeight; ++y) {
        std::memcpy(out.image.scanLine(y), plane + qint64(y) * stride, size_t(3) * size_t(decodedWidth));
    }
    return out;
}

CodecOutput decodeHeif(const QByteArray &data, qint64 maxPixels)
{
    try {
        return decodePrimary(data, maxPixels);
    } catch (const std::exception &e) { // std::bad_alloc inside libheif's C++ code
        return failed(QCoreApplication::translate("clipfind::ImageDecoder", "cannot decode HEIF data (%1)")
                          .arg(QString::fromUtf8(e.what())));
    } catch (...) {
        return failed(QCoreApplication::translate("clipfind::ImageDecoder", "cannot decode HEIF data (unknown error)"));
    }
}

// libheif reads the boxes it needs through this, so a date costs the header and the EXIF item, not the whole file.
struct FileReader {
    QFile *file = nullptr;

    static int64_t position(void *self) { return static_cast<FileReader *>(self)->file->pos(); }
    static int read(void *data, size_t size, void *self)
    {
        QFile *file = static_cast<FileReader *>(self)->file;
        return file->read(static_cast<char *>(data), qint64(size)) == qint64(size) ? 0 : 1;
    }
    static int seek(int64_t position, void *self)
    {
        return static_cast<FileReader *>(self)->file->seek(position) ? 0 : 1;
    }
    static heif_reader_grow_status waitForFileSize(int64_t size, void *self)
    {
        return size <= static_cast<FileReader *>(self)->file->size() ? heif_reader_grow_status_size_reached
                                                                     : heif_reader_grow_status_size_beyond_eof;
    }
};

// The TIFF structure of the primary image's first EXIF block: after a 4-byte offset to the TIFF header
// (ISO/IEC 23008-12 A.2.1; usually 6, skipping "Exif\0\0").
QByteArray primaryExif(heif_context *context)
{
    heif_image_handle *rawHandle = nullptr;
    if (heif_context_get_primary_image_handle(context, &rawHandle).code != heif_error_Ok) {
        return {};
    }
    const HandlePtr handle(rawHandle);
    heif_item_id id = 0;
    if (heif_image_handle_get_list_of_metadata_block_IDs(handle.get(), "Exif", &id, 1) < 1) {
        return {};
    }
    const size_t size = heif_image_handle_get_metadata_size(handle.get(), id);
    if (size < 4 || size > kMaxExifBytes) {
        return {};
    }
    QByteArray block(qsizetype(size), Qt::Uninitialized);
    if (heif_image_handle_get_metadata(handle.get(), id, block.data()).code != heif_error_Ok) {
        return {};
    }
    const quint32 tiffAt = 4 + ByteView(block).u32(0, true);
    return tiffAt < size ? block.mid(qsizetype(tiffAt)) : QByteArray();
}

// Opens `path` for libheif through FileReader (so only the boxes it needs are read, not the image data) and returns
// what `read` makes of its context; `none` when the file cannot be opened or parsed.
template<typename Result, typename Read>
Result readHeifFile(const QString &path, const Result &none, const Read &read)
{
    try {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            return none;
        }
        FileReader self{&file};
        heif_reader reader{};
        reader.reader_api_version = 1;
        reader.get_position = &FileReader::position;
        reader.read = &FileReader::read;
        reader.seek = &FileReader::seek;
        reader.wait_for_file_size = &FileReader::waitForFileSize;
        ContextPtr context(heif_context_alloc());
        if (!context || heif_context_read_from_reader(context.get(), &reader, &self, nullptr).code != heif_error_Ok) {
            return none;
        }
        return read(context.get());
    } catch (...) { // nothing may escape; no answer is the answer
        return none;
    }
}

QDateTime heifDateTaken(const QString &path)
{
    return readHeifFile(path, QDateTime(), [](heif_context *context) { return exifDateTaken(primaryExif(context)); });
}

// The primary image's size after libheif's transforms (irot, clap), as decodePrimary() checks it.
CodecSize heifSize(const QString &path, const ByteView & /*head*/)
{
    return readHeifFile(path, CodecSize(), [](heif_context *context) {
        heif_image_handle *rawHandle = nullptr;
        if (heif_context_get_primary_image_handle(context, &rawHandle).code != heif_error_Ok) {
            return CodecSize();
        }
        const HandlePtr handle(rawHandle);
        const int width = heif_image_handle_get_width(handle.get());
        const int height = heif_image_handle_get_height(handle.get());
        return width > 0 && height > 0 ? CodecSize{QSize(width, height)} : CodecSize();
    });
}

CodecSize heifSizeOfData(const QByteArray &data)
{
    try {
        ContextPtr context(heif_context_alloc());
        if (!context
            || heif_context_read_from_memory_without_copy(context.get(), data.constData(), size_t(data.size()), nullptr)
                       .code
                   != heif_error_Ok) {
            return {};
        }
        heif_image_handle *rawHandle = nullptr;
        if (heif_context_get_primary_image_handle(context.get(), &rawHandle).code != heif_error_Ok) {
            return {};
        }
        const HandlePtr handle(rawHandle);
        const int width = heif_image_handle_get_width(handle.get());
        const int height = heif_image_handle_get_height(handle.get());
        return width > 0 && height > 0 ? CodecSize{QSize(width, height)} : CodecSize();
    } catch (...) {
        return {};
    }
}

} // namespace

const ImageCodec &heifCodec()
{
    static const ImageCodec codec{"HEIF", &recognizesHeif, &decodeHeif, &heifDateTaken, &heifSize, &heifSizeOfData};
    return codec;
}

} // namespace clipfind
