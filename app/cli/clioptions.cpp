// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/encode/photoencoderloader.h"
#include "core/store/librarydatabase.h"

#include <QDir>
#include <QFileInfo>
#include <QTextStream>

#include <cstdio>

namespace clipfind::cli {

int fail(const QString &message, int exitCode)
{
    std::fprintf(stderr, "clipfind-cli: %s\n", message.toLocal8Bit().constData());
    return exitCode;
}

void addDeviceOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("device"), QStringLiteral("auto (CUDA if available), cpu or cuda."),
                      QStringLiteral("device"), QStringLiteral("auto")});
    parser.addOption({QStringLiteral("precision"),
                      QStringLiteral("auto (float16 on CUDA; on the CPU bfloat16-images where the CPU has native bf16, "
                                     "else float32), float32 (exact), float16, bfloat16 or bfloat16-images (text "
                                     "float32, image linears bfloat16)."),
                      QStringLiteral("precision"), QStringLiteral("auto")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (default: one per core)."),
                      QStringLiteral("n"), QStringLiteral("0")});
    parser.addOption(
        {QStringLiteral("kernels"),
         QStringLiteral("auto or fast (fused kernels), or reference (op by op as OpenAI's code, for parity checks)."),
         QStringLiteral("kernels"), QStringLiteral("auto")});
}

bool readDeviceOptions(const QCommandLineParser &parser, clip::LoadOptions *options, QString *error)
{
    std::string problem;
    auto value = [&](const char *name) { return parser.value(QLatin1String(name)).toStdString(); };
    if (!clip::parseLoadOptions(value("device"), value("precision"), value("kernels"), value("threads"), options,
                                &problem)) {
        *error = QString::fromStdString(problem);
        return false;
    }
    return true;
}

QString resolveModel(const QCommandLineParser &parser, QString *error)
{
    if (parser.isSet(QStringLiteral("model"))) {
        return parser.value(QStringLiteral("model"));
    }
    if (!qEnvironmentVariableIsEmpty("CLIPFIND_MODEL")) {
        return qEnvironmentVariable("CLIPFIND_MODEL");
    }
    const QString cached = QDir::homePath() + QStringLiteral("/.cache/clip/ViT-B-32.pt");
    if (QFileInfo::exists(cached)) {
        return cached;
    }
    *error = QStringLiteral("no model: pass --model PATH (or set CLIPFIND_MODEL); %1 does not exist").arg(cached);
    return {};
}

std::unique_ptr<PhotoEncoder> loadModelOption(const QCommandLineParser &parser, const ClipEncoder::Settings &settings,
                                              QString *error)
{
    const QString modelPath = resolveModel(parser, error);
    return modelPath.isEmpty() ? nullptr : loadPhotoEncoder(modelPath, settings, error);
}

QString dataDirOption(const QCommandLineParser &parser)
{
    return parser.isSet(QStringLiteral("data-dir")) ? parser.value(QStringLiteral("data-dir")) : defaultDataDir();
}

void addDecodeThreadsOption(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("decode-threads"),
                      QStringLiteral("Photos read and decoded at once (default: one per core)."), QStringLiteral("n"),
                      QStringLiteral("0")});
}

bool readDecodeThreadsOption(const QCommandLineParser &parser, int *threads)
{
    bool ok = false;
    *threads = parser.value(QStringLiteral("decode-threads")).toInt(&ok);
    return ok && *threads >= 0 && *threads <= 256;
}

void addEagerOption(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("eager"),
                      QStringLiteral("Start as before issue 12, for comparisons: read and hash the whole model file, "
                                     "build both towers first, keep every search row in memory.")});
}

bool isEager(const QCommandLineParser &parser)
{
    return parser.isSet(QStringLiteral("eager"));
}

void applyStartOptions(const QCommandLineParser &parser, ClipEncoder::Preload preload, const QString &dataDir,
                       ClipEncoder::Settings *settings)
{
    if (isEager(parser)) {
        settings->load.fileAccess = clip::FileAccess::Read;
        settings->load.lazyTowers = false;
        settings->preload = ClipEncoder::Preload::BothTowers;
        settings->dataDir.clear();
        return;
    }
    settings->preload = preload;
    settings->dataDir = dataDir;
}

bool parseCommandLine(QCommandLineParser &parser, const QStringList &arguments, int *exitCode)
{
    const QCommandLineOption help = parser.addHelpOption();
    if (!parser.parse(arguments)) {
        *exitCode = fail(parser.errorText(), 2);
        return false;
    }
    if (parser.isSet(help)) {
        QTextStream(stdout) << parser.helpText();
        *exitCode = 0;
        return false;
    }
    return true;
}

} // namespace clipfind::cli
