// SPDX-License-Identifier: MIT
#include "ui/duplicatesview.h"

#include "ui/duplicatecarddelegate.h"
#include "ui/duplicatesmodel.h"

#include <QEvent>
#include <QKeyEvent>

namespace clipfind {

DuplicatesView::DuplicatesView(PhotoLibrary *library, ThumbnailLoader *thumbnails, QWidget *parent)
    : PhotoGridView(library, new DuplicatesModel(thumbnails), parent)
    , m_model(static_cast<DuplicatesModel *>(photoModel()))
    , m_cards(new DuplicateCardDelegate(this))
{
    setAccessibleName(tr("Duplicates"));
    setItemDelegate(m_cards);
    updateCellSize();
    // A header tells what its group frees: it follows the marks.
    connect(m_model, &DuplicatesModel::marksChanged, viewport(), qOverload<>(&QWidget::update));
}

void DuplicatesView::updateCellSize()
{
    setCellSize(m_cards->cardSize(font()));
}

void DuplicatesView::changeEvent(QEvent *event)
{
    PhotoGridView::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        updateCellSize();
    }
}

void DuplicatesView::markSelected(bool marked)
{
    for (const QString &path : selectedPaths()) {
        m_model->setMarked(m_model->rowOfPath(path), marked);
    }
}

void DuplicatesView::keyPressEvent(QKeyEvent *event)
{
    const bool plain = event->modifiers() == Qt::NoModifier || event->modifiers() == Qt::KeypadModifier;
    if (event->key() == Qt::Key_Delete && plain) {
        markSelected(true);
        return;
    }
    if (event->key() == Qt::Key_K && plain) {
        markSelected(false);
        return;
    }
    if (event->key() == Qt::Key_Escape) {
        event->ignore(); // the window's: it closes
        return;
    }
    if (event->key() == Qt::Key_Up && plain && currentIndex().row() == 0) {
        return; // nothing above the first group (the grids leave for the search field here)
    }
    PhotoGridView::keyPressEvent(event);
}

} // namespace clipfind
