// SPDX-License-Identifier: MIT
// Why this file is long: one download is one state machine (redirects, resume, mirror, size cap, hash, install); its
// states and error paths are read together to check that no path keeps a partial file.
#include "core/download/modeldownloader.h"

#include "core/store/filehash.h"
#include "core/threads/pooltasks.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <QPointer>
#include <QRegularExpression>
#include <QStorageInfo>
#include <QThreadPool>
#include <QTimer>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <system_error>
#include <utility>

namespace clipfind {

namespace {

constexpr int kMaxRedirects = 10;
constexpr qint64 kSpeedWindowMs = 3000;
constexpr qint64 kProgressIntervalMs = 100;

// Hugging Face publishes an LFS file's SHA-256 as X-Linked-Etag: "<64 hex>" on the resolve/ redirect.
QString sha256FromEtag(const QByteArray &value)
{
    QString text = QString::fromLatin1(value).trimmed();
    if (text.startsWith(QLatin1String("W/"))) {
        text = text.mid(2);
    }
    text.remove(QLatin1Char('"'));
    text = text.toLower();
    static const QRegularExpression sha256(QStringLiteral("^[0-9a-f]{64}$"));
    return sha256.match(text).hasMatch() ? text : QString();
}

QString durationText(double seconds)
{
    const qint64 s = qint64(seconds + 0.5);
    if (s >= 3600) {
        return QCoreApplication::translate("clipfind::ModelDownloader", "%1 h %2 min")
            .arg(s / 3600)
            .arg((s % 3600) / 60);
    }
    if (s >= 60) {
        return QCoreApplication::translate("clipfind::ModelDownloader", "%1 min %2 s").arg(s / 60).arg(s % 60);
    }
    return QCoreApplication::translate("clipfind::ModelDownloader", "%1 s").arg(s);
}

bool removeFile(const QString &path)
{
    const QFileInfo info(path);
    return (!info.exists() && !info.isSymLink()) || QFile::remove(path); // a link goes, not what it points to
}

// The record beside a part file is small; anything larger is not ours.
constexpr qint64 kMaxMetaBytes = 64 * 1024;

QString sourceUrlText(const DownloadSource &source)
{
    return source.files.isEmpty() ? source.url.toString() : source.files.first().url.toString();
}

// The file a folder model's record describes (its hash identifies the model): model.safetensors at the root when
// there is one, else the largest file.
QString mainFileOf(const DownloadSource &source)
{
    QString main;
    qint64 largest = -1;
    for (const DownloadFile &file : source.files) {
        if (file.relativePath == QLatin1String("model.safetensors")) {
            return file.relativePath;
        }
        if (file.expectedSize > largest) {
            largest = file.expectedSize;
            main = file.relativePath;
        }
    }
    return main;
}

// One file of a folder model, checked by its SHA-256 (pinned, published or recorded) only; a file without any hash
// to compare with is accepted only when it may not hold a hash (requiresSha256 false) and is small.
ModelCheck checkDownloadedFile(const QString &path, const QString &expected, const QString &hashSource,
                               bool requiresSha256)
{
    ModelCheck check;
    check.path = path;
    check.file = path;
    check.size = QFileInfo(path).size();
    if (expected.isEmpty() && (requiresSha256 || check.size > kMaxUnhashedFileBytes)) {
        check.error = QCoreApplication::translate(
                          "clipfind::ModelDownloader",
                          "%1: no SHA-256 to check it against (none pinned, none published by the server)")
                          .arg(path);
        return check;
    }
    check.sha256 = sha256OfFile(path, &check.error);
    if (check.sha256.isEmpty()) {
        return check;
    }
    if (!expected.isEmpty() && check.sha256 != expected.toLower()) {
        check.error =
            QCoreApplication::translate("clipfind::ModelDownloader", "%1: SHA-256 mismatch: expected %2 (%3), got %4")
                .arg(path, expected.toLower(), hashSource, check.sha256);
        return check;
    }
    check.hashSource = expected.isEmpty() ? QString() : hashSource;
    check.ok = true;
    return check;
}

} // namespace

bool isAllowedRedirect(const QUrl &source, const QUrl &target)
{
    const QString scheme = target.scheme().toLower();
    if (!target.isValid() || target.host().isEmpty()) {
        return false;
    }
    return scheme == QLatin1String("https")
           || (scheme == QLatin1String("http") && source.scheme().toLower() == QLatin1String("http"));
}

QString formatBytes(qint64 bytes)
{
    if (bytes >= 1000LL * 1000 * 1000) {
        return QStringLiteral("%1 GB").arg(double(bytes) / 1e9, 0, 'f', 2);
    }
    if (bytes >= 1000LL * 1000) {
        return QStringLiteral("%1 MB").arg(double(bytes) / 1e6, 0, 'f', 1);
    }
    if (bytes >= 1000) {
        return QStringLiteral("%1 kB").arg(double(bytes) / 1e3, 0, 'f', 1);
    }
    return QStringLiteral("%1 B").arg(bytes);
}

QString DownloadProgress::text() const
{
    QString out = total > 0 ? QCoreApplication::translate("clipfind::ModelDownloader", "%1 of %2")
                                  .arg(formatBytes(received), formatBytes(total))
                            : formatBytes(received);
    if (bytesPerSecond > 0) {
        out +=
            QCoreApplication::translate("clipfind::ModelDownloader", ", %1/s").arg(formatBytes(qint64(bytesPerSecond)));
    }
    if (etaSeconds >= 0) {
        out += QCoreApplication::translate("clipfind::ModelDownloader", ", %1 left").arg(durationText(etaSeconds));
    }
    return out;
}

struct ModelDownloader::Private {
    ModelDownloader *q = nullptr;
    ModelManifest manifest;
    QNetworkAccessManager network;
    int maxResumes = 3;
    int stallTimeoutMs = 60000; // a transfer with no data for this long fails (QNetworkRequest::setTransferTimeout)

