// SPDX-License-Identifier: MIT
// Fuzz target (c): query text. Cleaning (ftfy + html.unescape + whitespace + lower case), the CLIP tokenizer and the
// search query parser, on any UTF-8 (invalid sequences become U+FFFD as they do from the search field). Invariants:
// a token row is 77 ids from SOT to a last EOT and zero padding, every id in the vocabulary; a parse either fails
// with one line or gives at most kMaxQueryTerms terms with finite nonzero weights; an image term formatted back parses
// to the same path. Run with -timeout: all three are linear in the input, so a slow input is a finding.
#include "fuzzsupport.h"

#include "core/search/searchquery.h"
#include "core/text/textcleaner.h"
#include "core/text/tokenizer.h"

#include <cmath>

using namespace clipfind;

namespace {

const Tokenizer &tokenizer()
{
    static const std::shared_ptr<const Tokenizer> loaded = [] {
        QString error;
        auto t = Tokenizer::loadBuiltin(&error);
        if (!t) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            std::abort();
        }
        return t;
    }();
    return *loaded;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    // Paths with a NUL make Qt's file functions warn on every run ("Broken filename passed to function").
    qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &) {});
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)ftfyFixText(text);
    (void)htmlUnescape(text);
    const std::vector<int64_t> ids = tokenizer().tokenize(text);
    if (ids.size() != size_t(Tokenizer::kContextLength) || ids.front() != Tokenizer::kStartOfText) {
        fuzz::fail("token row is not 77 ids starting with SOT");
    }
    // The text may spell "<|endoftext|>" itself, which OpenAI's tokenizer (and ours) turns into EOT mid-row; the
    // row still ends with an EOT followed only by padding (the model reads the first EOT, as OpenAI's argmax does).
    size_t last = 0;
    for (size_t i = 1; i < ids.size(); ++i) {
        if (ids[i] < 0 || ids[i] >= tokenizer().vocabularySize()) {
            fuzz::fail("token id outside the vocabulary");
        }
        if (ids[i] != 0) {
            last = i;
        }
    }
    if (ids[last] != Tokenizer::kEndOfText) {
        fuzz::fail("token row does not end with EOT and padding");
    }

    const ParsedQuery parsed = parseSearchQuery(text, QStringLiteral("/nonexistent-fuzz-base"));
    if (!parsed.ok()) {
        fuzz::requireOneLine(parsed.error.toStdString());
        if (!parsed.terms.empty()) {
            fuzz::fail("a failed parse has terms");
        }
        return 0;
    }
    if (parsed.terms.size() > size_t(kMaxQueryTerms)) {
        fuzz::fail("more terms than allowed");
    }
    for (const QueryTerm &term : parsed.terms) {
        if (!std::isfinite(term.weight) || term.weight == 0) {
            fuzz::fail("term weight is not a finite nonzero number");
        }
        if (term.kind == QueryTerm::Kind::Image) {
            const ParsedQuery again = parseSearchQuery(formatImageTerm(term.text));
            if (!again.ok() || again.terms.size() != 1 || again.terms.front().text != term.text) {
                fuzz::fail("a formatted image term does not parse back to its path");
            }
        }
    }
    return 0;
}
