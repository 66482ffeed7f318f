// SPDX-License-Identifier: MIT
#include "core/text/htmlentities.h"

#include <QList>

#include <algorithm>
#include <iterator>
#include <string>

namespace clipfind {

namespace {

struct HtmlEntity {
    const char *name;
    const char *value; // UTF-8
};

// Generated from Python's html.entities.html5 (scripts/gen_html_entities.py), sorted by name bytes.
constexpr HtmlEntity kEntities[] = {
#include "core/text/htmlentities_table.inc"
};

// Every legacy name (no ';') is 2..6 characters long ("lt" .. "frac12"); the lookup below relies on it
// only to bound the loop, the table decides.
constexpr size_t kMaxLegacyLength = 6;
constexpr size_t kMinLegacyLength = 2;

std::u32string toU32(const QString &text)
{
    const QList<uint> ucs4 = text.toUcs4();
    return std::u32string(ucs4.cbegin(), ucs4.cend());
}

} // namespace

const char *htmlEntityUtf8(std::u32string_view name)
{
    std::string ascii;
    ascii.reserve(name.size());
    for (const char32_t c : name) {
        if (c >= 0x80) { // every entity name is ASCII
            return nullptr;
        }
        ascii.push_back(char(c));
    }
    const auto it =
        std::lower_bound(std::begin(kEntities), std::end(kEntities), ascii,
                         [](const HtmlEntity &e, const std::string &n) { return std::string_view(e.name) < n; });
    if (it == std::end(kEntities) || it->name != ascii) {
        return nullptr;
    }
    return it->value;
}

QString htmlEntity(const QString &name)
{
    const char *value = htmlEntityUtf8(toU32(name));
    return value ? QString::fromUtf8(value) : QString();
}

int longestLegacyEntityPrefix(std::u32string_view text)
{
    for (size_t length = std::min(text.size(), kMaxLegacyLength); length >= kMinLegacyLength; --length) {
        const std::u32string_view prefix = text.substr(0, length);
        // With a ';' the candidate would be a non-legacy name such as "lt;".
        if (prefix.find(U';') == std::u32string_view::npos && htmlEntityUtf8(prefix)) {
            return int(length);
        }
    }
    return 0;
}

int longestLegacyEntityPrefix(const QString &text)
{
    return longestLegacyEntityPrefix(toU32(text));
}

} // namespace clipfind
