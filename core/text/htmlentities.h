// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <string_view>

namespace clipfind {

/// Looks up an HTML5 named character reference (Python's html.entities.html5), e.g. "amp;" -> "&".
/// `name` excludes the leading '&' and includes the trailing ';' when present. Returns a null QString when unknown.
QString htmlEntity(const QString &name);

/// Longest legacy (semicolon-less) entity name that is a prefix of `text`; returns its length, 0 if none.
int longestLegacyEntityPrefix(const QString &text);

/// The same two look-ups on code points, for the text cleaner, which works on UTF-32 and would otherwise
/// build a QString per candidate. htmlEntityUtf8 returns the UTF-8 value, nullptr when unknown.
const char *htmlEntityUtf8(std::u32string_view name);
int longestLegacyEntityPrefix(std::u32string_view text);

} // namespace clipfind
