// SPDX-License-Identifier: MIT
// Why this file is long: a QAbstractItemView with sections: layout, painting, scrolling, keyboard and selection must
// agree on one geometry, which is why Qt's own views are this size too.
#include "ui/sectionedgridview.h"

#include <QCursor>
#include <QHoverEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>
#include <cmath>

namespace clipfind {

namespace {

constexpr int kMargin = 12;    // around the grid
constexpr int kSectionGap = 8; // below the last row of a section

// Floor division (the grid's arithmetic meets negative offsets above a section).
int floorDiv(int a, int b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

QFont titleFont(const QFont &base)
{
    QFont font = base;
    font.setBold(true);
    font.setPointSizeF(base.pointSizeF() * 1.2);
    return font;
}

} // namespace

SectionedGridView::SectionedGridView(QWidget *parent)
    : QAbstractItemView(parent)
{
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn); // a bar that comes and goes would change the columns
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setMouseTracking(true);
    viewport()->setAttribute(Qt::WA_Hover);
}

void SectionedGridView::setModel(QAbstractItemModel *model)
{
    if (this->model()) {
        disconnect(this->model(), nullptr, this, nullptr);
    }
    QAbstractItemView::setModel(model);
    if (model) {
        connect(model, &QAbstractItemModel::rowsRemoved, this, &SectionedGridView::invalidateLayout);
    }
    invalidateLayout();
}

void SectionedGridView::setCellSize(const QSize &size)
{
    if (size == m_cell || size.isEmpty()) {
        return;
    }
    int offset = 0;
    const int anchor = topRow(&offset);
    m_cell = size;
    m_dirty = true;
    updateGeometries();
    if (anchor >= 0) {
        scrollToRow(anchor, offset); // zooming keeps the photo at the top where it is
    }
    viewport()->update();
}

void SectionedGridView::setStretchCells(bool stretch)
{
    m_stretch = stretch;
    m_dirty = true;
    updateGeometries();
    viewport()->update();
}

void SectionedGridView::invalidateLayout()
{
    m_dirty = true;
    scheduleDelayedItemsLayout();
}

void SectionedGridView::reset()
{
    m_dirty = true;
    m_hover = QPersistentModelIndex();
    QAbstractItemView::reset();
}

void SectionedGridView::doItemsLayout()
{
    m_dirty = true;
    ensureLayout();
    QAbstractItemView::doItemsLayout();
}

void SectionedGridView::rowsInserted(const QModelIndex &parent, int start, int end)
{
    invalidateLayout();
    QAbstractItemView::rowsInserted(parent, start, end);
}

int SectionedGridView::headerHeight(GridSection::Kind kind) const
{
    switch (kind) {
    case GridSection::Kind::Header: return QFontMetrics(titleFont(font())).height() + 18;
    case GridSection::Kind::Divider: return fontMetrics().height() + 14;
    case GridSection::Kind::Plain: break;
    }
    return 0;
}

void SectionedGridView::ensureLayout() const
{
    const int width = viewport()->width();
    if (!m_dirty && width == m_layoutWidth) {
        return;
    }
    m_dirty = false;
    m_layoutWidth = width;
    m_sections.clear();
    const int rows = model() ? model()->rowCount(rootIndex()) : 0;
    if (rows > 0) {
        if (const auto *source = dynamic_cast<const GridSectionSource *>(model())) {
            int expected = 0;
            for (const GridSection &section : source->gridSections()) {
                if (section.count <= 0) {
                    continue;
                }
                if (section.first != expected) {
                    break;
                }
                m_sections.push_back(section);
                expected += section.count;
            }
            if (expected != rows) {
                m_sections.clear(); // not a cover of the rows (the model is between two states): one section
            }
        }
        if (m_sections.empty()) {
            m_sections.push_back({0, rows, GridSection::Kind::Plain, {}, {}});
        }
    }
    m_columns = std::max(1, (width - 2 * kMargin) / std::max(1, m_cell.width()));
    m_stride = std::max(m_cell.width(), (width - 2 * kMargin) / m_columns);
    m_layoutCell =
        m_stretch ? QSize(m_stride, int(std::lround(double(m_cell.height()) * m_stride / m_cell.width()))) : m_cell;
    m_top.resize(m_sections.size());
    m_itemsTop.resize(m_sections.size());
    int y = kMargin;
    for (size_t s = 0; s < m_sections.size(); ++s) {
        m_top[s] = y;
        y += headerHeight(m_sections[s].kind);
        m_itemsTop[s] = y;
        y += gridRows(int(s)) * m_layoutCell.height() + kSectionGap;
    }
    m_contentHeight = m_sections.empty() ? 0 : y - kSectionGap + kMargin;
}

int SectionedGridView::gridRows(int section) const
{
    return (m_sections[size_t(section)].count + m_columns - 1) / m_columns;
}

int SectionedGridView::sectionOfRow(int row) const
{
    const auto it = std::upper_bound(m_sections.begin(), m_sections.end(), row,
                                     [](int r, const GridSection &section) { return r < section.first; });
    return int(it - m_sections.begin()) - 1;
}

int SectionedGridView::sectionAtY(int y) const
{
    if (m_sections.empty()) {
        return -1;
    }
    const auto it = std::upper_bound(m_top.begin(), m_top.end(), y);
    return std::max(0, int(it - m_top.begin()) - 1);
}

QRect SectionedGridView::contentRect(int row) const
{
    const int s = sectionOfRow(row);
    if (s < 0) {
        return {};
    }
    const int local = row - m_sections[size_t(s)].first;
    const int x = kMargin + (local % m_columns) * m_stride + (m_stride - m_layoutCell.width()) / 2;
    const int y = m_itemsTop[size_t(s)] + (local / m_columns) * m_layoutCell.height();
    return {QPoint(x, y), m_layoutCell};
}

std::vector<GridSection> SectionedGridView::sections() const
{
    ensureLayout();
    return m_sections;
}

int SectionedGridView::stickySection() const
{
    ensureLayout();
    const int s = sectionAtY(verticalOffset());
    return s >= 0 && m_sections[size_t(s)].kind == GridSection::Kind::Header ? s : -1;
}

QRect SectionedGridView::sectionHeaderRect(int section) const
{
    ensureLayout();
    if (section < 0 || size_t(section) >= m_sections.size()) {
        return {};
    }
    return QRect(0, m_top[size_t(section)] - verticalOffset(), viewport()->width(),
                 headerHeight(m_sections[size_t(section)].kind));
}

int SectionedGridView::pinnedHeight() const
{
    const int s = stickySection();
    const int offset = verticalOffset();
    if (s < 0 || m_top[size_t(s)] >= offset) {
        return 0;
    }
    const int height = headerHeight(GridSection::Kind::Header);
    if (size_t(s + 1) < m_sections.size()) {
        return std::max(0, height + std::min(0, m_top[size_t(s) + 1] - offset - height));
    }
    return height;
}

QRect SectionedGridView::visualRect(const QModelIndex &index) const
{
    if (!index.isValid() || index.parent() != rootIndex() || index.column() != 0) {
        return {};
    }
    ensureLayout();
    return contentRect(index.row()).translated(0, -verticalOffset());
}

QModelIndex SectionedGridView::indexAt(const QPoint &point) const
{
    ensureLayout();
    if (!model() || m_sections.empty() || point.y() < pinnedHeight()) {
        return {};
    }
    const int y = point.y() + verticalOffset();
    const int s = sectionAtY(y);
    const GridSection &section = m_sections[size_t(s)];
    const int r = floorDiv(y - m_itemsTop[size_t(s)], m_layoutCell.height());
    const int c = floorDiv(point.x() - kMargin, m_stride);
    if (r < 0 || r >= gridRows(s) || c < 0 || c >= m_columns) {
        return {};
    }
    const int local = r * m_columns + c;
    if (local >= section.count || !contentRect(section.first + local).contains(point.x(), y)) {
        return {};
    }
    return model()->index(section.first + local, 0, rootIndex());
}

void SectionedGridView::scrollTo(const QModelIndex &index, ScrollHint hint)
{
    if (!index.isValid()) {
        return;
    }
    ensureLayout();
    const QRect rect = contentRect(index.row());
    const int s = sectionOfRow(index.row());
    if (rect.isNull() || s < 0) {
        return;
    }
    const bool firstRowOfSection = index.row() - m_sections[size_t(s)].first < m_columns;
    // A pinned header covers the top: an item must show below it. In its section's first row, the header shows too.
    const bool pins = m_sections[size_t(s)].kind == GridSection::Kind::Header;
    const int reserve = pins ? headerHeight(GridSection::Kind::Header) : 0;
    const int wantTop = firstRowOfSection ? m_top[size_t(s)] - kSectionGap : rect.top() - reserve - kSectionGap;
    const int height = viewport()->height();
    const int offset = verticalOffset();
    int target = offset;
    switch (hint) {
    case EnsureVisible:
        if (rect.top() - reserve < offset) {
            target = wantTop;
        } else if (rect.bottom() > offset + height) {
            target = rect.bottom() - height + kSectionGap;
        }
        break;
    case PositionAtTop: target = wantTop; break;
    case PositionAtBottom: target = rect.bottom() - height + kSectionGap; break;
    case PositionAtCenter: target = rect.center().y() - height / 2; break;
    }
    verticalScrollBar()->setValue(target);
}

int SectionedGridView::topRow(int *offset) const
{
    ensureLayout();
    if (m_sections.empty()) {
        return -1;
    }
    const int y = verticalOffset() + pinnedHeight();
    int s = sectionAtY(y);
    int r = std::max(0, floorDiv(y - m_itemsTop[size_t(s)], m_layoutCell.height()));
    if (r >= gridRows(s)) { // in the gap after a section: the next one's first row
        if (size_t(s + 1) >= m_sections.size()) {
            r = gridRows(s) - 1;
        } else {
            ++s;
            r = 0;
        }
    }
    const int row = m_sections[size_t(s)].first + r * m_columns;
    if (offset) {
        *offset = contentRect(row).top() - verticalOffset();
    }
    return row;
}

void SectionedGridView::scrollToRow(int row, int offset)
{
    ensureLayout();
    updateGeometries();
    const QRect rect = contentRect(row);
    if (!rect.isNull()) {
        verticalScrollBar()->setValue(rect.top() - offset);
    }
}

int SectionedGridView::horizontalOffset() const
{
    return 0;
}

int SectionedGridView::verticalOffset() const
{
    return verticalScrollBar()->value();
}

bool SectionedGridView::isIndexHidden(const QModelIndex &) const
{
    return false;
}

int SectionedGridView::rowNear(int x, int y) const
{
    y = std::clamp(y, 0, std::max(0, m_contentHeight - 1));
    const int s = sectionAtY(y);
    const GridSection &section = m_sections[size_t(s)];
    const int r = std::clamp(floorDiv(y - m_itemsTop[size_t(s)], m_layoutCell.height()), 0, gridRows(s) - 1);
    const int c = std::clamp(floorDiv(x - kMargin, m_stride), 0, m_columns - 1);
    return section.first + std::min(r * m_columns + c, section.count - 1);
}

int SectionedGridView::rowAbove(int row) const
{
    const int s = sectionOfRow(row);
    const GridSection &section = m_sections[size_t(s)];
    const int local = row - section.first;
    if (local >= m_columns) {
        return row - m_columns;
    }
    if (s == 0) {
        return row;
    }
    // Into the last row of the section above, in the same column (or its last photo).
    const GridSection &above = m_sections[size_t(s) - 1];
    const int lastRowStart = (gridRows(s - 1) - 1) * m_columns;
    return above.first + std::min(lastRowStart + local % m_columns, above.count - 1);
}

int SectionedGridView::rowBelow(int row) const
{
    const int s = sectionOfRow(row);
    const GridSection &section = m_sections[size_t(s)];
    const int local = row - section.first;
    if (local + m_columns < section.count) {
        return row + m_columns;
    }
    if ((local / m_columns + 1) * m_columns < section.count) {
        return section.first + section.count - 1; // a shorter last row: its last photo
    }
    if (size_t(s + 1) >= m_sections.size()) {
        return row;
    }
    const GridSection &below = m_sections[size_t(s) + 1];
    return below.first + std::min(local % m_columns, below.count - 1);
}

QModelIndex SectionedGridView::moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers)
{
    ensureLayout();
    const int rows = model() ? model()->rowCount(rootIndex()) : 0;
    if (rows == 0) {
        return {};
    }
    const QModelIndex current = currentIndex();
    if (!current.isValid()) {
        return model()->index(0, 0, rootIndex());
    }
    const int row = current.row();
    int target = row;
    const QRect rect = contentRect(row);
    switch (cursorAction) {
    case MoveLeft:
    case MovePrevious: target = row - 1; break;
    case MoveRight:
    case MoveNext: target = row + 1; break;
    case MoveUp: target = rowAbove(row); break;
    case MoveDown: target = rowBelow(row); break;
    case MoveHome: target = 0; break;
    case MoveEnd: target = rows - 1; break;
    case MovePageUp: target = rowNear(rect.center().x(), rect.center().y() - viewport()->height()); break;
    case MovePageDown: target = rowNear(rect.center().x(), rect.center().y() + viewport()->height()); break;
    }
    return model()->index(std::clamp(target, 0, rows - 1), 0, rootIndex());
}

