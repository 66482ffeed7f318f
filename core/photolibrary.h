// SPDX-License-Identifier: MIT
#pragma once

#include "core/decode/imagedecoder.h"
#include "core/duplicates/duplicatefinder.h"
#include "core/duplicates/trash.h"
#include "core/encode/clipencoder.h"
#include "core/encode/photoencoder.h"
#include "core/index/indexer.h"
#include "core/index/unreadablephotos.h"

#include <QFuture>
#include <QObject>
#include <QSize>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace clipfind {

class FolderBrowser;
class LibraryIndexer;
class LiveSearch;
class ThumbnailCache;
class ThumbnailLoader;

/// One app session: the model, the open folder, its photos for browsing, its indexer, its live search and the
/// thumbnails, wired together. Lives on the GUI thread; everything slow (loading the model, listing the folder, the
/// folder's rows, decoding a photo, reading the cache) runs on pools this object or its parts own and comes back as
/// a signal or as a QFuture, so a window only shows state and forwards the user's requests.
///
/// A folder opens at once, with or without a model: it is listed for browsing (browser()) and watched. Indexing
/// and searching wait for the encoder: everything that needs it starts from one place, when encoderReady() is
/// emitted (a query typed before then runs as soon as the search has its rows).
class PhotoLibrary : public QObject
{
    Q_OBJECT

public:
    /// `thumbnails` (may be null) must outlive this object.
    PhotoLibrary(const QString &databasePath, const ThumbnailCache *thumbnails, QObject *parent = nullptr);
    ~PhotoLibrary() override;

    /// Loads a model in the background (loadPhotoEncoder(): a CLIP checkpoint as far as settings.preload says, or a
    /// Chinese-CLIP folder); encoderReady and modelReady, or modelFailed, follow.
    /// The open folder, if any, is then indexed and searched with the new model (embeddings of different models
    /// never mix) while the same background thread builds the text tower (modelFailed if it cannot).
    void loadModel(const QString &path, const ClipEncoder::Settings &settings);
    /// loadModel() for a launch: modelLoading at once, the loading itself once the open folder's first thumbnail is
    /// ready, a query is typed (startDeferredModel()) or a second has passed, whichever comes first. Why: on two
    /// cores, loading libtorch beside the first screen of thumbnails delayed them by a quarter of a second
    /// (clipfind-gui-bench launch). With no folder open it is loadModel().
    void loadModelAfterFirstPhotos(const QString &path, const ClipEncoder::Settings &settings);
    /// Starts the model loadModelAfterFirstPhotos() holds back, now (the user typed a query); nothing otherwise.
    void startDeferredModel();
    /// Takes an encoder that is already loaded (tests, benchmarks).
    void setEncoder(std::shared_ptr<PhotoEncoder> encoder);
    bool hasModel() const { return bool(m_encoder); }
    bool isLoadingModel() const { return m_loadingModel; }
    std::shared_ptr<PhotoEncoder> encoder() const { return m_encoder; }

    /// Opens a folder: lists it for browsing and watches it; with a model also indexes it and loads its cached
    /// rows for searching (without one, that starts when the encoder is ready). False with *error when it is not
    /// a folder.
    bool openFolder(const QString &folder, const IndexOptions &options, QString *error);
    QString folder() const { return m_folder; }
    IndexOptions indexOptions() const { return m_options; }
    /// Limits browsing and searching to `folder` and below (empty or the open folder: all of it). The indexer
    /// keeps indexing the whole folder.
    void setScope(const QString &folder);
    /// The folder browsed and searched: the open folder or one below it; empty when none is open.
    QString scope() const { return m_scope; }
    /// Walks the open folder again for browsing and indexing (F5).
    void rescan();

    /// The photos of the open folder that searches see; -1 while its rows load (and before a folder is open).
    qint64 searchableRows() const { return m_rows; }

