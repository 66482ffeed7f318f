// SPDX-License-Identifier: MIT
// Fuzz target (b): photos as untrusted bytes. The header probe, the decode (full size and the JPEG fast path), EXIF
// orientation and the EXIF date reader. Invariants: errors are one line naming the input; a decode that succeeds has
// the probe's size (turned by the orientation, or reduced by the fast path), and what the probe refuses the decoder
// refuses with the same line. Inputs whose decode the probe estimates above 64 MB are probed only (OpenCV and Qt
// are not instrumented; the bombs themselves are covered by hostileimagetest).
#include "fuzzsupport.h"

#include "core/decode/exifdate.h"
#include "core/decode/imagedecoder.h"

#include <QCoreApplication>

using namespace clipfind;

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv); // Qt's GIF reader is a plugin
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString name = QStringLiteral("input.img");
    (void)exifDateTaken(bytes);
    const ImageProbe probe = probeImageData(bytes, name);
    if (!probe.ok()) {
        fuzz::requireOneLine(probe.error.toStdString());
        if (!probe.error.startsWith(name + QStringLiteral(": "))) {
            fuzz::fail("a probe error does not name the input");
        }
        const DecodedImage decoded = decodeImageData(bytes, name);
        if (decoded.ok() || decoded.error != probe.error) {
            fuzz::fail("the decoder does not refuse what the probe refuses, with the same line");
        }
        return 0;
    }
    if (probe.decodeBytes > (qint64(64) << 20)) {
        return 0;
    }
    for (const int minShortSide : {0, 16}) {
        DecodeOptions options;
        options.minShortSide = minShortSide;
        const DecodedImage decoded = decodeImageData(bytes, name, options);
        if (!decoded.ok()) {
            fuzz::requireOneLine(decoded.error.toStdString());
            if (!decoded.error.startsWith(name + QStringLiteral(": "))) {
                fuzz::fail("a decode error does not name the input");
            }
            continue;
        }
        const QSize stored(probe.width, probe.height);
        const QSize upright = decoded.exifOrientation >= 5 ? stored.transposed() : stored;
        const QSize got = decoded.image.size();
        const bool fullSize = got == upright || got == stored; // TIFF: OpenCV applies its orientation itself
        const int uprightShort = std::min(upright.width(), upright.height());
        const bool reduced = minShortSide > 0 && got.width() <= upright.width() && got.height() <= upright.height()
                             && std::min(got.width(), got.height()) >= std::min(minShortSide, uprightShort);
        if (!fullSize && !reduced) {
            fuzz::fail("decoded size differs from the probe's");
        }
        if (decoded.image.format() != QImage::Format_RGB888) {
            fuzz::fail("decoded image is not RGB888");
        }
    }
    return 0;
}
