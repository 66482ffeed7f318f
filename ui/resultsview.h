// SPDX-License-Identifier: MIT
#pragma once

#include "core/decode/imagedecoder.h"
#include "core/search/searchengine.h"

#include <QFutureWatcher>
#include <QListView>

#include <vector>

class QAction;
class QSlider;

namespace clipfind {

class PhotoLibrary;
class PreviewDialog;
class ResultDelegate;
class ResultModel;

/// The results grid: thumbnails of the ranked photos with their names, in rank order. Owns what a person does
/// with results: the selection and place kept across a refresh of the same query, opening (double-click, Enter),
/// the context menu, copying paths and the image, the preview (Space, Left/Right), dragging photos out, and
/// leaving for the search field (Esc, Up from the first row).
class ResultsView : public QListView
{
    Q_OBJECT

public:
    /// `library` gives the thumbnails and decodes photos; it must outlive the view.
    explicit ResultsView(PhotoLibrary *library, QWidget *parent = nullptr);
    ~ResultsView() override;

    ResultModel *resultModel() const { return m_model; }
    /// Copy Path (Ctrl+C while the grid has the focus), for the window's Edit menu.
    QAction *copyPathAction() const { return m_copyPath; }
    /// Zoom In / Zoom Out (Ctrl+Plus / Ctrl+Minus anywhere in the window), for the window's View menu.
    QAction *zoomInAction() const { return m_zoomIn; }
    QAction *zoomOutAction() const { return m_zoomOut; }
    /// A slider for the thumbnail size that follows it both ways, for a tool bar.
    QSlider *createZoomSlider(QWidget *parent);

    /// Shows `hits`. A refresh (the same query again, more photos indexed) keeps the selection, the current photo
    /// and the scroll position; new results start at the top with the first photo current, nothing selected.
    void showHits(const std::vector<SearchHit> &hits, bool refresh);
    /// The thumbnails' edge, clamped to AppSettings' range; thumbnailSizeChanged() follows when it changes.
    void setThumbnailSize(int pixels);
    int thumbnailSize() const;
    /// Focus from the search field: the current photo (else the first) takes the keyboard; nothing without results.
    void enterFromAbove();
    /// The selected photos in rank order, else the current one.
    QStringList selectedPaths() const;

Q_SIGNALS:
    /// Esc, or Up in the first row: the search field should take the focus.
    void leaveRequested();
    void thumbnailSizeChanged(int pixels);
    void findSimilarRequested(const QString &path);
    /// A short note for the status bar ("Copied the path").
    void status(const QString &text);
    /// Something the user asked for could not be done (no application opens the photo, it cannot be copied).
    void problem(const QString &text);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void openResult(const QModelIndex &index);
    void showContextMenu(const QPoint &position);
    void copyPaths();
    void copyImage();
    void putImageOnClipboard();
    void showPreview();

    PhotoLibrary *m_library;
    ResultModel *m_model;
    ResultDelegate *m_delegate;
    QAction *m_copyPath;
    QAction *m_zoomIn;
    QAction *m_zoomOut;
    PreviewDialog *m_preview = nullptr;
    QString m_copyingPath;
    QFutureWatcher<DecodedImage> m_copying;
};

} // namespace clipfind
