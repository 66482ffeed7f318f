// SPDX-License-Identifier: MIT
// Why this file is long: one download is one state machine (redirects, resume, mirror, size cap, hash, install); its
// states and error paths are read together to check that no path keeps a partial file.
#include "core/download/modeldownloader.h"

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
#include <QtConcurrent/QtConcurrentRun>

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
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
    }
    if (s >= 60) {
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
    }
    return QStringLiteral("%1 s").arg(s);
}

bool removeFile(const QString &path)
{
    const QFileInfo info(path);
    return (!info.exists() && !info.isSymLink()) || QFile::remove(path); // a link goes, not what it points to
}

// The record beside a part file is small; anything larger is not ours.
constexpr qint64 kMaxMetaBytes = 64 * 1024;

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
    QString out =
        total > 0 ? QStringLiteral("%1 of %2").arg(formatBytes(received), formatBytes(total)) : formatBytes(received);
    if (bytesPerSecond > 0) {
        out += QStringLiteral(", %1/s").arg(formatBytes(qint64(bytesPerSecond)));
    }
    if (etaSeconds >= 0) {
        out += QStringLiteral(", %1 left").arg(durationText(etaSeconds));
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

    const DownloadSource &source() const { return sources[index]; }
    QString partPath() const { return source().targetPath + QStringLiteral(".part"); }
    QString metaPath() const { return partPath() + QStringLiteral(".json"); }

    void startSource();
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
    if (o.value(QStringLiteral("url")).toString() != source().url.toString()) {
        return QStringLiteral("\x01");
    }
    return o.value(QStringLiteral("validator")).toString();
}

