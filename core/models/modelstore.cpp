// SPDX-License-Identifier: MIT
#include "core/models/modelstore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMutex>
#include <QSaveFile>
#include <QSettings>

namespace clipfind {

namespace {

const char kRecordFile[] = "verified.json";

// Discovery records files on a worker thread while the GUI thread records a download or the selection: the
// read-modify-write of the record file must not interleave within the process.
QMutex recordMutex;

QString absolute(const QString &path)
{
    return QFileInfo(path).absoluteFilePath();
}

// What says "unchanged since verified": size and modification time of the checkpoint file itself.
QJsonObject fileStamp(const QString &file)
{
    const QFileInfo info(file);
    return {{QStringLiteral("size"), info.size()},
            {QStringLiteral("mtime_ms"), info.lastModified().toMSecsSinceEpoch()}};
}

} // namespace

ModelStore::ModelStore(const QString &dataDir)
    : m_dataDir(dataDir)
{
}

QString ModelStore::modelsDir() const
{
    return QDir(m_dataDir).filePath(QStringLiteral("models"));
}

QString ModelStore::installPath(const ModelDownload &download) const
{
    return QDir::cleanPath(QDir(modelsDir()).absoluteFilePath(download.installAs));
}

QVector<DownloadSource> ModelStore::downloadSources(const ManifestModel &model, const QString &mirror) const
{
    QVector<DownloadSource> sources;
    for (const ModelDownload &download : model.downloads) {
        DownloadSource source;
        source.url = QUrl(applyMirror(download.url, mirror));
        source.targetPath = installPath(download);
        source.expectedSha256 = download.sha256;
        source.expectedSize = download.size;
        source.sizeApproximate = download.sizeApproximate;
        sources << source;
    }
    return sources;
}

QJsonObject ModelStore::readRecords() const
{
    QFile file(QDir(modelsDir()).filePath(QLatin1String(kRecordFile)));
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QJsonDocument::fromJson(file.readAll()).object(); // a damaged record only costs a re-check
}

bool ModelStore::writeRecords(const QJsonObject &records, QString *error) const
{
    if (!QDir().mkpath(modelsDir())) {
        *error = QCoreApplication::translate("clipfind::ModelStore", "%1: cannot create the folder").arg(modelsDir());
        return false;
    }
    QSaveFile file(QDir(modelsDir()).filePath(QLatin1String(kRecordFile)));
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(records).toJson()) < 0 || !file.commit()) {
        *error = QStringLiteral("%1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    return true;
}

ModelCheck ModelStore::recorded(const QString &path) const
{
    const QJsonObject files = readRecords().value(QStringLiteral("files")).toObject();
    const QJsonObject entry = files.value(absolute(path)).toObject();
    ModelCheck check = ModelCheck::fromJson(entry.value(QStringLiteral("check")).toObject());
    if (!check.ok || entry.value(QStringLiteral("stamp")).toObject() != fileStamp(check.file)) {
        return {};
    }
    check.path = path;
    return check;
}

void ModelStore::record(const ModelCheck &check)
{
    if (!check.ok) {
        return;
    }
    const QMutexLocker lock(&recordMutex);
    QJsonObject records = readRecords();
    QJsonObject files = records.value(QStringLiteral("files")).toObject();
    ModelCheck stored = check;
    stored.path = absolute(check.path);
    stored.file = absolute(check.file);
    files.insert(stored.path, QJsonObject{{QStringLiteral("check"), stored.toJson()},
                                          {QStringLiteral("stamp"), fileStamp(stored.file)}});
    records.insert(QStringLiteral("files"), files);
    QString ignored;
    writeRecords(records, &ignored); // not being able to remember only costs a re-check next time
}

ModelCheck ModelStore::check(const QString &path, const ModelManifest &manifest, const QString &expectedSha256,
                             const QString &hashSource)
{
    const ModelCheck known = recorded(path);
    if (known.ok && (expectedSha256.isEmpty() || known.sha256 == expectedSha256.toLower())) {
        return known;
    }
    const ModelCheck fresh = checkModelFile(path, manifest, expectedSha256, hashSource);
    record(fresh);
    return fresh;
}

QString ModelStore::installedPath(const ManifestModel &model) const
{
    for (const ModelDownload &download : model.downloads) {
        const QString path = installPath(download);
        if (recorded(path).ok) {
            return path;
        }
    }
    return {};
}

QString ModelStore::selectedModel() const
{
    return readRecords().value(QStringLiteral("selected")).toString();
}

bool ModelStore::setSelectedModel(const QString &path, QString *error)
{
    const QMutexLocker lock(&recordMutex);
    QJsonObject records = readRecords();
    records.insert(QStringLiteral("selected"), path.isEmpty() ? QString() : absolute(path));
    return writeRecords(records, error);
}

QString modelMirror()
{
    const QString fromEnvironment = qEnvironmentVariable("CLIPFIND_MODEL_MIRROR");
    if (!fromEnvironment.isEmpty()) {
        return fromEnvironment;
    }
    return QSettings().value(QStringLiteral("models/mirror")).toString();
}

void setModelMirrorSetting(const QString &mirror)
{
    QSettings().setValue(QStringLiteral("models/mirror"), mirror);
}

} // namespace clipfind
