// SPDX-License-Identifier: MIT
#include "ui/mainwindowactions.h"

#include "ui/appsettings.h"

#include <QAction>
#include <QIcon>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QSlider>

namespace clipfind {

namespace {

QAction *makeAction(QObject *parent, const char *icon, const QString &text)
{
    return new QAction(icon ? QIcon::fromTheme(QLatin1String(icon)) : QIcon(), text, parent);
}

QAction *makeToggle(QObject *parent, const QString &text, const QString &toolTip)
{
    auto *action = new QAction(text, parent);
    action->setCheckable(true);
    action->setToolTip(toolTip);
    return action;
}

} // namespace

MainWindowActions::MainWindowActions(QMainWindow *window)
{
    open = makeAction(window, "folder-open", tr("&Open Folder…"));
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Choose the photo folder to browse and search (Ctrl+O)"));
    recent = new QMenu(tr("Open &Recent"), window);
    open->setMenu(recent);
    rescan = makeAction(window, "view-refresh", tr("&Rescan Folder"));
    rescan->setShortcut(QKeySequence::Refresh);
    failures = makeAction(window, nullptr, tr("Show &Unreadable Photos…"));
    quit = makeAction(window, "application-exit", tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);

    find = makeAction(window, "edit-find", tr("&Find"));
    find->setShortcuts({QKeySequence::Find, QKeySequence(Qt::CTRL | Qt::Key_L)});
    copyPath = makeAction(window, "edit-copy", tr("Copy &Path"));
    copyPath->setShortcut(QKeySequence::Copy);
    copyPath->setShortcutContext(Qt::WidgetShortcut);
    settings = makeAction(window, "configure", tr("&Settings…"));
    settings->setShortcut(QKeySequence::Preferences);

    zoomIn = makeAction(window, "zoom-in", tr("Zoom &In"));
    zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    zoomOut = makeAction(window, "zoom-out", tr("Zoom &Out"));
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    showFolders = makeToggle(window, tr("Show &Folders"),
                             tr("The folder tree: choose a folder to browse and search only there (F9)"));
    showFolders->setShortcut(QKeySequence(Qt::Key_F9));
    closeMatches =
        makeToggle(window, tr("Only &Close Matches"), tr("Keep only the results whose score is close to the best one"));
    sortByDate =
        makeToggle(window, tr("Sort by &Date"), tr("Newest first (date taken, else file date) instead of best first"));

    findDuplicates = makeAction(window, "edit-find-replace", tr("Find &Duplicates…"));
    findDuplicates->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    searchSyntax = makeAction(window, nullptr, tr("&Search Syntax"));
}

void MainWindowActions::fillMenuBar(QMenuBar *bar) const
{
    QMenu *file = bar->addMenu(tr("&File"));
    file->addAction(open);
    file->addMenu(recent);
    file->addAction(rescan);
    file->addAction(failures);
    file->addSeparator();
    file->addAction(quit);

    QMenu *edit = bar->addMenu(tr("&Edit"));
    edit->addAction(find);
    edit->addAction(copyPath);
    edit->addSeparator();
    edit->addAction(settings);

    QMenu *view = bar->addMenu(tr("&View"));
    view->addAction(zoomIn);
    view->addAction(zoomOut);
    view->addSeparator();
    view->addAction(showFolders);
    view->addSeparator();
    view->addAction(closeMatches);
    view->addAction(sortByDate);

    QMenu *tools = bar->addMenu(tr("&Tools"));
    tools->setToolTipsVisible(true); // the tooltip says why Find Duplicates cannot run yet
    tools->addAction(findDuplicates);

    QMenu *help = bar->addMenu(tr("&Help"));
    help->addAction(searchSyntax);
}

void MainWindowActions::setDuplicatesUnavailable(const QString &reason) const
{
    const QString about =
        tr("Groups of near-identical photos in the folder browsed now; move the extra copies to the trash");
    findDuplicates->setToolTip(reason.isEmpty() ? about : reason);
    findDuplicates->setStatusTip(findDuplicates->toolTip());
}

QSlider *MainWindowActions::createZoomSlider(int value, QWidget *parent)
{
    auto *slider = new QSlider(Qt::Horizontal, parent);
    slider->setRange(AppSettings::kMinThumbnail, AppSettings::kMaxThumbnail);
    slider->setSingleStep(16);
    slider->setPageStep(kZoomStep);
    slider->setMaximumWidth(140);
    slider->setToolTip(tr("Thumbnail size (Ctrl+Plus / Ctrl+Minus)"));
    slider->setAccessibleName(tr("Thumbnail size"));
    slider->setValue(value);
    return slider;
}

} // namespace clipfind
