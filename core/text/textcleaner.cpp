// SPDX-License-Identifier: MIT
// Why this file is long: ftfy's fix_text and CLIP's basic_clean/whitespace_clean ported step by step, in the order of
// the Python code, so each step can be compared with the original.
#include "core/text/textcleaner.h"

#include "core/text/htmlentities.h"

#include <QList>

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <string>

namespace clipfind {

namespace {

using U32 = std::u32string;

// Everything below works on code points: Python's str (which the reference operates on) counts them,
// e.g. html.unescape's 32-character name limit and ftfy's line segments.
U32 toU32(const QString &text)
{
    const QList<uint> ucs4 = text.toUcs4(); // unpaired surrogates become U+FFFD, as ftfy's fix_surrogates does
    return U32(ucs4.cbegin(), ucs4.cend());
}

QString fromU32(const U32 &text)
{
    // Not QString::fromUcs4: its UTF-32 decoder drops a leading U+FEFF as a byte order mark.
    QString out;
    out.reserve(qsizetype(text.size()));
    for (const char32_t c : text) {
        if (QChar::requiresSurrogates(c)) {
            out.append(QChar(QChar::highSurrogate(c)));
            out.append(QChar(QChar::lowSurrogate(c)));
        } else {
            out.append(QChar(char16_t(c)));
        }
    }
    return out;
}

icu::UnicodeString toIcu(const U32 &text)
{
    icu::UnicodeString out;
    for (const char32_t c : text) {
        out.append(UChar32(c));
    }
    return out;
}

U32 fromIcu(const icu::UnicodeString &text)
{
    U32 out;
    out.reserve(size_t(text.length()));
    for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
        out.push_back(char32_t(text.char32At(i)));
    }
    return out;
}

// Entity values (valid UTF-8 from the HTML5 table), decoded without a detour through ICU: nested escapes make
// hundreds of thousands of these per megabyte.
void appendFromUtf8(U32 &out, const char *utf8)
{
    for (const unsigned char *p = reinterpret_cast<const unsigned char *>(utf8); *p;) {
        const int extra = *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2 : *p >= 0xC0 ? 1 : 0;
        char32_t c = extra ? *p & (0x3F >> extra) : *p;
        ++p;
        for (int i = 0; i < extra && (*p & 0xC0) == 0x80; ++i, ++p) {
            c = (c << 6) | (*p & 0x3F);
        }
        out.push_back(c);
    }
}

bool isAsciiDigit(char32_t c)
{
    return c >= U'0' && c <= U'9';
}
bool isAsciiLetter(char32_t c)
{
    return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
}
bool isAsciiHexDigit(char32_t c)
{
    return isAsciiDigit(c) || (c >= U'a' && c <= U'f') || (c >= U'A' && c <= U'F');
}

// The characters html.unescape's name pattern `[^\t\n\f <&#;]` excludes.
bool isNameStop(char32_t c)
{
    return c == U'\t' || c == U'\n' || c == U'\f' || c == U' ' || c == U'<' || c == U'&' || c == U'#' || c == U';';
}

// Python's str.isspace(): White_Space plus U+001C..U+001F (bidi class B/S, not White_Space).
bool isPythonSpace(char32_t c)
{
    return u_isUWhiteSpace(UChar32(c)) || (c >= 0x1C && c <= 0x1F);
}

// Windows-1252 for 0x80..0x9F, with the five undefined bytes kept as the C1 code point. This is both
// ftfy's "sloppy-windows-1252" (fix_c1_controls) and the 0x80..0x9F part of html's _invalid_charrefs.
constexpr char16_t kCp1252High[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                      0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

// Python html._invalid_codepoints: numeric references to these produce nothing.
bool isInvalidCodePoint(uint32_t c)
{
    return (c >= 0x01 && c <= 0x08) || c == 0x0B || (c >= 0x0E && c <= 0x1F) || (c >= 0x7F && c <= 0x9F)
           || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

// html._replace_charref for numeric references; `value` is saturated above 0x10FFFF by the caller.
void appendNumericReference(U32 &out, uint32_t value)
{
    if (value == 0x00) {
        out.push_back(0xFFFD);
    } else if (value == 0x0D) {
        out.push_back(U'\r');
    } else if (value >= 0x80 && value <= 0x9F) {
        out.push_back(kCp1252High[value - 0x80]);
    } else if ((value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) {
        out.push_back(0xFFFD);
    } else if (!isInvalidCodePoint(value)) {
        out.push_back(char32_t(value));
    }
}

// Python's html.unescape, i.e. re.sub of
//   &(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)
// with _replace_charref.
U32 pythonHtmlUnescape(std::u32string_view text)
{
    if (text.find(U'&') == std::u32string_view::npos) {
        return U32(text);
    }
    U32 out;
    out.reserve(text.size());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
        if (text[i] != U'&') {
            out.push_back(text[i++]);
            continue;
        }
        const size_t start = i + 1;
        if (start < n && text[start] == U'#') {
            size_t k = start + 1;
            const bool hex = k + 1 < n && (text[k] == U'x' || text[k] == U'X') && isAsciiHexDigit(text[k + 1]);
            if (hex) {
                ++k;
            }
            const size_t digits = k;
            uint32_t value = 0;
            for (; k < n && (hex ? isAsciiHexDigit(text[k]) : isAsciiDigit(text[k])); ++k) {
                const char32_t c = text[k];
                const uint32_t digit = isAsciiDigit(c) ? c - U'0' : (c | 0x20) - U'a' + 10;
                // Saturate: Python's int is unbounded, and anything above 0x10FFFF gives U+FFFD.
                value = value > 0x10FFFF ? value : value * (hex ? 16 : 10) + digit;
            }
            if (k == digits) { // "&#" not followed by a number: no match at this '&'
                out.push_back(text[i++]);
                continue;
            }
            if (k < n && text[k] == U';') {
                ++k;
            }
            appendNumericReference(out, value);
            i = k;
            continue;
        }
        size_t k = start;
        while (k < n && k - start < 32 && !isNameStop(text[k])) {
            ++k;
        }
        if (k == start) {
            out.push_back(text[i++]);
            continue;
        }
        if (k < n && text[k] == U';') {
            ++k;
        }
        const std::u32string_view name(text.data() + start, k - start);
        if (const char *value = htmlEntityUtf8(name)) {
            appendFromUtf8(out, value);
        } else if (const size_t prefix = size_t(longestLegacyEntityPrefix(name))) {
            appendFromUtf8(out, htmlEntityUtf8(name.substr(0, prefix)));
            out.append(name.substr(prefix));
        } else {
            out.append(text.substr(i, k - i));
        }
        i = k;
    }
    return out;
}

// ftfy.fixes.unescape_html: only `&#?[0-9A-Za-z]{1,24};` is touched; names must match an HTML5 entity
// with ';' exactly, or be the all-caps form of an all-lowercase one that html.unescape would leave alone
// (ftfy's chardata.HTML_ENTITIES, e.g. "&NTILDE;" -> "Ñ"); numeric ones must be consumed whole.
U32 ftfyUnescapeHtml(const U32 &text)
{
    if (text.find(U'&') == U32::npos) {
        return text;
    }
    U32 out;
    out.reserve(text.size());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
        if (text[i] != U'&') {
            out.push_back(text[i++]);
            continue;
        }
        const bool numeric = i + 1 < n && text[i + 1] == U'#';
        const size_t start = i + (numeric ? 2 : 1);
        size_t k = start;
        while (k < n && (isAsciiDigit(text[k]) || isAsciiLetter(text[k]))) {
            ++k;
        }
        if (k == start || k - start > 24 || k >= n || text[k] != U';') {
            out.push_back(text[i++]);
            continue;
        }
        const std::u32string_view match = std::u32string_view(text).substr(i, k + 1 - i);
        if (numeric) {
            const U32 unescaped = pythonHtmlUnescape(match);
            if (unescaped.find(U';') == U32::npos) {
                out += unescaped;
            } else {
                out += match;
            }
        } else if (const char *value = htmlEntityUtf8(match.substr(1))) {
            appendFromUtf8(out, value);
        } else {
            U32 lower(match.substr(1));
            bool hasLowercase = false;
            for (char32_t &c : lower) {
                hasLowercase = hasLowercase || (c >= U'a' && c <= U'z');
                c = (c >= U'A' && c <= U'Z') ? c + 0x20 : c;
            }
            const char *lowerValue = hasLowercase ? nullptr : htmlEntityUtf8(lower);
            if (lowerValue && pythonHtmlUnescape(match) == match) {
                out += fromIcu(icu::UnicodeString::fromUTF8(lowerValue).toUpper(icu::Locale::getRoot()));
            } else {
                out += match;
            }
        }
        i = k + 1;
    }
    return out;
}

// ftfy.fixes.fix_character_width: U+3000 and the NFKC forms of U+FF01..U+FFEF.
const U32 *characterWidthReplacement(char32_t c)
{
    static const std::array<U32, 0xFFF0 - 0xFF01> table = [] {
        std::array<U32, 0xFFF0 - 0xFF01> result;
        UErrorCode status = U_ZERO_ERROR;
        const icu::Normalizer2 *nfkc = icu::Normalizer2::getNFKCInstance(status);
        for (char32_t c = 0xFF01; c < 0xFFF0; ++c) {
            const U32 normalized =
                U_SUCCESS(status) ? fromIcu(nfkc->normalize(icu::UnicodeString(UChar32(c)), status)) : U32();
            if (U_SUCCESS(status) && normalized != U32(1, c)) {
                result[c - 0xFF01] = normalized;
            }
        }
        return result;
    }();
    static const U32 ideographicSpace = U" ";
    if (c == 0x3000) {
        return &ideographicSpace;
    }
    if (c >= 0xFF01 && c < 0xFFF0 && !table[c - 0xFF01].empty()) {
        return &table[c - 0xFF01];
    }
    return nullptr;
}

// ftfy.fixes.fix_latin_ligatures (chardata.LIGATURES).
const char32_t *ligatureReplacement(char32_t c)
{
    switch (c) {
    case 0x0132: return U"IJ";
    case 0x0133: return U"ij";
    case 0x0149: return U"\u02BCn";
    case 0x01F1: return U"DZ";
    case 0x01F2: return U"Dz";
    case 0x01F3: return U"dz";
    case 0x01C4: return U"D\u017D";
    case 0x01C5: return U"D\u017E";
    case 0x01C6: return U"d\u017E";
    case 0x01C7: return U"LJ";
    case 0x01C8: return U"Lj";
    case 0x01C9: return U"lj";
    case 0x01CA: return U"NJ";
    case 0x01CB: return U"Nj";
    case 0x01CC: return U"nj";
    case 0xFB00: return U"ff";
    case 0xFB01: return U"fi";
    case 0xFB02: return U"fl";
    case 0xFB03: return U"ffi";
    case 0xFB04: return U"ffl";
    case 0xFB05: return U"\u017Ft";
    case 0xFB06: return U"st";
    default: return nullptr;
    }
}

// ftfy.fixes.remove_control_chars (chardata.CONTROL_CHARS).
bool isFtfyControlChar(char32_t c)
{
    return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F || (c >= 0x206A && c <= 0x206F)
           || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
}

// One round of ftfy.fix_and_explain on a segment without fix_encoding (see the header). The passes run
// one after the other over the whole segment, in ftfy's order, because a later one must see what an
// earlier one produced (0x91 -> U+2018 -> "'", "ŉ" -> "ʼn" -> "'n") and never the other way round.
U32 ftfyFixOnce(const U32 &segment, bool unescapeHtml)
{
    U32 text = unescapeHtml ? ftfyUnescapeHtml(segment) : segment;
    U32 next;
    next.reserve(text.size());
    const auto swap = [&text, &next] {
        text.swap(next);
        next.clear();
    };
    // fix_c1_controls
    for (char32_t &c : text) {
        if (c >= 0x80 && c <= 0x9F) {
            c = kCp1252High[c - 0x80];
        }
    }
    // fix_latin_ligatures
    for (const char32_t c : text) {
        if (const char32_t *ligature = ligatureReplacement(c)) {
            next += ligature;
        } else {
            next.push_back(c);
        }
    }
    swap();
    // fix_character_width
    for (const char32_t c : text) {
        if (const U32 *wide = characterWidthReplacement(c)) {
            next += *wide;
        } else {
            next.push_back(c);
        }
    }
    swap();
    // uncurl_quotes, then fix_line_breaks ("\r\n" is one break; U+0085 is already '…' from fix_c1_controls).
    for (size_t i = 0; i < text.size(); ++i) {
        char32_t c = text[i];
        if (c == 0x02BC || (c >= 0x2018 && c <= 0x201B)) {
            c = U'\'';
        } else if (c >= 0x201C && c <= 0x201F) {
            c = U'"';
        } else if (c == U'\r' && i + 1 < text.size() && text[i + 1] == U'\n') {
            continue;
        } else if (c == U'\r' || c == 0x2028 || c == 0x2029 || c == 0x0085) {
            c = U'\n';
        }
        next.push_back(c);
    }
    swap();
    // fix_surrogates happened in toU32. remove_terminal_escapes: "\x1b[" (\d|;)* [a-zA-Z], \d being
    // Python re's Unicode digit (Nd); then remove_control_chars.
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == 0x1B && i + 1 < text.size() && text[i + 1] == U'[') {
            size_t k = i + 2;
            while (k < text.size() && (text[k] == U';' || u_charType(UChar32(text[k])) == U_DECIMAL_DIGIT_NUMBER)) {
                ++k;
            }
            if (k < text.size() && isAsciiLetter(text[k])) {
                i = k;
                continue;
            }
        }
        next.push_back(text[i]);
    }
    swap();
    text.erase(std::remove_if(text.begin(), text.end(), isFtfyControlChar), text.end());
    // normalization="NFC"
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2 *nfc = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) {
        return text;
    }
    const icu::UnicodeString normalized = nfc->normalize(toIcu(text), status);
    return U_SUCCESS(status) ? fromIcu(normalized) : text;
}

