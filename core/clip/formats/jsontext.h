// SPDX-License-Identifier: MIT
#pragma once

// Internal: text helpers shared by the JSON parser and serializer.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>

// Floating-point std::from_chars/to_chars arrived in libstdc++ 11; the GPU machines may have an older g++.
// The fallback streams are imbued with the classic locale because the Qt app calls setlocale(LC_ALL, ""),
// which would make strtod/printf use a decimal comma in some locales.
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
#define CLIPFIND_JSON_FLOAT_CHARCONV 1
#endif

namespace clipfind::clip::json::detail {

/// Parses a JSON number's text (locale-independent); false if it is not a finite double.
bool parseDouble(const char *begin, const char *end, double *out);
/// Appends code point `cp` as UTF-8.
void appendUtf8(std::string *s, uint32_t cp);
/// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid.
size_t utf8Length(const std::string &s, size_t i);

} // namespace clipfind::clip::json::detail
