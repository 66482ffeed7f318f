// SPDX-License-Identifier: MIT
#include "core/clip/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <locale>
#include <sstream>
#include <string_view>
#include <unordered_set>

// Floating-point std::from_chars/to_chars arrived in libstdc++ 11; the GPU machines may have an older g++.
// The fallback streams are imbued with the classic locale because the Qt app calls setlocale(LC_ALL, ""),
// which would make strtod/printf use a decimal comma in some locales.
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
#define CLIPFIND_JSON_FLOAT_CHARCONV 1
#endif

namespace clipfind::clip::json {

namespace {

constexpr int kMaxDepth = 256;

const std::string &emptyString()
{
    static const std::string s;
    return s;
}

const Value &nullValue()
{
    static const Value v;
    return v;
}

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

void serializeNumber(double d, std::string *out)
{
    if (!std::isfinite(d)) {
        out->append("null"); // JSON has no NaN/Infinity; null is what JavaScript's JSON.stringify writes too
        return;
    }
#ifdef CLIPFIND_JSON_FLOAT_CHARCONV
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, d); // shortest form that parses back to the same double
    out->append(buf, res.ptr);
#else
    for (int precision = 15; precision <= 17; ++precision) {
        std::ostringstream s;
        s.imbue(std::locale::classic());
        s.precision(precision);
        s << d;
        double back = 0;
        const std::string text = s.str();
        if (precision == 17 || (parseDouble(text.data(), text.data() + text.size(), &back) && back == d)) {
            out->append(text);
            return;
        }
    }
#endif
}

void serializeString(const std::string &s, std::string *out)
{
    static const char hex[] = "0123456789abcdef";
    out->push_back('"');
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            // Valid UTF-8 passes through; invalid bytes become U+FFFD so the output is always valid JSON.
            const size_t n = utf8Length(s, i);
            if (n == 0) {
                out->append("\xEF\xBF\xBD");
                ++i;
            } else {
                out->append(s, i, n);
                i += n;
            }
            continue;
        }
        constexpr std::string_view kBytes = "\"\\\b\f\n\r\t", kEscapes = "\"\\bfnrt";
        if (const size_t k = kBytes.find(static_cast<char>(c)); k != std::string_view::npos) {
            out->push_back('\\');
            out->push_back(kEscapes[k]);
        } else if (c < 0x20) {
            out->append("\\u00");
            out->push_back(hex[c >> 4]);
            out->push_back(hex[c & 0xF]);
        } else {
            out->push_back(static_cast<char>(c));
        }
        ++i;
    }
    out->push_back('"');
}

void serializeInto(const Value &v, std::string *out)
{
    switch (v.type()) {
    case Value::Type::Null: out->append("null"); break;
    case Value::Type::Bool: out->append(v.toBool() ? "true" : "false"); break;
    case Value::Type::Number:
        if (v.isInteger())
            out->append(std::to_string(v.toInt()));
        else
            serializeNumber(v.toDouble(), out);
        break;
    case Value::Type::String: serializeString(v.toString(), out); break;
    case Value::Type::Array: {
        out->push_back('[');
        bool first = true;
        for (const Value &item : v.array()) {
            if (!first)
                out->push_back(',');
            first = false;
            serializeInto(item, out);
        }
        out->push_back(']');
        break;
    }
    case Value::Type::Object: {
        out->push_back('{');
        bool first = true;
        for (const auto &[key, item] : v.members()) {
            if (!first)
                out->push_back(',');
            first = false;
            serializeString(key, out);
            out->push_back(':');
            serializeInto(item, out);
        }
        out->push_back('}');
        break;
    }
    }
}

} // namespace

bool Value::toBool(bool fallback) const { return m_type == Type::Bool ? m_bool : fallback; }

double Value::toDouble(double fallback) const { return m_type == Type::Number ? m_number : fallback; }

int64_t Value::toInt(int64_t fallback) const
{
    if (m_type != Type::Number)
        return fallback;
    if (m_isInteger)
        return m_integer;
    // An integral double such as 2.0 or 1e3 converts when it fits; fractions and out-of-range values do not.
    // 2^63 itself is not representable as int64, hence the strict upper bound.
    if (std::isfinite(m_number) && std::trunc(m_number) == m_number && m_number >= -9223372036854775808.0
        && m_number < 9223372036854775808.0)
        return static_cast<int64_t>(m_number);
    return fallback;
}

bool Value::isInteger() const { return m_type == Type::Number && m_isInteger; }

const std::string &Value::toString() const { return m_type == Type::String ? m_string : emptyString(); }

const std::vector<Value> &Value::array() const
{
    static const std::vector<Value> empty;
    return m_type == Type::Array && m_array ? *m_array : empty;
}

const std::vector<std::pair<std::string, Value>> &Value::members() const
{
    static const std::vector<std::pair<std::string, Value>> empty;
    return m_type == Type::Object && m_object ? *m_object : empty;
}

const Value &Value::operator[](const std::string &key) const
{
    for (const auto &member : members()) {
        if (member.first == key)
            return member.second;
    }
    return nullValue();
}

bool Value::contains(const std::string &key) const
{
    for (const auto &member : members()) {
        if (member.first == key)
            return true;
    }
    return false;
}

const Value &Value::operator[](size_t index) const
{
    const std::vector<Value> &items = array();
    return index < items.size() ? items[index] : nullValue();
}

size_t Value::size() const
{
    if (m_type == Type::Array)
        return array().size();
    if (m_type == Type::Object)
        return members().size();
    return 0;
}

Value Value::makeNull() { return Value(); }

Value Value::makeBool(bool b)
{
    Value v;
    v.m_type = Type::Bool;
    v.m_bool = b;
    return v;
}

Value Value::makeNumber(double d, int64_t i, bool isInteger)
{
    Value v;
    v.m_type = Type::Number;
    v.m_isInteger = isInteger;
    v.m_integer = isInteger ? i : 0;
    v.m_number = isInteger ? static_cast<double>(i) : d;
    return v;
}

Value Value::makeString(std::string s)
{
    Value v;
    v.m_type = Type::String;
    v.m_string = std::move(s);
    return v;
}

Value Value::makeArray(std::vector<Value> items)
{
    Value v;
    v.m_type = Type::Array;
    v.m_array = std::make_shared<std::vector<Value>>(std::move(items));
    return v;
}

Value Value::makeObject(std::vector<std::pair<std::string, Value>> members)
{
    Value v;
    v.m_type = Type::Object;
    v.m_object = std::make_shared<std::vector<std::pair<std::string, Value>>>(std::move(members));
    return v;
}

bool parse(const std::string &text, Value *out, std::string *error)
{
    return Parser(text).run(out, error);
}

std::string serialize(const Value &value)
{
    std::string out;
    serializeInto(value, &out);
    return out;
}

} // namespace clipfind::clip::json