    QVector<DownloadSource> sources;
    int index = -1;
    QStringList failures;
    bool running = false;
    bool cancelled = false;

    // The current source.
    QPointer<QNetworkReply> reply;
    QFile part;
    QUrl requestUrl; // after redirects
    int redirects = 0;
    int resumesLeft = 0;
    bool accepting = false; // the current response's body is the file (200/206)
    bool restartFromZero = false;
    bool restartedAfter416 = false;
    QString problem;     // why the current response was rejected
    qint64 received = 0; // bytes in the part file
    qint64 requestStart = 0;
    qint64 total = -1;
    qint64 cap = kMaxDownloadBytes; // the most bytes this source may bring (see the header)
    QString publishedSha256;
    QString validator;    // identity of the remote file, to resume only the same file
    QThreadPool verifier; // one thread: hashing and reading a checkpoint, off the downloader's thread
    QFutureWatcher<ModelCheck> verification;

    QElapsedTimer clock;
    QTimer trailingProgress; // a throttled update is sent a moment later, so the last one always arrives
    std::deque<std::pair<qint64, qint64>> samples; // (ms, received)
    qint64 lastEmitMs = -kProgressIntervalMs;

    // One file to download: the source itself, or one file of a folder source.
    struct Item {
        QUrl url;
        QString target; // where the verified file goes: the install path, or its place inside partFolder()
        QString relativePath;
        QString expectedSha256;
        qint64 expectedSize = 0;
        bool sizeApproximate = false;
        bool requiresSha256 = false;
    };
    QVector<Item> items;
    ModelCheck mainCheck; // a folder source: the verification of its main file
    int itemIndex = 0;
    qint64 doneBytes = 0;      // bytes of the current source's files already verified
    qint64 plannedBytes = 0;   // the current source's expected size (a folder: the sum)
    QJsonObject verifiedFiles; // a folder source: relative path -> {sha256, hash_source} of each file verified
    bool reverifying = false;  // checking a file verified by an earlier run again, before it is trusted

    const DownloadSource &source() const { return sources[index]; }
    const Item &item() const { return items[itemIndex]; }
    bool isFolder() const { return !source().files.isEmpty(); }
    QString partFolder() const { return source().targetPath + QStringLiteral(".part"); }
    QString recordPath() const { return partFolder() + QStringLiteral("/.clipfind-verified.json"); }
    QString partPath() const { return item().target + QStringLiteral(".part"); }
    QString metaPath() const { return partPath() + QStringLiteral(".json"); }