void SectionedGridView::setSelection(const QRect &rect, QItemSelectionModel::SelectionFlags command)
{
    ensureLayout();
    if (!model() || !selectionModel()) {
        return;
    }
    const QRect area = rect.normalized().translated(0, verticalOffset());
    const int c0 = std::clamp(floorDiv(area.left() - kMargin, m_stride), 0, m_columns - 1);
    const int c1 = std::clamp(floorDiv(area.right() - kMargin, m_stride), 0, m_columns - 1);
    QItemSelection selection;
    int lastEnd = -2; // the last range's end row, to merge adjacent ranges
    const int height = m_layoutCell.height();
    const int sections = int(m_sections.size());
    for (int s = std::max(0, sectionAtY(area.top())); s < sections && m_top[size_t(s)] <= area.bottom(); ++s) {
        const GridSection &section = m_sections[size_t(s)];
        const int r0 = std::max(0, floorDiv(area.top() - m_itemsTop[size_t(s)], height));
        const int r1 = std::min(gridRows(s) - 1, floorDiv(area.bottom() - m_itemsTop[size_t(s)], height));
        for (int r = r0; r <= r1; ++r) {
            const int from = section.first + r * m_columns + c0;
            const int to = std::min(section.first + r * m_columns + c1, section.first + section.count - 1);
            if (from > to) {
                continue;
            }
            const QModelIndex end = model()->index(to, 0, rootIndex());
            if (from == lastEnd + 1 && !selection.isEmpty()) {
                const QItemSelectionRange last = selection.takeLast();
                selection.append(QItemSelectionRange(last.topLeft(), end));
            } else {
                selection.append(QItemSelectionRange(model()->index(from, 0, rootIndex()), end));
            }
            lastEnd = to;
        }
    }
    selectionModel()->select(selection, command);
}

