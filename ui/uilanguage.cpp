// SPDX-License-Identifier: MIT
#include "ui/uilanguage.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace clipfind {

QString installTranslations(const QLocale &locale)
{
    auto *app = QCoreApplication::instance();
    if (!app) {
        return {};
    }
    // QTranslator::load(locale, ...) tries each of the locale's UI languages, most specific first
    // (clipfind_zh_Hans_CN, clipfind_zh_CN, ...), so zh_SG or zh_Hans_CN find the zh_CN file too.
    auto *ours = new QTranslator(app);
    if (!ours->load(locale, QStringLiteral("clipfind"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        delete ours;
        return {};
    }
    QCoreApplication::installTranslator(ours);
    // Qt's own texts (the standard dialogs' buttons, the line edit's context menu): optional, from the system.
    auto *qt = new QTranslator(app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt);
    } else {
        delete qt;
    }
    return ours->language();
}

} // namespace clipfind