    void startSource();
    void startItem();
    void nextItem();
    void installFolder();
    void discardFolder();
    void sendRequest();
    void onMetaData();
    void onReadyRead();
    void onFinished();
    void verify();
    void onVerified();
    void failSource(const QString &message, bool keepPart);
    void finish(DownloadResult result);
    void emitProgress(bool force);
    void writeMeta();
    QString readMetaValidator() const;
    void discardPart();
};

void ModelDownloader::Private::discardPart()
{
    part.close();
    removeFile(partPath());
    removeFile(metaPath());
    QDir().rmdir(QFileInfo(partPath()).absolutePath()); // the install folder, only if nothing else is in it
    received = 0;
}

QString ModelDownloader::Private::readMetaValidator() const
{
    QFile meta(metaPath());
    const QFileInfo info(metaPath());
    if (info.isSymLink() || !info.isFile() || info.size() > kMaxMetaBytes || !meta.open(QIODevice::ReadOnly)) {
        return QStringLiteral("\x01"); // no record (or not one of ours): the part file cannot be trusted
    }
    const QJsonObject o = QJsonDocument::fromJson(meta.readAll()).object();
    if (o.value(QStringLiteral("url")).toString() != item().url.toString()) {
        return QStringLiteral("\x01");
    }
    return o.value(QStringLiteral("validator")).toString();
}

void ModelDownloader::Private::writeMeta()
{
    QFile meta(metaPath());
    if (meta.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        meta.write(QJsonDocument(QJsonObject{{QStringLiteral("url"), item().url.toString()},
                                             {QStringLiteral("validator"), validator},
                                             {QStringLiteral("published_sha256"), publishedSha256}})
                       .toJson(QJsonDocument::Compact));
    }
}

void ModelDownloader::Private::startSource()
{
    ++index;
    if (index >= sources.size()) {
        DownloadResult result;
        result.url = sources.isEmpty() ? QString() : sourceUrlText(sources.last());
        result.error = failures.isEmpty()
                           ? QCoreApplication::translate("clipfind::ModelDownloader", "no download source")
                           : failures.join(QStringLiteral("; "));
        finish(result);
        return;
    }
    const DownloadSource &src = source();
    items.clear();
    itemIndex = 0;
    doneBytes = 0;
    plannedBytes = src.expectedSize;
    verifiedFiles = {};
    if (src.files.isEmpty()) {
        items << Item{src.url,
                      src.targetPath,
                      QFileInfo(src.targetPath).fileName(),
                      src.expectedSha256,
                      src.expectedSize,
                      src.sizeApproximate,
                      false};
        startItem();
        return;
    }
    // A folder: every file goes into the part folder, verified one by one; a file verified by an earlier run is
    // kept (and checked again against its recorded hash), so an interrupted download resumes file by file.
    plannedBytes = 0;
    qint64 needed = 0;
    QFile record(recordPath());
    if (QFileInfo(recordPath()).isFile() && QFileInfo(recordPath()).size() <= kMaxMetaBytes
        && record.open(QIODevice::ReadOnly)) {
        verifiedFiles = QJsonDocument::fromJson(record.readAll()).object();
    }
    for (const DownloadFile &file : src.files) {
        Item entry{file.url,           QDir(partFolder()).filePath(file.relativePath),
                   file.relativePath,  file.expectedSha256,
                   file.expectedSize,  file.sizeApproximate,
                   file.requiresSha256};
        const qint64 margin = file.sizeApproximate ? file.expectedSize / 20 : 0;
        plannedBytes += file.expectedSize;
        const QFileInfo done(entry.target);
        const QFileInfo part(entry.target + QStringLiteral(".part"));
        if (!(done.isFile() && verifiedFiles.contains(file.relativePath))) { // still to come
            needed += file.expectedSize + margin - (part.isFile() ? std::min(part.size(), file.expectedSize) : 0);
        }
        items << entry;
    }
    const QString parent = QFileInfo(src.targetPath).absolutePath();
    QDir().mkpath(parent);
    if (QFileInfo(partFolder()).isSymLink()) {
        QFile::remove(partFolder()); // never write through a link someone put in the part folder's place
    }
    const QStorageInfo storage(parent);
    if (storage.isValid() && storage.bytesAvailable() >= 0 && storage.bytesAvailable() < needed) {
        failures << QCoreApplication::translate("clipfind::ModelDownloader",
                                                "%1: not enough disk space: the download needs %2, %3 is free")
                        .arg(parent, formatBytes(needed), formatBytes(storage.bytesAvailable()));
        startSource();
        return;
    }
    if (QFileInfo::exists(src.targetPath) || QFileInfo(src.targetPath).isSymLink()) {
        failures << QCoreApplication::translate("clipfind::ModelDownloader",
                                                "%1: already exists; remove it to download again")
                        .arg(src.targetPath);
        startSource();
        return;
    }
    startItem();
}

void ModelDownloader::Private::startItem()
{
    const Item &file = item();
    const QString folder = QFileInfo(file.target).absolutePath();
    if (!QDir().mkpath(folder)) {
        failSource(QCoreApplication::translate("clipfind::ModelDownloader", "%1: cannot create the folder").arg(folder),
                   false);
        return;
    }
    total = -1;
    publishedSha256.clear();
    redirects = 0;
    resumesLeft = maxResumes;
    restartedAfter416 = false;
    received = 0;
    validator.clear();
    reverifying = false;
    if (isFolder()) {
        const QFileInfo done(file.target);
        if (done.isSymLink() || (done.exists() && !done.isFile())) {
            failSource(QCoreApplication::translate("clipfind::ModelDownloader",
                                                   "%1: not a regular file; remove it to download again")
                           .arg(file.target),
                       false);
            return;
        }
        if (done.isFile()) {
            const QString recorded =
                verifiedFiles.value(file.relativePath).toObject().value(QStringLiteral("sha256")).toString();
            if (!recorded.isEmpty() && (file.expectedSha256.isEmpty() || file.expectedSha256 == recorded)) {
                reverifying = true;
                received = done.size();
                total = received;
                verify();
                return;
            }
            QFile::remove(file.target); // not verified by us: download it again
        }
    }
    cap = file.expectedSize > 0 ? file.expectedSize + (file.sizeApproximate ? file.expectedSize / 20 : 0)
                                : kMaxDownloadBytes;
    const QFileInfo partInfo(partPath());
    if (partInfo.exists() || partInfo.isSymLink()) {
        // A part file is resumed only when it is a regular file (not a link to elsewhere, which appending would
        // write through), no larger than what this source may bring, with the record of the same URL beside it.
        const QString saved = readMetaValidator();
        if (saved == QStringLiteral("\x01") || partInfo.isSymLink() || !partInfo.isFile() || partInfo.size() > cap) {
            discardPart();
            QDir().mkpath(folder); // discardPart() removes the install folder when it is left empty
            if (QFileInfo(partPath()).exists()) {
                failSource(QCoreApplication::translate("clipfind::ModelDownloader",
                                                       "%1: not a regular file; remove it to download again")
                               .arg(partPath()),
                           false);
                return;
            }
        } else {
            validator = saved;
            received = partInfo.size();
        }
    }
    if (file.expectedSize > 0 && !isFolder()) { // a folder's space was checked for all its files at once
        const qint64 margin = file.sizeApproximate ? file.expectedSize / 20 : 0;
        const qint64 needed = file.expectedSize + margin - received;
        const QStorageInfo storage(folder);
        if (storage.isValid() && storage.bytesAvailable() >= 0 && storage.bytesAvailable() < needed) {
            failSource(QCoreApplication::translate("clipfind::ModelDownloader",
                                                   "%1: not enough disk space: the download needs %2, %3 is free")
                           .arg(folder, formatBytes(needed), formatBytes(storage.bytesAvailable())),
                       true);
            return;
        }
    }
    requestUrl = file.url;
    Q_EMIT q->statusChanged(
        QCoreApplication::translate("clipfind::ModelDownloader", "Connecting to %1").arg(file.url.host()));
    sendRequest();
}

void ModelDownloader::Private::nextItem()
{
    doneBytes += received;
    received = 0;
    ++itemIndex;
    if (itemIndex < items.size()) {
        startItem();
        return;
    }
    installFolder();
}

void ModelDownloader::Private::sendRequest()
{
    QNetworkRequest request(requestUrl);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setRawHeader("Accept-Encoding", "identity"); // byte ranges of the file itself, not of a gzip stream
    request.setTransferTimeout(stallTimeoutMs);
    received = QFileInfo::exists(partPath()) ? QFileInfo(partPath()).size() : 0;
    if (received > 0) {
        request.setRawHeader("Range", "bytes=" + QByteArray::number(received) + '-');
    }
    requestStart = received;
    accepting = false;
    restartFromZero = false;
    problem.clear();
    reply = network.get(request);
    QObject::connect(reply, &QNetworkReply::metaDataChanged, q, [this] { onMetaData(); });
    QObject::connect(reply, &QIODevice::readyRead, q, [this] { onReadyRead(); });
    QObject::connect(reply, &QNetworkReply::finished, q, [this] { onFinished(); });
}

void ModelDownloader::Private::onMetaData()
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString linked = sha256FromEtag(reply->rawHeader("X-Linked-Etag"));
    if (!linked.isEmpty()) {
        publishedSha256 = linked;
        const QString pinned = item().expectedSha256.toLower();
        if (!pinned.isEmpty() && linked != pinned) {
            // Known before a byte of the body: the server offers another file than the one the manifest pins.
            problem = QCoreApplication::translate(
                          "clipfind::ModelDownloader",
                          "%1: the server publishes SHA-256 %2 for this file, but %3 is expected; refused")
                          .arg(item().url.toString(), linked, pinned);
            reply->abort();
            return;
        }
    }
    if (status != 200 && status != 206) {
        return; // redirects and errors are handled when the reply finishes
    }
    const QString identity =
        !publishedSha256.isEmpty() ? publishedSha256 : QString::fromLatin1(reply->rawHeader("ETag"));
    if (status == 206) {
        // Content-Range: bytes <first>-<last>/<total>
        static const QRegularExpression range(QStringLiteral("^bytes (\\d+)-(\\d+)/(\\d+|\\*)$"));
        const auto match = range.match(QString::fromLatin1(reply->rawHeader("Content-Range")).trimmed());
        if (!match.hasMatch() || match.captured(1).toLongLong() != received) {
            problem =
                QCoreApplication::translate("clipfind::ModelDownloader",
                                            "%1: the server answered the resume request with the wrong range (%2)")
                    .arg(item().url.toString(), QString::fromLatin1(reply->rawHeader("Content-Range")));
            reply->abort();
            return;
        }
        if (!validator.isEmpty() && !identity.isEmpty() && identity != validator) {
            restartFromZero = true; // the file changed on the server since the part was written
            reply->abort();
            return;
        }
        total = match.captured(3) == QLatin1String("*") ? -1 : match.captured(3).toLongLong();
    } else {
        received = 0; // a full response: start the part file again
        const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
        total = length.isValid() ? length.toLongLong() : -1;
    }
    const Item &src = item();
    const bool exactSizeDiffers =
        src.expectedSize > 0 && !src.sizeApproximate && total >= 0 && total != src.expectedSize;
    if (total > cap || exactSizeDiffers) {
        problem =
            (exactSizeDiffers
                 ? QCoreApplication::translate("clipfind::ModelDownloader",
                                               "%1: the server announces %2, but %3 is expected; refused")
                 : QCoreApplication::translate("clipfind::ModelDownloader",
                                               "%1: the server announces %2, but at most %3 is expected; refused"))
                .arg(src.url.toString(), formatBytes(total), formatBytes(exactSizeDiffers ? src.expectedSize : cap));
        reply->abort();
        return;
    }
    if (total >= 0) {
        cap = std::min(cap, total); // never more than announced either
    }
    if (total > received) {
        const QStorageInfo storage(QFileInfo(partPath()).absolutePath());
        if (storage.isValid() && storage.bytesAvailable() >= 0 && storage.bytesAvailable() < total - received) {
            problem =
                QCoreApplication::translate("clipfind::ModelDownloader",
                                            "%1: not enough disk space: the download needs %2, %3 is free")
                    .arg(storage.rootPath(), formatBytes(total - received), formatBytes(storage.bytesAvailable()));
            reply->abort();
            return;
        }
    }
    validator = identity;
    if (QFileInfo(partPath()).isSymLink()) {
        QFile::remove(partPath()); // never write through a link someone put in the part file's place
    }
    part.setFileName(partPath());
    const QIODevice::OpenMode mode = status == 206 ? QIODevice::Append : (QIODevice::WriteOnly | QIODevice::Truncate);
    if (!part.open(mode)) {
        problem = QStringLiteral("%1: %2").arg(partPath(), part.errorString());
        reply->abort();
        return;
    }
    writeMeta();
    requestStart = received;
    accepting = true;
    if (!clock.isValid()) {
        clock.start();
    }
    Q_EMIT q->statusChanged(
        QCoreApplication::translate("clipfind::ModelDownloader", "Downloading %1").arg(item().url.toString()));
    emitProgress(true);
}