QRegion SectionedGridView::visualRegionForSelection(const QItemSelection &selection) const
{
    QRegion region;
    const QRect visible = viewport()->rect();
    for (const QItemSelectionRange &range : selection) {
        if (range.bottom() - range.top() > 512) {
            return visible; // a big selection: repainting the viewport is cheaper than the region
        }
        for (int row = range.top(); row <= range.bottom(); ++row) {
            const QRect rect = visualRect(model()->index(row, 0, rootIndex()));
            if (rect.intersects(visible)) {
                region += rect;
            }
        }
    }
    return region;
}

void SectionedGridView::updateGeometries()
{
    ensureLayout();
    const int height = viewport()->height();
    verticalScrollBar()->setRange(0, std::max(0, m_contentHeight - height));
    verticalScrollBar()->setPageStep(height);
    verticalScrollBar()->setSingleStep(std::max(8, m_layoutCell.height() / 3)); // a wheel notch (3 steps): one row
    horizontalScrollBar()->setRange(0, 0);
    QAbstractItemView::updateGeometries();
}

void SectionedGridView::resizeEvent(QResizeEvent *event)
{
    int offset = 0;
    const int anchor = m_layoutWidth > 0 ? topRow(&offset) : -1;
    QAbstractItemView::resizeEvent(event); // lays out again for the new width
    if (anchor >= 0) {
        scrollToRow(anchor, offset);
    }
}

