// SPDX-License-Identifier: MIT
#include "ui/mainwindow.h"

#include <QApplication>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ClipFind"));
    QApplication::setOrganizationName(QStringLiteral("ClipFind"));
    clipfind::MainWindow window;
    window.show();
    return QApplication::exec();
}