void ModelDownloader::Private::onReadyRead()
{
    const QByteArray data = reply->readAll();
    if (!accepting || data.isEmpty()) {
        return;
    }
    if (received + data.size() > cap) {
        problem = QCoreApplication::translate("clipfind::ModelDownloader",
                                              "%1: the server sent more than the %2 expected; stopped")
                      .arg(item().url.toString(), formatBytes(cap));
        accepting = false;
        reply->abort();
        return;
    }
    if (part.write(data) != data.size()) {
        problem = QCoreApplication::translate("clipfind::ModelDownloader", "%1: write failed: %2")
                      .arg(partPath(), part.errorString());
        accepting = false;
        reply->abort();
        return;
    }
    received += data.size();
    emitProgress(false);
}

void ModelDownloader::Private::onFinished()
{
    QNetworkReply *finishedReply = reply;
    if (!finishedReply) {
        return;
    }
    if (accepting) {
        onReadyRead(); // data that arrived with the end
    }
    finishedReply->deleteLater();
    reply = nullptr;
    part.close();
    if (cancelled) {
        return;
    }
    const int status = finishedReply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString url = item().url.toString();
    if (!problem.isEmpty()) {
        failSource(problem, true);
        return;
    }
    if (restartFromZero) {
        discardPart();
        validator.clear();
        requestUrl = item().url;
        sendRequest();
        return;
    }
    if (status >= 300 && status < 400) {
        const QUrl location = finishedReply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl();
        if (location.isEmpty() || ++redirects > kMaxRedirects) {
            failSource(QCoreApplication::translate("clipfind::ModelDownloader", "%1: HTTP %2 without a usable redirect")
                           .arg(url)
                           .arg(status),
                       true);
            return;
        }
        const QUrl next = requestUrl.resolved(location);
        if (!isAllowedRedirect(item().url, next)) {
            failSource(QCoreApplication::translate(
                           "clipfind::ModelDownloader",
                           "%1: redirect to %2 refused (only to https, or to http from an http source)")
                           .arg(url, next.toString().left(200)),
                       true);
            return;
        }
        requestUrl = next;
        sendRequest();
        return;
    }
    if (status == 416 && received > 0 && !restartedAfter416) {
        // The part file already holds everything (e.g. the program stopped before verifying it): verify it as it
        // is when the server says that is the whole file, else start over once.
        static const QRegularExpression whole(QStringLiteral("^bytes \\*/(\\d+)$"));
        const auto match = whole.match(QString::fromLatin1(finishedReply->rawHeader("Content-Range")).trimmed());
        if (match.hasMatch() && match.captured(1).toLongLong() == received) {
            total = received;
            emitProgress(true);
            verify();
            return;
        }
        restartedAfter416 = true;
        discardPart();
        validator.clear();
        requestUrl = item().url;
        sendRequest();
        return;
    }
    if (status >= 400) {
        const QString reason = finishedReply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        failSource(QCoreApplication::translate("clipfind::ModelDownloader", "%1: HTTP %2 %3")
                       .arg(url)
                       .arg(status)
                       .arg(reason)
                       .trimmed(),
                   true);
        return;
    }
    const bool complete = finishedReply->error() == QNetworkReply::NoError && (total < 0 || received >= total);
    if (!complete) {
        const QString why =
            finishedReply->error() != QNetworkReply::NoError
                ? finishedReply->errorString()
                : QCoreApplication::translate("clipfind::ModelDownloader", "the connection closed after %1 of %2")
                      .arg(formatBytes(received), formatBytes(total));
        // A transfer that had started and then broke is resumed from where the part file ends.
        if (accepting && resumesLeft > 0) {
            --resumesLeft;
            Q_EMIT q->statusChanged(
                QCoreApplication::translate("clipfind::ModelDownloader", "Connection lost at %1 (%2); resuming")
                    .arg(formatBytes(received), why));
            requestUrl = item().url; // signed CDN redirects expire: ask the origin again
            redirects = 0;
            QTimer::singleShot(200, q, [this] {
                if (!cancelled && running) {
                    sendRequest();
                }
            });
            return;
        }
        failSource(QStringLiteral("%1: %2").arg(url, why), true);
        return;
    }
    emitProgress(true);
    verify();
}