    QString databasePath() const { return m_databasePath; }
    /// The open folder's photos newest first, by month and folder (listingChanged), with or without a model.
    FolderBrowser *browser() const { return m_browser; }
    LibraryIndexer *indexer() const { return m_indexer; }
    LiveSearch *search() const { return m_search; }
    /// Thumbnails for showing results, from the thumbnail cache given to the constructor.
    ThumbnailLoader *thumbnails() const { return m_thumbnails; }
    /// The thumbnail cache given to the constructor (may be null): for a window with a ThumbnailLoader of its own.
    const ThumbnailCache *thumbnailCache() const { return m_thumbnailCache; }

    /// The open folder's unreadable photos with their reasons (listUnreadablePhotos(), on a worker). No folder:
    /// an empty list.
    QFuture<UnreadablePhotos> unreadablePhotos();
    /// A photo decoded to be shown (decodeForDisplay(), on a worker): with the indexer's decoder, upright, fitted
    /// into `bound` when it is valid (a preview), else at full resolution (the clipboard).
    QFuture<DecodedImage> decodePhoto(const QString &path, const QSize &bound = {});

    /// Why findDuplicates() cannot run now, in a sentence for the user (no folder open, no model, the model still
    /// loading); empty when it can.
    QString duplicatesUnavailableReason() const;
    /// Near-identical photos of the folder browsed now (scope(): the open folder or the subfolder chosen), from the
    /// stored embeddings of the current model (findDuplicates() in core/duplicates, on a pool of this object's). The
    /// future's progress: a range of 0..0 while the embeddings are compared, then photos fingerprinted of those to
    /// do. QFuture::cancel() stops it (the future then has no result); so does another findDuplicates() or the end
    /// of this object. When it cannot run: a finished future whose report's error is duplicatesUnavailableReason().
    /// Only the photos indexed so far are compared. `options` may set the thresholds; its progress and cancel
    /// members are the future's.
    QFuture<DuplicateReport> findDuplicates(const DuplicateOptions &options = {});
    /// What moving `paths` to the trash involves, with the question to ask first (planTrash(), on a worker: it
    /// reads each file's size).
    QFuture<TrashPlan> planTrash(const QStringList &paths);
    /// Moves `paths` to the system trash (moveToTrash(), on a worker): one outcome per path, in order. Nothing is
    /// deleted outright; the folder watcher then takes the photos out of the browse view, the index and the search.
    QFuture<std::vector<TrashOutcome>> moveToTrash(const QStringList &paths);

Q_SIGNALS:
    void modelLoading(const QString &path);
    /// The encoder can be used: indexing and searching start here (hasModel() is true from now on).
    void encoderReady();
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
    /// A new model request: the one held back (if any) dropped, modelLoading emitted; returns its number.
    quint64 beginModelRequest(const QString &path);
    void startModelLoad(quint64 request, const QString &path, const ClipEncoder::Settings &settings);
    void startFolder();
    void loadEngine();
    void countUnreadable();
    void setRows(qint64 rows);

    QString m_databasePath;
    const ThumbnailCache *m_thumbnailCache;
    QThreadPool m_pool;           // model and row loading
    QThreadPool m_showingPool;    // what a window shows: previews, the clipboard, the unreadable photos, the trash
    QThreadPool m_duplicatesPool; // one duplicates search at a time (the engine spreads its work over threads itself)
    std::shared_ptr<std::atomic_bool> m_duplicatesCancel; // of the latest search
    FolderBrowser *m_browser = nullptr;
    LibraryIndexer *m_indexer = nullptr;
    LiveSearch *m_search = nullptr;
    ThumbnailLoader *m_thumbnails = nullptr;
    std::shared_ptr<PhotoEncoder> m_encoder;
    bool m_loadingModel = false;
    quint64 m_modelRequest = 0;            // the latest loadModel(); older loads that finish later are dropped
    std::function<void()> m_deferredModel; // loadModelAfterFirstPhotos()'s load, until it starts
    quint64 m_folderRequest = 0;           // the same for row loading
    quint64 m_countRequest = 0;            // and for counting the unreadable photos
    QString m_folder;
    QString m_scope;
    qint64 m_rows = -1;
    IndexOptions m_options;
    bool m_engineLoaded = false;
};

} // namespace clipfind
