// SPDX-License-Identifier: MIT
#include "core/models/modelstore.h"

#include "core/store/filehash.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMutex>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSettings>

#include <sys/stat.h>

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

// What says "unchanged since verified", for the checkpoint file itself: device and inode tell a file replaced by
// another (a download renamed into place) from the one verified, size and modification time tell an edit, and the
// change time, which no user can set back, tells an edit whose modification time was restored. Empty when the file
// cannot be examined (an empty identity never matches).
QString fileIdentity(const QString &file)
{
    struct stat info;
    if (::stat(QFile::encodeName(file).constData(), &info) != 0 || !S_ISREG(info.st_mode)) {
        return {};
    }
    const auto ns = [](const struct timespec &t) { return qint64(t.tv_sec) * 1000000000 + t.tv_nsec; };
    return QStringLiteral("dev %1 ino %2 size %3 mtime_ns %4 ctime_ns %5")
        .arg(quint64(info.st_dev))
        .arg(quint64(info.st_ino))
        .arg(qint64(info.st_size))
        .arg(ns(info.st_mtim))
        .arg(ns(info.st_ctim));
}

bool isSha256Hex(const QString &text)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    return hex.match(text).hasMatch();
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
        source.modelName = model.name;
        source.architecture = model.architecture.isEmpty() ? model.name : model.architecture;
        source.format = download.format;
        source.kind = modelKindName(model.kind);
        if (download.isFolder()) {
            source.url = QUrl();
            for (const ModelDownloadFile &file : download.files) {
                DownloadFile item;
                item.url = QUrl(applyMirror(file.url, mirror));
                item.relativePath = file.path;
                item.expectedSha256 = file.sha256;
                item.expectedSize = file.size;
                item.sizeApproximate = file.sizeApproximate;
                item.requiresSha256 = file.requiresSha256;
                source.files << item;
            }
        }
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
    const QString identity = fileIdentity(check.file);
    if (!check.ok || identity.isEmpty() || entry.value(QStringLiteral("identity")).toString() != identity) {
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
                                          {QStringLiteral("identity"), fileIdentity(stored.file)}});
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

QString ModelStore::sha256Of(const QString &file, const QString &dataDir, QString *error)
{
    return dataDir.isEmpty() ? sha256OfFile(file, error) : ModelStore(dataDir).sha256Of(file, error);
}

QString ModelStore::sha256Of(const QString &file, QString *error)
{
    const QString path = absolute(file);
    const QString identity = fileIdentity(path);
    if (!identity.isEmpty()) {
        const QJsonObject records = readRecords();
        const QJsonObject known = records.value(QStringLiteral("hashes")).toObject().value(path).toObject();
        const QString sha256 = known.value(QStringLiteral("sha256")).toString();
        if (known.value(QStringLiteral("identity")).toString() == identity && isSha256Hex(sha256)) {
            return sha256;
        }
        const ModelCheck checked = recorded(path); // a file verified by the model dialog or `models verify`
        if (checked.ok && absolute(checked.file) == path && isSha256Hex(checked.sha256)) {
            return checked.sha256;
        }
    }
    const QString sha256 = sha256OfFile(path, error);
    // Remembered only when the file did not change while it was read.
    if (sha256.isEmpty() || identity.isEmpty() || fileIdentity(path) != identity) {
        return sha256;
    }
    const QMutexLocker lock(&recordMutex);
    QJsonObject records = readRecords();
    QJsonObject hashes = records.value(QStringLiteral("hashes")).toObject();
    hashes.insert(path, QJsonObject{{QStringLiteral("identity"), identity}, {QStringLiteral("sha256"), sha256}});
    records.insert(QStringLiteral("hashes"), hashes);
    QString ignored;
    writeRecords(records, &ignored); // not being able to remember only costs hashing again next time
    return sha256;
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
