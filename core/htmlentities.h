// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace clipfind {

/// Looks up an HTML5 named character reference (Python's html.entities.html5), e.g. "amp;" -> "&".
/// `name` excludes the leading '&' and includes the trailing ';' when present. Returns a null QString when unknown.
QString htmlEntity(const QString &name);

/// Longest legacy (semicolon-less) entity name that is a prefix of `text`; returns its length, 0 if none.
int longestLegacyEntityPrefix(const QString &text);

} // namespace clipfind
