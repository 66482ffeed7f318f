// SPDX-License-Identifier: MIT
#include "ui/messagebar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace clipfind {

MessageBar::MessageBar(QWidget *parent)
    : QFrame(parent)
    , m_label(new QLabel(this))
    , m_close(new QToolButton(this))
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse); // users copy error text into bug reports
    m_close->setAutoRaise(true);
    m_close->setIcon(QIcon::fromTheme(QStringLiteral("window-close")));
    m_close->setText(QStringLiteral("×"));
    m_close->setToolTip(tr("Close this message"));
    layout->addWidget(m_label, 1);
    layout->addWidget(m_close);
    connect(m_close, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void MessageBar::showMessage(const QString &text, Kind kind)
{
    m_kind = kind;
    QColor color;
    switch (kind) {
    case Kind::Information: color = QColor(61, 174, 233); break;
    case Kind::Warning: color = QColor(246, 116, 0); break;
    case Kind::Error: color = QColor(218, 68, 83); break;
    }
    QPalette pal = palette();
    pal.setColor(QPalette::Window, color.lighter(170));
    pal.setColor(QPalette::WindowText, Qt::black);
    setPalette(pal);
    m_label->setText(text);
    show();
}

QString MessageBar::text() const
{
    return isHidden() ? QString() : m_label->text();
}

} // namespace clipfind
