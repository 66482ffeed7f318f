// SPDX-License-Identifier: MIT
#include "ui/previewdialog.h"

#include "core/photolibrary.h"

#include <QGuiApplication>
#include <QKeyEvent>
#include <QLabel>
#include <QPixmap>
#include <QScreen>
#include <QVBoxLayout>

namespace clipfind {

PreviewDialog::PreviewDialog(PhotoLibrary *library, QWidget *parent)
    : QDialog(parent)
    , m_library(library)
    , m_image(new QLabel(this))
    , m_caption(new QLabel(this))
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
    connect(&m_decoding, &QFutureWatcher<DecodedImage>::finished, this, &PreviewDialog::showDecoded);
}

PreviewDialog::~PreviewDialog() = default;

void PreviewDialog::showPhoto(const QString &path, const QString &caption)
{
    m_path = path;
    m_caption->setText(caption);
    m_loaded = {};
    m_image->setText(tr("Loading…"));
    const QScreen *screen = this->screen();
    const QSize bound = (screen ? screen->size() : QSize(1920, 1080)) * (screen ? screen->devicePixelRatio() : 1.0);
    m_decoding.setFuture(m_library->decodePhoto(path, bound)); // JPEG decodes at reduced scale
}

void PreviewDialog::showDecoded()
{
    if (!m_decoding.future().isFinished()) {
        return; // the end of a photo replaced since, reported late
    }
    const DecodedImage decoded = m_decoding.result();
    m_loaded = decoded.image;
    if (m_loaded.isNull()) {
        m_image->setText(tr("Cannot show this photo: %1").arg(decoded.error));
    } else {
        updatePixmap();
    }
}

void PreviewDialog::updatePixmap()
{
    if (m_loaded.isNull()) {
        return;
    }
    const qreal ratio = devicePixelRatioF();
    QPixmap pixmap =
        QPixmap::fromImage(m_loaded.scaled(m_image->size() * ratio, Qt::KeepAspectRatio, Qt::SmoothTransformation));
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
    case Qt::Key_Enter: accept(); return;
    case Qt::Key_Left: Q_EMIT neighbourRequested(-1); return;
    case Qt::Key_Right: Q_EMIT neighbourRequested(1); return;
    default: QDialog::keyPressEvent(event);
    }
}

} // namespace clipfind