void ModelDownloader::Private::writeMeta()
{
    QFile meta(metaPath());
    if (meta.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        meta.write(QJsonDocument(QJsonObject{{QStringLiteral("url"), source().url.toString()},
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
        result.url = sources.isEmpty() ? QString() : sources.last().url.toString();
        result.error = failures.isEmpty() ? QStringLiteral("no download source") : failures.join(QStringLiteral("; "));
        finish(result);
        return;
    }
    const DownloadSource &src = source();
    const QString folder = QFileInfo(src.targetPath).absolutePath();
    if (!QDir().mkpath(folder)) {
        failSource(QStringLiteral("%1: cannot create the folder").arg(folder), false);
        return;
    }
    total = -1;
    publishedSha256.clear();
    redirects = 0;
    resumesLeft = maxResumes;
    restartedAfter416 = false;
    received = 0;
    validator.clear();
    cap =
        src.expectedSize > 0 ? src.expectedSize + (src.sizeApproximate ? src.expectedSize / 20 : 0) : kMaxDownloadBytes;
    const QFileInfo partInfo(partPath());
    if (partInfo.exists() || partInfo.isSymLink()) {
        // A part file is resumed only when it is a regular file (not a link to elsewhere, which appending would
        // write through), no larger than what this source may bring, with the record of the same URL beside it.
        const QString saved = readMetaValidator();
        if (saved == QStringLiteral("\x01") || partInfo.isSymLink() || !partInfo.isFile() || partInfo.size() > cap) {
            discardPart();
            QDir().mkpath(folder); // discardPart() removes the install folder when it is left empty
            if (QFileInfo(partPath()).exists()) {
                failSource(QStringLiteral("%1: not a regular file; remove it to download again").arg(partPath()),
                           false);
                return;
            }
        } else {
            validator = saved;
            received = partInfo.size();
        }
    }
    if (src.expectedSize > 0) {
        const qint64 margin = src.sizeApproximate ? src.expectedSize / 20 : 0;
        const qint64 needed = src.expectedSize + margin - received;
        const QStorageInfo storage(folder);
        if (storage.isValid() && storage.bytesAvailable() >= 0 && storage.bytesAvailable() < needed) {
            failSource(QStringLiteral("%1: not enough disk space: the download needs %2, %3 is free")
                           .arg(folder, formatBytes(needed), formatBytes(storage.bytesAvailable())),
                       true);
            return;
        }
    }
    requestUrl = src.url;
    Q_EMIT q->statusChanged(QStringLiteral("Connecting to %1").arg(src.url.host()));
    sendRequest();
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
        const QString pinned = source().expectedSha256.toLower();
        if (!pinned.isEmpty() && linked != pinned) {
            // Known before a byte of the body: the server offers another file than the one the manifest pins.
            problem = QStringLiteral("%1: the server publishes SHA-256 %2 for this file, but %3 is expected; refused")
                          .arg(source().url.toString(), linked, pinned);
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
            problem = QStringLiteral("%1: the server answered the resume request with the wrong range (%2)")
                          .arg(source().url.toString(), QString::fromLatin1(reply->rawHeader("Content-Range")));
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
    const DownloadSource &src = source();
    const bool exactSizeDiffers =
        src.expectedSize > 0 && !src.sizeApproximate && total >= 0 && total != src.expectedSize;
    if (total > cap || exactSizeDiffers) {
        problem =
            QStringLiteral("%1: the server announces %2, but %3%4 is expected; refused")
                .arg(src.url.toString(), formatBytes(total), exactSizeDiffers ? QString() : QStringLiteral("at most "),
                     formatBytes(exactSizeDiffers ? src.expectedSize : cap));
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
                QStringLiteral("%1: not enough disk space: the download needs %2, %3 is free")
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
    Q_EMIT q->statusChanged(QStringLiteral("Downloading %1").arg(source().url.toString()));
    emitProgress(true);
}

void ModelDownloader::Private::onReadyRead()
{
    const QByteArray data = reply->readAll();
    if (!accepting || data.isEmpty()) {
        return;
    }
    if (received + data.size() > cap) {
        problem = QStringLiteral("%1: the server sent more than the %2 expected; stopped")
                      .arg(source().url.toString(), formatBytes(cap));
        accepting = false;
        reply->abort();
        return;
    }
    if (part.write(data) != data.size()) {
        problem = QStringLiteral("%1: write failed: %2").arg(partPath(), part.errorString());
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
    const QString url = source().url.toString();
    if (!problem.isEmpty()) {
        failSource(problem, true);
        return;
    }
    if (restartFromZero) {
        discardPart();
        validator.clear();
        requestUrl = source().url;
        sendRequest();
        return;
    }
    if (status >= 300 && status < 400) {
        const QUrl location = finishedReply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl();
        if (location.isEmpty() || ++redirects > kMaxRedirects) {
            failSource(QStringLiteral("%1: HTTP %2 without a usable redirect").arg(url).arg(status), true);
            return;
        }
        const QUrl next = requestUrl.resolved(location);
        if (!isAllowedRedirect(source().url, next)) {
            failSource(QStringLiteral("%1: redirect to %2 refused (only to https, or to http from an http source)")
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
        requestUrl = source().url;
        sendRequest();
        return;
    }
    if (status >= 400) {
        const QString reason = finishedReply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        failSource(QStringLiteral("%1: HTTP %2 %3").arg(url).arg(status).arg(reason).trimmed(), true);
        return;
    }
    const bool complete = finishedReply->error() == QNetworkReply::NoError && (total < 0 || received >= total);
    if (!complete) {
        const QString why =
            finishedReply->error() != QNetworkReply::NoError
                ? finishedReply->errorString()
                : QStringLiteral("the connection closed after %1 of %2").arg(formatBytes(received), formatBytes(total));
        // A transfer that had started and then broke is resumed from where the part file ends.
        if (accepting && resumesLeft > 0) {
            --resumesLeft;
            Q_EMIT q->statusChanged(
                QStringLiteral("Connection lost at %1 (%2); resuming").arg(formatBytes(received), why));
            requestUrl = source().url; // signed CDN redirects expire: ask the origin again
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
    const DownloadSource &src = source();
    QString expected = src.expectedSha256;
    QString hashSource = QStringLiteral("the expected SHA-256");
    if (expected.isEmpty() && !publishedSha256.isEmpty()) {
        expected = publishedSha256;
        hashSource = QStringLiteral("the SHA-256 %1 publishes (X-Linked-Etag)").arg(src.url.host());
    }
    Q_EMIT q->statusChanged(QStringLiteral("Verifying %1").arg(QFileInfo(src.targetPath).fileName()));
    const QString path = partPath();
    const ModelManifest manifestCopy = manifest;
    verification.setFuture(QtConcurrent::run(&verifier, [path, manifestCopy, expected, hashSource] {
        return checkModelFile(path, manifestCopy, expected, hashSource);
    }));
}

void ModelDownloader::Private::onVerified()
{
    ModelCheck check = verification.result();
    if (cancelled) {
        discardPart();
        DownloadResult result;
        result.cancelled = true;
        result.url = source().url.toString();
        result.error = QStringLiteral("cancelled");
        finish(result);
        return;
    }
    const QString url = source().url.toString();
    if (!check.ok) {
        discardPart();
        failures
            << QStringLiteral("%1: verification failed (%2); the downloaded file was deleted").arg(url, check.error);
        DownloadResult result;
        result.url = url;
        result.error = failures.join(QStringLiteral("; "));
        finish(result); // a corrupt or tampered file is reported, not papered over with another source
        return;
    }
    const QString target = source().targetPath;
    std::error_code ec;
    std::filesystem::rename(QFile::encodeName(partPath()).toStdString(), QFile::encodeName(target).toStdString(), ec);
    if (ec) {
        discardPart();
        DownloadResult result;
        result.url = url;
        result.error = QStringLiteral("%1: cannot install: %2").arg(target, QString::fromStdString(ec.message()));
        finish(result);
        return;
    }
    removeFile(metaPath());
    check.path = target;
    check.file = target;
    DownloadResult result;
    result.ok = true;
    result.path = target;
    result.url = url;
    result.check = check;
    finish(result);
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
    samples.emplace_back(now, received);
    while (samples.size() > 2 && now - samples.front().first > kSpeedWindowMs) {
        samples.pop_front();
    }
    DownloadProgress p;
    p.received = received;
    p.total = total;
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
        d->discardPart(); // cancelled during verification: onVerified() will not run any more
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
    d->discardPart();
    DownloadResult result;
    result.cancelled = true;
    result.url = d->index >= 0 && d->index < d->sources.size() ? d->source().url.toString() : QString();
    result.error = QStringLiteral("cancelled");
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
