// SPDX-License-Identifier: MIT
// json::parse: a strict recursive-descent parser (RFC 8259).
#include "core/clip/formats/json.h"

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

namespace clipfind::clip::json {

namespace {

using detail::appendUtf8;
using detail::parseDouble;
using detail::utf8Length;

constexpr int kMaxDepth = 256;

/// Recursive-descent parser over a byte string. Offsets in messages are byte offsets into the text.
class Parser
{
public:
    explicit Parser(const std::string &text) : m_text(text) {}

    bool run(Value *out, std::string *error)
    {
        // RFC 8259 section 8.1 lets parsers ignore a byte order mark; Windows editors write one.
        if (m_text.compare(0, 3, "\xEF\xBB\xBF") == 0)
            m_pos = 3;
        skipWhitespace();
        Value v;
        bool ok = parseValue(&v, 0);
        if (ok) {
            skipWhitespace();
            if (m_pos != m_text.size())
                ok = fail("unexpected " + describeByte(m_pos) + " after the JSON value");
        }
        if (!ok) {
            if (error)
                *error = m_error;
            return false;
        }
        if (out)
            *out = std::move(v);
        return true;
    }

private:
    bool fail(const std::string &what) { return failAt(what, m_pos); }
    bool failAt(const std::string &what, size_t offset)
    {
        m_error = what + " at offset " + std::to_string(offset);
        return false;
    }
    bool atEnd() const { return m_pos >= m_text.size(); }
    unsigned char peek() const { return static_cast<unsigned char>(m_text[m_pos]); }

    std::string describeByte(size_t offset) const
    {
        if (offset >= m_text.size())
            return "end";
        const unsigned char c = static_cast<unsigned char>(m_text[offset]);
        char buf[32];
        if (c >= 0x20 && c < 0x7F)
            std::snprintf(buf, sizeof buf, "character '%c'", c);
        else
            std::snprintf(buf, sizeof buf, "byte 0x%02X", c);
        return buf;
    }
    bool unexpected() { return fail("unexpected " + describeByte(m_pos)); }

    void skipWhitespace()
    {
        while (!atEnd()) {
            const char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                break;
            ++m_pos;
        }
    }

    bool literal(const char *word, Value v, Value *out)
    {
        for (size_t i = 0; word[i]; ++i, ++m_pos) {
            if (atEnd() || m_text[m_pos] != word[i])
                return unexpected();
        }
        *out = std::move(v);
        return true;
    }

    bool parseValue(Value *out, int depth)
    {
        if (atEnd())
            return unexpected();
        switch (peek()) {
        case '{': return parseObject(out, depth + 1);
        case '[': return parseArray(out, depth + 1);
        case '"': {
            std::string s;
            if (!parseString(&s))
                return false;
            *out = Value::makeString(std::move(s));
            return true;
        }
        case 't': return literal("true", Value::makeBool(true), out);
        case 'f': return literal("false", Value::makeBool(false), out);
        case 'n': return literal("null", Value::makeNull(), out);
        default: return parseNumber(out);
        }
    }

    /// Arrays and objects alike: the opening bracket at m_pos, then items separated by ',' up to `close`.
    template <typename ParseItem>
    bool parseSequence(char close, int depth, ParseItem parseItem)
    {
        if (depth > kMaxDepth)
            return fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
        ++m_pos;
        skipWhitespace();
        if (!atEnd() && peek() == static_cast<unsigned char>(close)) {
            ++m_pos;
            return true;
        }
        for (;;) {
            skipWhitespace();
            if (!parseItem())
                return false;
            skipWhitespace();
            if (atEnd())
                return unexpected();
            if (peek() == static_cast<unsigned char>(close)) {
                ++m_pos;
                return true;
            }
            if (peek() != ',')
                return unexpected();
            ++m_pos;
        }
    }

    bool parseArray(Value *out, int depth)
    {
        std::vector<Value> items;
        if (!parseSequence(']', depth, [&] {
                items.emplace_back();
                return parseValue(&items.back(), depth);
            }))
            return false;
        *out = Value::makeArray(std::move(items));
        return true;
    }

    bool parseObject(Value *out, int depth)
    {
        std::vector<std::pair<std::string, Value>> members;
        std::vector<size_t> keyOffsets;
        const bool ok = parseSequence('}', depth, [&] {
            if (atEnd() || peek() != '"')
                return unexpected();
            keyOffsets.push_back(m_pos);
            std::string key;
            if (!parseString(&key))
                return false;
            skipWhitespace();
            if (atEnd() || peek() != ':')
                return unexpected();
            ++m_pos;
            skipWhitespace();
            members.emplace_back(std::move(key), Value());
            return parseValue(&members.back().second, depth);
        });
        if (!ok)
            return false;
        // Duplicate keys are legal-but-ambiguous JSON (RFC 8259 section 4); in a safetensors header they would
        // let two tensors share a name, so reject them rather than silently picking one.
        std::unordered_set<std::string_view> seen;
        for (size_t i = 0; i < members.size(); ++i) {
            if (!seen.insert(members[i].first).second) {
                const std::string key = members[i].first.substr(0, 64);
                return failAt("duplicate key " + serialize(Value::makeString(key)), keyOffsets[i]);
            }
        }
        *out = Value::makeObject(std::move(members));
        return true;
    }

