// SPDX-License-Identifier: MIT
#include "commands.h"

#include "core/download/modeldownloader.h"
#include "core/models/modeldiscovery.h"
#include "core/models/modelmanifest.h"
#include "core/models/modelstore.h"
#include "core/store/librarydatabase.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTextStream>
#include <QUrl>

#include <cstdio>

namespace clipfind::cli {

namespace {

const char kModelsUsage[] =
    "usage: clipfind-cli models list [--json] [--data-dir DIR] [--manifest FILE]\n"
    "       clipfind-cli models fetch NAME [--url URL] [--sha256 HEX] [--mirror URL] [--select]\n"
    "       clipfind-cli models verify PATH [--sha256 HEX]\n";

void addStoreOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("data-dir"),
                      QStringLiteral("ClipFind's data folder; models go to DIR/models (default: $CLIPFIND_DATA_DIR, "
                                     "~/.local/share/clipfind)."),
                      QStringLiteral("dir")});
    parser.addOption(
        {QStringLiteral("manifest"),
         QStringLiteral("A model manifest to use instead of $CLIPFIND_MODEL_MANIFEST, DIR/models/manifest.json "
                        "or the built-in one."),
         QStringLiteral("file")});
}

struct StoreSetup {
    ModelStore store{QString()};
    ModelManifest manifest;
};

bool setUp(const QCommandLineParser &parser, StoreSetup *setup, QString *error)
{
    const QString dataDir =
        parser.isSet(QStringLiteral("data-dir")) ? parser.value(QStringLiteral("data-dir")) : defaultDataDir();
    setup->store = ModelStore(dataDir);
    if (parser.isSet(QStringLiteral("manifest"))) {
        return ModelManifest::load(parser.value(QStringLiteral("manifest")), &setup->manifest, error);
    }
    return ModelManifest::loadEffective(setup->store.modelsDir(), &setup->manifest, error);
}

QString sizeText(qint64 size, bool approximate)
{
    return size <= 0 ? QStringLiteral("size unknown")
                     : (approximate ? QStringLiteral("~") : QString()) + formatBytes(size);
}

bool readSha256Option(const QCommandLineParser &parser, QString *sha256, QString *error)
{
    *sha256 = parser.value(QStringLiteral("sha256")).toLower();
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    if (!sha256->isEmpty() && !hex.match(*sha256).hasMatch()) {
        *error = QStringLiteral("--sha256 needs 64 hex digits, got '%1'").arg(*sha256);
        return false;
    }
    return true;
}

int runList(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lists the known CLIP models and the model files found on disk."));
    addStoreOptions(parser);
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON.")});
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    StoreSetup setup;
    QString error;
    if (!setUp(parser, &setup, &error)) {
        return fail(error);
    }
    QJsonArray known;
    for (const ManifestModel &model : setup.manifest.models()) {
        const ModelDownload first = model.downloads.value(0);
        known.append(QJsonObject{
            {QStringLiteral("name"), model.name},
            {QStringLiteral("title"), model.title},
            {QStringLiteral("architecture"), model.architecture},
            {QStringLiteral("size"), first.size},
            {QStringLiteral("size_approximate"), first.sizeApproximate},
            {QStringLiteral("license"), model.license},
            {QStringLiteral("speed"), model.speed},
            {QStringLiteral("relative_cost"), model.relativeCost},
            {QStringLiteral("default"), setup.manifest.defaultModel() == &model},
            {QStringLiteral("installed"), setup.store.installedPath(model)},
            {QStringLiteral("kind"), modelKindName(model.kind)},
            {QStringLiteral("purpose"), model.purpose},
            {QStringLiteral("pairs_with"), model.pairsWith},
            {QStringLiteral("files"), first.files.size()},
        });
    }
    QJsonArray found;
    for (const DiscoveredModel &model : discoverModels(setup.store, setup.manifest)) {
        QJsonObject entry = model.check.toJson();
        entry.insert(QStringLiteral("origin"), model.originText());
        found.append(entry);
    }
    QTextStream out(stdout);
    if (parser.isSet(QStringLiteral("json"))) {
        out << QJsonDocument(QJsonObject{{QStringLiteral("models"), known},
                                         {QStringLiteral("found"), found},
                                         {QStringLiteral("models_dir"), setup.store.modelsDir()},
                                         {QStringLiteral("manifest"), setup.manifest.origin()}})
                   .toJson(QJsonDocument::Compact)
            << '\n';
        return 0;
    }
    out << "Known models (" << setup.manifest.origin() << "):\n";
    for (const QJsonValue &value : known) {
        const QJsonObject m = value.toObject();
        out << "  " << m.value(QStringLiteral("name")).toString()
            << (m.value(QStringLiteral("default")).toBool() ? " (default)" : "") << "  "
            << sizeText(m.value(QStringLiteral("size")).toInteger(),
                        m.value(QStringLiteral("size_approximate")).toBool())
            << "  " << m.value(QStringLiteral("speed")).toString() << "  ["
            << (m.value(QStringLiteral("installed")).toString().isEmpty()
                    ? QStringLiteral("not installed")
                    : m.value(QStringLiteral("installed")).toString())
            << "]\n";
        if (!m.value(QStringLiteral("purpose")).toString().isEmpty()) {
            out << "      " << m.value(QStringLiteral("purpose")).toString() << '\n';
        }
    }
    out << "Model files found:" << (found.isEmpty() ? " none\n" : "\n");
    for (const QJsonValue &value : found) {
        const QJsonObject m = value.toObject();
        out << "  " << m.value(QStringLiteral("path")).toString() << "  ("
            << m.value(QStringLiteral("origin")).toString() << ")  " << m.value(QStringLiteral("label")).toString()
            << '\n';
    }
    return 0;
}

