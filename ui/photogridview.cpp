// SPDX-License-Identifier: MIT
#include "ui/photogridview.h"

#include "core/photolibrary.h"
#include "ui/appsettings.h"
#include "ui/photodelegate.h"
#include "ui/photomodel.h"
#include "ui/previewdialog.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QFileInfo>
#include <QKeyEvent>
#include <QMenu>
#include <QMimeData>
#include <QUrl>

#include <algorithm>

namespace clipfind {

PhotoGridView::PhotoGridView(PhotoLibrary *library, PhotoModel *model, QWidget *parent)
    : SectionedGridView(parent)
    , m_library(library)
    , m_model(model)
    , m_delegate(new PhotoDelegate(this))
{
    m_model->setParent(this);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setDragEnabled(true); // the model gives the files (and one photo's image) to file managers and editors
    setDragDropMode(QAbstractItemView::DragOnly);
    setDefaultDropAction(Qt::CopyAction);
    setContextMenuPolicy(Qt::CustomContextMenu);
    setModel(m_model);
    setItemDelegate(m_delegate);
    connect(this, &QAbstractItemView::activated, this, &PhotoGridView::openPhoto); // double-click, Enter
    connect(this, &QWidget::customContextMenuRequested, this, &PhotoGridView::showContextMenu);
    connect(&m_copying, &QFutureWatcher<DecodedImage>::finished, this, &PhotoGridView::putImageOnClipboard);
    setThumbnailSize(m_delegate->thumbnailSize());
}

PhotoGridView::~PhotoGridView() = default;

void PhotoGridView::setThumbnailSize(int pixels)
{
    m_delegate->setThumbnailSize(std::clamp(pixels, AppSettings::kMinThumbnail, AppSettings::kMaxThumbnail));
    QStyleOptionViewItem option;
    option.initFrom(this);
    setCellSize(m_delegate->sizeHint(option, {}));
}

void PhotoGridView::setTiles(bool tiles)
{
    m_delegate->setStyle(tiles ? PhotoDelegate::Style::Tiles : PhotoDelegate::Style::Captioned);
    setStretchCells(tiles);
    setThumbnailSize(thumbnailSize());
}

int PhotoGridView::thumbnailSize() const
{
    return m_delegate->thumbnailSize();
}

void PhotoGridView::enterFromAbove()
{
    if (m_model->rowCount() == 0) {
        return;
    }
    setFocus(Qt::TabFocusReason);
    const QModelIndex current = currentIndex().isValid() ? currentIndex() : m_model->index(0);
    setCurrentIndex(current);
    scrollTo(current);
}

QStringList PhotoGridView::selectedPaths() const
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

void PhotoGridView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space) {
        showPreview();
        return;
    }
    if (event->key() == Qt::Key_Escape
        || (event->key() == Qt::Key_Up && event->modifiers() == Qt::NoModifier && currentIndex().row() == 0)) {
        Q_EMIT leaveRequested();
        return;
    }
    SectionedGridView::keyPressEvent(event);
}

void PhotoGridView::openPhoto(const QModelIndex &index)
{
    const QString path = m_model->pathAt(index);
    if (!path.isEmpty() && !QDesktopServices::openUrl(QUrl::fromLocalFile(path))) {
        Q_EMIT problem(tr("No application opens %1").arg(path));
    }
}

void PhotoGridView::showContextMenu(const QPoint &position)
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
                   [this, index] { openPhoto(index); });
    menu.addAction(QIcon::fromTheme(QStringLiteral("folder-open")), tr("Open Containing &Folder"), this,
                   [path] { QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(path).absolutePath())); });
    menu.addSeparator();
    menu.addAction(QIcon::fromTheme(QStringLiteral("edit-copy")), tr("Copy &Path"), this, &PhotoGridView::copyPaths);
    menu.addAction(tr("Copy &Image"), this, &PhotoGridView::copyImage);
    menu.addSeparator();
    QAction *similar = menu.addAction(QIcon::fromTheme(QStringLiteral("edit-find")), tr("Find &Similar"), this,
                                      [this, path] { Q_EMIT findSimilarRequested(path); });
    similar->setEnabled(m_library->hasModel()); // searching needs the model
    menu.exec(viewport()->mapToGlobal(position));
}

void PhotoGridView::copyPaths()
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

void PhotoGridView::copyImage()
{
    const QStringList paths = selectedPaths();
    if (paths.isEmpty()) {
        return;
    }
    m_copyingPath = paths.first();
    m_copying.setFuture(m_library->decodePhoto(m_copyingPath)); // a 12 MP decode must not stall the window
}

void PhotoGridView::putImageOnClipboard()
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

void PhotoGridView::showPreview()
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
    m_preview->showPhoto(m_model->pathAt(index), index.data(PhotoModel::CaptionRole).toString());
    m_preview->show();
    m_preview->raise();
    m_preview->activateWindow();
}

} // namespace clipfind
