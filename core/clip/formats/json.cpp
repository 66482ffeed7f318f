// SPDX-License-Identifier: MIT
// json::Value, and parse/serialize on nlohmann-json: its lexer and parser (iterative, RFC 8259, UTF-8 checked,
// locale-independent numbers) feed a SAX handler that builds our Value directly, with a depth limit and duplicate
// keys refused; its serializer writes the text. nlohmann's types stay in this file.
#include "core/clip/formats/json.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <limits>
#include <unordered_set>

namespace clipfind::clip::json {

namespace {

constexpr size_t kMaxDepth = 256;
constexpr size_t kMaxQuotedToken = 32; // bytes of the offending token an error message shows

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

// Hands the text to nlohmann's lexer and records how far it has read, so the errors found by ValueBuilder (depth,
// duplicate keys) name an offset the way the lexer's own errors do: that of the last byte read.
class TrackingIterator
{
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char *;
    using reference = const char &;

    TrackingIterator(const char *at, const char **furthest)
        : m_at(at)
        , m_furthest(furthest)
    {
    }
    reference operator*() const { return *m_at; }
    TrackingIterator &operator++()
    {
        *m_furthest = ++m_at;
        return *this;
    }
    bool operator==(const TrackingIterator &other) const { return m_at == other.m_at; }
    bool operator!=(const TrackingIterator &other) const { return m_at != other.m_at; }

private:
    const char *m_at;
    const char **m_furthest;
};

// A byte for an error message: "character 'x'" when printable, else "byte 0xNN".
std::string describeByte(unsigned char c)
{
    char buf[32];
    if (c >= 0x20 && c < 0x7F) {
        std::snprintf(buf, sizeof buf, "character '%c'", c);
    } else {
        std::snprintf(buf, sizeof buf, "byte 0x%02X", c);
    }
    return buf;
}

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1, column 4: " prefix (we
// give a byte offset instead), with the offending token cut to its last bytes and non-ASCII bytes as \xNN, so the
// message stays one short ASCII line whatever the input was.
std::string describeParseError(const std::string &what, const std::string &lastToken)
{
    std::string message = what;
    if (message.rfind("[json.exception.", 0) == 0 && message.find("] ") != std::string::npos) {
        message.erase(0, message.find("] ") + 2);
    }
    if (message.rfind("parse error at line ", 0) == 0 && message.find(": ") != std::string::npos) {
        message.erase(0, message.find(": ") + 2);
    }
    const std::string token =
        lastToken.size() > kMaxQuotedToken ? "..." + lastToken.substr(lastToken.size() - kMaxQuotedToken) : lastToken;
    std::string shown;
    for (const char c : token) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(c));
            shown += buf;
        } else {
            shown += c;
        }
    }
    const std::string quotedToken = "'" + lastToken + "'";
    if (const size_t at = message.find(quotedToken); !lastToken.empty() && at != std::string::npos) {
        message.replace(at, quotedToken.size(), "'" + shown + "'");
    }
    for (char &c : message) { // nlohmann escapes control characters in tokens; this is a last guard
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return message;
}

// nlohmann's SAX interface, building a Value. Open arrays and objects wait on a stack (no recursion); returning
// false stops the parse with m_error set.
class ValueBuilder
{
public:
    using Json = nlohmann::json;

    ValueBuilder(const char *begin, const char *const *furthest)
        : m_begin(begin)
        , m_furthest(furthest)
    {
    }