    /// Reads the 4 hex digits after "\u" at m_pos (which points at the backslash).
    bool hex4(uint32_t *out)
    {
        const size_t start = m_pos;
        if (m_text.size() - m_pos < 6)
            return failAt("truncated \\u escape", start);
        uint32_t v = 0;
        for (size_t i = m_pos + 2; i < m_pos + 6; ++i) {
            const char c = m_text[i];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= uint32_t(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= uint32_t(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= uint32_t(c - 'A' + 10);
            else
                return failAt("invalid \\u escape", start);
        }
        m_pos += 6;
        *out = v;
        return true;
    }

    bool parseString(std::string *out)
    {
        ++m_pos; // opening quote
        for (;;) {
            if (atEnd())
                return unexpected();
            const unsigned char c = peek();
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c < 0x20) {
                char buf[64];
                std::snprintf(buf, sizeof buf, "unescaped control character 0x%02X in string", c);
                return fail(buf);
            }
            if (c == '\\') {
                if (m_pos + 1 >= m_text.size())
                    return failAt("unexpected end", m_text.size());
                const char e = m_text[m_pos + 1];
                constexpr std::string_view kEscapes = "\"\\/bfnrt", kBytes = "\"\\/\b\f\n\r\t";
                if (const size_t k = kEscapes.find(e); k != std::string_view::npos) {
                    out->push_back(kBytes[k]);
                    m_pos += 2;
                    continue;
                }
                if (e != 'u')
                    return fail("invalid escape '\\" + std::string(1, e) + "'");
                const size_t start = m_pos;
                uint32_t cp = 0;
                if (!hex4(&cp))
                    return false;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return failAt("unpaired low surrogate in \\u escape", start);
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    // A high surrogate must be followed by "\u" + a low surrogate; together they form one code
                    // point above U+FFFF (RFC 8259 section 7).
                    uint32_t low = 0;
                    if (m_text.compare(m_pos, 2, "\\u") != 0)
                        return failAt("unpaired high surrogate in \\u escape", start);
                    if (!hex4(&low))
                        return false;
                    if (low < 0xDC00 || low > 0xDFFF)
                        return failAt("unpaired high surrogate in \\u escape", start);
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                appendUtf8(out, cp);
                continue;
            }
            const size_t n = utf8Length(m_text, m_pos);
            if (n == 0)
                return fail("invalid UTF-8");
            out->append(m_text, m_pos, n);
            m_pos += n;
        }
    }

    bool parseNumber(Value *out)
    {
        const size_t start = m_pos;
        const auto digit = [&] { return !atEnd() && peek() >= '0' && peek() <= '9'; };
        bool negative = false;
        if (!atEnd() && peek() == '-') {
            negative = true;
            ++m_pos;
        }
        if (!digit())
            return m_pos == start ? unexpected() : fail("invalid number: expected a digit");
        const size_t intStart = m_pos;
        if (peek() == '0') {
            ++m_pos;
            if (digit())
                return failAt("invalid number: leading zero", intStart);
        } else {
            while (digit())
                ++m_pos;
        }
        const size_t intDigits = m_pos - intStart;
        size_t fracLeadingZeros = 0;
        bool integral = true;
        if (!atEnd() && peek() == '.') {
            integral = false;
            ++m_pos;
            if (!digit())
                return fail("invalid number: expected a digit after '.'");
            bool seenNonZero = false;
            while (digit()) {
                if (peek() != '0')
                    seenNonZero = true;
                else if (!seenNonZero)
                    ++fracLeadingZeros;
                ++m_pos;
            }
        }
        long long exponent = 0;
        if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
            integral = false;
            ++m_pos;
            bool expNegative = false;
            if (!atEnd() && (peek() == '+' || peek() == '-')) {
                expNegative = peek() == '-';
                ++m_pos;
            }
            if (!digit())
                return fail("invalid number: expected a digit in the exponent");
            while (digit()) {
                exponent = std::min<long long>(exponent * 10 + (peek() - '0'), 1000000000LL); // clamp: only sign matters beyond
                ++m_pos;
            }
            if (expNegative)
                exponent = -exponent;
        }
        const char *first = m_text.data() + start;
        const char *last = m_text.data() + m_pos;
        if (integral) {
            int64_t i = 0;
            const auto res = std::from_chars(first, last, i);
            if (res.ec == std::errc() && res.ptr == last) {
                *out = Value::makeNumber(static_cast<double>(i), i, true);
                return true;
            }
            // Beyond int64: keep it as a (rounded) double, like every other JSON parser.
        }
        double d = 0;
        if (!parseDouble(first, last, &d)) {
            // Out of double range. Tiny magnitudes round to zero; huge ones cannot be represented.
            const bool intIsZero = m_text[intStart] == '0';
            const long long magnitude = (intIsZero ? -static_cast<long long>(fracLeadingZeros) : static_cast<long long>(intDigits)) + exponent;
            if (magnitude > 0)
                return failAt("number out of range", start);
            d = negative ? -0.0 : 0.0;
        }
        *out = Value::makeNumber(d, 0, false);
        return true;
    }

    const std::string &m_text;
    size_t m_pos = 0;
    std::string m_error;
};

} // namespace

bool parse(const std::string &text, Value *out, std::string *error)
{
    return Parser(text).run(out, error);
}

} // namespace clipfind::clip::json
