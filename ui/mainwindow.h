// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>

class QLabel;
class QLineEdit;

namespace clipfind {

/// The main window. For now: the search field, the folder choice and the status line; the results grid,
/// indexing and search arrive with their issues. Shows and forwards; core decides.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

private:
    void chooseFolder();

    QLineEdit *m_search = nullptr;
    QLabel *m_folderLabel = nullptr;
};

} // namespace clipfind
