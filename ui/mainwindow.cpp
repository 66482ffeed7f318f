// SPDX-License-Identifier: MIT
#include "ui/mainwindow.h"

#include <QAction>
#include <QFileDialog>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

namespace clipfind {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("ClipFind"));
    resize(1000, 700);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    m_search = new QLineEdit(central);
    m_search->setPlaceholderText(tr("Describe a photo, e.g. \"sunset at the beach\""));
    m_search->setClearButtonEnabled(true);
    layout->addWidget(m_search);
    m_folderLabel = new QLabel(tr("No folder chosen. Use File › Open Folder… (Ctrl+O)."), central);
    m_folderLabel->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_folderLabel, 1);
    setCentralWidget(central);

    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *open = fileMenu->addAction(tr("&Open Folder…"), this, &MainWindow::chooseFolder);
    open->setShortcut(QKeySequence::Open);
    fileMenu->addSeparator();
    QAction *quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QAction *focusSearch = new QAction(this);
    focusSearch->setShortcut(QKeySequence::Find);
    connect(focusSearch, &QAction::triggered, m_search, [this] { m_search->setFocus(); m_search->selectAll(); });
    addAction(focusSearch);

    statusBar()->showMessage(tr("Ready"));
}

void MainWindow::chooseFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Choose a folder of photos"));
    if (!folder.isEmpty()) {
        m_folderLabel->setText(folder);
        statusBar()->showMessage(tr("Folder: %1").arg(folder));
    }
}

} // namespace clipfind