U32 ftfyFixTextU32(const U32 &text)
{
    // ftfy.fix_text: line by line (at most max_decode_length characters), each fixed until stable.
    // unescape_html="auto" is switched off for the rest of the text at the first segment with a '<'.
    constexpr size_t kMaxDecodeLength = 1000000;
    // "Until stable" is quadratic on nested escapes: each round undoes one level of "&amp;amp;amp;...", so 64 KB of
    // them took 16,000 rounds (17 s). Real text settles in two or three rounds (one or two that fix, one that finds
    // nothing left), so the rounds stop at this bound and cleaning stays linear in the text. Only a line escaped more
    // than kMaxRounds times over comes out differently from ftfy, which keeps unescaping.
    constexpr int kMaxRounds = 8;
    U32 out;
    out.reserve(text.size());
    bool unescapeHtml = true;
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t newline = text.find(U'\n', pos);
        size_t end = newline == U32::npos ? text.size() : newline + 1;
        end = std::min(end, pos + kMaxDecodeLength);
        U32 segment = text.substr(pos, end - pos);
        if (segment.find(U'<') != U32::npos) {
            unescapeHtml = false;
        }
        for (int round = 0; round < kMaxRounds; ++round) {
            U32 fixed = ftfyFixOnce(segment, unescapeHtml);
            if (fixed == segment) {
                break;
            }
            segment = std::move(fixed);
        }
        out += segment;
        pos = end;
    }
    return out;
}

