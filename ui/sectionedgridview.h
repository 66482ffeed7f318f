// SPDX-License-Identifier: MIT
#pragma once

#include "ui/gridsection.h"

#include <QAbstractItemView>
#include <QPersistentModelIndex>

#include <vector>

namespace clipfind {

/// A grid of equal cells in sections: each section starts a new row below its header, and the header of the
/// section at the top stays visible while its items scroll (pushed away by the next one). Layout is arithmetic per
/// section, not per item, so 100k items lay out and scroll as fast as 100; only the visible cells are painted, so
/// the delegate asks the model for just those (thumbnails load visible first). Columns are spread over the width.
///
/// Sections come from the model when it is a GridSectionSource, else all rows form one plain section. Selection,
/// keyboard movement (arrows across sections, Page Up/Down, Home/End), hover, tooltips and dragging work as in the
/// Qt item views.
class SectionedGridView : public QAbstractItemView
{
    Q_OBJECT

public:
    explicit SectionedGridView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    /// The size of every cell; the layout follows at once.
    void setCellSize(const QSize &size);
    QSize gridSize() const { return m_cell; }
    /// Cells grow to spread the columns over the whole width, keeping their aspect (tiles without gaps of
    /// different sizes); else they keep their size and the spare width goes between them.
    void setStretchCells(bool stretch);

    /// The sections as laid out now.
    std::vector<GridSection> sections() const;
    /// The section whose header is (or would be) pinned at the top of the viewport; -1 when there is none.
    int stickySection() const;
    /// The rectangle of section `section`'s header in viewport coordinates where it is laid out (not pinned);
    /// empty for a plain section.
    QRect sectionHeaderRect(int section) const;

    /// The first row whose cell shows below the top of the viewport (and below a pinned header), -1 when empty;
    /// with *offset, how far its top is below the viewport's top. scrollToRow(row, offset) puts it back there.
    int topRow(int *offset = nullptr) const;
    void scrollToRow(int row, int offset);

    QRect visualRect(const QModelIndex &index) const override;
    void scrollTo(const QModelIndex &index, ScrollHint hint = EnsureVisible) override;
    QModelIndex indexAt(const QPoint &point) const override;
    void doItemsLayout() override;
    void reset() override;

protected:
    QModelIndex moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers) override;
    int horizontalOffset() const override;
    int verticalOffset() const override;
    bool isIndexHidden(const QModelIndex &index) const override;
    void setSelection(const QRect &rect, QItemSelectionModel::SelectionFlags command) override;
    QRegion visualRegionForSelection(const QItemSelection &selection) const override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void updateGeometries() override;
    bool viewportEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void rowsInserted(const QModelIndex &parent, int start, int end) override;

    /// Paints a Header or Divider section's header into `rect` (viewport coordinates); `pinned` when it is drawn
    /// over the items at the top (it then needs an opaque background).
    virtual void paintSectionHeader(QPainter *painter, const GridSection &section, const QRect &rect,
                                    bool pinned) const;
    int headerHeight(GridSection::Kind kind) const;

private:
    void invalidateLayout();
    void ensureLayout() const;
    int sectionOfRow(int row) const;
    int sectionAtY(int y) const;
    int gridRows(int section) const;
    QRect contentRect(int row) const;
    int pinnedHeight() const;
    int rowNear(int x, int y) const;
    int rowAbove(int row) const;
    int rowBelow(int row) const;

    QSize m_cell{176, 200};
    bool m_stretch = false;
    QPersistentModelIndex m_hover;

    // The layout, made again when rows, sections, the cell size or the width change.
    mutable bool m_dirty = true;
    mutable int m_layoutWidth = -1;
    mutable std::vector<GridSection> m_sections;
    mutable std::vector<int> m_top;       // content y of each section's header (its items when plain)
    mutable std::vector<int> m_itemsTop;  // content y of each section's first row of cells
    mutable QSize m_layoutCell{176, 200}; // m_cell, or stretched to the stride
    mutable int m_columns = 1;
    mutable int m_stride = 1; // horizontal distance between cells: the width spread over the columns
    mutable int m_contentHeight = 0;
};

} // namespace clipfind