    bool null() { return add(Value::makeNull()); }
    bool boolean(bool value) { return add(Value::makeBool(value)); }
    bool number_integer(Json::number_integer_t value) { return add(Value::makeNumber(double(value), value, true)); }
    bool number_unsigned(Json::number_unsigned_t value)
    {
        if (value <= uint64_t(std::numeric_limits<int64_t>::max())) {
            return add(Value::makeNumber(double(value), int64_t(value), true));
        }
        return add(Value::makeNumber(double(value), 0, false)); // beyond int64: a (rounded) double, as elsewhere
    }
    bool number_float(Json::number_float_t value, const std::string &)
    {
        return add(Value::makeNumber(value, 0, false));
    }
    bool string(std::string &value) { return add(Value::makeString(std::move(value))); }
    bool binary(Json::binary_t &) { return fail("unexpected binary value"); } // only binary formats have these
    bool start_object(size_t) { return open(true); }
    bool start_array(size_t) { return open(false); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(std::string &key)
    {
        Open &object = m_open.back();
        // Duplicate keys are legal-but-ambiguous JSON (RFC 8259 section 4); in a safetensors header they would let
        // two tensors share a name, so they are refused rather than one silently winning.
        if (!object.keys.insert(key).second) {
            return fail("duplicate key " + serialize(Value::makeString(key.substr(0, 64))));
        }
        object.pendingKey = std::move(key);
        return true;
    }

    bool parse_error(size_t position, const std::string &lastToken, const nlohmann::detail::exception &e)
    {
        m_error =
            describeParseError(e.what(), lastToken) + " at offset " + std::to_string(position > 0 ? position - 1 : 0);
        return false;
    }

    Value takeRoot() { return std::move(m_root); }
    const std::string &error() const { return m_error; }

private:
    struct Open {
        bool isObject = false;
        std::vector<Value> items;
        std::vector<std::pair<std::string, Value>> members;
        std::unordered_set<std::string> keys;
        std::string pendingKey;
    };

    bool fail(const std::string &what)
    {
        const size_t consumed = size_t(*m_furthest - m_begin);
        m_error = what + " at offset " + std::to_string(consumed > 0 ? consumed - 1 : 0);
        return false;
    }

    bool add(Value value)
    {
        if (m_open.empty()) {
            m_root = std::move(value);
        } else if (m_open.back().isObject) {
            m_open.back().members.emplace_back(std::move(m_open.back().pendingKey), std::move(value));
        } else {
            m_open.back().items.push_back(std::move(value));
        }
        return true;
    }

    bool open(bool isObject)
    {
        // Value's destructor and serialize() recurse, so hostile nesting ([[[[... 100k deep) stops here.
        if (m_open.size() >= kMaxDepth) {
            return fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
        }
        m_open.emplace_back();
        m_open.back().isObject = isObject;
        return true;
    }

    bool close()
    {
        Open done = std::move(m_open.back());
        m_open.pop_back();
        return add(done.isObject ? Value::makeObject(std::move(done.members))
                                 : Value::makeArray(std::move(done.items)));
    }

    const char *m_begin;
    const char *const *m_furthest;
    std::vector<Open> m_open;
    Value m_root;
    std::string m_error;
};

nlohmann::ordered_json toNlohmann(const Value &v)
{
    switch (v.type()) {
    case Value::Type::Null: return nullptr;
    case Value::Type::Bool: return v.toBool();
    case Value::Type::Number:
        return v.isInteger() ? nlohmann::ordered_json(v.toInt()) : nlohmann::ordered_json(v.toDouble());
    case Value::Type::String: return v.toString();
    case Value::Type::Array: {
        nlohmann::ordered_json array = nlohmann::ordered_json::array();
        for (const Value &item : v.array()) {
            array.push_back(toNlohmann(item));
        }
        return array;
    }
    case Value::Type::Object: {
        nlohmann::ordered_json object = nlohmann::ordered_json::object(); // keeps the members' order
        for (const auto &[key, item] : v.members()) {
            object[key] = toNlohmann(item);
        }
        return object;
    }
    }
    return nullptr;
}

} // namespace

bool Value::toBool(bool fallback) const
{
    return m_type == Type::Bool ? m_bool : fallback;
}

double Value::toDouble(double fallback) const
{
    return m_type == Type::Number ? m_number : fallback;
}

int64_t Value::toInt(int64_t fallback) const
{
    if (m_type != Type::Number) {
        return fallback;
    }
    if (m_isInteger) {
        return m_integer;
    }
    // An integral double such as 2.0 or 1e3 converts when it fits; fractions and out-of-range values do not.
    // 2^63 itself is not representable as int64, hence the strict upper bound.
    if (std::isfinite(m_number) && std::trunc(m_number) == m_number && m_number >= -9223372036854775808.0
        && m_number < 9223372036854775808.0) {
        return static_cast<int64_t>(m_number);
    }
    return fallback;
}

bool Value::isInteger() const
{
    return m_type == Type::Number && m_isInteger;
}

const std::string &Value::toString() const
{
    return m_type == Type::String ? m_string : emptyString();
}

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
        if (member.first == key) {
            return member.second;
        }
    }
    return nullValue();
}

bool Value::contains(const std::string &key) const
{
    for (const auto &member : members()) {
        if (member.first == key) {
            return true;
        }
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
    if (m_type == Type::Array) {
        return array().size();
    }
    if (m_type == Type::Object) {
        return members().size();
    }
    return 0;
}

Value Value::makeNull()
{
    return Value();
}

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

Value Value::makeReal(double d)
{
    return makeNumber(d, 0, false);
}

Value Value::makeInteger(int64_t i)
{
    return makeNumber(double(i), i, true);
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
    std::string problem;
    // nlohmann's lexer takes a NUL byte for the end of the input; JSON allows none outside strings (and inside only
    // escaped), so one anywhere is an error rather than a silent end.
    if (const size_t nul = text.find('\0'); nul != std::string::npos) {
        problem = "unexpected " + describeByte(0) + " at offset " + std::to_string(nul);
    } else {
        try {
            const char *furthest = text.data();
            ValueBuilder builder(text.data(), &furthest);
            if (nlohmann::json::sax_parse(TrackingIterator(text.data(), &furthest),
                                          TrackingIterator(text.data() + text.size(), &furthest), &builder)) {
                if (out) {
                    *out = builder.takeRoot();
                }
                return true;
            }
            problem = builder.error();
        } catch (const std::exception &e) { // std::bad_alloc; nlohmann reports parse errors through the SAX handler
            problem = std::string("cannot parse JSON: ") + e.what();
        }
    }
    if (error) {
        *error = problem;
    }
    return false;
}

std::string serialize(const Value &value)
{
    try {
        // Invalid UTF-8 in a string becomes U+FFFD, so the output is always valid JSON; NaN and infinities become
        // null (JSON has neither; JavaScript's JSON.stringify does the same). Doubles print in the shortest form
        // that reads back to the same double, with ".0" on integral ones ("300.0", as Python writes them).
        return toNlohmann(value).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    } catch (const std::exception &) { // std::bad_alloc
        return "null";
    }
}

} // namespace clipfind::clip::json
