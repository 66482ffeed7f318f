// SPDX-License-Identifier: MIT
#pragma once

#include <QCache>
#include <QPixmap>
#include <QStyledItemDelegate>

namespace clipfind {

/// Paints one photo of a duplicates group as a card: the thumbnail with a "Keep" or "Trash" badge (a photo marked
/// for the trash is dimmed), its name, resolution and size, date and folder (elided; the tooltip has them whole),
/// and a "Move to trash" box. A click on the box or the badge marks the photo or keeps it (the model's MarkedRole).
class DuplicateCardDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    /// The size of every card for the view's font.
    QSize cardSize(const QFont &font) const;
    /// The "Move to trash" box's line in the card at `cell`: a click there (or on the badge) marks or keeps the photo.
    QRect toggleRect(const QRect &cell, const QFont &font) const;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

protected:
    bool editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                     const QModelIndex &index) override;

private:
    struct Layout {
        QRect card;
        QRect thumbnail; // the square the photo is fitted into
        QRect badge;
        QRect lines[4]; // name, resolution and size, date, folder
        QRect box;      // the "Move to trash" line
    };
    Layout layout(const QRect &cell, const QFont &font) const;
    QPixmap scaled(const QImage &image, const QSize &size) const;

    static constexpr int kThumbnail = 164;
    mutable QCache<QString, QPixmap> m_scaled{32 * 1024}; // cost in KiB
};

} // namespace clipfind