void SectionedGridView::scrollContentsBy(int, int)
{
    // The pinned header moves with the scroll position: everything is painted again (only the visible cells).
    viewport()->update();
    if (viewport()->underMouse()) {
        const QModelIndex under = indexAt(viewport()->mapFromGlobal(QCursor::pos()));
        if (under != m_hover) {
            m_hover = under;
        }
    }
}

bool SectionedGridView::viewportEvent(QEvent *event)
{
    switch (event->type()) {
    case QEvent::HoverEnter:
    case QEvent::HoverMove: {
        const QModelIndex under = indexAt(static_cast<QHoverEvent *>(event)->position().toPoint());
        if (under != m_hover) {
            if (m_hover.isValid()) {
                viewport()->update(visualRect(m_hover));
            }
            m_hover = under;
            if (under.isValid()) {
                viewport()->update(visualRect(under));
            }
        }
        break;
    }
    case QEvent::HoverLeave:
    case QEvent::Leave:
        if (m_hover.isValid()) {
            viewport()->update(visualRect(m_hover));
        }
        m_hover = QPersistentModelIndex();
        break;
    default: break;
    }
    return QAbstractItemView::viewportEvent(event);
}

void SectionedGridView::paintEvent(QPaintEvent *event)
{
    ensureLayout();
    QPainter painter(viewport());
    if (!model() || m_sections.empty()) {
        return;
    }
    const int offset = verticalOffset();
    const QRect area = event->rect();
    const int top = area.top() + offset;
    const int bottom = area.bottom() + offset;
    const int width = viewport()->width();

    QStyleOptionViewItem option;
    initViewItemOption(&option);
    const QStyle::State baseState = option.state & ~(QStyle::State_MouseOver | QStyle::State_HasFocus);
    const QModelIndex current = currentIndex();
    const bool focus = (hasFocus() || viewport()->hasFocus()) && current.isValid();
    const QItemSelectionModel *selection = selectionModel();
    for (int s = sectionAtY(top); size_t(s) < m_sections.size() && m_top[size_t(s)] <= bottom; ++s) {
        const GridSection &section = m_sections[size_t(s)];
        if (section.kind != GridSection::Kind::Plain) {
            const QRect header(0, m_top[size_t(s)] - offset, width, headerHeight(section.kind));
            paintSectionHeader(&painter, section, header, false);
        }
        if (bottom < m_itemsTop[size_t(s)]) {
            continue;
        }
        const int r0 = std::max(0, floorDiv(top - m_itemsTop[size_t(s)], m_layoutCell.height()));
        const int r1 = std::min(gridRows(s) - 1, floorDiv(bottom - m_itemsTop[size_t(s)], m_layoutCell.height()));
        for (int r = r0; r <= r1; ++r) {
            for (int c = 0; c < m_columns && r * m_columns + c < section.count; ++c) {
                const int row = section.first + r * m_columns + c;
                const QModelIndex index = model()->index(row, 0, rootIndex());
                option.rect = contentRect(row).translated(0, -offset);
                option.state = baseState;
                if (selection && selection->isSelected(index)) {
                    option.state |= QStyle::State_Selected;
                }
                if (focus && index == current) {
                    option.state |= QStyle::State_HasFocus;
                }
                if (index == m_hover) {
                    option.state |= QStyle::State_MouseOver;
                }
                itemDelegateForIndex(index)->paint(&painter, option, index);
            }
        }
    }
    const int pinned = stickySection();
    if (pinned >= 0 && m_top[size_t(pinned)] < offset) {
        const int height = headerHeight(GridSection::Kind::Header);
        int y = 0;
        if (size_t(pinned + 1) < m_sections.size()) {
            y = std::min(0, m_top[size_t(pinned) + 1] - offset - height); // the next header pushes it away
        }
        paintSectionHeader(&painter, m_sections[size_t(pinned)], QRect(0, y, width, height), true);
    }
}

