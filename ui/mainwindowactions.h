// SPDX-License-Identifier: MIT
#pragma once

#include <QCoreApplication>
#include <QString>

class QAction;
class QMainWindow;
class QMenu;
class QMenuBar;
class QSlider;
class QWidget;

namespace clipfind {

/// The main window's commands: every QAction with its text, shortcut and tooltip, the menu bar they form and the
/// zoom slider. It only makes them; MainWindow connects them to what they do. The texts are the window's own
/// (translation context clipfind::MainWindow).
class MainWindowActions
{
    Q_DECLARE_TR_FUNCTIONS(clipfind::MainWindow)

public:
    /// Pixels one Zoom In / Zoom Out step changes the thumbnails by.
    static constexpr int kZoomStep = 32;

    /// Creates the actions as children of `window`.
    explicit MainWindowActions(QMainWindow *window);

    /// File, Edit, View, Tools and Help: every command is reachable with the keyboard.
    void fillMenuBar(QMenuBar *bar) const;
    /// Find Duplicates' tooltip: what it does, or `reason` why it cannot run yet (the entry stays enabled and says so
    /// when chosen: a greyed-out entry would not).
    void setDuplicatesUnavailable(const QString &reason) const;
    /// The thumbnail-size slider for the tool bar (Ctrl+Plus / Ctrl+Minus move it too).
    static QSlider *createZoomSlider(int value, QWidget *parent);

    QAction *open = nullptr;
    QMenu *recent = nullptr;
    QAction *rescan = nullptr;
    QAction *failures = nullptr;
    QAction *quit = nullptr;
    QAction *find = nullptr;
    /// Ctrl+C on a grid (a widget shortcut: in the search field Ctrl+C copies text).
    QAction *copyPath = nullptr;
    QAction *settings = nullptr;
    QAction *zoomIn = nullptr;
    QAction *zoomOut = nullptr;
    QAction *showFolders = nullptr;
    QAction *closeMatches = nullptr;
    QAction *sortByDate = nullptr;
    QAction *findDuplicates = nullptr;
    QAction *searchSyntax = nullptr;
};

} // namespace clipfind
