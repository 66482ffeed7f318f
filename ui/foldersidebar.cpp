// SPDX-License-Identifier: MIT
#include "ui/foldersidebar.h"

#include "ui/foldertreemodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QSet>
#include <QTreeView>
#include <QVBoxLayout>

namespace clipfind {

FolderSidebar::FolderSidebar(QWidget *parent)
    : QWidget(parent)
    , m_view(new QTreeView(this))
    , m_model(new FolderTreeModel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto *title = new QLabel(tr("Folders"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    title->setContentsMargins(10, 8, 10, 6);
    layout->addWidget(title);
    layout->addWidget(m_view, 1);

    m_view->setModel(m_model);
    m_view->setHeaderHidden(true);
    m_view->setUniformRowHeights(true);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setAccessibleName(tr("Folders"));
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_view->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (m_updating || !current.isValid()) {
                    return;
                }
                const QString path = current.data(FolderTreeModel::PathRole).toString();
                if (path != m_scope) {
                    m_scope = path;
                    Q_EMIT scopeRequested(path == m_root ? QString() : path);
                }
            });
}

void FolderSidebar::showListing(const std::shared_ptr<const PhotoListing> &listing)
{
    m_updating = true;
    // What is expanded, by path, survives a reset of the model; a new folder starts with its top level open.
    QSet<QString> expanded;
    const bool sameRoot = listing && listing->root == m_root;
    if (sameRoot) {
        const std::vector<FolderNode> &nodes = m_model->tree().nodes;
        for (size_t node = 0; node < nodes.size(); ++node) {
            if (!nodes[node].children.empty() && m_view->isExpanded(m_model->indexOfNode(int(node)))) {
                expanded.insert(nodes[node].path);
            }
        }
    }
    m_model->setTree(listing ? listing->folders : FolderTree{});
    m_root = listing ? listing->root : QString();
    if (!sameRoot && !m_model->tree().nodes.empty()) {
        // A new folder opens with its top two levels showing.
        expanded.insert(m_root);
        for (const int child : m_model->tree().nodes.front().children) {
            expanded.insert(m_model->tree().nodes[size_t(child)].path);
        }
    }
    for (const QString &path : std::as_const(expanded)) {
        m_view->setExpanded(m_model->indexOf(path), true);
    }
    selectScope(listing ? listing->scope : QString());
    m_updating = false;
}

void FolderSidebar::selectScope(const QString &scope)
{
    m_scope = scope;
    const QModelIndex index = m_model->indexOf(scope);
    if (!index.isValid()) {
        m_view->selectionModel()->clear();
        return;
    }
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

void FolderSidebar::chooseFolder(const QString &path)
{
    const QModelIndex index = m_model->indexOf(path);
    if (index.isValid()) {
        m_view->selectionModel()->setCurrentIndex(index,
                                                  QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
}

} // namespace clipfind
