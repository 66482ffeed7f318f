// SPDX-License-Identifier: MIT
#include "core/text/wordpiecenormalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>

namespace clipfind::wordpiece {

namespace {

// How the Rust tables see a code point differently from ICU (see scripts/gen_wordpiece_unicode.py).
enum class RustUnicode : uint8_t {
    Unknown,     // not in the Rust category tables (newer than Unicode 8.0): no category, no decomposition
    Punctuation, // Po for Rust, something else for ICU
    Mark,        // Mn for Rust, something else for ICU
};

struct RustUnicodeRange {
    char32_t first;
    char32_t last;
    RustUnicode kind;
};

struct RustLowercase {
    char32_t from;
    char32_t to;
};

#include "core/text/wordpieceunicode_table.inc"

std::optional<RustUnicode> rustOverride(char32_t c)
{
    if (c < kRustUnicodeRanges[0].first) {
        return std::nullopt; // every code point below U+0378 is classified alike
    }
    const auto *end = std::end(kRustUnicodeRanges);
    const auto *it = std::upper_bound(std::begin(kRustUnicodeRanges), end, c,
                                      [](char32_t value, const RustUnicodeRange &r) { return value < r.first; });
    if (it == std::begin(kRustUnicodeRanges)) {
        return std::nullopt;
    }
    --it;
    if (c <= it->last) {
        return it->kind;
    }
    return std::nullopt;
}

bool isAsciiPunctuation(char32_t c)
{
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

// NFD that leaves the code points unknown to the Rust normalization table alone (they act as boundaries, as
// characters without a decomposition and with combining class 0 do there).
class RustNfd
{
public:
    RustNfd()
    {
        UErrorCode status = U_ZERO_ERROR;
        const icu::Normalizer2 *nfd = icu::Normalizer2::getNFDInstance(status);
        if (U_FAILURE(status) || !nfd) {
            return;
        }
        m_known.add(0, 0x10FFFF);
        for (const RustUnicodeRange &range : kRustUnicodeRanges) {
            if (range.kind == RustUnicode::Unknown) {
                m_known.remove(UChar32(range.first), UChar32(range.last));
            }
        }
        m_known.freeze();
        m_normalizer = std::make_unique<icu::FilteredNormalizer2>(*nfd, m_known);
    }

    // Appends NFD(text) without its non-spacing marks to `out`.
    void decomposeWithoutMarks(const std::u32string &text, std::u32string &out) const
    {
        const bool simple = std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0xC0; });
        if (simple || !m_normalizer) { // nothing below U+00C0 decomposes or is a mark
            out += text;
            return;
        }
        const icu::UnicodeString source =
            icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32 *>(text.data()), int32_t(text.size()));
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString decomposed;
        m_normalizer->normalize(source, decomposed, status);
        const icu::UnicodeString &result = U_SUCCESS(status) ? decomposed : source;
        for (int32_t i = 0; i < result.length();) {
            const UChar32 c = result.char32At(i);
            i += U16_LENGTH(c);
            if (!isNonspacingMark(char32_t(c))) {
                out.push_back(char32_t(c));
            }
        }
    }

private:
    icu::UnicodeSet m_known;
    std::unique_ptr<icu::FilteredNormalizer2> m_normalizer;
};

const RustNfd &rustNfd()
{
    static const RustNfd nfd;
    return nfd;
}

} // namespace

bool isWhitespace(char32_t c)
{
    return c == U'\t' || c == U'\n' || c == U'\r' || u_isUWhiteSpace(UChar32(c));
}

bool isControl(char32_t c)
{
    if (c == U'\t' || c == U'\n' || c == U'\r') {
        return false;
    }
    if (rustOverride(c)) {
        return false; // unknown to the Rust tables, or a punctuation / mark there
    }
    const int8_t type = u_charType(UChar32(c));
    return type == U_CONTROL_CHAR || type == U_FORMAT_CHAR || type == U_PRIVATE_USE_CHAR || type == U_SURROGATE;
}

bool isPunctuation(char32_t c)
{
    if (c < 0x80) {
        return isAsciiPunctuation(c);
    }
    if (const auto kind = rustOverride(c)) {
        return *kind == RustUnicode::Punctuation;
    }
    return (U_GET_GC_MASK(UChar32(c)) & U_GC_P_MASK) != 0;
}

bool isChineseChar(char32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
           || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF)
           || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool isNonspacingMark(char32_t c)
{
    if (c < 0x300) {
        return false;
    }
    if (const auto kind = rustOverride(c)) {
        return *kind == RustUnicode::Mark;
    }
    return u_charType(UChar32(c)) == U_NON_SPACING_MARK;
}

void appendLowercase(char32_t c, std::u32string &out)
{
    if (c < 0x80) {
        out.push_back(c >= U'A' && c <= U'Z' ? c + 32 : c);
        return;
    }
    const auto *end = std::end(kRustLowercase);
    const auto *mapped = std::lower_bound(std::begin(kRustLowercase), end, c,
                                          [](const RustLowercase &m, char32_t value) { return m.from < value; });
    if (mapped != end && mapped->from == c) {
        out.push_back(mapped->to);
        return;
    }
    if (const auto kind = rustOverride(c); kind && *kind == RustUnicode::Unknown) {
        out.push_back(c); // no lower case in the newer tables either (those are listed above)
        return;
    }
    if (c == 0x130) {
        out += U"i\u0307"; // the one unconditional multi-character lower case (SpecialCasing.txt)
        return;
    }
    out.push_back(char32_t(u_tolower(UChar32(c))));
}

bool isChunkBoundary(char32_t c, const NormalizerOptions &options)
{
    return isWhitespace(c) && !(options.cleanText && isControl(c));
}

void normalize(std::u32string_view text, const NormalizerOptions &options, std::u32string &out)
{
    std::u32string cleaned;
    cleaned.reserve(text.size() + 16);
    for (const char32_t c : text) {
        char32_t kept = c;
        if (options.cleanText) {
            if (c == 0 || c == 0xFFFD || isControl(c)) {
                continue;
            }
            if (isWhitespace(c)) {
                kept = U' ';
            }
        }
        if (options.handleChineseChars && isChineseChar(kept)) {
            cleaned.push_back(U' ');
            cleaned.push_back(kept);
            cleaned.push_back(U' ');
        } else {
            cleaned.push_back(kept);
        }
    }
    std::u32string stripped;
    if (options.stripAccents) {
        rustNfd().decomposeWithoutMarks(cleaned, stripped);
    } else {
        stripped.swap(cleaned);
    }
    if (!options.lowercase) {
        out += stripped;
        return;
    }
    for (const char32_t c : stripped) {
        appendLowercase(c, out);
    }
}

void preTokenize(std::u32string_view text, const std::function<bool(std::u32string_view)> &word)
{
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char32_t c = text[i];
        const bool space = isWhitespace(c);
        if (!space && !isPunctuation(c)) {
            continue;
        }
        if (i > start && !word(text.substr(start, i - start))) {
            return;
        }
        if (!space && !word(text.substr(i, 1))) {
            return;
        }
        start = i + 1;
    }
    if (start < text.size()) {
        word(text.substr(start));
    }
}

} // namespace clipfind::wordpiece
