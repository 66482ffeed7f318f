// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QWidget>

class QLabel;
class QPushButton;

namespace clipfind {

/// What the window knows when it decides between the photos and a message.
struct PlaceholderState {
    bool loadingModel = false;
    bool hasModel = false;
    QString modelError;   ///< why the last model could not be used
    QString folder;       ///< the open folder; empty when none
    qint64 photos = -1;   ///< photos the browser lists; -1 until its first listing arrives
    QString listingError; ///< why the folder cannot be listed
    qint64 rows = -1;     ///< searchable photos; -1 while the folder's rows load
    bool hasQuery = false;
    QString query;
    bool resultsPending = false; ///< the query's results have not arrived yet
    int results = 0;
    QString searchError; ///< why the query gave nothing (a malformed query, a missing image term)
};

/// The page shown instead of the photos: no folder (with the folder choice, and the model setup while there is no
/// model), the folder opening or empty, and for a query: no model (with the setup), the model loading, nothing
/// indexed yet, nothing found.
class PlaceholderPage : public QWidget
{
    Q_OBJECT

public:
    explicit PlaceholderPage(QWidget *parent = nullptr);

    /// The message for `state` (rich text), empty when a grid has something to show (the browse view without a
    /// query, the results with one).
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
