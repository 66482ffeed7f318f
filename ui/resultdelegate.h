// SPDX-License-Identifier: MIT
#pragma once

#include <QStyledItemDelegate>

namespace clipfind {

/// Paints one cell of the results grid: the thumbnail fitted into a square of the view's icon size and the file
/// name under it, elided. Every cell has the same size, so the view can lay out thousands of results at once.
class ResultDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void setThumbnailSize(int pixels) { m_size = pixels; }
    int thumbnailSize() const { return m_size; }

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_size = 160;
};

} // namespace clipfind
