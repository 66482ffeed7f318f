// SPDX-License-Identifier: MIT
#pragma once

#include "core/decode/imagedecoder.h"
#include "ui/sectionedgridview.h"

#include <QFutureWatcher>

namespace clipfind {

class PhotoDelegate;
class PhotoLibrary;
class PhotoModel;
class PreviewDialog;

/// A grid of photos and what a person does with them, the same in the browse view and the results: opening
/// (double-click, Enter), the context menu, copying paths (copyPaths(), for a Ctrl+C action) and the image, the
/// preview (Space, Left/Right), dragging photos out, and leaving for the search field (Esc, Up from the first row).
class PhotoGridView : public SectionedGridView
{
    Q_OBJECT

public:
    /// `library` gives the thumbnails and decodes photos; it must outlive the view. The view shows `model`.
    PhotoGridView(PhotoLibrary *library, PhotoModel *model, QWidget *parent = nullptr);
    ~PhotoGridView() override;

    PhotoModel *photoModel() const { return m_model; }
    /// The thumbnails' edge in pixels; the cells follow.
    void setThumbnailSize(int pixels);
    /// Square tiles filling the width, photos cropped to their middle, no names (browsing); else each photo whole
    /// with its name under it.
    void setTiles(bool tiles);
    int thumbnailSize() const;
    /// Focus from the search field: the current photo (else the first) takes the keyboard; nothing when empty.
    void enterFromAbove();
    /// The selected photos in the grid's order, else the current one.
    QStringList selectedPaths() const;
    /// Puts the selected photos' paths (and URLs, for file managers) on the clipboard.
    void copyPaths();

Q_SIGNALS:
    /// Esc, or Up in the first row: the search field should take the focus.
    void leaveRequested();
    void findSimilarRequested(const QString &path);
    /// A short note for the status bar ("Copied the path").
    void status(const QString &text);
    /// Something the user asked for could not be done (no application opens the photo, it cannot be copied).
    void problem(const QString &text);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void openPhoto(const QModelIndex &index);
    void showContextMenu(const QPoint &position);
    void copyImage();
    void putImageOnClipboard();
    void showPreview();

    PhotoLibrary *m_library;
    PhotoModel *m_model;
    PhotoDelegate *m_delegate;
    PreviewDialog *m_preview = nullptr;
    QString m_copyingPath;
    QFutureWatcher<DecodedImage> m_copying;
};

} // namespace clipfind
