// SPDX-License-Identifier: MIT
#include "commands.h"

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
                      QStringLiteral("auto (float16 on CUDA, float32 on the CPU), float32, float16 or bfloat16."),
                      QStringLiteral("precision"), QStringLiteral("auto")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (default: one per core)."),
                      QStringLiteral("n"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("kernels"),
                      QStringLiteral("auto (fast on CUDA, reference on the CPU), reference (op by op as OpenAI's code) or fast."),
                      QStringLiteral("kernels"), QStringLiteral("auto")});
}

bool readDeviceOptions(const QCommandLineParser &parser, clip::LoadOptions *options, QString *error)
{
    const QString device = parser.value(QStringLiteral("device"));
    if (device == QLatin1String("auto")) {
        options->device = clip::DeviceChoice::Auto;
    } else if (device == QLatin1String("cpu")) {
        options->device = clip::DeviceChoice::Cpu;
    } else if (device == QLatin1String("cuda")) {
        options->device = clip::DeviceChoice::Cuda;
    } else {
        *error = QStringLiteral("unknown --device '%1' (auto, cpu or cuda)").arg(device);
        return false;
    }
    const QString precision = parser.value(QStringLiteral("precision"));
    if (precision == QLatin1String("auto")) {
        options->precision = clip::Precision::Auto;
    } else if (precision == QLatin1String("float32")) {
        options->precision = clip::Precision::Float32;
    } else if (precision == QLatin1String("float16")) {
        options->precision = clip::Precision::Float16;
    } else if (precision == QLatin1String("bfloat16")) {
        options->precision = clip::Precision::BFloat16;
    } else {
        *error = QStringLiteral("unknown --precision '%1' (auto, float32, float16 or bfloat16)").arg(precision);
        return false;
    }
    const QString kernels = parser.value(QStringLiteral("kernels"));
    if (kernels == QLatin1String("auto")) {
        options->kernels = clip::Kernels::Auto;
    } else if (kernels == QLatin1String("reference")) {
        options->kernels = clip::Kernels::Reference;
    } else if (kernels == QLatin1String("fast")) {
        options->kernels = clip::Kernels::Fast;
    } else {
        *error = QStringLiteral("unknown --kernels '%1' (auto, reference or fast)").arg(kernels);
        return false;
    }
    bool ok = false;
    options->cpuThreads = parser.value(QStringLiteral("threads")).toInt(&ok);
    if (!ok || options->cpuThreads < 0) {
        *error = QStringLiteral("--threads needs a number >= 0");
        return false;
    }
    return true;
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
