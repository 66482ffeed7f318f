// SPDX-License-Identifier: MIT
// SectionedGridView on a plain model with three sections of 5, 1 and 12 rows in 100 x 100 cells, three columns:
// where each cell and header is, hit testing, arrow keys across sections, rubber-band selection, the header pinned
// while its items scroll (painted over them), and scrolling to an item below the pinned header.
#include "ui/sectionedgridview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QPainter>
#include <QScrollBar>
#include <QStandardItemModel>
#include <QStyledItemDelegate>
#include <QtTest>

using namespace clipfind;

namespace {

// Rows 0-4 "A", row 5 "B", rows 6-17 "C": headers over A and C, a divider over B.
class SectionedModel : public QStandardItemModel, public GridSectionSource
{
public:
    SectionedModel()
    {
        for (int row = 0; row < 18; ++row) {
            appendRow(new QStandardItem(QString::number(row)));
        }
    }
    std::vector<GridSection> gridSections() const override
    {
        return {{0, 5, GridSection::Kind::Header, QStringLiteral("A"), QStringLiteral("5 photos")},
                {5, 1, GridSection::Kind::Divider, QStringLiteral("B"), {}},
                {6, 12, GridSection::Kind::Header, QStringLiteral("C"), {}}};
    }
};

// Fills each cell with one flat color, so a grab tells cells from headers.
class FlatDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &) const override
    {
        painter->fillRect(option.rect, QColor(200, 0, 0));
    }
};

} // namespace

class SectionedGridViewTest : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SectionedModel> m_model;
    std::unique_ptr<SectionedGridView> m_view;
    QModelIndex at(int row) const { return m_model->index(row, 0); }

