// SPDX-License-Identifier: MIT
#include "core/clip/formats/jsontext.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <locale>
#include <sstream>
#include <string_view>
#include <unordered_set>

namespace clipfind::clip::json::detail {

bool parseDouble(const char *begin, const char *end, double *out)
{
#ifdef CLIPFIND_JSON_FLOAT_CHARCONV
    const auto res = std::from_chars(begin, end, *out);
    return res.ec == std::errc() && res.ptr == end;
#else
    std::istringstream in(std::string(begin, end));
    in.imbue(std::locale::classic());
    in >> *out;
    return !in.fail() && std::isfinite(*out);
#endif
}

void appendUtf8(std::string *s, uint32_t cp)
{
    if (cp < 0x80) {
        s->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        s->push_back(static_cast<char>(0xC0 | (cp >> 6)));
        s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        s->push_back(static_cast<char>(0xE0 | (cp >> 12)));
        s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        s->push_back(static_cast<char>(0xF0 | (cp >> 18)));
        s->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

/// Length of the valid UTF-8 sequence at `i` (1-4), or 0 when invalid (overlong, surrogate, > U+10FFFF).
size_t utf8Length(const std::string &s, size_t i)
{
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    const size_t left = s.size() - i;
    const auto cont = [&](size_t k) { return k < left && (b(i + k) & 0xC0) == 0x80; };
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2))
            return 0;
        const unsigned char c1 = b(i + 1);
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) // overlong, or a UTF-16 surrogate
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3))
            return 0;
        const unsigned char c1 = b(i + 1);
        if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) // overlong, or above U+10FFFF
            return 0;
        return 4;
    }
    return 0;
}

} // namespace clipfind::clip::json::detail
