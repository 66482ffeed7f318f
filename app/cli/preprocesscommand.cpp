// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/clip/formats/npy.h"
#include "core/decode/imagepreprocessor.h"

#include <QFile>

namespace clipfind::cli {

// clipfind-cli preprocess IMAGE --out FILE.npy [--size N] → float32 C-order [3, N, N]
int runPreprocess(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Writes the CLIP model input of IMAGE as a float32 NPY array [3,N,N]."));
    parser.addPositionalArgument(QStringLiteral("image"), QStringLiteral("The image file."), QStringLiteral("IMAGE"));
    parser.addOption({QStringLiteral("out"), QStringLiteral("Output .npy file."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("size"), QStringLiteral("Input resolution N (224; 336 for ViT-L/14@336px)."),
                      QStringLiteral("n"), QStringLiteral("224")});
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    if (parser.positionalArguments().size() != 1 || !parser.isSet(QStringLiteral("out"))) {
        return fail(QStringLiteral("preprocess needs exactly one IMAGE and --out FILE.npy"), 2);
    }
    bool ok = false;
    const int size = parser.value(QStringLiteral("size")).toInt(&ok);
    if (!ok || size < 1 || size > 4096) {
        return fail(QStringLiteral("--size needs a number between 1 and 4096"), 2);
    }
    const PreprocessedImage image = preprocessImageFile(parser.positionalArguments().first(), size);
    if (!image.ok()) {
        return fail(image.error);
    }
    std::string error;
    const std::string out = QFile::encodeName(parser.value(QStringLiteral("out"))).toStdString();
    if (!clip::writeNpy(out, {3, size, size}, image.pixels.data(), &error)) {
        return fail(QString::fromStdString(error));
    }
    return 0;
}

} // namespace clipfind::cli
