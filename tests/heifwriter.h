// SPDX-License-Identifier: MIT
#pragma once

// Test support: HEIC and AVIF files made at run time through libheif's encoder API (Debian's libheif 1.15 has x265 for
// HEVC and aom for AV1), with the orientation written as irot/imir boxes. Nothing here uses the code under test.

#include "photowriters.h"

#include <QByteArray>
#include <QImage>
#include <QString>

#include <libheif/heif.h>

#include <cstring>
#include <memory>

namespace clipfind::test {

/// HEIC (HEVC, x265) or AVIF (AV1, aom) of `stored` at `quality` (0..100), with irot/imir boxes for `orientation`
/// and `exif` (a TIFF structure, may be empty) as the primary image's EXIF item. Empty with *error on failure.
inline QByteArray encodeHeif(const QImage &stored, bool avif, int quality, int orientation, const QByteArray &exif,
                             QString *error)
{
    const QImage rgb = stored.convertToFormat(QImage::Format_RGB888);
    const auto check = [error](const heif_error &e, const char *what) {
        if (e.code != heif_error_Ok) {
            *error = QStringLiteral("%1: %2").arg(QLatin1String(what), QString::fromUtf8(e.message));
            return false;
        }
        return true;
    };
    std::unique_ptr<heif_context, void (*)(heif_context *)> context(heif_context_alloc(), heif_context_free);
    heif_encoder *rawEncoder = nullptr;
    if (!check(heif_context_get_encoder_for_format(context.get(), avif ? heif_compression_AV1 : heif_compression_HEVC,
                                                   &rawEncoder),
               "no encoder")) {
        return {};
    }
    std::unique_ptr<heif_encoder, void (*)(heif_encoder *)> encoder(rawEncoder, heif_encoder_release);
    heif_encoder_set_lossy_quality(encoder.get(), quality);
    if (!avif) {
        heif_encoder_set_parameter_string(encoder.get(), "preset", "ultrafast"); // x265's default is slow here
    }
    heif_image *rawImage = nullptr;
    if (!check(
            heif_image_create(rgb.width(), rgb.height(), heif_colorspace_RGB, heif_chroma_interleaved_RGB, &rawImage),
            "image")) {
        return {};
    }
    std::unique_ptr<heif_image, void (*)(const heif_image *)> image(rawImage, heif_image_release);
    if (!check(heif_image_add_plane(image.get(), heif_channel_interleaved, rgb.width(), rgb.height(), 8), "plane")) {
        return {};
    }
    int stride = 0;
    uint8_t *plane = heif_image_get_plane(image.get(), heif_channel_interleaved, &stride);
    for (int y = 0; y < rgb.height(); ++y) {
        std::memcpy(plane + qint64(y) * stride, rgb.constScanLine(y), size_t(rgb.width()) * 3);
    }
    std::unique_ptr<heif_encoding_options, void (*)(heif_encoding_options *)> options(heif_encoding_options_alloc(),
                                                                                      heif_encoding_options_free);
    if (options->version < 5) {
        *error = QStringLiteral("libheif too old to write irot/imir");
        return {};
    }
    options->image_orientation = heif_orientation(orientation);
    heif_image_handle *handle = nullptr;
    if (!check(heif_context_encode_image(context.get(), image.get(), encoder.get(), options.get(), &handle),
               "encode")) {
        return {};
    }
    std::unique_ptr<heif_image_handle, void (*)(const heif_image_handle *)> handleOwner(handle,
                                                                                        heif_image_handle_release);
    if (!exif.isEmpty()
        && !check(heif_context_add_exif_metadata(context.get(), handle, exif.constData(), int(exif.size())), "exif")) {
        return {};
    }
    QByteArray bytes;
    heif_writer writer{};
    writer.writer_api_version = 1;
    writer.write = [](heif_context *, const void *data, size_t size, void *out) {
        static_cast<QByteArray *>(out)->append(static_cast<const char *>(data), qsizetype(size));
        return heif_error{heif_error_Ok, heif_suberror_Unspecified, "ok"};
    };
    if (!check(heif_context_write(context.get(), &writer, &bytes), "write")) {
        return {};
    }
    return bytes;
}

} // namespace clipfind::test
