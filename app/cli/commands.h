// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/model/clipmodel.h"
#include "core/encode/clipencoder.h"
#include "core/encode/photoencoder.h"

#include <QCommandLineParser>
#include <QStringList>

#include <functional>
#include <memory>

namespace clipfind {
class SearchEngine;
struct SearchOptions;
struct SearchResults;
} // namespace clipfind

namespace clipfind::cli {

/// Each command gets its own arguments (argv[0] = "clipfind-cli <command>") and returns the exit code:
/// 0 success, 1 failure (one line on stderr naming the file and the problem), 2 bad usage.
int runTokenize(const QStringList &arguments);
int runPreprocess(const QStringList &arguments);
int runEmbed(const QStringList &arguments);
int runBench(const QStringList &arguments);
int runIndex(const QStringList &arguments);
int runStatus(const QStringList &arguments);
int runBenchIndex(const QStringList &arguments);
int runSearch(const QStringList &arguments);
int runSimilar(const QStringList &arguments);
int runBenchSearch(const QStringList &arguments);
int runModels(const QStringList &arguments);
int runDuplicates(const QStringList &arguments);
int runBenchDuplicates(const QStringList &arguments);
int runBenchStart(const QStringList &arguments);

/// Prints "clipfind-cli: <message>" on stderr and returns `exitCode`.
int fail(const QString &message, int exitCode = 1);

/// --device auto|cpu|cuda, --precision auto|float32|float16|bfloat16, --threads N, --kernels auto|reference|fast.
void addDeviceOptions(QCommandLineParser &parser);
bool readDeviceOptions(const QCommandLineParser &parser, clip::LoadOptions *options, QString *error);

/// A model of the named architecture ("ViT-B/32", ...) with random weights, for benchmarks. Null with *error
/// (and *usageError = true for an unknown name) on failure. clipfind-bench only (randommodel.cpp).
std::unique_ptr<clip::ClipModel> randomModel(const QString &arch, const clip::LoadOptions &options, QString *error,
                                             bool *usageError);

/// --model, else $CLIPFIND_MODEL, else the file OpenAI's clip.load leaves in ~/.cache/clip; empty with *error.
QString resolveModel(const QCommandLineParser &parser, QString *error);
/// The model resolveModel() names, loaded with `settings`; null with *error.
std::unique_ptr<PhotoEncoder> loadModelOption(const QCommandLineParser &parser, const ClipEncoder::Settings &settings,
                                              QString *error);
/// --data-dir, else defaultDataDir().
QString dataDirOption(const QCommandLineParser &parser);

/// --decode-threads N for the commands that index (index, bench-index): photos read and decoded at once, 0 = one per
/// core. False when the value is not a whole number from 0 to 256.
void addDecodeThreadsOption(QCommandLineParser &parser);
bool readDecodeThreadsOption(const QCommandLineParser &parser, int *threads);

/// --eager, for every command that loads a model: start as ClipFind did before issue 12, for comparisons (the model
/// file read into memory and hashed again, both towers built before anything else, search rows kept in memory).
void addEagerOption(QCommandLineParser &parser);
bool isEager(const QCommandLineParser &parser);
/// How a command loads its model: `preload` and the SHA-256 remembered in `dataDir`, or with --eager all of it at
/// once and nothing remembered.
void applyStartOptions(const QCommandLineParser &parser, ClipEncoder::Preload preload, const QString &dataDir,
                       ClipEncoder::Settings *settings);

/// search and similar: --model, --data-dir, -k, --cutoff, --sort, --json and the device options.
void addSearchOptions(QCommandLineParser &parser);
bool readSearchOptions(const QCommandLineParser &parser, SearchOptions *options, QString *error);
/// search: --text-model DIR and --text-tower auto|clip|multilingual (a multilingual text model paired with the CLIP
/// model, as Settings > Languages does); read into settings->multilingualText and settings->textTower.
void addTextModelOptions(QCommandLineParser &parser);
bool readTextModelOptions(const QCommandLineParser &parser, ClipEncoder::Settings *settings, QString *error);
/// What differs between search and similar: the second positional argument and what is done with it.
struct RankingCommand {
    QString description;
    QString argumentName; ///< "QUERY", "IMAGE"
    QString argumentHelp;
    QString usageError; ///< when the positional arguments are not DIR and one more
    std::function<SearchResults(SearchEngine &, const QString &argument, const SearchOptions &)> rank;
    /// The argument is text to encode: the text tower is built while the rows load.
    bool encodesText = false;
};
/// Parses DIR ARGUMENT and the search options, loads the model and the folder's rows, ranks, prints the results
/// (text or --json); returns the exit code.
int runRankingCommand(const QStringList &arguments, const RankingCommand &command);

/// Parses and handles --help; returns false (with the exit code in *exitCode) when the command must stop.
bool parseCommandLine(QCommandLineParser &parser, const QStringList &arguments, int *exitCode);

} // namespace clipfind::cli