void ModelDownloader::Private::verify()
{
    const Item &file = item();
    QString expected = file.expectedSha256;
    QString hashSource = QCoreApplication::translate("clipfind::ModelDownloader", "the expected SHA-256");
    if (reverifying) {
        expected = verifiedFiles.value(file.relativePath).toObject().value(QStringLiteral("sha256")).toString();
        hashSource =
            QCoreApplication::translate("clipfind::ModelDownloader", "the SHA-256 it had when it was verified");
    } else if (expected.isEmpty() && !publishedSha256.isEmpty()) {
        expected = publishedSha256;
        hashSource =
            QCoreApplication::translate("clipfind::ModelDownloader", "the SHA-256 %1 publishes (X-Linked-Etag)")
                .arg(file.url.host());
    }
    Q_EMIT q->statusChanged(
        QCoreApplication::translate("clipfind::ModelDownloader", "Verifying %1").arg(file.relativePath));
    const QString path = reverifying ? file.target : partPath();
    if (isFolder()) {
        // A file of a folder model is one part of it (a tokenizer, a config, weights): checked by its hash only.
        const bool requiresSha256 = file.requiresSha256;
        verification.setFuture(runOnPool(verifier, [path, expected, hashSource, requiresSha256] {
            return checkDownloadedFile(path, expected, hashSource, requiresSha256);
        }));
        return;
    }
    const ModelManifest manifestCopy = manifest;
    verification.setFuture(runOnPool(verifier, [path, manifestCopy, expected, hashSource] {
        return checkModelFile(path, manifestCopy, expected, hashSource);
    }));
}

