// SPDX-License-Identifier: MIT
#pragma once

#include "core/browse/photolisting.h"

#include <QWidget>

#include <memory>

class QTreeView;

namespace clipfind {

class FolderTreeModel;

/// The folder sidebar: the open folder's subfolders that hold photos, as a tree with photo counts. Choosing one
/// asks for browsing and searching to be limited to it (scopeRequested); choosing the top one shows everything.
/// The chosen folder follows the listing's scope, and what was expanded stays expanded as the tree changes.
class FolderSidebar : public QWidget
{
    Q_OBJECT

public:
    explicit FolderSidebar(QWidget *parent = nullptr);

    void showListing(const std::shared_ptr<const PhotoListing> &listing);
    QTreeView *treeView() const { return m_view; }
    FolderTreeModel *model() const { return m_model; }
    /// Chooses a folder as the user does (scopeRequested follows when it is another one).
    void chooseFolder(const QString &path);

Q_SIGNALS:
    void scopeRequested(const QString &folder);

private:
    void selectScope(const QString &scope);

    QTreeView *m_view;
    FolderTreeModel *m_model;
    QString m_root;
    QString m_scope;
    bool m_updating = false; // the selection is being put back, not chosen by the user
};

} // namespace clipfind