void SectionedGridView::paintSectionHeader(QPainter *painter, const GridSection &section, const QRect &rect,
                                           bool pinned) const
{
    painter->save();
    const QPalette &colors = palette();
    const QRect inner = rect.adjusted(kMargin + 4, 0, -kMargin - 4, 0);
    if (section.kind == GridSection::Kind::Header) {
        if (pinned) {
            painter->fillRect(rect, colors.color(QPalette::Base));
            QColor line = colors.color(QPalette::Text);
            line.setAlpha(40);
            painter->fillRect(QRect(rect.left(), rect.bottom(), rect.width(), 1), line);
        }
        const QFont title = titleFont(font());
        painter->setFont(title);
        painter->setPen(colors.color(QPalette::Text));
        const QFontMetrics titleMetrics(title);
        // Title and detail share a baseline, a little below the middle: the header belongs to the photos under it.
        const int baseline = rect.top() + (rect.height() + titleMetrics.ascent() - titleMetrics.descent()) / 2 + 2;
        painter->drawText(QPoint(inner.left(), baseline),
                          titleMetrics.elidedText(section.title, Qt::ElideRight, inner.width()));
        if (!section.detail.isEmpty()) {
            painter->setFont(font());
            painter->setPen(colors.color(QPalette::PlaceholderText));
            const int x =
                inner.left() + titleMetrics.horizontalAdvance(section.title) + titleMetrics.averageCharWidth();
            if (x < inner.right()) {
                painter->drawText(QPoint(x, baseline),
                                  fontMetrics().elidedText(section.detail, Qt::ElideRight, inner.right() - x));
            }
        }
    } else if (section.kind == GridSection::Kind::Divider) {
        // A line across with its label in a gap: "the close matches end here".
        QColor line = colors.color(QPalette::Highlight);
        line.setAlpha(150);
        const int y = rect.center().y();
        const QString label =
            section.detail.isEmpty() ? section.title : section.title + QStringLiteral(" · ") + section.detail;
        const int labelWidth = fontMetrics().horizontalAdvance(label);
        const int labelLeft = inner.left() + 24;
        painter->setPen(QPen(line, 1, Qt::DashLine));
        painter->drawLine(inner.left(), y, labelLeft - 8, y);
        painter->drawLine(labelLeft + labelWidth + 8, y, inner.right(), y);
        painter->setPen(colors.color(QPalette::PlaceholderText));
        painter->drawText(QRect(labelLeft, rect.top(), labelWidth + 1, rect.height()), Qt::AlignLeft | Qt::AlignVCenter,
                          label);
    }
    painter->restore();
}

} // namespace clipfind
