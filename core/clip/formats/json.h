// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace clipfind::clip::json {

/// A parsed JSON value (safetensors headers, Hugging Face config.json, fixture files for the GPU check driver). The
/// engine builds without Qt, so this is its JSON type; parsing and writing go through nlohmann-json (header-only),
/// whose types stay out of this header.
class Value
{
public:
    enum class Type { Null, Bool, Number, String, Array, Object };

    Value() = default;
    Type type() const { return m_type; }
    bool isNull() const { return m_type == Type::Null; }
    bool isBool() const { return m_type == Type::Bool; }
    bool isNumber() const { return m_type == Type::Number; }
    bool isString() const { return m_type == Type::String; }
    bool isArray() const { return m_type == Type::Array; }
    bool isObject() const { return m_type == Type::Object; }

    bool toBool(bool fallback = false) const;
    double toDouble(double fallback = 0) const;
    /// Exact for integers up to 2^63 written without fraction or exponent (safetensors offsets).
    int64_t toInt(int64_t fallback = 0) const;
    /// True for a number written without fraction or exponent that fits int64 (so toInt() is exact). Formats
    /// that need integers (safetensors shapes and offsets) check this instead of accepting 2.5 or 1e3.
    bool isInteger() const;
    const std::string &toString() const; // empty string unless isString()

    const std::vector<Value> &array() const;                           // empty unless isArray()
    const std::vector<std::pair<std::string, Value>> &members() const; // in document order; empty unless isObject()
    /// Member by key; a Null value when absent or not an object.
    const Value &operator[](const std::string &key) const;
    bool contains(const std::string &key) const;
    const Value &operator[](size_t index) const;
    size_t size() const; // array or object size

    static Value makeNull();
    static Value makeBool(bool b);
    static Value makeNumber(double d, int64_t i, bool isInteger);
    static Value makeReal(double d);     // makeNumber(d, 0, false)
    static Value makeInteger(int64_t i); // makeNumber(double(i), i, true): written without a fraction
    static Value makeString(std::string s);
    static Value makeArray(std::vector<Value> items);
    static Value makeObject(std::vector<std::pair<std::string, Value>> members);

private:
    Type m_type = Type::Null;
    bool m_bool = false;
    bool m_isInteger = false;
    double m_number = 0;
    int64_t m_integer = 0;
    std::string m_string;
    std::shared_ptr<std::vector<Value>> m_array;
    std::shared_ptr<std::vector<std::pair<std::string, Value>>> m_object;
};

/// Parses a complete JSON text (RFC 8259: strict UTF-8, \uXXXX escapes incl. surrogate pairs to UTF-8, numbers
/// independent of the C locale; a UTF-8 byte order mark is skipped). Nesting deeper than 256 arrays/objects and
/// duplicate keys in an object are errors too. On failure returns false, leaves *out alone and sets *error (when not
/// null) to one line ending in the byte offset where the problem was found, e.g. "syntax error while parsing value -
/// unexpected ']'; expected '[', '{', or a literal at offset 3".
bool parse(const std::string &text, Value *out, std::string *error);

/// Serializes compactly (used by the drivers to print results). Integers print as integers, doubles in the shortest
/// form that reads back to the same double ("0.1", "300.0"); NaN and infinities as null.
std::string serialize(const Value &value);

} // namespace clipfind::clip::json