void ModelDownloader::Private::onVerified()
{
    ModelCheck check = verification.result();
    if (cancelled) {
        if (isFolder()) {
            discardFolder();
        } else {
            discardPart();
        }
        DownloadResult result;
        result.cancelled = true;
        result.url = item().url.toString();
        result.error = QCoreApplication::translate("clipfind::ModelDownloader", "cancelled");
        finish(result);
        return;
    }
    const QString url = item().url.toString();
    if (!check.ok && reverifying) {
        // A file kept from an earlier run changed since it was verified: only that copy is bad, fetch it again.
        QFile::remove(item().target);
        verifiedFiles.remove(item().relativePath);
        Q_EMIT q->statusChanged(QCoreApplication::translate("clipfind::ModelDownloader",
                                                            "%1 changed since it was verified; downloading it again")
                                    .arg(item().relativePath));
        startItem();
        return;
    }
    if (!check.ok) {
        // A corrupt or tampered file: a folder model keeps none of its files.
        if (isFolder()) {
            discardFolder();
        } else {
            discardPart();
        }
        failures << (isFolder() ? QCoreApplication::translate(
                         "clipfind::ModelDownloader", "%1: verification failed (%2); the downloaded files were deleted")
                                : QCoreApplication::translate(
                                    "clipfind::ModelDownloader",
                                    "%1: verification failed (%2); the downloaded file was deleted"))
                        .arg(url, check.error);
        DownloadResult result;
        result.url = url;
        result.error = failures.join(QStringLiteral("; "));
        finish(result); // reported, not papered over with another source
        return;
    }
    const QString target = item().target;
    if (!reverifying) {
        std::error_code ec;
        std::filesystem::rename(QFile::encodeName(partPath()).toStdString(), QFile::encodeName(target).toStdString(),
                                ec);
        if (ec) {
            discardPart();
            DownloadResult result;
            result.url = url;
            result.error = QCoreApplication::translate("clipfind::ModelDownloader", "%1: cannot install: %2")
                               .arg(target, QString::fromStdString(ec.message()));
            finish(result);
            return;
        }
        removeFile(metaPath());
    }
    if (isFolder()) {
        if (reverifying) { // what the hash was first checked against
            check.hashSource =
                verifiedFiles.value(item().relativePath).toObject().value(QStringLiteral("hash_source")).toString();
        }
        verifiedFiles.insert(item().relativePath, QJsonObject{{QStringLiteral("sha256"), check.sha256},
                                                              {QStringLiteral("hash_source"), check.hashSource}});
        if (QFileInfo(recordPath()).isSymLink()) {
            QFile::remove(recordPath());
        }
        QFile record(recordPath());
        if (record.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            record.write(QJsonDocument(verifiedFiles).toJson(QJsonDocument::Compact));
        }
        if (item().relativePath == mainFileOf(source())) {
            mainCheck = check;
        }
        received = check.size;
        nextItem();
        return;
    }
    check.path = target;
    check.file = target;
    DownloadResult result;
    result.ok = true;
    result.path = target;
    result.url = url;
    result.check = check;
    finish(result);
}

