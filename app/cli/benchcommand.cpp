// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/clip/bench/benchmark.h"
#include "core/clip/bench/bertbench.h"
#include "core/clip/model/bertclipmodel.h"
#include "core/encode/bertclipencoder.h"

#include <QFile>
#include <QTextStream>

#include <algorithm>

namespace clipfind::cli {

namespace {

void printBench(const QCommandLineParser &parser, const clip::BenchResult &result)
{
    QTextStream out(stdout);
    if (parser.isSet(QStringLiteral("json"))) {
        out << QString::fromStdString(clip::json::serialize(clip::benchToJson(result))) << '\n';
    } else {
        out << QString::fromStdString(clip::formatBenchTable(result));
    }
}

bool isBertArchitecture(const std::string &name)
{
    const std::vector<std::string> names = clip::BertClipModel::randomArchitectures();
    return std::find(names.begin(), names.end(), name) != names.end();
}

// The multilingual / Chinese-CLIP towers: query latency per length (and images/s with an image tower).
int runBertBench(const QCommandLineParser &parser, std::unique_ptr<clip::BertClipModel> model, const std::string &name)
{
    clip::BertBenchOptions bench;
    std::string listError;
    if (parser.isSet(QStringLiteral("batches"))
        && !clip::parseCountList("--batches", parser.value(QStringLiteral("batches")).toStdString(),
                                 &bench.imageBatches, &listError)) {
        return fail(QString::fromStdString(listError), 2);
    }
    bench.secondsPerCase = parser.value(QStringLiteral("seconds")).toDouble();
    const clip::BenchResult result = clip::runBertBenchmark(*model, name, bench);
    printBench(parser, result);
    return 0;
}

} // namespace

// clipfind-cli bench [--model PATH | --arch ViT-B/32|ViT-B/16|ViT-L/14|mclip-distilbert|chinese-clip-b16]
//                    [--device D] [--json]
int runBench(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Measures image encoder throughput and text encoder latency of a model or architecture."));
    parser.addOption({QStringLiteral("model"), QStringLiteral("A checkpoint to measure."), QStringLiteral("path")});
    parser.addOption(
        {QStringLiteral("arch"),
         QStringLiteral("An architecture with random weights: ViT-B/32, ViT-B/16, ViT-L/14, ViT-L/14@336px, "
                        "mclip-distilbert, chinese-clip-b16."),
         QStringLiteral("name"), QStringLiteral("ViT-B/32")});
    parser.addOption({QStringLiteral("batches"),
                      QStringLiteral("Image batch sizes (default 1,8,32; +256,1024 on CUDA)."),
                      QStringLiteral("list")});
    parser.addOption({QStringLiteral("seconds"), QStringLiteral("Minimum time per measurement."), QStringLiteral("s"),
                      QStringLiteral("2")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON instead of a table.")});
    addDeviceOptions(parser);
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    clip::LoadOptions options;
    QString error;
    if (!readDeviceOptions(parser, &options, &error)) {
        return fail(error, 2);
    }
    clip::BenchOptions bench;
    std::string listError;
    if (!clip::parseCountList("--batches", parser.value(QStringLiteral("batches")).toStdString(), &bench.imageBatches,
                              &listError)) {
        return fail(QString::fromStdString(listError), 2);
    }
    bench.secondsPerCase = parser.value(QStringLiteral("seconds")).toDouble();

    const QString modelPath = parser.value(QStringLiteral("model"));
    const std::string arch = parser.value(QStringLiteral("arch")).toStdString();
    if (parser.isSet(QStringLiteral("model")) ? BertClipEncoder::isBertClipFolder(modelPath)
                                              : isBertArchitecture(arch)) {
        clip::BertClipLoadResult loaded =
            parser.isSet(QStringLiteral("model"))
                ? clip::BertClipModel::load(QFile::encodeName(modelPath).toStdString(), options)
                : clip::BertClipModel::createRandom(arch, options);
        if (!loaded.model) {
            return fail(QString::fromStdString(loaded.error));
        }
        const std::string name = parser.isSet(QStringLiteral("model")) ? QFile::encodeName(modelPath).toStdString()
                                                                       : arch + " (random weights)";
        return runBertBench(parser, std::move(loaded.model), name);
    }

    std::unique_ptr<clip::ClipModel> model;
    std::string name;
    if (parser.isSet(QStringLiteral("model"))) {
        name = QFile::encodeName(parser.value(QStringLiteral("model"))).toStdString();
        clip::LoadResult loaded = clip::ClipModel::load(name, options);
        if (!loaded.model) {
            return fail(QString::fromStdString(loaded.error));
        }
        model = std::move(loaded.model);
    } else {
        bool usageError = false;
        model = randomModel(parser.value(QStringLiteral("arch")), options, &error, &usageError);
        if (!model) {
            return fail(error, usageError ? 2 : 1);
        }
        name = parser.value(QStringLiteral("arch")).toStdString() + " (random weights)";
    }
    const clip::BenchResult result = clip::runBenchmark(*model, name, bench);
    printBench(parser, result);
    return 0;
}

} // namespace clipfind::cli
