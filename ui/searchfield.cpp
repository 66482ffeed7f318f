// SPDX-License-Identifier: MIT
#include "ui/searchfield.h"

#include <QAction>
#include <QKeyEvent>
#include <QPainter>

namespace clipfind {

namespace {

// A gear, for themes without a "configure" icon, in the text color.
QIcon setupIcon(const QColor &color)
{
    const QIcon themed = QIcon::fromTheme(QStringLiteral("configure"));
    if (!themed.isNull()) {
        return themed;
    }
    QPixmap pixmap(32, 32);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.translate(16, 16);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    for (int tooth = 0; tooth < 8; ++tooth) {
        painter.save();
        painter.rotate(tooth * 45.0);
        painter.drawRoundedRect(QRectF(-3, -14, 6, 8), 1.5, 1.5);
        painter.restore();
    }
    painter.drawEllipse(QPointF(0, 0), 10, 10);
    painter.setCompositionMode(QPainter::CompositionMode_Clear);
    painter.drawEllipse(QPointF(0, 0), 4, 4);
    return QIcon(pixmap);
}

} // namespace

SearchField::SearchField(QWidget *parent)
    : QLineEdit(parent)
    , m_setupAction(new QAction(this))
{
    setClearButtonEnabled(true);
    setAccessibleName(tr("Search"));
    setMinimumWidth(320);
    m_setupAction->setIcon(setupIcon(palette().color(QPalette::Text)));
    m_setupAction->setText(tr("Set up a model…"));
    m_setupAction->setToolTip(tr("Searching needs a CLIP model: download one or choose a file"));
    addAction(m_setupAction, QLineEdit::TrailingPosition);
    connect(m_setupAction, &QAction::triggered, this, &SearchField::modelSetupRequested);
    setReadiness(Readiness::Ready);
    connect(this, &QLineEdit::textEdited, this, &SearchField::queryEdited);
    connect(this, &QLineEdit::returnPressed, this, [this] { Q_EMIT searchNowRequested(text()); });
    connect(this, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty()) {
            Q_EMIT searchNowRequested(QString()); // the clear button and Esc
        }
    });
}

void SearchField::setReadiness(Readiness readiness)
{
    m_readiness = readiness;
    m_setupAction->setVisible(readiness == Readiness::NeedsModel);
    switch (readiness) {
    case Readiness::Ready:
        // The examples are in the languages the model understands: OpenAI's CLIP knows English only, so even the
        // Chinese interface shows English examples then.
        setPlaceholderText(
            m_multilingual ? tr("Describe a photo in any language: “海边的日落”, “sunset at the beach”, “dog + snow”")
                           : tr("Describe a photo: “sunset at the beach”, “dog + snow”, “beach - people”"));
        break;
    case Readiness::NeedsModel: setPlaceholderText(tr("Search needs a model — Set up…")); break;
    case Readiness::LoadingModel:
        setPlaceholderText(tr("Loading the model… type away: the search runs when it is ready"));
        break;
    }
}

void SearchField::setMultilingualHint(bool multilingual)
{
    m_multilingual = multilingual;
    setReadiness(m_readiness);
}

QString SearchField::syntaxHelp()
{
    return tr("Describe what you look for: <i>a dog in the snow</i>. Combine with + and -: <i>beach - people</i>. "
              "Weigh a term: <i>2:sunset + beach</i>. Use a photo as a term: drop it on the window, or type its "
              "path: <i>\"/photos/kitchen.jpg\" + christmas</i>.");
}

void SearchField::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape && !text().isEmpty()) {
        clear();
        return;
    }
    if (event->key() == Qt::Key_Down || event->key() == Qt::Key_PageDown) {
        Q_EMIT downRequested(); // from typing straight into the photos
        return;
    }
    QLineEdit::keyPressEvent(event);
}

} // namespace clipfind
