// SPDX-License-Identifier: MIT
#pragma once

#include "core/encode/clipencoder.h"
#include "core/index/indexer.h"

#include <QObject>
#include <QString>
#include <QThreadPool>

#include <memory>

namespace clipfind {

class LibraryIndexer;
class LiveSearch;
class ThumbnailCache;

/// One app session: the model, the open folder, its indexer and its live search, wired together. Lives on the
/// GUI thread; everything slow (loading the model, loading the folder's rows) runs on a worker and reports back
/// through signals, so a window only shows state and forwards the user's requests.
class PhotoLibrary : public QObject
{
    Q_OBJECT

public:
    /// `thumbnails` (may be null) must outlive this object.
    PhotoLibrary(const QString &databasePath, const ThumbnailCache *thumbnails, QObject *parent = nullptr);
    ~PhotoLibrary() override;

    /// Loads a checkpoint in the background; modelReady or modelFailed follows. The open folder, if any, is then
    /// indexed and searched with the new model (embeddings of different models never mix).
    void loadModel(const QString &path, const ClipEncoder::Settings &settings);
    /// Takes an encoder that is already loaded (tests, benchmarks).
    void setEncoder(std::shared_ptr<ClipEncoder> encoder);
    bool hasModel() const { return bool(m_encoder); }
    bool isLoadingModel() const { return m_loadingModel; }
    std::shared_ptr<ClipEncoder> encoder() const { return m_encoder; }

    /// Opens a folder: starts indexing and watching it and loads its cached rows for searching. Without a model
    /// the folder is remembered and opened when one is ready. False with *error when it is not a folder.
    bool openFolder(const QString &folder, const IndexOptions &options, QString *error);
    QString folder() const { return m_folder; }
    IndexOptions indexOptions() const { return m_options; }

    QString databasePath() const { return m_databasePath; }
    LibraryIndexer *indexer() const { return m_indexer; }
    LiveSearch *search() const { return m_search; }

Q_SIGNALS:
    void modelLoading(const QString &path);
    void modelReady(const QString &description);
    void modelFailed(const QString &error);
    void folderOpened(const QString &folder);
    /// The folder's cached rows are loaded: searches see them (more follow while indexing).
    void searchReady(qint64 rows);
    void searchFailed(const QString &error);

private:
    void startFolder();
    void loadEngine();

    QString m_databasePath;
    QThreadPool m_pool; // model and row loading
    LibraryIndexer *m_indexer = nullptr;
    LiveSearch *m_search = nullptr;
    std::shared_ptr<ClipEncoder> m_encoder;
    bool m_loadingModel = false;
    quint64 m_modelRequest = 0;  // the latest loadModel(); older loads that finish later are dropped
    quint64 m_folderRequest = 0; // the same for row loading
    QString m_folder;
    IndexOptions m_options;
    bool m_engineLoaded = false;
};

} // namespace clipfind
