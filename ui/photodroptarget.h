// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

class QMimeData;
class QWidget;

namespace clipfind {

/// Makes a widget (the main window) accept a photo file dropped from outside ClipFind, to search by it. Drags that
/// start in ClipFind itself (results dragged out and back) are refused, so they never start a search.
class PhotoDropTarget : public QObject
{
    Q_OBJECT

public:
    /// Watches `widget` (and turns its drops on); lives as long as it.
    explicit PhotoDropTarget(QWidget *widget);

    /// The first local photo file (by extension) among the dropped URLs; empty when there is none.
    static QString photoIn(const QMimeData *mime);

Q_SIGNALS:
    void photoDropped(const QString &path);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
};

} // namespace clipfind
