// SPDX-License-Identifier: MIT
#pragma once

#include "core/decode/imagedecoder.h"
#include "core/encode/clipencoder.h"
#include "core/index/indexer.h"
#include "core/index/unreadablephotos.h"

#include <QFuture>
#include <QObject>
#include <QSize>
#include <QString>
#include <QThreadPool>

#include <memory>

namespace clipfind {

class LibraryIndexer;
class LiveSearch;
class ThumbnailCache;
class ThumbnailLoader;

/// One app session: the model, the open folder, its indexer, its live search and the results' thumbnails, wired
/// together. Lives on the GUI thread; everything slow (loading the model, the folder's rows, decoding a photo,
/// reading the cache) runs on pools this object owns and comes back as a signal or as a QFuture, so a window only
/// shows state and forwards the user's requests.
class PhotoLibrary : public QObject
{
    Q_OBJECT

public:
    /// `thumbnails` (may be null) must outlive this object.
    PhotoLibrary(const QString &databasePath, const ThumbnailCache *thumbnails, QObject *parent = nullptr);
    ~PhotoLibrary() override;

    /// Loads a checkpoint in the background, as far as settings.preload says; modelReady or modelFailed follows.
    /// The open folder, if any, is then indexed and searched with the new model (embeddings of different models
    /// never mix) while the same background thread builds the text tower (modelFailed if it cannot).
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

    /// The photos of the open folder that searches see; -1 while its rows load (and before a folder is open).
    qint64 searchableRows() const { return m_rows; }

    QString databasePath() const { return m_databasePath; }
    LibraryIndexer *indexer() const { return m_indexer; }
    LiveSearch *search() const { return m_search; }
    /// Thumbnails for showing results, from the thumbnail cache given to the constructor.
    ThumbnailLoader *thumbnails() const { return m_thumbnails; }

    /// The open folder's unreadable photos with their reasons (listUnreadablePhotos(), on a worker). No folder:
    /// an empty list.
    QFuture<UnreadablePhotos> unreadablePhotos();
    /// A photo decoded to be shown (decodeForDisplay(), on a worker): with the indexer's decoder, upright, fitted
    /// into `bound` when it is valid (a preview), else at full resolution (the clipboard).
    QFuture<DecodedImage> decodePhoto(const QString &path, const QSize &bound = {});

Q_SIGNALS:
    void modelLoading(const QString &path);
    void modelReady(const QString &description);
    void modelFailed(const QString &error);
    void folderOpened(const QString &folder);
    /// The folder's cached rows are loaded: searches see them (more follow while indexing).
    void searchReady(qint64 rows);
    void searchFailed(const QString &error);
    /// searchableRows() changed: the folder's rows loaded, indexing added or removed photos, another folder opened.
    void searchableRowsChanged(qint64 rows);
    /// How many photos of the open folder could not be read: after a folder opens and after each indexing run.
    void unreadableCountChanged(qint64 count);

private:
    void startFolder();
    void loadEngine();
    void countUnreadable();
    void setRows(qint64 rows);

    QString m_databasePath;
    QThreadPool m_pool;        // model and row loading
    QThreadPool m_showingPool; // what a window shows: previews, the clipboard, the unreadable photos
    LibraryIndexer *m_indexer = nullptr;
    LiveSearch *m_search = nullptr;
    ThumbnailLoader *m_thumbnails = nullptr;
    std::shared_ptr<ClipEncoder> m_encoder;
    bool m_loadingModel = false;
    quint64 m_modelRequest = 0;  // the latest loadModel(); older loads that finish later are dropped
    quint64 m_folderRequest = 0; // the same for row loading
    quint64 m_countRequest = 0;  // and for counting the unreadable photos
    QString m_folder;
    qint64 m_rows = -1;
    IndexOptions m_options;
    bool m_engineLoaded = false;
};

} // namespace clipfind
