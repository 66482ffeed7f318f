// SPDX-License-Identifier: MIT
#include "ui/resultsview.h"

#include "core/photolibrary.h"
#include "ui/appsettings.h"
#include "ui/previewdialog.h"
#include "ui/resultdelegate.h"
#include "ui/resultmodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QFileInfo>
#include <QKeyEvent>
#include <QMenu>
#include <QMimeData>
#include <QScrollBar>
#include <QSlider>
#include <QUrl>

#include <algorithm>

namespace clipfind {

namespace {

constexpr int kZoomStep = 32;

} // namespace

ResultsView::ResultsView(PhotoLibrary *library, QWidget *parent)
    : QListView(parent),
      m_library(library),
      m_model(new ResultModel(library->thumbnails(), this)),
      m_delegate(new ResultDelegate(this)),
      m_copyPath(new QAction(tr("Copy &Path"), this)),
      m_zoomIn(new QAction(QIcon::fromTheme(QStringLiteral("zoom-in")), tr("Zoom &In"), this)),
      m_zoomOut(new QAction(QIcon::fromTheme(QStringLiteral("zoom-out")), tr("Zoom &Out"), this))
{
    setViewMode(QListView::IconMode);
    setUniformItemSizes(true); // one size for all: layout of thousands of items is instant
    setResizeMode(QListView::Adjust);
    setMovement(QListView::Static);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setDragEnabled(true); // the model gives the files (and one photo's image) to file managers and editors
    setDragDropMode(QAbstractItemView::DragOnly);
    setDefaultDropAction(Qt::CopyAction);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setContextMenuPolicy(Qt::CustomContextMenu);
    setModel(m_model);
    setItemDelegate(m_delegate);
    setAccessibleName(tr("Results"));
    connect(this, &QListView::activated, this, &ResultsView::openResult); // double-click, Enter
    connect(this, &QListView::customContextMenuRequested, this, &ResultsView::showContextMenu);

    m_copyPath->setIcon(QIcon::fromTheme(QStringLiteral("edit-copy")));
    m_copyPath->setShortcut(QKeySequence::Copy);
    m_copyPath->setShortcutContext(Qt::WidgetShortcut); // on the grid only; Ctrl+C in the field copies text
    addAction(m_copyPath);
    connect(m_copyPath, &QAction::triggered, this, &ResultsView::copyPaths);
    connect(&m_copying, &QFutureWatcher<DecodedImage>::finished, this, &ResultsView::putImageOnClipboard);

    m_zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    connect(m_zoomIn, &QAction::triggered, this, [this] { setThumbnailSize(thumbnailSize() + kZoomStep); });
    m_zoomOut->setShortcut(QKeySequence::ZoomOut);
    connect(m_zoomOut, &QAction::triggered, this, [this] { setThumbnailSize(thumbnailSize() - kZoomStep); });
}

ResultsView::~ResultsView() = default;

QSlider *ResultsView::createZoomSlider(QWidget *parent)
{
    auto *slider = new QSlider(Qt::Horizontal, parent);
    slider->setRange(AppSettings::kMinThumbnail, AppSettings::kMaxThumbnail);
    slider->setSingleStep(16);
    slider->setPageStep(kZoomStep);
    slider->setMaximumWidth(140);
    slider->setToolTip(tr("Thumbnail size (Ctrl+Plus / Ctrl+Minus)"));
    slider->setAccessibleName(tr("Thumbnail size"));
    slider->setValue(thumbnailSize());
    // Each side changes the other only on a change, so this ends.
    connect(slider, &QSlider::valueChanged, this, &ResultsView::setThumbnailSize);
    connect(this, &ResultsView::thumbnailSizeChanged, slider, &QSlider::setValue);
    return slider;
}

void ResultsView::showHits(const std::vector<SearchHit> &hits, bool refresh)
{
    const int scroll = verticalScrollBar()->value();
    const QString current = m_model->pathAt(currentIndex());
    QStringList selected;
    if (refresh) {
        for (const QModelIndex &index : selectionModel()->selectedIndexes()) {
            selected << m_model->pathAt(index);
        }
    }
    m_model->setHits(hits);
    if (hits.empty()) {
        return;
    }
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

void ResultsView::setThumbnailSize(int pixels)
{
    pixels = std::clamp(pixels, AppSettings::kMinThumbnail, AppSettings::kMaxThumbnail);
    const bool changed = pixels != m_delegate->thumbnailSize();
    m_delegate->setThumbnailSize(pixels);
    QStyleOptionViewItem option;
    option.initFrom(this);
    setGridSize(m_delegate->sizeHint(option, {})); // relayout with the new cell size
    if (changed) {
        Q_EMIT thumbnailSizeChanged(pixels);
    }
}

int ResultsView::thumbnailSize() const
{
    return m_delegate->thumbnailSize();
}

void ResultsView::enterFromAbove()
{
    if (m_model->rowCount() == 0) {
        return;
    }
    setFocus(Qt::TabFocusReason);
    setCurrentIndex(currentIndex().isValid() ? currentIndex() : m_model->index(0));
}

QStringList ResultsView::selectedPaths() const
{
    QModelIndexList indexes = selectionModel()->selectedIndexes();
    std::sort(indexes.begin(), indexes.end());
    QStringList paths;
    for (const QModelIndex &index : std::as_const(indexes)) {
        paths << m_model->pathAt(index);
    }
    if (paths.isEmpty() && currentIndex().isValid()) {
        paths << m_model->pathAt(currentIndex());
    }
    return paths;
}

void ResultsView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space) {
        showPreview();
        return;
    }
    if (event->key() == Qt::Key_Escape || (event->key() == Qt::Key_Up && currentIndex().row() == 0)) {
        Q_EMIT leaveRequested();
        return;
    }
    QListView::keyPressEvent(event);
}

