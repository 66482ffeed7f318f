// SPDX-License-Identifier: MIT
#include "ui/failuresdialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace clipfind {

FailuresDialog::FailuresDialog(const QFuture<UnreadablePhotos> &list, QWidget *parent)
    : QDialog(parent)
    , m_list(new QTreeWidget(this))
    , m_summary(new QLabel(tr("Reading the list…"), this))
{
    setWindowTitle(tr("Photos that could not be read"));
    resize(900, 500);
    auto *layout = new QVBoxLayout(this);
    m_list->setHeaderLabels({tr("File"), tr("Problem")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Interactive);
    m_list->setColumnWidth(0, 380);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("&Copy list"), QDialogButtonBox::ActionRole);
    layout->addWidget(m_summary);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(copy, &QPushButton::clicked, this, &FailuresDialog::copyAll);

    connect(&m_reading, &QFutureWatcher<UnreadablePhotos>::finished, this, &FailuresDialog::showList);
    m_reading.setFuture(list);
}

void FailuresDialog::showList()
{
    const UnreadablePhotos list = m_reading.result();
    QList<QTreeWidgetItem *> items;
    for (const UnreadablePhoto &photo : list.photos) {
        auto *item = new QTreeWidgetItem({photo.path, photo.reason});
        item->setToolTip(1, photo.reason);
        items << item;
    }
    m_list->addTopLevelItems(items);
    const QString count = list.photos.size() == 1 ? tr("1 photo") : tr("%1 photos").arg(list.photos.size());
    m_summary->setText(!list.error.isEmpty()
                           ? tr("Cannot read the list: %1").arg(list.error)
                           : tr("%1 could not be read. They are tried again when they change.").arg(count));
}

int FailuresDialog::count() const
{
    return m_list->topLevelItemCount();
}

void FailuresDialog::copyAll() const
{
    QStringList lines;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = m_list->topLevelItem(i);
        lines << item->text(0) + QLatin1Char('\t') + item->text(1);
    }
    QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

} // namespace clipfind
