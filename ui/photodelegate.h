// SPDX-License-Identifier: MIT
#pragma once

#include <QCache>
#include <QImage>
#include <QPixmap>
#include <QStyledItemDelegate>

namespace clipfind {

/// Paints one cell of a photo grid: the thumbnail fitted into a square of the view's icon size and the file name
/// under it, elided. A result's score shows in a badge while the pointer is over it; a result below the close
/// matches is dimmed. Every cell has the same size, so a view can lay out thousands of photos at once.
class PhotoDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void setThumbnailSize(int pixels)
    {
        m_size = pixels;
        m_scaled.clear();
    }
    int thumbnailSize() const { return m_size; }

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    // The thumbnail scaled to the cell, made once per photo and size: smooth scaling on every paint of every
    // visible cell cost a frame's worth of time while scrolling.
    QPixmap scaled(const QString &path, const QImage &image, const QSize &size) const;
    void paintScore(QPainter *painter, const QRect &thumbnail, double score) const;

    int m_size = 160;
    mutable QCache<QString, QPixmap> m_scaled{64 * 1024}; // cost in KiB
};

} // namespace clipfind
