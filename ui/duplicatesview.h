// SPDX-License-Identifier: MIT
#pragma once

#include "ui/photogridview.h"

namespace clipfind {

class DuplicateCardDelegate;
class DuplicatesModel;
class ThumbnailLoader;

/// The groups of a duplicates search as cards under a header per group (its photo to keep, how many, how alike,
/// what marking frees), with everything a photo grid does: double-click or Enter opens a photo, Space previews it
/// (Left/Right for the neighbours), the context menu, copying, dragging out. A click on a card's box (or its badge)
/// marks the photo for the trash or keeps it; Delete marks the selected photos, K keeps them. Esc is left to the
/// window (it closes).
class DuplicatesView : public PhotoGridView
{
    Q_OBJECT

public:
    /// `library` decodes photos for the preview and the clipboard; `thumbnails` loads the cards' thumbnails. Both
    /// must outlive the view.
    DuplicatesView(PhotoLibrary *library, ThumbnailLoader *thumbnails, QWidget *parent = nullptr);

    DuplicatesModel *duplicatesModel() const { return m_model; }
    DuplicateCardDelegate *cards() const { return m_cards; }
    /// Marks the selected photos (else the current one) for the trash, or keeps them.
    void markSelected(bool marked);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void updateCellSize();

    DuplicatesModel *m_model;
    DuplicateCardDelegate *m_cards;
};

} // namespace clipfind