int runFetch(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Downloads a model, verifies it (SHA-256, then reads it as a CLIP checkpoint) and installs it "
                       "into DIR/models. A model that is a folder of files (a multilingual text model, Chinese-CLIP) "
                       "is installed once every file is verified. An interrupted download resumes on the next run."));
    addStoreOptions(parser);
    parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("A model from 'models list', e.g. ViT-B/32."));
    parser.addOption({QStringLiteral("url"), QStringLiteral("Download from this URL instead of the manifest's."),
                      QStringLiteral("url")});
    parser.addOption(
        {QStringLiteral("sha256"), QStringLiteral("The file's expected SHA-256 (hex)."), QStringLiteral("hex")});
    parser.addOption({QStringLiteral("mirror"),
                      QStringLiteral("Replaces https://huggingface.co in the manifest's URLs (default: "
                                     "$CLIPFIND_MODEL_MIRROR or the app's setting)."),
                      QStringLiteral("url")});
    parser.addOption({QStringLiteral("select"), QStringLiteral("Make the installed model the one ClipFind uses.")});
    parser.addOption({QStringLiteral("retries"), QStringLiteral("Resumes after a dropped connection (default 3)."),
                      QStringLiteral("n"), QStringLiteral("3")});
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    if (parser.positionalArguments().size() != 1) {
        return fail(QStringLiteral("models fetch needs one model NAME"), 2);
    }
    const QString name = parser.positionalArguments().first();
    StoreSetup setup;
    QString error;
    QString sha256;
    if (!readSha256Option(parser, &sha256, &error)) {
        return fail(error, 2);
    }
    bool retriesOk = false;
    const int retries = parser.value(QStringLiteral("retries")).toInt(&retriesOk);
    if (!retriesOk || retries < 0) {
        return fail(QStringLiteral("--retries needs a number >= 0"), 2);
    }
    if (!setUp(parser, &setup, &error)) {
        return fail(error);
    }
    const ManifestModel *model = setup.manifest.find(name);
    const bool folderModel = model && !model->downloads.isEmpty() && model->downloads.first().isFolder();
    if (folderModel && (parser.isSet(QStringLiteral("url")) || !sha256.isEmpty())) {
        return fail(QStringLiteral("%1 is a folder of files: --url and --sha256 take a single file").arg(model->name),
                    2);
    }
    if (model && model->kind == ModelKind::MultilingualText && parser.isSet(QStringLiteral("select"))) {
        return fail(QStringLiteral("%1 is a text model paired with %2, not the model photos are indexed with: use it "
                                   "with 'search --text-model DIR' or in Settings > Languages")
                        .arg(model->name, model->pairsWith),
                    2);
    }
    QVector<DownloadSource> sources;
    if (parser.isSet(QStringLiteral("url"))) {
        const QUrl url(parser.value(QStringLiteral("url")));
        if (!url.isValid() || url.scheme().isEmpty() || url.fileName().isEmpty()) {
            return fail(QStringLiteral("--url needs a full URL ending in a file name, got '%1'").arg(url.toString()),
                        2);
        }
        DownloadSource source;
        source.url = url;
        source.expectedSha256 = sha256;
        QString folder = model ? model->name : name;
        folder.replace(QLatin1Char('/'), QLatin1Char('-'));
        source.targetPath = QDir(setup.store.modelsDir()).filePath(folder + QLatin1Char('/') + url.fileName());
        if (model) { // a known file (e.g. OpenAI's ViT-B-32.pt on a mirror) is checked against its pinned hash
            for (const KnownModelFile &known : model->knownFiles) {
                if (known.file == url.fileName() && source.expectedSha256.isEmpty()) {
                    source.expectedSha256 = known.sha256;
                    source.expectedSize = known.size;
                }
            }
        }
        sources << source;
    } else {
        if (!model) {
            QStringList names;
            for (const ManifestModel &m : setup.manifest.models()) {
                names << m.name;
            }
            return fail(
                QStringLiteral("unknown model '%1' (%2; or give --url)").arg(name, names.join(QStringLiteral(", "))),
                2);
        }
        const QString mirror =
            parser.isSet(QStringLiteral("mirror")) ? parser.value(QStringLiteral("mirror")) : modelMirror();
        sources = setup.store.downloadSources(*model, mirror);
        if (!sha256.isEmpty()) {
            for (DownloadSource &source : sources) {
                source.expectedSha256 = sha256;
            }
        }
    }
    // Already there and verified: nothing to download.
    for (const DownloadSource &source : sources) {
        if (!source.files.isEmpty()) {
            const ModelCheck check = setup.store.recorded(source.targetPath); // verified file by file when installed
            if (check.ok) {
                QJsonObject out = check.toJson();
                out.insert(QStringLiteral("downloaded"), false);
                QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
                return 0;
            }
            continue;
        }
        if (QFileInfo::exists(source.targetPath)) {
            const ModelCheck check = setup.store.check(source.targetPath, setup.manifest, source.expectedSha256,
                                                       QStringLiteral("the expected SHA-256"));
            if (check.ok) {
                QJsonObject out = check.toJson();
                out.insert(QStringLiteral("downloaded"), false);
                QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
                return 0;
            }
        }
    }
    ModelDownloader downloader(setup.manifest);
    downloader.setMaxResumes(retries);
    QObject::connect(&downloader, &ModelDownloader::statusChanged,
                     [](const QString &status) { std::fprintf(stderr, "%s\n", status.toLocal8Bit().constData()); });
    QElapsedTimer sinceLine;
    sinceLine.start();
    const DownloadResult result = downloader.run(sources, [&](const DownloadProgress &progress) {
        if (sinceLine.elapsed() >= 1000 || (progress.total > 0 && progress.received == progress.total)) {
            std::fprintf(stderr, "%s\n", progress.text().toLocal8Bit().constData());
            sinceLine.restart();
        }
    });
    if (!result.ok) {
        return fail(result.error);
    }
    setup.store.record(result.check);
    if (parser.isSet(QStringLiteral("select")) && !setup.store.setSelectedModel(result.path, &error)) {
        return fail(error);
    }
    QJsonObject out = result.check.toJson();
    out.insert(QStringLiteral("downloaded"), true);
    out.insert(QStringLiteral("url"), result.url);
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}

