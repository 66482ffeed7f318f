// SPDX-License-Identifier: MIT
// json::Value and json::serialize.
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

using detail::parseDouble;
using detail::utf8Length;

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


std::string serialize(const Value &value)
{
    std::string out;
    serializeInto(value, &out);
    return out;
}

} // namespace clipfind::clip::json
