// SPDX-License-Identifier: MIT
#include "ui/searchfield.h"

#include <QKeyEvent>

namespace clipfind {

SearchField::SearchField(QWidget *parent)
    : QLineEdit(parent)
{
    setPlaceholderText(tr("Describe a photo: “sunset at the beach”, “dog + snow”, “beach - people”"));
    setClearButtonEnabled(true);
    setAccessibleName(tr("Search"));
    setMinimumWidth(320);
    connect(this, &QLineEdit::textEdited, this, &SearchField::queryEdited);
    connect(this, &QLineEdit::returnPressed, this, [this] { Q_EMIT searchNowRequested(text()); });
    connect(this, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty()) {
            Q_EMIT searchNowRequested(QString()); // the clear button and Esc
        }
    });
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
        Q_EMIT downRequested(); // from typing straight into the results
        return;
    }
    QLineEdit::keyPressEvent(event);
}

} // namespace clipfind
