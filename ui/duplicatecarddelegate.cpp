// SPDX-License-Identifier: MIT
#include "ui/duplicatecarddelegate.h"

#include "ui/duplicatesmodel.h"

#include <QApplication>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace clipfind {

namespace {

constexpr int kMargin = 6;  // around a card, inside its cell
constexpr int kPadding = 8; // inside a card
constexpr int kLineGap = 1;

const QColor kKeep(38, 150, 70);
const QColor kTrash(205, 55, 70);

QFont badgeFont(const QFont &base)
{
    QFont font = base;
    font.setPointSizeF(base.pointSizeF() * 0.85);
    font.setBold(true);
    return font;
}

// A rounded label on the photo, readable on any picture.
void paintPill(QPainter *painter, const QRect &at, const QString &text, const QColor &color, bool alignRight)
{
    const QFont font = badgeFont(painter->font());
    const QFontMetrics metrics(font);
    const QSize size(metrics.horizontalAdvance(text) + 14, metrics.height() + 4);
    const QRect pill(alignRight ? at.right() - size.width() + 1 : at.left(), at.top(), size.width(), size.height());
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawRoundedRect(pill, pill.height() / 2.0, pill.height() / 2.0);
    painter->setFont(font);
    painter->setPen(Qt::white);
    painter->drawText(pill, Qt::AlignCenter, text);
    painter->restore();
}

} // namespace

DuplicateCardDelegate::Layout DuplicateCardDelegate::layout(const QRect &cell, const QFont &font) const
{
    const QFontMetrics metrics(font);
    Layout l;
    l.card = cell.adjusted(kMargin, kMargin, -kMargin, -kMargin);
    l.thumbnail = QRect(l.card.x() + (l.card.width() - kThumbnail) / 2, l.card.y() + kPadding, kThumbnail, kThumbnail);
    const QFontMetrics badge(badgeFont(font));
    const int badgeWidth = std::max(badge.horizontalAdvance(tr("Keep")), badge.horizontalAdvance(tr("Trash"))) + 14;
    l.badge = QRect(l.thumbnail.left() + 6, l.thumbnail.top() + 6, badgeWidth, badge.height() + 4);
    const int lineHeight = metrics.height() + kLineGap;
    int y = l.thumbnail.bottom() + 1 + kPadding;
    for (QRect &line : l.lines) {
        line = QRect(l.card.left() + kPadding, y, l.card.width() - 2 * kPadding, lineHeight);
        y += lineHeight;
    }
    l.box = QRect(l.card.left() + kPadding, y + 4, l.card.width() - 2 * kPadding, std::max(metrics.height(), 18) + 4);
    return l;
}

QSize DuplicateCardDelegate::cardSize(const QFont &font) const
{
    const Layout l = layout(QRect(0, 0, kThumbnail + 2 * kPadding + 2 * kMargin, 1000), font);
    return {l.card.width() + 2 * kMargin, l.box.bottom() + 1 + kPadding + kMargin};
}

QSize DuplicateCardDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    return cardSize(option.font);
}

QRect DuplicateCardDelegate::toggleRect(const QRect &cell, const QFont &font) const
{
    return layout(cell, font).box;
}

QPixmap DuplicateCardDelegate::scaled(const QImage &image, const QSize &size) const
{
    const QString key = QStringLiteral("%1x%2|%3").arg(size.width()).arg(size.height()).arg(image.cacheKey());
    if (const QPixmap *hit = m_scaled.object(key)) {
        return *hit;
    }
    auto *made = new QPixmap(QPixmap::fromImage(
        image.size() == size ? image : image.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)));
    const QPixmap result = *made;
    m_scaled.insert(key, made, std::max(1, size.width() * size.height() * 4 / 1024));
    return result;
}

void DuplicateCardDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const Layout l = layout(option.rect, option.font);
    const QPalette &colors = option.palette;
    const bool marked = index.data(DuplicatesModel::MarkedRole).toBool();
    const bool selected = option.state & QStyle::State_Selected;
    const bool hover = option.state & QStyle::State_MouseOver;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);

    // The card: a quiet panel, its edge in the highlight color when selected.
    QColor panel = colors.color(QPalette::AlternateBase);
    if (hover && !selected) {
        panel = panel.darker(104);
    }
    QColor edge = colors.color(QPalette::Text);
    edge.setAlpha(selected ? 255 : 35);
    if (selected) {
        edge = colors.color(QPalette::Highlight);
        QColor tint = edge;
        tint.setAlpha(40);
        panel = QColor::fromRgbF(panel.redF() * 0.85 + tint.redF() * 0.15, panel.greenF() * 0.85 + tint.greenF() * 0.15,
                                 panel.blueF() * 0.85 + tint.blueF() * 0.15);
    }
    painter->setPen(QPen(edge, selected ? 2 : 1));
    painter->setBrush(panel);
    painter->drawRoundedRect(QRectF(l.card).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8);

    // The photo, fitted; one marked for the trash fades.
    const QImage image = index.data(Qt::DecorationRole).value<QImage>();
    if (!image.isNull()) {
        const QSize fitted = image.size().scaled(l.thumbnail.size(), Qt::KeepAspectRatio);
        const QRect target(l.thumbnail.x() + (l.thumbnail.width() - fitted.width()) / 2,
                           l.thumbnail.y() + (l.thumbnail.height() - fitted.height()) / 2, fitted.width(),
                           fitted.height());
        painter->save();
        painter->setOpacity(marked ? 0.45 : 1.0);
        QPainterPath rounded;
        rounded.addRoundedRect(QRectF(target), 4, 4);
        painter->setClipPath(rounded);
        painter->drawPixmap(target, scaled(image, target.size()));
        painter->restore();
    }
    paintPill(painter, l.badge, marked ? tr("Trash") : tr("Keep"), marked ? kTrash : kKeep, false);
    if (index.data(DuplicatesModel::SuggestedRole).toBool()) {
        const QRect corner(l.thumbnail.left(), l.thumbnail.top() + 6, l.thumbnail.width() - 6, l.badge.height());
        paintPill(painter, corner, tr("Best"), QColor(0, 0, 0, 150), true);
    }

    // Name, resolution and size, date, folder.
    const QPalette::ColorRole text = QPalette::Text;
    QFont bold = option.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(colors.color(text));
    const QFontMetrics boldMetrics(bold);
    painter->drawText(
        l.lines[0], Qt::AlignLeft | Qt::AlignVCenter,
        boldMetrics.elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideMiddle, l.lines[0].width()));
    painter->setFont(option.font);
    const QFontMetrics &metrics = option.fontMetrics;
    painter->drawText(
        l.lines[1], Qt::AlignLeft | Qt::AlignVCenter,
        metrics.elidedText(index.data(DuplicatesModel::FactsRole).toString(), Qt::ElideRight, l.lines[1].width()));
    painter->setPen(colors.color(QPalette::PlaceholderText));
    painter->drawText(
        l.lines[2], Qt::AlignLeft | Qt::AlignVCenter,
        metrics.elidedText(index.data(DuplicatesModel::DateTextRole).toString(), Qt::ElideRight, l.lines[2].width()));
    painter->drawText(
        l.lines[3], Qt::AlignLeft | Qt::AlignVCenter,
        metrics.elidedText(index.data(DuplicatesModel::FolderRole).toString(), Qt::ElideMiddle, l.lines[3].width()));

    // The box: checked = goes to the trash.
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    QStyleOptionButton box;
    box.state = QStyle::State_Enabled | (marked ? QStyle::State_On : QStyle::State_Off);
    if (hover) {
        box.state |= QStyle::State_MouseOver;
    }
    const int indicator = style->pixelMetric(QStyle::PM_IndicatorWidth, &box, widget);
    box.rect = QRect(l.box.left(), l.box.center().y() - indicator / 2, indicator, indicator);
    box.palette = colors;
    style->drawPrimitive(QStyle::PE_IndicatorCheckBox, &box, painter, widget);
    const QRect label = l.box.adjusted(indicator + 6, 0, 0, 0);
    painter->setPen(marked ? kTrash : colors.color(text));
    painter->drawText(label, Qt::AlignLeft | Qt::AlignVCenter,
                      metrics.elidedText(tr("Move to trash"), Qt::ElideRight, label.width()));

    if (option.state & QStyle::State_HasFocus) {
        QStyleOptionFocusRect focus;
        focus.QStyleOption::operator=(option);
        focus.rect = l.card.adjusted(3, 3, -3, -3);
        style->drawPrimitive(QStyle::PE_FrameFocusRect, &focus, painter, widget);
    }
    painter->restore();
}

bool DuplicateCardDelegate::editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                                        const QModelIndex &index)
{
    const QEvent::Type type = event->type();
    if (type != QEvent::MouseButtonPress && type != QEvent::MouseButtonRelease && type != QEvent::MouseButtonDblClick) {
        return QStyledItemDelegate::editorEvent(event, model, option, index);
    }
    const auto *mouse = static_cast<QMouseEvent *>(event);
    const Layout l = layout(option.rect, option.font);
    const QPoint at = mouse->position().toPoint();
    if (mouse->button() != Qt::LeftButton || !(l.box.contains(at) || l.badge.contains(at))) {
        return QStyledItemDelegate::editorEvent(event, model, option, index);
    }
    if (type == QEvent::MouseButtonRelease) {
        model->setData(index, !index.data(DuplicatesModel::MarkedRole).toBool(), DuplicatesModel::MarkedRole);
    }
    return true; // a press or double-click on the box is the box's, not a drag or an open
}

} // namespace clipfind