int runVerify(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Verifies a model file: SHA-256 against --sha256 or the manifest, then reads it as a CLIP checkpoint."));
    addStoreOptions(parser);
    parser.addPositionalArgument(QStringLiteral("path"), QStringLiteral("A .pt, .safetensors or Hugging Face folder."));
    parser.addOption(
        {QStringLiteral("sha256"), QStringLiteral("The file's expected SHA-256 (hex)."), QStringLiteral("hex")});
    int exitCode = 0;
    if (!parseCommandLine(parser, arguments, &exitCode)) {
        return exitCode;
    }
    if (parser.positionalArguments().size() != 1) {
        return fail(QStringLiteral("models verify needs one PATH"), 2);
    }
    StoreSetup setup;
    QString error;
    QString sha256;
    if (!readSha256Option(parser, &sha256, &error)) {
        return fail(error, 2);
    }
    if (!setUp(parser, &setup, &error)) {
        return fail(error);
    }
    // Always a fresh check: this command is how a person makes sure.
    const ModelCheck check =
        checkModelFile(parser.positionalArguments().first(), setup.manifest, sha256, QStringLiteral("--sha256"));
    if (!check.ok) {
        return fail(check.error);
    }
    setup.store.record(check);
    QTextStream(stdout) << QJsonDocument(check.toJson()).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}

} // namespace

// clipfind-cli models list|fetch|verify ...
int runModels(const QStringList &arguments)
{
    const QString sub = arguments.value(1);
    QStringList rest = arguments;
    if (!sub.isEmpty()) {
        rest.removeAt(1);
        rest[0] = arguments[0] + QLatin1Char(' ') + sub;
    }
    if (sub == QLatin1String("list")) {
        return runList(rest);
    }
    if (sub == QLatin1String("fetch")) {
        return runFetch(rest);
    }
    if (sub == QLatin1String("verify")) {
        return runVerify(rest);
    }
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
        QTextStream(stdout) << kModelsUsage;
        return 0;
    }
    std::fprintf(stderr, "clipfind-cli: models: unknown subcommand '%s'\n%s", sub.toLocal8Bit().constData(),
                 kModelsUsage);
    return 2;
}

} // namespace clipfind::cli
