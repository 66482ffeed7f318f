// SPDX-License-Identifier: MIT
#include "ui/resultdelegate.h"

#include "ui/resultmodel.h"

#include <QApplication>
#include <QPainter>
#include <QPixmap>

namespace clipfind {

namespace {

constexpr int kPadding = 6;

} // namespace

QPixmap ResultDelegate::scaled(const QString &path, const QImage &image, const QSize &size) const
{
    // The key holds the source's cache key too: a placeholder and the real thumbnail never share an entry.
    const QString key = QStringLiteral("%1|%2x%3|%4").arg(path).arg(size.width()).arg(size.height()).arg(image.cacheKey());
    if (const QPixmap *hit = m_scaled.object(key)) {
        return *hit;
    }
    auto *made = new QPixmap(QPixmap::fromImage(
        image.size() == size ? image : image.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)));
    const QPixmap result = *made;
    m_scaled.insert(key, made, std::max(1, size.width() * size.height() * 4 / 1024));
    return result;
}

QSize ResultDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    return {m_size + 2 * kPadding, m_size + 3 * kPadding + option.fontMetrics.height()};
}

void ResultDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    opt.text.clear();
    opt.icon = {};
    opt.features &= ~QStyleOptionViewItem::HasDecoration;
    opt.showDecorationSelected = true; // highlight the whole cell, not just the (cleared) text and icon rects
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, widget); // selection and hover

    const QRect square(option.rect.x() + (option.rect.width() - m_size) / 2, option.rect.y() + kPadding, m_size, m_size);
    const QImage image = index.data(Qt::DecorationRole).value<QImage>();
    if (!image.isNull()) {
        const QSize fitted = image.size().scaled(square.size(), Qt::KeepAspectRatio);
        const QRect target(square.x() + (square.width() - fitted.width()) / 2,
                           square.y() + (square.height() - fitted.height()) / 2, fitted.width(), fitted.height());
        const QString path = index.data(ResultModel::PathRole).toString();
        painter->drawPixmap(target, scaled(path, image, target.size()));
    }

    const QRect textRect(option.rect.x() + kPadding, square.bottom() + kPadding, option.rect.width() - 2 * kPadding,
                         option.fontMetrics.height());
    const QString name = option.fontMetrics.elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideMiddle,
                                                       textRect.width());
    const QPalette::ColorRole role = (option.state & QStyle::State_Selected) ? QPalette::HighlightedText : QPalette::Text;
    style->drawItemText(painter, textRect, Qt::AlignHCenter | Qt::AlignVCenter, option.palette, true, name, role);
    if (option.state & QStyle::State_HasFocus) {
        QStyleOptionFocusRect focus;
        focus.QStyleOption::operator=(option);
        focus.rect = option.rect.adjusted(1, 1, -1, -1);
        style->drawPrimitive(QStyle::PE_FrameFocusRect, &focus, painter, widget);
    }
}

} // namespace clipfind