void ResultsView::openResult(const QModelIndex &index)
{
    const QString path = m_model->pathAt(index);
    if (!path.isEmpty() && !QDesktopServices::openUrl(QUrl::fromLocalFile(path))) {
        Q_EMIT problem(tr("No application opens %1").arg(path));
    }
}

void ResultsView::showContextMenu(const QPoint &position)
{
    const QModelIndex index = indexAt(position);
    if (!index.isValid()) {
        return;
    }
    if (!selectionModel()->isSelected(index)) {
        setCurrentIndex(index);
    }
    const QString path = m_model->pathAt(index);
    QMenu menu(this);
    menu.addAction(QIcon::fromTheme(QStringLiteral("document-open")), tr("&Open"), this,
                   [this, index] { openResult(index); });
    menu.addAction(QIcon::fromTheme(QStringLiteral("folder-open")), tr("Open Containing &Folder"), this, [path] {
        QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(path).absolutePath()));
    });
    menu.addSeparator();
    menu.addAction(m_copyPath);
    menu.addAction(tr("Copy &Image"), this, &ResultsView::copyImage);
    menu.addSeparator();
    menu.addAction(QIcon::fromTheme(QStringLiteral("edit-find")), tr("Find &Similar"), this,
                   [this, path] { Q_EMIT findSimilarRequested(path); });
    menu.exec(viewport()->mapToGlobal(position));
}

void ResultsView::copyPaths()
{
    const QStringList paths = selectedPaths();
    if (paths.isEmpty()) {
        return;
    }
    auto *mime = new QMimeData;
    QList<QUrl> urls;
    for (const QString &path : paths) {
        urls << QUrl::fromLocalFile(path);
    }
    mime->setUrls(urls);
    mime->setText(paths.join(QLatin1Char('\n')));
    QApplication::clipboard()->setMimeData(mime);
    Q_EMIT status(paths.size() == 1 ? tr("Copied the path") : tr("Copied %1 paths").arg(paths.size()));
}

void ResultsView::copyImage()
{
    const QStringList paths = selectedPaths();
    if (paths.isEmpty()) {
        return;
    }
    m_copyingPath = paths.first();
    m_copying.setFuture(m_library->decodePhoto(m_copyingPath)); // a 12 MP decode must not stall the window
}

void ResultsView::putImageOnClipboard()
{
    if (!m_copying.future().isFinished()) {
        return; // the end of a copy replaced since, reported late
    }
    const DecodedImage decoded = m_copying.result();
    if (!decoded.ok()) {
        Q_EMIT problem(tr("Cannot copy %1: %2").arg(m_copyingPath, decoded.error));
        return;
    }
    QApplication::clipboard()->setImage(decoded.image);
    Q_EMIT status(tr("Copied the image of %1").arg(QFileInfo(m_copyingPath).fileName()));
}

void ResultsView::showPreview()
{
    const QModelIndex index = currentIndex();
    if (!index.isValid()) {
        return;
    }
    if (!m_preview) {
        m_preview = new PreviewDialog(m_library, this);
        connect(m_preview, &PreviewDialog::neighbourRequested, this, [this](int step) {
            const int row = currentIndex().row() + step;
            if (row >= 0 && row < m_model->rowCount()) {
                setCurrentIndex(m_model->index(row));
                showPreview();
            }
        });
    }
    const SearchHit &hit = m_model->hit(index.row());
    m_preview->showPhoto(hit.path,
                         tr("%1 · score %2").arg(QFileInfo(hit.path).fileName()).arg(double(hit.score), 0, 'f', 3));
    m_preview->show();
    m_preview->raise();
    m_preview->activateWindow();
}

} // namespace clipfind
