// SPDX-License-Identifier: MIT
#pragma once

#include "core/models/modelcheck.h"
#include "core/models/modelmanifest.h"
#include "core/models/modelstore.h"

#include <QObject>
#include <QUrl>
#include <QVector>

#include <functional>
#include <memory>

namespace clipfind {

/// "354.0 MB", "1.71 GB", "912 B" (decimal units, as download sizes are usually given).
QString formatBytes(qint64 bytes);

struct DownloadProgress {
    qint64 received = 0;       // bytes of the file on disk, including a resumed part
    qint64 total = -1;         // -1 = unknown
    double bytesPerSecond = 0; // over the last few seconds
    double etaSeconds = -1;    // -1 = unknown
    int sourceIndex = 0;

    /// "12.3 MB of 354.0 MB, 4.1 MB/s, 1 min 20 s left".
    QString text() const;
};

struct DownloadResult {
    bool ok = false;
    bool cancelled = false;
    QString path;     // the installed file (ok only)
    QString url;      // the source that worked, or the last one tried
    ModelCheck check; // verification of the installed file (ok only)
    QString error;    // one line per failed source, joined with "; " (not ok)
};

/// Whether a download that started at `source` may follow a redirect to `target`: only to https, or to http when the
/// source itself is http (a local mirror). Never to other schemes (file:, data:, ftp: ...) and never from https down
/// to http.
bool isAllowedRedirect(const QUrl &source, const QUrl &target);

/// The most bytes a download may bring without a size to expect (no manifest size, no Content-Length): more than any
/// CLIP checkpoint ClipFind reads (ViT-L/14 in float32 is 1.7 GB).
inline constexpr qint64 kMaxDownloadBytes = qint64(4) << 30;

/// The largest file of a folder model that may be accepted without any SHA-256 to check it against (neither pinned
/// nor published by the server): a small JSON or text file (a config, a vocabulary, a tokenizer), bounded by this
/// and by its manifest size.
inline constexpr qint64 kMaxUnhashedFileBytes = qint64(4) << 20;

/// Downloads a model with QNetworkAccessManager: progress with speed and ETA, cancel, resume (HTTP Range) after a
/// dropped connection or across runs (the part file stays until it is complete or cancelled), a disk-space check,
/// proxies from the environment (http_proxy/https_proxy), and an atomic install: the part file is verified (SHA-256
/// against the known or server-published hash, then read as a CLIP checkpoint) and only then renamed into place.
/// A file that fails verification is deleted. Sources are tried in order until one works. One download at a time;
/// lives on one thread with an event loop.
/// Hostile servers (issue 11): redirects only as isAllowedRedirect() says; bytes received capped by the expected size
/// (the manifest's, 5% more when it is approximate; else the announced length; else kMaxDownloadBytes), a larger
/// announced size refused before the body; a pinned SHA-256 that the server's X-Linked-Etag contradicts refused before
/// the body; a part file resumed only when it is a regular file no larger than the cap, with a matching record.
/// A model that is a folder of files (DownloadSource::files) goes file by file into targetPath + ".part", each file
/// under the same rules and verified by its SHA-256 (pinned, else published; a small text file without either by its
/// size cap alone, see kMaxUnhashedFileBytes), then the folder is renamed into place. A failed verification or a
/// cancel deletes the whole part folder; a dropped transfer keeps it, and the next run resumes the file it was on
/// (the files verified before are hashed again against their recorded SHA-256 first; one that changed is fetched
/// again).
class ModelDownloader : public QObject
{
    Q_OBJECT

public:
    explicit ModelDownloader(const ModelManifest &manifest, QObject *parent = nullptr);
    ~ModelDownloader() override;

    /// Automatic resumes after a dropped connection (per source). Default 3.
    void setMaxResumes(int resumes);

    void start(const QVector<DownloadSource> &sources);
    /// Stops the transfer and deletes the part file; finished() follows with cancelled = true.
    void cancel();
    bool isRunning() const;

    /// Runs start() in a local event loop until finished (for the command line).
    DownloadResult run(const QVector<DownloadSource> &sources,
                       const std::function<void(const DownloadProgress &)> &onProgress = {});

Q_SIGNALS:
    void progress(const clipfind::DownloadProgress &progress);
    /// "Connecting to ...", "Verifying ...": for a status line.
    void statusChanged(const QString &status);
    void finished(const clipfind::DownloadResult &result);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace clipfind

Q_DECLARE_METATYPE(clipfind::DownloadProgress)
Q_DECLARE_METATYPE(clipfind::DownloadResult)