void ModelDownloader::Private::installFolder()
{
    // Every file is verified: the folder becomes the model in one rename, so nothing half-installed ever shows.
    const DownloadSource &src = source();
    removeFile(recordPath());
    std::error_code ec;
    std::filesystem::rename(QFile::encodeName(partFolder()).toStdString(),
                            QFile::encodeName(src.targetPath).toStdString(), ec);
    DownloadResult result;
    result.url = sourceUrlText(src);
    if (ec) {
        result.error = QCoreApplication::translate("clipfind::ModelDownloader", "%1: cannot install: %2")
                           .arg(src.targetPath, QString::fromStdString(ec.message()));
        finish(result); // the part folder stays: the files are verified, a later run installs them
        return;
    }
    ModelCheck check = mainCheck;
    check.ok = true;
    check.path = src.targetPath;
    check.file = QDir(src.targetPath).filePath(mainFileOf(src));
    check.format = src.format;
    check.architecture = src.architecture;
    check.manifestModel = src.modelName;
    check.kind = src.kind;
    check.error.clear();
    emitProgress(true);
    result.ok = true;
    result.path = src.targetPath;
    result.check = check;
    finish(result);
}

void ModelDownloader::Private::discardFolder()
{
    part.close();
    std::error_code ec;
    const std::filesystem::path folder = QFile::encodeName(partFolder()).toStdString();
    if (std::filesystem::is_symlink(folder, ec)) {
        std::filesystem::remove(folder, ec); // the link goes, not what it points to
    } else {
        std::filesystem::remove_all(folder, ec); // remove_all does not follow links inside
    }
    QDir().rmdir(QFileInfo(source().targetPath).absolutePath()); // the models folder's parent, only if empty
    received = 0;
}

void ModelDownloader::Private::failSource(const QString &message, bool keepPart)
{
    // A part file with data stays for a later resume; an empty one (404, no connection) goes.
    part.close();
    if (!keepPart || QFileInfo(partPath()).size() == 0) {
        discardPart();
    }
    failures << message;
    startSource();
}

void ModelDownloader::Private::finish(DownloadResult result)
{
    running = false;
    trailingProgress.stop();
    Q_EMIT q->finished(result);
}

