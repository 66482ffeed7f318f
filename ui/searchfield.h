// SPDX-License-Identifier: MIT
#pragma once

#include <QLineEdit>

namespace clipfind {

/// The search field: what the user types is searched as they type (queryEdited), at once on Enter or when the
/// field is cleared (searchNowRequested). Esc clears it; Down or Page Down asks to move into the results.
class SearchField : public QLineEdit
{
    Q_OBJECT

public:
    explicit SearchField(QWidget *parent = nullptr);

    /// The query syntax in a sentence or three (rich text), for the Help menu.
    static QString syntaxHelp();

Q_SIGNALS:
    void queryEdited(const QString &text);
    void searchNowRequested(const QString &text);
    void downRequested();

protected:
    void keyPressEvent(QKeyEvent *event) override;
};

} // namespace clipfind
