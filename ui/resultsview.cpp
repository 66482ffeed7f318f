// SPDX-License-Identifier: MIT
#include "ui/resultsview.h"

#include "core/photolibrary.h"
#include "ui/resultmodel.h"

#include <QScrollBar>

namespace clipfind {

ResultsView::ResultsView(PhotoLibrary *library, QWidget *parent)
    : PhotoGridView(library, new ResultModel(library->thumbnails()), parent)
    , m_model(static_cast<ResultModel *>(photoModel()))
{
    setAccessibleName(tr("Results"));
}

void ResultsView::showResults(const SearchResults &results, bool refresh)
{
    const int scroll = verticalScrollBar()->value();
    const QString current = m_model->pathAt(currentIndex());
    QStringList selected;
    if (refresh) {
        for (const QModelIndex &index : selectionModel()->selectedIndexes()) {
            selected << m_model->pathAt(index);
        }
    }
    m_model->setHits(results.hits, results.cutoffScore);
    if (results.hits.empty()) {
        return;
    }
    doItemsLayout(); // the new rows' layout, before the scroll position is put back
    if (refresh) {
        for (const QString &path : std::as_const(selected)) {
            const QModelIndex index = m_model->indexOf(path);
            if (index.isValid()) {
                selectionModel()->select(index, QItemSelectionModel::Select);
            }
        }
        const QModelIndex currentIndex = m_model->indexOf(current);
        selectionModel()->setCurrentIndex(currentIndex.isValid() ? currentIndex : m_model->index(0),
                                          QItemSelectionModel::NoUpdate);
        verticalScrollBar()->setValue(scroll);
    } else {
        scrollToTop();
        // Current (for Enter, Space and the arrow keys) but not selected: nothing looks picked before the user picks.
        selectionModel()->setCurrentIndex(m_model->index(0), QItemSelectionModel::NoUpdate);
    }
}

} // namespace clipfind