private Q_SLOTS:
    void init()
    {
        m_model = std::make_unique<SectionedModel>();
        m_view = std::make_unique<SectionedGridView>();
        m_view->setModel(m_model.get());
        m_view->setItemDelegate(new FlatDelegate(m_view.get()));
        m_view->setCellSize(QSize(100, 100));
        m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
        m_view->show();
        // A viewport 324 wide: 12 margin + 3 x 100 + 12 margin; 250 high.
        m_view->resize(324 + m_view->verticalScrollBar()->sizeHint().width() + 2 * m_view->frameWidth(),
                       250 + 2 * m_view->frameWidth());
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
        QCOMPARE(m_view->viewport()->width(), 324);
    }

    void cleanup()
    {
        m_view.reset();
        m_model.reset();
    }

    void cellsAndHeadersAreLaidOutBySection()
    {
        const int header = m_view->sectionHeaderRect(0).height();
        const int divider = m_view->sectionHeaderRect(1).height();
        QVERIFY(header > 0 && divider > 0);
        QCOMPARE(m_view->sectionHeaderRect(0).top(), 12);
        // Section A: rows 0-2 then 3-4 under its header.
        const int aTop = 12 + header;
        QCOMPARE(m_view->visualRect(at(0)), QRect(12, aTop, 100, 100));
        QCOMPARE(m_view->visualRect(at(2)), QRect(212, aTop, 100, 100));
        QCOMPARE(m_view->visualRect(at(3)), QRect(12, aTop + 100, 100, 100));
        QCOMPARE(m_view->visualRect(at(4)), QRect(112, aTop + 100, 100, 100));
        // Section B starts a new row below the divider, after an 8 px gap.
        const int bHeader = aTop + 200 + 8;
        QCOMPARE(m_view->sectionHeaderRect(1).top(), bHeader);
        QCOMPARE(m_view->visualRect(at(5)), QRect(12, bHeader + divider, 100, 100));
        const int cHeader = bHeader + divider + 100 + 8;
        QCOMPARE(m_view->sectionHeaderRect(2).top(), cHeader);
        QCOMPARE(m_view->visualRect(at(17)), QRect(212, cHeader + header + 300, 100, 100));
        // Every cell's middle finds its row; headers and the gaps beside a short row find none.
        for (int row = 0; row < 18; ++row) {
            QCOMPARE(m_view->indexAt(m_view->visualRect(at(row)).center()).row(), row);
        }
        QVERIFY(!m_view->indexAt(QPoint(50, 14)).isValid());          // in A's header
        QVERIFY(!m_view->indexAt(QPoint(250, aTop + 150)).isValid()); // beside row 4, where row 5 is not
        QCOMPARE(m_view->sections().size(), size_t(3));
    }

    void arrowsCrossSections()
    {
        auto move = [this](int from, Qt::Key key) {
            m_view->setCurrentIndex(at(from));
            QTest::keyClick(m_view.get(), key);
            return m_view->currentIndex().row();
        };
        m_view->setFocus();
        QCOMPARE(move(1, Qt::Key_Down), 4);
        QCOMPARE(move(2, Qt::Key_Down), 4); // the row below is shorter: its last photo
        QCOMPARE(move(4, Qt::Key_Down), 5); // into B, column clamped
        QCOMPARE(move(5, Qt::Key_Down), 6);
        QCOMPARE(move(6, Qt::Key_Up), 5);
        QCOMPARE(move(7, Qt::Key_Up), 5);
        QCOMPARE(move(5, Qt::Key_Up), 3); // A's last row, same column
        QCOMPARE(move(3, Qt::Key_Up), 0);
        QCOMPARE(move(4, Qt::Key_Right), 5);
        QCOMPARE(move(6, Qt::Key_Left), 5);
        QCOMPARE(move(17, Qt::Key_Down), 17);
        QCOMPARE(move(9, Qt::Key_Home), 0);
        QCOMPARE(move(9, Qt::Key_End), 17);
    }

    void rubberBandSelectsTheCellsItCrosses()
    {
        // From just above row 1 (in A's header) to the middle of row 8: columns 1-2 of every grid row between.
        // A: 1, 2 and 4 (its second row is short); B's only cell is in column 0; C's first row: 7, 8.
        const QRect from = m_view->visualRect(at(1));
        const QRect to = m_view->visualRect(at(8));
        // Drag the selection as the view does, in viewport coordinates (the view is not scrolled).
        QTest::mousePress(m_view->viewport(), Qt::LeftButton, {}, QPoint(from.center().x(), from.top() - 4));
        QTest::mouseMove(m_view->viewport(), to.center());
        QTest::mouseRelease(m_view->viewport(), Qt::LeftButton, {}, to.center());
        QList<int> rows;
        for (const QModelIndex &index : m_view->selectionModel()->selectedIndexes()) {
            rows << index.row();
        }
        std::sort(rows.begin(), rows.end());
        QCOMPARE(rows, (QList<int>{1, 2, 4, 7, 8}));
    }

    void theHeaderStaysOnTopWhileItsPhotosScroll()
    {
        QScrollBar *bar = m_view->verticalScrollBar();
        const int cHeader = m_view->sectionHeaderRect(2).top();
        bar->setValue(cHeader + 150); // C's header is above the top; its rows scroll under where it was
        QCOMPARE(m_view->stickySection(), 2);
        const QImage shot = m_view->viewport()->grab().toImage();
        // At the top: the pinned header over a cell (row 9's cells are there), painted with the view's background.
        const int y = 5;
        QVERIFY(m_view->indexAt(QPoint(60, m_view->sectionHeaderRect(2).height() + 5)).isValid());
        QCOMPARE(shot.pixelColor(60, y), m_view->palette().color(QPalette::Base));
        // Below it, cells.
        QCOMPARE(shot.pixelColor(60, m_view->sectionHeaderRect(2).height() + 20), QColor(200, 0, 0));
        // Clicks on the pinned header hit nothing.
        QVERIFY(!m_view->indexAt(QPoint(60, y)).isValid());
        // The divider section has no pinned header.
        bar->setValue(m_view->sectionHeaderRect(1).top() + bar->value() + 10);
        QCOMPARE(m_view->stickySection(), -1);
    }

    void scrollingToAPhotoKeepsItBelowThePinnedHeader()
    {
        m_view->scrollTo(at(13)); // C, row 2
        const QRect rect = m_view->visualRect(at(13));
        QVERIFY(rect.top() >= 0 && rect.bottom() <= m_view->viewport()->height());
        m_view->scrollTo(at(10), QAbstractItemView::EnsureVisible); // above it: must clear the pinned header
        const QRect above = m_view->visualRect(at(10));
        QVERIFY2(above.top() >= m_view->sectionHeaderRect(2).height(), qPrintable(QString::number(above.top())));
        // The first row of a section: its header shows too.
        m_view->scrollTo(at(6), QAbstractItemView::PositionAtTop);
        QVERIFY(m_view->sectionHeaderRect(2).top() >= 0);
    }

    void modelChangesRelayout()
    {
        QAbstractItemModelTester tester(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        // Rows that no longer match the sections: one plain section instead, no crash.
        m_model->appendRow(new QStandardItem(QStringLiteral("extra")));
        QCOMPARE(m_view->sections().size(), size_t(1));
        QCOMPARE(m_view->sections().front().count, 19);
        m_model->removeRow(18);
        QCOMPARE(m_view->sections().size(), size_t(3));
    }
};

QTEST_MAIN(SectionedGridViewTest)
#include "sectionedgridviewtest.moc"