void ModelDownloader::Private::emitProgress(bool force)
{
    const qint64 now = clock.isValid() ? clock.elapsed() : 0;
    if (!force && now - lastEmitMs < kProgressIntervalMs) {
        if (!trailingProgress.isActive()) {
            trailingProgress.start(int(kProgressIntervalMs));
        }
        return;
    }
    trailingProgress.stop();
    lastEmitMs = now;
    samples.emplace_back(now, doneBytes + received);
    while (samples.size() > 2 && now - samples.front().first > kSpeedWindowMs) {
        samples.pop_front();
    }
    DownloadProgress p;
    const bool folder = index >= 0 && index < sources.size() && isFolder();
    p.received = folder ? doneBytes + received : received;
    p.total = folder ? std::max(plannedBytes, p.received) : total;
    p.sourceIndex = index;
    const qint64 spanMs = samples.back().first - samples.front().first;
    const qint64 spanBytes = samples.back().second - samples.front().second;
    if (spanMs > 0 && spanBytes > 0) {
        p.bytesPerSecond = double(spanBytes) * 1000.0 / double(spanMs);
        if (total > 0) {
            p.etaSeconds = double(total - received) / p.bytesPerSecond;
        }
    }
    Q_EMIT q->progress(p);
}

ModelDownloader::ModelDownloader(const ModelManifest &manifest, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    qRegisterMetaType<clipfind::DownloadProgress>();
    qRegisterMetaType<clipfind::DownloadResult>();
    d->q = this;
    d->manifest = manifest;
    d->verifier.setMaxThreadCount(1);
    // http_proxy / https_proxy / no_proxy on Linux, the system settings elsewhere.
    QNetworkProxyFactory::setUseSystemConfiguration(true);
    connect(&d->verification, &QFutureWatcher<ModelCheck>::finished, this, [this] { d->onVerified(); });
    d->trailingProgress.setSingleShot(true);
    connect(&d->trailingProgress, &QTimer::timeout, this, [this] {
        if (d->running && !d->cancelled && d->accepting) {
            d->emitProgress(true);
        }
    });
}

ModelDownloader::~ModelDownloader()
{
    if (d->reply) {
        d->reply->disconnect(this);
        d->reply->abort();
    }
    d->verification.waitForFinished();
    if (d->running && d->cancelled) {
        // cancelled during verification: onVerified() will not run any more
        if (d->isFolder()) {
            d->discardFolder();
        } else {
            d->discardPart();
        }
    }
}

void ModelDownloader::setMaxResumes(int resumes)
{
    d->maxResumes = resumes;
}

void ModelDownloader::start(const QVector<DownloadSource> &sources)
{
    if (d->running) {
        return;
    }
    d->sources = sources;
    d->index = -1;
    d->failures.clear();
    d->running = true;
    d->cancelled = false;
    d->clock.invalidate();
    d->samples.clear();
    d->lastEmitMs = -kProgressIntervalMs;
    d->startSource();
}

void ModelDownloader::cancel()
{
    if (!d->running || d->cancelled) {
        return;
    }
    d->cancelled = true;
    if (d->verification.isRunning()) {
        return; // onVerified() deletes the part file once the worker has let go of it
    }
    if (d->reply) {
        QNetworkReply *reply = d->reply;
        d->reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    const bool validSource = d->index >= 0 && d->index < d->sources.size();
    if (validSource && d->isFolder()) {
        d->discardFolder(); // cancel keeps nothing of a folder model, not even its verified files
    } else if (validSource) {
        d->discardPart();
    }
    DownloadResult result;
    result.cancelled = true;
    result.url = validSource ? sourceUrlText(d->source()) : QString();
    result.error = QCoreApplication::translate("clipfind::ModelDownloader", "cancelled");
    // Finish from the event loop: cancel() is usually called from a slot that may not expect re-entry.
    QTimer::singleShot(0, this, [this, result] { d->finish(result); });
}

bool ModelDownloader::isRunning() const
{
    return d->running;
}

DownloadResult ModelDownloader::run(const QVector<DownloadSource> &sources,
                                    const std::function<void(const DownloadProgress &)> &onProgress)
{
    DownloadResult outcome;
    QEventLoop loop;
    const QMetaObject::Connection progressConnection =
        connect(this, &ModelDownloader::progress, this, [&](const DownloadProgress &p) {
            if (onProgress) {
                onProgress(p);
            }
        });
    const QMetaObject::Connection finishedConnection =
        connect(this, &ModelDownloader::finished, &loop, [&](const DownloadResult &result) {
            outcome = result;
            loop.quit();
        });
    start(sources);
    if (d->running) {
        loop.exec();
    }
    disconnect(progressConnection);
    disconnect(finishedConnection);
    return outcome;
}

} // namespace clipfind
