// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QWidget>

class QLabel;
class QPushButton;

namespace clipfind {

/// What the window knows when it decides between the results grid and a message.
struct PlaceholderState {
    bool loadingModel = false;
    bool hasModel = false;
    QString modelError;  ///< why the last model could not be used
    QString folder;      ///< the open folder; empty when none
    qint64 rows = -1;    ///< searchable photos; -1 while the folder's rows load
    bool hasQuery = false;
    int results = 0;
    QString searchError; ///< why the query gave nothing (a malformed query, a missing image term)
};

/// The page shown instead of the results grid: no model yet (with the model setup), a model loading, no folder
/// (with the folder choice), the folder opening, nothing typed yet, nothing found.
class PlaceholderPage : public QWidget
{
    Q_OBJECT

public:
    explicit PlaceholderPage(QWidget *parent = nullptr);

    /// The message for `state` (rich text), empty when the grid has something to show.
    static QString textFor(const PlaceholderState &state);

    /// Shows the message and buttons of `state`; false when there is nothing to say (the grid shows instead).
    bool showState(const PlaceholderState &state);
    QString text() const;
    QPushButton *modelSetupButton() const { return m_setupButton; }

Q_SIGNALS:
    void modelSetupRequested();
    void chooseFolderRequested();

private:
    QLabel *m_text;
    QPushButton *m_setupButton;
    QPushButton *m_chooseButton;
};

} // namespace clipfind