template<typename Predicate>
U32 strip(const U32 &text, Predicate isSpace)
{
    size_t begin = 0;
    size_t end = text.size();
    while (begin < end && isSpace(text[begin])) {
        ++begin;
    }
    while (end > begin && isSpace(text[end - 1])) {
        --end;
    }
    return text.substr(begin, end - begin);
}

} // namespace

QString ftfyFixText(const QString &text)
{
    return fromU32(ftfyFixTextU32(toU32(text)));
}

QString htmlUnescape(const QString &text)
{
    return fromU32(pythonHtmlUnescape(toU32(text)));
}

QString clipCleanText(const QString &text)
{
    // basic_clean: ftfy.fix_text, html.unescape twice, str.strip().
    const U32 basic = strip(pythonHtmlUnescape(pythonHtmlUnescape(ftfyFixTextU32(toU32(text)))), isPythonSpace);
    // whitespace_clean: regex `\s+` -> ' ' (\s = White_Space in the `regex` module), then str.strip().
    U32 collapsed;
    collapsed.reserve(basic.size());
    bool inWhitespace = false;
    for (const char32_t c : basic) {
        const bool whitespace = u_isUWhiteSpace(UChar32(c));
        if (!whitespace || !inWhitespace) {
            collapsed.push_back(whitespace ? U' ' : c);
        }
        inWhitespace = whitespace;
    }
    // str.lower(): the root locale gives Python's full mapping (İ -> i̇, final sigma) without Turkish rules.
    icu::UnicodeString lowered = toIcu(strip(collapsed, isPythonSpace));
    lowered.toLower(icu::Locale::getRoot());
    return QString(reinterpret_cast<const QChar *>(lowered.getBuffer()), lowered.length());
}

} // namespace clipfind
