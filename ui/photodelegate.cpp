// SPDX-License-Identifier: MIT
#include "ui/photodelegate.h"

#include "ui/photomodel.h"

#include <QApplication>
#include <QPainter>
#include <QPixmap>

namespace clipfind {

namespace {

constexpr int kPadding = 6;
constexpr int kTileGap = 4; // between two tiles

} // namespace

QPixmap PhotoDelegate::scaled(const QImage &image, const QSize &size, bool crop) const
{
    // By the image's own cache key, not the photo: a thumbnail and the placeholder shown before it never share an
    // entry, and the placeholder is scaled once for all the cells waiting for theirs (a fast scroll through 100k
    // photos paints dozens of new ones a frame).
    const QString key =
        QStringLiteral("%1x%2|%3|%4").arg(size.width()).arg(size.height()).arg(image.cacheKey()).arg(crop ? 'c' : 'f');
    if (const QPixmap *hit = m_scaled.object(key)) {
        return *hit;
    }
    QImage source = image;
    if (crop) {
        const QSize middle = size.scaled(image.size(), Qt::KeepAspectRatio);
        const QPoint corner((image.width() - middle.width()) / 2, (image.height() - middle.height()) / 2);
        source = image.copy(QRect(corner, middle));
    }
    auto *made = new QPixmap(QPixmap::fromImage(
        source.size() == size ? source : source.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)));
    const QPixmap result = *made;
    m_scaled.insert(key, made, std::max(1, size.width() * size.height() * 4 / 1024));
    return result;
}

QSize PhotoDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    if (m_style == Style::Tiles) {
        return {m_size + kTileGap, m_size + kTileGap};
    }
    return {m_size + 2 * kPadding, m_size + 3 * kPadding + option.fontMetrics.height()};
}

void PhotoDelegate::paintTile(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    // The tile fills its cell (the view may stretch cells to the width) less half the gap on each side.
    const QRect tile = option.rect.adjusted(kTileGap / 2, kTileGap / 2, -kTileGap / 2, -kTileGap / 2);
    const QImage image = index.data(Qt::DecorationRole).value<QImage>();
    painter->save();
    painter->fillRect(tile, option.palette.color(QPalette::AlternateBase));
    if (!image.isNull()) {
        painter->drawPixmap(tile, scaled(image, tile.size(), true));
    }
    const QColor highlight = option.palette.color(QPalette::Highlight);
    if (option.state & QStyle::State_Selected) {
        QColor veil = highlight;
        veil.setAlpha(70);
        painter->fillRect(tile, veil);
        painter->setPen(QPen(highlight, 4));
        painter->drawRect(tile.adjusted(2, 2, -2, -2));
    } else if (option.state & QStyle::State_MouseOver) {
        painter->fillRect(tile, QColor(255, 255, 255, 40));
    }
    if (option.state & QStyle::State_HasFocus) {
        painter->setPen(QPen(option.palette.color(QPalette::Base), 1, Qt::DashLine));
        painter->drawRect(tile.adjusted(5, 5, -6, -6));
    }
    painter->restore();
}

void PhotoDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    if (m_style == Style::Tiles) {
        paintTile(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    opt.text.clear();
    opt.icon = {};
    opt.features &= ~QStyleOptionViewItem::HasDecoration;
    opt.showDecorationSelected = true; // highlight the whole cell, not just the (cleared) text and icon rects
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, widget); // selection and hover

    const QRect square(option.rect.x() + (option.rect.width() - m_size) / 2, option.rect.y() + kPadding, m_size,
                       m_size);
    const QImage image = index.data(Qt::DecorationRole).value<QImage>();
    // A result Only Close Matches would drop: still there, but it reads as "past the cut".
    const QVariant close = index.data(PhotoModel::CloseMatchRole);
    const bool dimmed = close.isValid() && !close.toBool() && !(option.state & QStyle::State_MouseOver);
    if (!image.isNull()) {
        const QSize fitted = image.size().scaled(square.size(), Qt::KeepAspectRatio);
        const QRect target(square.x() + (square.width() - fitted.width()) / 2,
                           square.y() + (square.height() - fitted.height()) / 2, fitted.width(), fitted.height());
        painter->save();
        painter->setOpacity(dimmed ? 0.6 : 1.0);
        painter->drawPixmap(target, scaled(image, target.size(), false));
        painter->restore();
        const QVariant score = index.data(PhotoModel::ScoreRole);
        if (score.isValid() && (option.state & QStyle::State_MouseOver)) {
            paintScore(painter, target, score.toDouble());
        }
    }

    const QRect textRect(option.rect.x() + kPadding, square.bottom() + kPadding, option.rect.width() - 2 * kPadding,
                         option.fontMetrics.height());
    const QString name =
        option.fontMetrics.elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideMiddle, textRect.width());
    const QPalette::ColorRole role =
        (option.state & QStyle::State_Selected) ? QPalette::HighlightedText : QPalette::Text;
    style->drawItemText(painter, textRect, Qt::AlignHCenter | Qt::AlignVCenter, option.palette, true, name, role);
    if (option.state & QStyle::State_HasFocus) {
        QStyleOptionFocusRect focus;
        focus.QStyleOption::operator=(option);
        focus.rect = option.rect.adjusted(1, 1, -1, -1);
        style->drawPrimitive(QStyle::PE_FrameFocusRect, &focus, painter, widget);
    }
}

void PhotoDelegate::paintScore(QPainter *painter, const QRect &thumbnail, double score) const
{
    // A small dark label in the thumbnail's top right corner: readable on any photo.
    const QString text = QString::number(score, 'f', 3);
    QFont font = painter->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    font.setBold(true);
    const QFontMetrics metrics(font);
    const QSize size(metrics.horizontalAdvance(text) + 10, metrics.height() + 4);
    const QRect badge(thumbnail.right() - size.width() - 3, thumbnail.top() + 3, size.width(), size.height());
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(0, 0, 0, 170));
    painter->drawRoundedRect(badge, 4, 4);
    painter->setFont(font);
    painter->setPen(Qt::white);
    painter->drawText(badge, Qt::AlignCenter, text);
    painter->restore();
}

} // namespace clipfind
