// SPDX-License-Identifier: MIT
#pragma once

#include "core/index/unreadablephotos.h"

#include <QDialog>
#include <QFuture>
#include <QFutureWatcher>

class QLabel;
class QTreeWidget;

namespace clipfind {

/// Lists the photos of the open folder that could not be indexed, with the reason recorded for each, as the library
/// reads them off the GUI thread. Copy puts the list on the clipboard as "path<TAB>reason" lines.
class FailuresDialog : public QDialog
{
    Q_OBJECT

public:
    /// `list`: PhotoLibrary::unreadablePhotos(); the dialog fills in when it is ready.
    explicit FailuresDialog(const QFuture<UnreadablePhotos> &list, QWidget *parent = nullptr);

    int count() const;

private:
    void showList();
    void copyAll() const;

    QTreeWidget *m_list;
    QLabel *m_summary;
    QFutureWatcher<UnreadablePhotos> m_reading;
};

} // namespace clipfind
