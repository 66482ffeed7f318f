// SPDX-License-Identifier: MIT
#include "core/encode/texttower.h"

#include <algorithm>

namespace clipfind {

QString textTowerChoiceName(TextTowerChoice choice)
{
    switch (choice) {
    case TextTowerChoice::Auto: return QStringLiteral("auto");
    case TextTowerChoice::Clip: return QStringLiteral("clip");
    case TextTowerChoice::Multilingual: return QStringLiteral("multilingual");
    }
    return QStringLiteral("auto");
}

bool parseTextTowerChoice(const QString &name, TextTowerChoice *choice)
{
    for (const TextTowerChoice candidate :
         {TextTowerChoice::Auto, TextTowerChoice::Clip, TextTowerChoice::Multilingual}) {
        if (name == textTowerChoiceName(candidate)) {
            *choice = candidate;
            return true;
        }
    }
    return false;
}

bool usesMultilingualTower(TextTowerChoice choice, const QString &text)
{
    switch (choice) {
    case TextTowerChoice::Clip: return false;
    case TextTowerChoice::Multilingual: return true;
    case TextTowerChoice::Auto: break;
    }
    // CLIP's BPE was trained on English web text: anything beyond ASCII (accents, CJK, Cyrillic, emoji) is taken as
    // another language. Typographic quotes and dashes that keyboards put into English text do not count.
    return std::any_of(text.cbegin(), text.cend(), [](QChar c) {
        const char16_t u = c.unicode();
        const bool typographic =
            (u >= 0x2018 && u <= 0x201F) || u == 0x2013 || u == 0x2014 || u == 0x2026 || u == 0x00A0;
        return u > 0x7F && !typographic;
    });
}

} // namespace clipfind
