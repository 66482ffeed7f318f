// SPDX-License-Identifier: MIT
#include "core/search/searchquery.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

#include <cmath>

namespace clipfind {

namespace {

bool isOperator(QChar c)
{
    return c == QLatin1Char('+') || c == QLatin1Char('-');
}

// Errors quote the query or a path from it: a pasted megabyte or a line break must still give one short line.
QString oneLine(const QString &text)
{
    constexpr int kMaxQuoted = 200;
    QString out = text.size() > kMaxQuoted ? text.left(kMaxQuoted) + QChar(0x2026) : text;
    for (QChar &c : out) {
        if (c.unicode() < 0x20 || c == QChar::LineSeparator || c == QChar::ParagraphSeparator || c.unicode() == 0x85) {
            c = QLatin1Char(' ');
        }
    }
    return out;
}

// One term as written: its text with quotes removed, whether any of it was quoted, and its weight.
struct RawTerm {
    QString text;
    bool quoted = false;
    float weight = 1;
};

class Parser
{
public:
    Parser(const QString &query, const QString &baseDirectory)
        : m_query(query)
        , m_base(baseDirectory)
    {
    }

    ParsedQuery parse()
    {
        ParsedQuery result;
        skipSpace();
        while (m_pos < m_query.size()) {
            // A term is read up to an operator that follows white space, so here is either the first term (with
            // or without an operator) or an operator.
            float sign = 1;
            if (isOperator(peek()) && (m_pos == 0 || m_query.at(m_pos - 1).isSpace())) {
                const QChar op = peek();
                sign = op == QLatin1Char('-') ? -1.0f : 1.0f;
                ++m_pos;
                skipSpace();
                if (m_pos >= m_query.size()) {
                    return failure(QCoreApplication::translate("clipfind::SearchQuery",
                                                               "'%1' at the end of the query needs a term after it")
                                       .arg(op));
                }
                if (isOperator(peek()) && m_query.at(m_pos - 1).isSpace()) {
                    return failure(
                        QCoreApplication::translate("clipfind::SearchQuery", "two operators in a row ('%1' then '%2')")
                            .arg(op, peek()));
                }
            }
            RawTerm raw;
            QueryTerm term;
            if (!readTerm(&raw) || !classify(raw, &term)) {
                return failure(m_error);
            }
            term.weight = sign * raw.weight;
            if (result.terms.size() >= size_t(kMaxQueryTerms)) {
                return failure(
                    QCoreApplication::translate("clipfind::SearchQuery", "too many terms (a query holds at most %1)")
                        .arg(kMaxQueryTerms));
            }
            result.terms.push_back(term);
            skipSpace();
        }
        return result;
    }

private:
    QChar peek() const { return m_query.at(m_pos); }

    void skipSpace()
    {
        while (m_pos < m_query.size() && m_query.at(m_pos).isSpace()) {
            ++m_pos;
        }
    }

    ParsedQuery failure(const QString &message)
    {
        ParsedQuery result;
        result.error = QCoreApplication::translate("clipfind::SearchQuery", "query \"%1\": %2")
                           .arg(oneLine(m_query.trimmed()), message);
        return result;
    }

