// SPDX-License-Identifier: MIT
#include "ui/photodroptarget.h"

#include "core/scan/photoscanner.h"

#include <QDropEvent>
#include <QMimeData>
#include <QUrl>
#include <QWidget>

namespace clipfind {

PhotoDropTarget::PhotoDropTarget(QWidget *widget)
    : QObject(widget)
{
    widget->setAcceptDrops(true);
    widget->installEventFilter(this);
}

QString PhotoDropTarget::photoIn(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls()) {
        return {};
    }
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile() && isPhotoFileName(url.toLocalFile())) {
            return url.toLocalFile();
        }
    }
    return {};
}

bool PhotoDropTarget::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::DragEnter) {
        auto *enter = static_cast<QDragEnterEvent *>(event);
        // Our own drags (results dragged out) must not search when they come back over the window.
        if (enter->source() == nullptr && !photoIn(enter->mimeData()).isEmpty()) {
            enter->acceptProposedAction();
            return true;
        }
    } else if (event->type() == QEvent::Drop) {
        auto *drop = static_cast<QDropEvent *>(event);
        const QString path = photoIn(drop->mimeData());
        if (!path.isEmpty()) {
            drop->acceptProposedAction();
            Q_EMIT photoDropped(path);
            return true;
        }
    }
    return QObject::eventFilter(watched, event);
}

} // namespace clipfind
