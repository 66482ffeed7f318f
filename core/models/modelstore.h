// SPDX-License-Identifier: MIT
#pragma once

#include "core/models/modelcheck.h"
#include "core/models/modelmanifest.h"

#include <QString>
#include <QUrl>
#include <QVector>

namespace clipfind {

/// One file of a folder download.
struct DownloadFile {
    QUrl url;
    QString relativePath;    // inside the model folder
    QString expectedSha256;  // empty: the hash the server publishes (X-Linked-Etag); without one only a file of at
                             // most kMaxUnhashedFileBytes is accepted (checked by its size cap alone)
    qint64 expectedSize = 0; // > 0: it caps the download
    bool sizeApproximate = false;
    bool requiresSha256 = false; // weights: refused without a pinned or published hash, however small
};

/// One place to download a model from, and the file (or folder) it is installed as.
struct DownloadSource {
    QUrl url;                // empty for a folder download
    QString targetPath;      // absolute; the download goes to targetPath + ".part" until verified
    QString expectedSha256;  // empty = verify against the hash the server publishes (X-Linked-Etag)
    qint64 expectedSize = 0; // 0 = unknown; used for the disk-space check and display (a folder: the sum)
    bool sizeApproximate = false;
    /// A model that is a folder of files: each is downloaded into the folder targetPath + ".part" and verified,
    /// then the folder is renamed to targetPath.
    QVector<DownloadFile> files;
    // What the manifest says of the model (a folder's verification record carries it).
    QString modelName;
    QString architecture;
    QString format;
    QString kind = QStringLiteral("clip");
};

/// Where ClipFind keeps its models (<data dir>/models) and which files it has verified. A file is verified (and
/// hashed) once; the record (models/verified.json) is trusted while the file keeps its identity: the same device,
/// inode, size, modification time and change time (in ns). Any write to the file changes its change time, even one
/// that restores the modification time, and a file replaced by another has another inode.
/// Stores on several threads may share a data folder: updates of the record are serialized within the process.
class ModelStore
{
public:
    explicit ModelStore(const QString &dataDir);

    QString dataDir() const { return m_dataDir; }
    QString modelsDir() const;
    /// Where a manifest download is installed: <models>/<install_as>.
    QString installPath(const ModelDownload &download) const;
    /// The manifest's downloads for `model`, in order, with the mirror applied to Hugging Face URLs.
    QVector<DownloadSource> downloadSources(const ManifestModel &model, const QString &mirror) const;

    /// The recorded check when the file is unchanged since it was verified (and matches `expectedSha256` if
    /// given), else a fresh checkModelFile() whose success is recorded. Slow when fresh: off the GUI thread.
    ModelCheck check(const QString &path, const ModelManifest &manifest, const QString &expectedSha256 = {},
                     const QString &hashSource = {});
    /// Records a successful check (e.g. of a file just downloaded and verified).
    void record(const ModelCheck &check);
    /// The recorded check of a file, only if the file still has the identity it had when checked; ok = false
    /// otherwise.
    ModelCheck recorded(const QString &path) const;
    /// The SHA-256 of a model file (lower-case hex; the model's id in the library database): the remembered one
    /// while the file keeps its identity (a recorded check counts too), else the file is hashed (slow: every byte)
    /// and the result remembered. Empty with *error when the file cannot be read.
    QString sha256Of(const QString &file, QString *error);
    /// sha256Of() in `dataDir`'s store; an empty `dataDir` remembers nothing and hashes the file every time.
    static QString sha256Of(const QString &file, const QString &dataDir, QString *error);
    /// The first installed, still-verified copy of a manifest model; empty when none.
    QString installedPath(const ManifestModel &model) const;

    /// The model the app uses (absolute path); empty when none was chosen.
    QString selectedModel() const;
    bool setSelectedModel(const QString &path, QString *error);

private:
    QJsonObject readRecords() const;
    bool writeRecords(const QJsonObject &records, QString *error) const;

    QString m_dataDir;
};

/// The download mirror: CLIPFIND_MODEL_MIRROR if set, else the "models/mirror" setting; empty = Hugging Face.
QString modelMirror();
void setModelMirrorSetting(const QString &mirror);

} // namespace clipfind
