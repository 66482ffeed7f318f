// SPDX-License-Identifier: MIT
// clipfind-cli: ClipFind's command-line tool. Other tools and checks call it exactly as documented in README.md.
//
// Built twice. clipfind-cli never links libtorch (issue 12: loading it costs ~0.4 s of every start): a command that
// runs a model loads it on first need (core/engine/engine.h), and `status` or `index` of an unchanged folder never
// does. The benchmarks use the engine's classes directly, so they live in clipfind-bench (this file with
// CLIPFIND_CLI_BENCH, linked with libclipfind_torch.so); clipfind-cli hands them over with exec, same arguments.

#include "commands.h"
#include "startclock.h"

#include <QCoreApplication>
#include <QFile>
#include <QTextStream>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <unistd.h>

namespace {

const char kUsage[] =
    "usage: clipfind-cli <command> [options]\n"
    "\n"
    "  tokenize [--model DIR] TEXT...        CLIP token ids as JSON (a multilingual or\n"
    "                                        Chinese-CLIP folder: its WordPiece ids)\n"
    "  preprocess IMAGE --out FILE.npy [--size N]\n"
    "                                        the model input as float32 [3,N,N] NPY\n"
    "  embed --model PATH [--text T]... [--image F]... [--device auto|cpu|cuda]\n"
    "                                        unnormalized features as JSON\n"
    "  bench [--model PATH | --arch ViT-B/32|ViT-B/16|ViT-L/14|mclip-distilbert|chinese-clip-b16]\n"
    "        [--device ...] [--json]\n"
    "                                        encoder speed\n"
    "  index DIR [--model PATH] [--data-dir DIR] [--device ...] [--no-recursive] [--exact]\n"
    "                                        index a photo folder; JSON summary on stdout\n"
    "  status DIR [--model PATH] [--data-dir DIR]\n"
    "                                        indexed / pending / failed counts\n"
    "  bench-index [--photos N | --folder DIR] [--arch ViT-B/32] [--exact] [--no-baseline] [--json]\n"
    "                                        end-to-end indexing speed on generated 12 MP photos\n"
    "  search DIR QUERY [--model PATH] [--data-dir DIR] [-k N] [--cutoff] [--sort relevance|date] [--json]\n"
    "         [--text-model DIR] [--text-tower auto|clip|multilingual]\n"
    "                                        ranked photos for a query (dog + snow, beach - people,\n"
    "                                        2:sunset, ./kitchen.jpg + christmas); --text-model pairs a\n"
    "                                        multilingual text model with the CLIP model\n"
    "  similar DIR IMAGE [-k N] [--json]     photos like IMAGE\n"
    "  bench-search [--model PATH | --arch ViT-B/32] [--device ...] [--json]\n"
    "                                        query latency at 10k/100k/1M photos, cache load time\n"
    "  duplicates DIR [--threshold T] [--json] [--model PATH] [--data-dir DIR]\n"
    "                                        groups of near-identical photos, and which to keep\n"
    "  bench-duplicates [--rows 100000] [--json]\n"
    "                                        duplicate grouping speed on a synthetic library\n"
    "  bench-start [--rows N] [--photos N] [--runs N] [--dir DIR] [--json]\n"
    "                                        time and memory from process start to first result\n"
    "                                        (search, embed --text, index, status), new vs --eager\n"
    "  models list | fetch NAME [--url URL] [--sha256 HEX] | verify PATH\n"
    "                                        known models, download + verify + install, check a file\n"
    "\n"
    "Run 'clipfind-cli <command> --help' for a command's options.\n";

// bench-start measures commands in child processes: their peak resident set comes from the kernel's record of this
// process image (VmHWM; the parent's getrusage would count the parent's memory at spawn time as well).
void reportPeakMemory()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) {
        return;
    }
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:")) {
            std::fprintf(stderr, "\nclipfind-peak-rss-kb %s\n", line.mid(6).trimmed().split(' ').value(0).constData());
        }
    }
}

#ifndef CLIPFIND_CLI_BENCH
// Replaces this process with clipfind-bench, installed next to clipfind-cli, with the same arguments.
char **g_argv = nullptr;

int runInClipfindBench(const QStringList &)
{
    const QString bench = QCoreApplication::applicationDirPath() + QStringLiteral("/clipfind-bench");
    const QByteArray path = QFile::encodeName(bench);
    execv(path.constData(), g_argv);
    std::fprintf(stderr, "clipfind-cli: cannot run %s: %s\n", path.constData(), std::strerror(errno));
    return 1;
}
#endif

} // namespace

int main(int argc, char **argv)
{
    clipfind::cli::msSinceStart(); // starts the clock when no spawn time was passed
    if (qEnvironmentVariableIsSet("CLIPFIND_REPORT_PEAK_RSS")) {
        std::atexit(reportPeakMemory);
    }
#ifndef CLIPFIND_CLI_BENCH
    g_argv = argv;
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("clipfind-cli"));
    QStringList arguments = QCoreApplication::arguments();
    const QString command = arguments.value(1);
    if (command.isEmpty() || command == QLatin1String("--help") || command == QLatin1String("-h")) {
        QTextStream(command.isEmpty() ? stderr : stdout) << kUsage;
        return command.isEmpty() ? 2 : 0;
    }
    arguments.removeAt(1);
    arguments[0] = QStringLiteral("clipfind-cli ") + command;
    using Command = int (*)(const QStringList &);
#ifdef CLIPFIND_CLI_BENCH
    using namespace clipfind::cli;
#else
    // clipfind-cli's benchmarks run in clipfind-bench.
    const Command runBench = runInClipfindBench, runBenchIndex = runInClipfindBench,
                  runBenchSearch = runInClipfindBench, runBenchDuplicates = runInClipfindBench,
                  runBenchStart = runInClipfindBench;
    using clipfind::cli::runDuplicates, clipfind::cli::runEmbed, clipfind::cli::runIndex, clipfind::cli::runModels,
        clipfind::cli::runPreprocess, clipfind::cli::runSearch, clipfind::cli::runSimilar, clipfind::cli::runStatus,
        clipfind::cli::runTokenize;
#endif
    const std::pair<const char *, Command> kCommands[] = {
        {"tokenize", runTokenize},
        {"preprocess", runPreprocess},
        {"embed", runEmbed},
        {"bench", runBench},
        {"index", runIndex},
        {"status", runStatus},
        {"bench-index", runBenchIndex},
        {"search", runSearch},
        {"similar", runSimilar},
        {"bench-search", runBenchSearch},
        {"models", runModels},
        {"duplicates", runDuplicates},
        {"bench-duplicates", runBenchDuplicates},
        {"bench-start", runBenchStart},
    };
    for (const auto &[name, run] : kCommands) {
        if (command == QLatin1String(name)) {
            return run(arguments);
        }
    }
    QTextStream(stderr) << "clipfind-cli: unknown command '" << command << "'\n\n" << kUsage;
    return 2;
}
