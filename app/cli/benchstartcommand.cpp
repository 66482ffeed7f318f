// SPDX-License-Identifier: MIT
// Why this file is long: the benchmark writes its own fixture (models, cache, photos) and times each command in child
// processes in both modes; what is measured depends on exactly what was written, so both stay together.
// clipfind-cli bench-start: time and memory from process start to the first result of the commands a user runs
// once (search, embed --text, index and status of an unchanged folder), each in a child process, for the lazy start
// and for the start before issue 12 (--eager), in the same run. It makes its own fixture: a random-weight model
// written as a Hugging Face fp32 model.safetensors and as an OpenAI-style fp16 TorchScript .pt, a cache holding the
// rows of a large library for both, and a folder of small unchanged photo files.
#include "commands.h"
#include "startclock.h"

#include "core/clip/bench/checkpointwriter.h"
#include "core/models/modelstore.h"
#include "core/scan/photoscanner.h"
#include "core/store/filehash.h"
#include "core/store/librarydatabase.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <random>

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace clipfind::cli {

namespace {

constexpr uint64_t kSeed = 12;
const char kQuery[] = "a photo of a dog in the snow";

struct ChildRun {
    bool started = false;
    int exitCode = -1;
    double wallMs = 0;
    double peakRssMb = 0; // the child's maximum resident set (VmHWM, which it reports on exit)
    double cpuMs = 0;     // user + system time: less disturbed than wall time by other work on the machine
    QByteArray out;
    QByteArray err;
};

// Runs this executable with `arguments`: wall time from spawn to exit, the child's peak RSS, its output. The spawn
// time goes to the child in CLIPFIND_SPAWN_NS, so the phases it reports count from the same moment.
ChildRun runChild(const QString &executable, const QStringList &arguments)
{
    ChildRun run;
    int outPipe[2];
    int errPipe[2];
    if (pipe(outPipe) != 0 || pipe(errPipe) != 0) {
        return run;
    }
    const QByteArray program = QFile::encodeName(executable);
    std::vector<QByteArray> argumentBytes{program};
    for (const QString &argument : arguments) {
        argumentBytes.push_back(argument.toLocal8Bit());
    }
    std::vector<char *> argv;
    for (QByteArray &a : argumentBytes) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    std::vector<QByteArray> environmentBytes;
    for (char **e = environ; *e; ++e) {
        if (qstrncmp(*e, "CLIPFIND_SPAWN_NS=", 18) != 0) {
            environmentBytes.emplace_back(*e);
        }
    }
    environmentBytes.push_back("CLIPFIND_REPORT_PEAK_RSS=1");
    const qint64 spawnedNs = monotonicNs();
    environmentBytes.push_back("CLIPFIND_SPAWN_NS=" + QByteArray::number(spawnedNs));
    std::vector<char *> envp;
    for (QByteArray &e : environmentBytes) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, outPipe[0]);
    posix_spawn_file_actions_addclose(&actions, errPipe[0]);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, program.constData(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(outPipe[1]);
    close(errPipe[1]);
    if (spawned != 0) {
        close(outPipe[0]);
        close(errPipe[0]);
        return run;
    }
    run.started = true;
    pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
    QByteArray *sinks[2] = {&run.out, &run.err};
    int open = 2;
    while (open > 0) {
        if (poll(fds, 2, -1) < 0) {
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                char buffer[65536];
                const ssize_t got = read(fds[i].fd, buffer, sizeof buffer);
                if (got > 0) {
                    sinks[i]->append(buffer, int(got));
                } else {
                    close(fds[i].fd);
                    fds[i].fd = -1;
                    --open;
                }
            }
        }
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    run.wallMs = double(monotonicNs() - spawnedNs) / 1e6;
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    run.cpuMs = (double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3
                 + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3);
    const int peak = run.err.lastIndexOf("clipfind-peak-rss-kb ");
    if (peak >= 0) {
        run.peakRssMb = run.err.mid(peak + 21).trimmed().split('\n').value(0).toDouble() / 1024.0;
        run.err.truncate(peak);
    }
    return run;
}

double median(std::vector<double> values)
{
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// `count` unit vectors of `dim` in random directions.
std::vector<float> randomRows(int64_t count, int dim, std::mt19937 &random)
{
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> rows(size_t(count) * size_t(dim));
    for (int64_t r = 0; r < count; ++r) {
        float *row = rows.data() + r * dim;
        double norm = 0;
        for (int i = 0; i < dim; ++i) {
            row[i] = normal(random);
            norm += double(row[i]) * row[i];
        }
        for (int i = 0; i < dim; ++i) {
            row[i] = float(row[i] / std::sqrt(norm));
        }
    }
    return rows;
}

// The cache rows of `paths` (with their sizes and times) for every model, unless they are there already.
bool fillCache(const QString &dataDir, const QString &root, const std::vector<FileState> &files,
               const QStringList &modelIds, int dim, QString *error)
{
    auto cache = LibraryDatabase::open(databasePathIn(dataDir), error);
    if (!cache) {
        return false;
    }
    std::mt19937 random(7);
    for (const QString &modelId : modelIds) {
        if (cache->counts(root, modelId, error).indexed == qint64(files.size())) {
            continue;
        }
        constexpr size_t kBatch = 5000;
        for (size_t start = 0; start < files.size(); start += kBatch) {
            const size_t count = std::min(kBatch, files.size() - start);
            const std::vector<float> rows = randomRows(int64_t(count), dim, random);
            std::vector<FileUpdate> updates(count);
            for (size_t i = 0; i < count; ++i) {
                updates[i].state = files[start + i];
                updates[i].embedding.assign(rows.begin() + ptrdiff_t(i * size_t(dim)),
                                            rows.begin() + ptrdiff_t((i + 1) * size_t(dim)));
            }
            if (!cache->writeBatch(modelId, updates, {}, error)) {
                return false;
            }
        }
    }
    return true;
}

struct Fixture {
    QString hfModel;     // folder with model.safetensors + config.json
    QString openAiModel; // .pt
    QString library;     // the large library (rows in the cache only)
    QString dataDir;
    QString photos; // small photo files, unchanged since indexed
    QString photosDataDir;
};

bool makeFixture(const QString &dir, const clip::ModelConfig &config, qint64 rows, int photoCount, Fixture *fixture,
                 QString *error)
{
    fixture->hfModel = QDir(dir).filePath(QStringLiteral("model-hf"));
    fixture->openAiModel = QDir(dir).filePath(QStringLiteral("model-openai.pt"));
    fixture->library = QDir(dir).filePath(QStringLiteral("library-%1").arg(rows));
    fixture->dataDir = QDir(dir).filePath(QStringLiteral("data-%1").arg(rows));
    fixture->photos = QDir(dir).filePath(QStringLiteral("photos-%1").arg(photoCount));
    fixture->photosDataDir = QDir(dir).filePath(QStringLiteral("data-photos-%1").arg(photoCount));
    QDir().mkpath(dir);
    std::string problem;
    if (!QFileInfo::exists(fixture->hfModel + QStringLiteral("/model.safetensors"))) {
        std::fprintf(stderr, "writing %s ...\n", qPrintable(fixture->hfModel));
        if (!clip::writeRandomHuggingFaceCheckpoint(config, kSeed, QFile::encodeName(fixture->hfModel).toStdString(),
                                                    &problem)) {
            *error = QString::fromStdString(problem);
            return false;
        }
    }
    if (!QFileInfo::exists(fixture->openAiModel)) {
        std::fprintf(stderr, "writing %s ...\n", qPrintable(fixture->openAiModel));
        if (!clip::writeRandomTorchScriptCheckpoint(config, kSeed,
                                                    QFile::encodeName(fixture->openAiModel).toStdString(), &problem)) {
            *error = QString::fromStdString(problem);
            return false;
        }
    }
    // The model ids: hashed once here and remembered in both data folders, as a first start would.
    QStringList modelIds;
    for (const QString &file : {fixture->hfModel + QStringLiteral("/model.safetensors"), fixture->openAiModel}) {
        const QString id = ModelStore(fixture->dataDir).sha256Of(file, error);
        if (id.isEmpty() || ModelStore(fixture->photosDataDir).sha256Of(file, error).isEmpty()) {
            return false;
        }
        modelIds << id;
    }
    std::fprintf(stderr, "filling the caches ...\n");
    QDir().mkpath(fixture->library);
    const QString libraryRoot = QFileInfo(fixture->library).canonicalFilePath();
    std::vector<FileState> files(static_cast<size_t>(rows));
    for (qint64 i = 0; i < rows; ++i) {
        FileState &f = files[size_t(i)];
        f.path = QStringLiteral("%1/%2/photo-%3.jpg").arg(libraryRoot).arg(i / 1000, 3, 10, QLatin1Char('0')).arg(i);
        f.size = 1000 + i;
        f.mtimeNs = 1700000000000000000LL + i;
        f.contentHash = QCryptographicHash::hash(f.path.toUtf8(), QCryptographicHash::Sha256);
        f.width = 4000;
        f.height = 3000;
    }
    if (!fillCache(fixture->dataDir, libraryRoot, files, modelIds, int(config.embedDim), error)) {
        return false;
    }
    // Real files for index and status: they are scanned and compared with the cache, never decoded (unchanged).
    QDir().mkpath(fixture->photos);
    const QString photosRoot = QFileInfo(fixture->photos).canonicalFilePath();
    std::vector<FileState> photos(static_cast<size_t>(photoCount));
    for (int i = 0; i < photoCount; ++i) {
        const QString path =
            QStringLiteral("%1/%2/photo-%3.jpg").arg(photosRoot).arg(i / 500, 2, 10, QLatin1Char('0')).arg(i);
        if (!QFileInfo::exists(path)) {
            QDir().mkpath(QFileInfo(path).path());
            QFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(QByteArray("photo ") + QByteArray::number(i)) < 0) {
                *error = QStringLiteral("%1: cannot write").arg(path);
                return false;
            }
        }
        const QFileInfo info(path);
        FileState &f = photos[size_t(i)];
        f.path = path;
        f.size = info.size();
        f.mtimeNs = info.lastModified().toMSecsSinceEpoch() * 1000000;
        f.contentHash = contentHash(path, error);
        f.width = 4000;
        f.height = 3000;
    }
    // The scanner's modification times are in ns; read them as the indexer does.
    {
        ScanOptions scanOptions;
        const ScanResult scan = scanPhotos(photosRoot, scanOptions);
        QHash<QString, qint64> times;
        for (const ScannedFile &file : scan.files) {
            times.insert(file.path, file.mtimeNs);
        }
        for (FileState &f : photos) {
            f.mtimeNs = times.value(f.path, f.mtimeNs);
        }
    }
    return fillCache(fixture->photosDataDir, photosRoot, photos, modelIds, int(config.embedDim), error);
}

struct Measurement {
    Measurement(const QString &modelName, const QString &commandName, const QString &modeName)
        : model(modelName)
        , command(commandName)
        , mode(modeName)
    {
    }
    QString model;
    QString command;
    QString mode;
    std::vector<double> wall, cpu, rss, rowsLoaded, textReady, firstResult;
    double rowMemoryMb = 0;
    QString firstPaths; // the search's top results, to check both modes agree
    QString error;
};

// The executable a mode runs: the lazy start is clipfind-cli's (it never links libtorch), the start before issue 12
// is clipfind-bench's (this executable: libtorch linked, loaded before main() as clipfind-cli's was then).
QString executableFor(const QString &mode)
{
    const QString self = QCoreApplication::applicationFilePath();
    return mode == QLatin1String("eager") ? self : QFileInfo(self).dir().filePath(QStringLiteral("clipfind-cli"));
}

// Why a child failed, in one line: its last line on stderr, else how it ended.
QString childError(const QString &executable, const ChildRun &child)
{
    if (!child.started) {
        return QStringLiteral("%1 could not be started").arg(executable);
    }
    const QString last = QString::fromLocal8Bit(child.err).trimmed().section(QLatin1Char('\n'), -1);
    return last.isEmpty() ? QStringLiteral("exit status %1").arg(child.exitCode) : last;
}

QJsonObject toJson(const Measurement &m)
{
    QJsonObject o{{QStringLiteral("model"), m.model},
                  {QStringLiteral("command"), m.command},
                  {QStringLiteral("mode"), m.mode},
                  {QStringLiteral("runs"), int(m.wall.size())},
                  {QStringLiteral("wall_ms"), median(m.wall)},
                  {QStringLiteral("wall_ms_min"), m.wall.empty() ? 0 : *std::min_element(m.wall.begin(), m.wall.end())},
                  {QStringLiteral("cpu_ms"), median(m.cpu)},
                  {QStringLiteral("peak_rss_mb"), median(m.rss)}};
    if (!m.firstResult.empty()) {
        o.insert(QStringLiteral("rows_loaded_ms"), median(m.rowsLoaded));
        o.insert(QStringLiteral("text_ready_ms"), median(m.textReady));
        o.insert(QStringLiteral("first_result_ms"), median(m.firstResult));
        o.insert(QStringLiteral("row_memory_mb"), m.rowMemoryMb);
    }
    if (!m.error.isEmpty()) {
        o.insert(QStringLiteral("error"), m.error);
    }
    return o;
}

} // namespace

// clipfind-cli bench-start [--rows N] [--photos N] [--runs N] [--dir DIR] [--arch ViT-B/32] [--models hf,openai]
//                          [--commands search,embed,index,status] [--modes new,eager] [--json]
int runBenchStart(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Measures, from process start, the commands a user runs once (search, embed --text, index and status of an "
        "unchanged folder): wall time, peak RSS, and for search when the rows were loaded, the text tower ready and "
        "the first result there. Each runs as a child process, lazily (new) and with --eager (as before issue 12), "
        "on a random-weight model as Hugging Face fp32 safetensors and as an OpenAI fp16 TorchScript .pt."));
    parser.addOption({QStringLiteral("rows"), QStringLiteral("Photos in the searched library (default 100000)."),
                      QStringLiteral("n"), QStringLiteral("100000")});
    parser.addOption({QStringLiteral("photos"),
                      QStringLiteral("Unchanged photo files for index and status (default 10000)."),
                      QStringLiteral("n"), QStringLiteral("10000")});
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Measured runs per case after one warm-up (default 3)."),
                      QStringLiteral("n"), QStringLiteral("3")});
    parser.addOption({QStringLiteral("dir"),
                      QStringLiteral("Where the fixture is made and kept (default: <temp>/clipfind-bench-start)."),
                      QStringLiteral("dir")});
    parser.addOption({QStringLiteral("arch"), QStringLiteral("Architecture of the random model (default ViT-B/32)."),
                      QStringLiteral("name"), QStringLiteral("ViT-B/32")});
    parser.addOption({QStringLiteral("models"), QStringLiteral("hf,openai (default both)."), QStringLiteral("list"),
                      QStringLiteral("hf,openai")});
    parser.addOption({QStringLiteral("commands"), QStringLiteral("search,embed,index,status (default all)."),
                      QStringLiteral("list"), QStringLiteral("search,embed,index,status")});
    parser.addOption({QStringLiteral("modes"), QStringLiteral("new,eager (default both)."), QStringLiteral("list"),
                      QStringLiteral("new,eager")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the results as JSON.")});
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    bool ok = false;
    const qint64 rows = parser.value(QStringLiteral("rows")).toLongLong(&ok);
    if (!ok || rows < 1 || rows > 10000000) {
        return fail(QStringLiteral("--rows needs a number from 1 to 10000000"), 2);
    }
    const int photoCount = parser.value(QStringLiteral("photos")).toInt(&ok);
    if (!ok || photoCount < 1 || photoCount > 1000000) {
        return fail(QStringLiteral("--photos needs a number from 1 to 1000000"), 2);
    }
    const int runs = parser.value(QStringLiteral("runs")).toInt(&ok);
    if (!ok || runs < 1 || runs > 100) {
        return fail(QStringLiteral("--runs needs a number from 1 to 100"), 2);
    }
    clip::ModelConfig config;
    if (!clip::architectureConfig(parser.value(QStringLiteral("arch")).toStdString(), &config)) {
        return fail(QStringLiteral("unknown --arch '%1'").arg(parser.value(QStringLiteral("arch"))), 2);
    }
    const QStringList models = parser.value(QStringLiteral("models")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    const QStringList commands = parser.value(QStringLiteral("commands")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    const QStringList modes = parser.value(QStringLiteral("modes")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    const QString dir = parser.isSet(QStringLiteral("dir"))
                            ? parser.value(QStringLiteral("dir"))
                            : QDir(QDir::tempPath()).filePath(QStringLiteral("clipfind-bench-start"));

    Fixture fixture;
    QString error;
    if (!makeFixture(dir, config, rows, photoCount, &fixture, &error)) {
        return fail(error);
    }

    // The floors: a process that loads every library the mode's executable links and does nothing (clipfind-cli:
    // Qt, OpenCV and libclipfind_core.so; clipfind-bench: libtorch too).
    std::vector<Measurement> results;
    for (const QString &mode : modes) {
        const QString executable = executableFor(mode);
        Measurement floor{QStringLiteral("-"), QStringLiteral("--help (%1)").arg(QFileInfo(executable).fileName()),
                          mode};
        for (int run = 0; run <= runs; ++run) {
            const ChildRun child = runChild(executable, {QStringLiteral("--help")});
            if (!child.started || child.exitCode != 0) {
                floor.error = childError(executable, child);
                break;
            }
            if (run > 0) {
                floor.wall.push_back(child.wallMs);
                floor.cpu.push_back(child.cpuMs);
                floor.rss.push_back(child.peakRssMb);
            }
        }
        results.push_back(floor);
    }
    for (const QString &model : models) {
        const QString modelPath = model == QLatin1String("hf") ? fixture.hfModel : fixture.openAiModel;
        const QString modelLabel =
            model == QLatin1String("hf") ? QStringLiteral("hf-fp32-safetensors") : QStringLiteral("openai-fp16-pt");
        for (const QString &command : commands) {
            for (const QString &mode : modes) {
                QStringList args;
                if (command == QLatin1String("search")) {
                    args = {QStringLiteral("search"),     fixture.library,      QLatin1String(kQuery),
                            QStringLiteral("--json"),     QStringLiteral("-k"), QStringLiteral("20"),
                            QStringLiteral("--data-dir"), fixture.dataDir};
                } else if (command == QLatin1String("embed")) {
                    args = {QStringLiteral("embed"), QStringLiteral("--text"), QLatin1String(kQuery),
                            QStringLiteral("--data-dir"), fixture.dataDir};
                } else if (command == QLatin1String("index") || command == QLatin1String("status")) {
                    args = {command, fixture.photos, QStringLiteral("--data-dir"), fixture.photosDataDir};
                } else {
                    return fail(QStringLiteral("unknown command '%1' in --commands").arg(command), 2);
                }
                args << QStringLiteral("--model") << modelPath;
                if (command != QLatin1String("status")) {
                    args << QStringLiteral("--device") << QStringLiteral("cpu");
                }
                if (mode == QLatin1String("eager")) {
                    args << QStringLiteral("--eager");
                }
                Measurement m{modelLabel, command, mode};
                std::fprintf(stderr, "%s %s %s ...\n", qPrintable(modelLabel), qPrintable(command), qPrintable(mode));
                for (int run = 0; run <= runs; ++run) { // run 0 warms the page cache
                    const ChildRun child = runChild(executableFor(mode), args);
                    if (!child.started || child.exitCode != 0) {
                        m.error = childError(executableFor(mode), child);
                        break;
                    }
                    if (run == 0) {
                        continue;
                    }
                    m.wall.push_back(child.wallMs);
                    m.cpu.push_back(child.cpuMs);
                    m.rss.push_back(child.peakRssMb);
                    if (command == QLatin1String("search")) {
                        const QJsonObject out = QJsonDocument::fromJson(child.out).object();
                        const QJsonObject phases = out.value(QStringLiteral("phases_ms")).toObject();
                        m.rowsLoaded.push_back(phases.value(QStringLiteral("rows_loaded")).toDouble());
                        m.textReady.push_back(phases.value(QStringLiteral("text_ready")).toDouble());
                        m.firstResult.push_back(phases.value(QStringLiteral("first_result")).toDouble());
                        m.rowMemoryMb = out.value(QStringLiteral("row_memory_bytes")).toDouble() / 1e6;
                        m.firstPaths = QString::fromUtf8(QJsonDocument(out.value(QStringLiteral("results")).toArray())
                                                             .toJson(QJsonDocument::Compact));
                    }
                }
                results.push_back(m);
            }
        }
    }

    // Both modes must find the same photos with the same scores.
    QJsonObject agreement;
    for (const Measurement &a : results) {
        for (const Measurement &b : results) {
            if (a.command == QLatin1String("search") && a.model == b.model && a.command == b.command
                && a.mode == QLatin1String("new") && b.mode == QLatin1String("eager") && !a.firstPaths.isEmpty()) {
                agreement.insert(a.model, a.firstPaths == b.firstPaths);
            }
        }
    }
    // A failed case still prints what was measured, and the run's exit status says so.
    const bool anyFailed =
        std::any_of(results.begin(), results.end(), [](const Measurement &m) { return !m.error.isEmpty(); });
    QTextStream out(stdout);
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray list;
        for (const Measurement &m : results) {
            list.append(toJson(m));
        }
        out << QJsonDocument(QJsonObject{{QStringLiteral("rows"), rows},
                                         {QStringLiteral("photos"), photoCount},
                                         {QStringLiteral("runs"), runs},
                                         {QStringLiteral("cores"), QThread::idealThreadCount()},
                                         {QStringLiteral("arch"), parser.value(QStringLiteral("arch"))},
                                         {QStringLiteral("search_results_identical"), agreement},
                                         {QStringLiteral("results"), list}})
                   .toJson(QJsonDocument::Compact)
            << '\n';
        return anyFailed ? 1 : 0;
    }
    out << QStringLiteral(
               "%1 rows, %2 unchanged photos, median of %3 runs (ms from process start, CPU ms, MB peak RSS, "
               "search phases in ms from process start, MB of search rows in memory)\n\n")
               .arg(rows)
               .arg(photoCount)
               .arg(runs);
    out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10\n")
               .arg(QStringLiteral("model"), -20)
               .arg(QStringLiteral("command"), -24)
               .arg(QStringLiteral("mode"), -6)
               .arg(QStringLiteral("wall"), 7)
               .arg(QStringLiteral("cpu"), 7)
               .arg(QStringLiteral("RSS"), 6)
               .arg(QStringLiteral("rows"), 6)
               .arg(QStringLiteral("text"), 6)
               .arg(QStringLiteral("result"), 6)
               .arg(QStringLiteral("rows MB"), 8);
    for (const Measurement &m : results) {
        if (!m.error.isEmpty()) {
            out << QStringLiteral("%1 %2 %3 failed: %4\n")
                       .arg(m.model, -20)
                       .arg(m.command, -24)
                       .arg(m.mode, -6)
                       .arg(m.error);
            continue;
        }
        const bool phases = !m.firstResult.empty();
        out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10\n")
                   .arg(m.model, -20)
                   .arg(m.command, -24)
                   .arg(m.mode, -6)
                   .arg(median(m.wall), 7, 'f', 0)
                   .arg(median(m.cpu), 7, 'f', 0)
                   .arg(median(m.rss), 6, 'f', 0)
                   .arg(phases ? QString::number(median(m.rowsLoaded), 'f', 0) : QString(), 6)
                   .arg(phases ? QString::number(median(m.textReady), 'f', 0) : QString(), 6)
                   .arg(phases ? QString::number(median(m.firstResult), 'f', 0) : QString(), 6)
                   .arg(phases ? QString::number(m.rowMemoryMb, 'f', 1) : QString(), 8);
    }
    for (auto it = agreement.constBegin(); it != agreement.constEnd(); ++it) {
        out << QStringLiteral("\n%1: new and eager search results %2")
                   .arg(it.key(), it.value().toBool() ? "identical" : "DIFFER");
    }
    out << '\n';
    return anyFailed ? 1 : 0;
}

} // namespace clipfind::cli
