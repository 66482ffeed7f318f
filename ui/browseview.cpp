// SPDX-License-Identifier: MIT
#include "ui/browseview.h"

#include "core/photolibrary.h"
#include "ui/browsemodel.h"

#include <QScrollBar>

namespace clipfind {

namespace {

constexpr int kMaxKeptSelection = 10000; // beyond that a refresh does not carry the selection over

} // namespace

BrowseView::BrowseView(PhotoLibrary *library, QWidget *parent)
    : PhotoGridView(library, new BrowseModel(library->thumbnails()), parent)
    , m_model(static_cast<BrowseModel *>(photoModel()))
{
    setAccessibleName(tr("Photos"));
    setTiles(true);
}

void BrowseView::showListing(std::shared_ptr<const PhotoListing> listing)
{
    const std::shared_ptr<const PhotoListing> before = m_model->listing();
    const bool sameView = before && listing && before->root == listing->root && before->scope == listing->scope;
    // The user's place by photo: the one at the top, the current one, the selection.
    int anchorOffset = 0;
    QString anchor;
    QString current;
    QStringList selected;
    const bool atTop = verticalScrollBar()->value() == 0;
    if (sameView) {
        const int row = topRow(&anchorOffset);
        anchor = row >= 0 && !atTop ? m_model->pathOfRow(row) : QString();
        current = m_model->pathAt(currentIndex());
        const QModelIndexList indexes = selectionModel()->selectedIndexes();
        for (int i = 0; i < indexes.size() && i < kMaxKeptSelection; ++i) {
            selected << m_model->pathAt(indexes[i]);
        }
    }
    const bool reset = m_model->setListing(std::move(listing));
    doItemsLayout();
    if (!sameView) {
        scrollToTop();
        if (m_model->rowCount() > 0) {
            selectionModel()->setCurrentIndex(m_model->index(0), QItemSelectionModel::NoUpdate);
        }
        return;
    }
    if (reset) {
        QItemSelection selection;
        for (const QString &path : std::as_const(selected)) {
            const QModelIndex index = m_model->indexOf(path);
            if (index.isValid()) {
                selection.select(index, index);
            }
        }
        selectionModel()->select(selection, QItemSelectionModel::Select);
        const QModelIndex currentIndex = m_model->indexOf(current);
        if (currentIndex.isValid()) {
            selectionModel()->setCurrentIndex(currentIndex, QItemSelectionModel::NoUpdate);
        }
    }
    const QModelIndex anchorIndex = anchor.isEmpty() ? QModelIndex() : m_model->indexOf(anchor);
    if (anchorIndex.isValid()) {
        scrollToRow(anchorIndex.row(), anchorOffset);
    } else if (atTop) {
        scrollToTop();
    }
}

} // namespace clipfind