    // Reads a term up to an operator that follows white space, or the end. A leading "N:" is its weight.
    bool readTerm(RawTerm *term)
    {
        static const QRegularExpression weightPattern(QStringLiteral("(\\d+(?:\\.\\d*)?|\\.\\d+):(?!\\d)"));
        const QRegularExpressionMatch weight = weightPattern.match(m_query, m_pos, QRegularExpression::NormalMatch,
                                                                   QRegularExpression::AnchorAtOffsetMatchOption);
        if (weight.hasMatch()) {
            term->weight = weight.captured(1).toFloat();
            if (!(term->weight > 0) || !std::isfinite(term->weight)) {
                m_error = QCoreApplication::translate("clipfind::SearchQuery", "weight %1 must be a positive number")
                              .arg(oneLine(weight.captured(1)));
                return false;
            }
            m_pos += int(weight.capturedLength(0));
        }
        QString text;
        while (m_pos < m_query.size()) {
            const QChar c = peek();
            if (c == QLatin1Char('"')) {
                term->quoted = true;
                ++m_pos;
                bool closed = false;
                while (m_pos < m_query.size()) {
                    const QChar q = peek();
                    ++m_pos;
                    if (q == QLatin1Char('"')) {
                        closed = true;
                        break;
                    }
                    if (q == QLatin1Char('\\') && m_pos < m_query.size()
                        && (peek() == QLatin1Char('"') || peek() == QLatin1Char('\\'))) {
                        text += peek();
                        ++m_pos;
                        continue;
                    }
                    text += q;
                }
                if (!closed) {
                    m_error = QCoreApplication::translate("clipfind::SearchQuery", "unterminated quote");
                    return false;
                }
                continue;
            }
            if (c.isSpace()) {
                // The whole run at once: looking ahead from each of its characters was quadratic in its length.
                int next = m_pos;
                while (next < m_query.size() && m_query.at(next).isSpace()) {
                    ++next;
                }
                if (next >= m_query.size() || isOperator(m_query.at(next))) {
                    m_pos = next;
                    break;
                }
                text += QStringView(m_query).mid(m_pos, next - m_pos);
                m_pos = next;
                continue;
            }
            text += c;
            ++m_pos;
        }
        term->text = term->quoted ? text : text.trimmed();
        if (term->text.trimmed().isEmpty()) {
            m_error = weight.hasMatch()
                          ? QCoreApplication::translate("clipfind::SearchQuery", "weight %1 has no term after it")
                                .arg(oneLine(weight.captured(0)))
                          : QCoreApplication::translate("clipfind::SearchQuery", "empty term");
            return false;
        }
        return true;
    }

    // An image term is a file:// URL or a path that starts with / ./ ../ or ~/; anything else is text.
    bool classify(const RawTerm &raw, QueryTerm *term)
    {
        const QString &t = raw.text;
        QString path;
        if (t.startsWith(QLatin1String("file://"))) {
            const QUrl url(t);
            if (!url.isValid() || !url.isLocalFile()) {
                m_error = QCoreApplication::translate("clipfind::SearchQuery", "%1 is not a valid file:// URL")
                              .arg(oneLine(t));
                return false;
            }
            path = url.toLocalFile();
        } else if (t.startsWith(QLatin1String("~/"))) {
            path = QDir::homePath() + t.mid(1);
        } else if (t.startsWith(QLatin1Char('/'))) {
            path = t;
        } else if (t.startsWith(QLatin1String("./")) || t.startsWith(QLatin1String("../"))) {
            path = QDir(m_base.isEmpty() ? QDir::currentPath() : m_base).filePath(t);
        } else {
            term->kind = QueryTerm::Kind::Text;
            term->text = t.simplified();
            return true;
        }
        const QFileInfo info(path);
        if (!info.exists()) {
            m_error =
                QCoreApplication::translate("clipfind::SearchQuery", "image %1 does not exist").arg(oneLine(path));
            return false;
        }
        if (!info.isFile()) {
            m_error = QCoreApplication::translate("clipfind::SearchQuery", "image %1 is not a file").arg(oneLine(path));
            return false;
        }
        term->kind = QueryTerm::Kind::Image;
        term->text = QDir::cleanPath(info.absoluteFilePath());
        return true;
    }

    const QString &m_query;
    QString m_base;
    int m_pos = 0;
    QString m_error;
};

} // namespace

ParsedQuery parseSearchQuery(const QString &query, const QString &baseDirectory)
{
    return Parser(query, baseDirectory).parse();
}

QString formatImageTerm(const QString &path)
{
    const QString absolute = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    static const QRegularExpression special(QStringLiteral("[\\s\"\\\\+-]"));
    if (!absolute.contains(special)) {
        return absolute;
    }
    QString escaped = absolute;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    escaped.replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

} // namespace clipfind
