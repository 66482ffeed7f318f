// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <vector>

namespace clipfind {

/// One term of a search query: text to encode, or an image whose embedding is used.
struct QueryTerm {
    enum class Kind { Text, Image };
    Kind kind = Kind::Text;
    QString text;     ///< the text, or the image's absolute, cleaned path
    float weight = 1; ///< negative for a subtracted term ("- people" is -1, "- 2:people" is -2)

    bool operator==(const QueryTerm &other) const
    {
        return kind == other.kind && text == other.text && weight == other.weight;
    }
};

struct ParsedQuery {
    std::vector<QueryTerm> terms; ///< empty for a blank query (no results, no error)
    QString error;                ///< one line naming the problem; terms are then empty

    bool ok() const { return error.isEmpty(); }
};

/// More terms than this is an error: each text term is one run of the text encoder.
inline constexpr int kMaxQueryTerms = 64;

/// Parses the search field's syntax (as rclip):
///   dog + snow            terms are added, each term's normalized embedding times its weight
///   beach - people        a "-" term is subtracted
///   2:sunset + 0.5:beach  a weight before a colon (a positive decimal number)
///   ./kitchen.jpg + christmas
///                         an image term: an absolute path, a path starting with ./ ../ or ~/, or a file:// URL,
///                         of an existing file (relative paths are resolved against `baseDirectory`, default the
///                         current directory)
///   "/photos/my cat.jpg"  double quotes keep spaces, + and - inside one term (\" and \\ escape)
/// "+" and "-" are operators only at the start or after white space, so "t-shirt" and "black-and-white" stay words.
/// Errors: an operator without a term after it, an unterminated quote, a zero or malformed weight, an image path
/// that does not exist or is not a file, more than kMaxQueryTerms terms. Messages quote at most 200 characters of the
/// query on one line. Linear in the length of the query. Thread-safe (pure function).
ParsedQuery parseSearchQuery(const QString &query, const QString &baseDirectory = QString());

/// The query term for an image, as "Find similar" puts it into the search field: the absolute path, in double
/// quotes when it contains white space, quotes, backslashes, "+" or "-" (or does not start with "/"). Parsing the
/// result gives back one image term for that path.
QString formatImageTerm(const QString &path);

} // namespace clipfind
