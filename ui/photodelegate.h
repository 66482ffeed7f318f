// SPDX-License-Identifier: MIT
#pragma once

#include <QCache>
#include <QImage>
#include <QPixmap>
#include <QStyledItemDelegate>

namespace clipfind {

/// Paints one cell of a photo grid, in one of two styles: the thumbnail fitted into a square of the view's icon size
/// with the file name under it, elided (search results), or the photo filling a square tile, cropped to its middle,
/// without a name (browsing: a calm, even grid). A result's score shows in a badge while the pointer is over it; a
/// result below the close matches is dimmed. Every cell has the same size, so a view can lay out thousands of
/// photos at once.
class PhotoDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    enum class Style { Captioned, Tiles };

    using QStyledItemDelegate::QStyledItemDelegate;

    void setStyle(Style style)
    {
        m_style = style;
        m_scaled.clear();
    }
    Style style() const { return m_style; }

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
    // `crop`: the middle of the image with the target's aspect, else all of it.
    QPixmap scaled(const QImage &image, const QSize &size, bool crop) const;
    void paintScore(QPainter *painter, const QRect &thumbnail, double score) const;
    void paintTile(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const;

    Style m_style = Style::Captioned;
    int m_size = 160;
    mutable QCache<QString, QPixmap> m_scaled{64 * 1024}; // cost in KiB
};

} // namespace clipfind
