// SPDX-License-Identifier: MIT
#pragma once

#include <QLocale>
#include <QString>

namespace clipfind {

/// Installs the interface's translation for the locale's languages (by default the system's: LANG=zh_CN.UTF-8 gives
/// Simplified Chinese), from the .qm files compiled into the binary (translations/), together with Qt's own
/// translation of its standard buttons and dialogs when the system has it (Debian: qt6-translations-l10n). Without
/// a ClipFind translation for the locale the interface stays in English (the source texts) and nothing is
/// installed. Call once, after the QCoreApplication exists. Returns the language loaded ("zh_CN"), else empty.
QString installTranslations(const QLocale &locale = QLocale::system());

} // namespace clipfind
