// SPDX-License-Identifier: MIT
#include "ui/previewdialog.h"

#include <QGuiApplication>
#include <QImageReader>
#include <QKeyEvent>
#include <QLabel>
#include <QPixmap>
#include <QPointer>
#include <QScreen>
#include <QThreadPool>
#include <QVBoxLayout>

namespace clipfind {

PreviewDialog::PreviewDialog(QWidget *parent)
    : QDialog(parent), m_image(new QLabel(this)), m_caption(new QLabel(this))
{
    setWindowTitle(tr("Preview"));
    auto *layout = new QVBoxLayout(this);
    m_image->setAlignment(Qt::AlignCenter);
    m_image->setMinimumSize(200, 150);
    m_image->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    m_caption->setAlignment(Qt::AlignCenter);
    m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_image, 1);
    layout->addWidget(m_caption);
    const QScreen *screen = parent ? parent->screen() : QGuiApplication::primaryScreen();
    const QSize available = screen ? screen->availableSize() : QSize(1280, 800);
    resize(available * 0.7);
}

PreviewDialog::~PreviewDialog() = default;

void PreviewDialog::showPhoto(const QString &path, const QString &caption)
{
    m_path = path;
    m_caption->setText(caption);
    m_loaded = {};
    m_image->setText(tr("Loading…"));
    const quint64 request = ++m_request;
    const QScreen *screen = this->screen();
    const QSize bound = (screen ? screen->size() : QSize(1920, 1080)) * (screen ? screen->devicePixelRatio() : 1.0);
    QPointer<PreviewDialog> self(this);
    QThreadPool::globalInstance()->start([self, request, path, bound] {
        QImageReader reader(path);
        reader.setAutoTransform(true);
        const QSize size = reader.size();
        if (size.isValid() && (size.width() > bound.width() || size.height() > bound.height())) {
            reader.setScaledSize(size.scaled(bound, Qt::KeepAspectRatio)); // JPEG decodes at reduced scale
        }
        QImage image = reader.read();
        const QString error = image.isNull() ? reader.errorString() : QString();
        QMetaObject::invokeMethod(
            QGuiApplication::instance(),
            [self, request, image, error] {
                if (!self || request != self->m_request) {
                    return;
                }
                self->m_loaded = image;
                if (image.isNull()) {
                    self->m_image->setText(tr("Cannot show this photo: %1").arg(error));
                } else {
                    self->updatePixmap();
                }
            },
            Qt::QueuedConnection);
    });
}

void PreviewDialog::updatePixmap()
{
    if (m_loaded.isNull()) {
        return;
    }
    const qreal ratio = devicePixelRatioF();
    QPixmap pixmap = QPixmap::fromImage(
        m_loaded.scaled(m_image->size() * ratio, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    pixmap.setDevicePixelRatio(ratio);
    m_image->setPixmap(pixmap);
}

void PreviewDialog::resizeEvent(QResizeEvent *event)
{
    QDialog::resizeEvent(event);
    updatePixmap();
}

void PreviewDialog::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Space:
    case Qt::Key_Return:
    case Qt::Key_Enter:
        accept();
        return;
    case Qt::Key_Left:
        Q_EMIT neighbourRequested(-1);
        return;
    case Qt::Key_Right:
        Q_EMIT neighbourRequested(1);
        return;
    default:
        QDialog::keyPressEvent(event);
    }
}

} // namespace clipfind
