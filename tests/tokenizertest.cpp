// SPDX-License-Identifier: MIT
#include "core/text/tokenizer.h"
#include "core/text/htmlentities.h"
#include "core/text/textcleaner.h"
#include "sanitizerbuild.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using clipfind::Tokenizer;
using Ids = std::vector<int64_t>;
Q_DECLARE_METATYPE(Ids)

namespace {

QString idsToString(const Ids &ids)
{
    QStringList parts;
    for (const int64_t id : ids) {
        parts << QString::number(id);
    }
    return parts.join(QLatin1Char(' '));
}

// Drops the zero padding so failure messages stay readable.
Ids withoutPadding(Ids ids)
{
    while (!ids.empty() && ids.back() == 0) {
        ids.pop_back();
    }
    return ids;
}

Ids padded(Ids ids)
{
    ids.resize(Tokenizer::kContextLength, 0);
    return ids;
}

QString dataPath(const char *name)
{
    return QStringLiteral(CLIPFIND_TEST_DATA "/") + QLatin1String(name);
}

} // namespace

class TokenizerTest : public QObject
{
    Q_OBJECT

private:
    std::shared_ptr<const Tokenizer> m_tokenizer;

    void compareTokens(const QString &text, const Ids &expected)
    {
        const Ids actual = m_tokenizer->tokenize(text);
        QVERIFY2(
            actual == expected,
            qPrintable(QStringLiteral("text %1\n   expected %2\n   actual   %3")
                           .arg(QString::fromLatin1(QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact)),
                                idsToString(withoutPadding(expected)), idsToString(withoutPadding(actual)))));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QElapsedTimer timer;
        timer.start();
        QString error;
        m_tokenizer = Tokenizer::loadBuiltin(&error);
        QVERIFY2(m_tokenizer, qPrintable(error));
        qInfo("merge table loaded in %lld ms", timer.elapsed());
        QCOMPARE(m_tokenizer->vocabularySize(), 49408);
    }

    void fixtureFile()
    {
        QFile file(dataPath("tokenizer_cases.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(root.value(QLatin1String("context_length")).toInt(), Tokenizer::kContextLength);
        QCOMPARE(root.value(QLatin1String("sot")).toInteger(), Tokenizer::kStartOfText);
        QCOMPARE(root.value(QLatin1String("eot")).toInteger(), Tokenizer::kEndOfText);
        QCOMPARE(root.value(QLatin1String("cases")).toArray().size(), 41);
    }

    // tests/data/tokenizer_cases.json: ids made by openai/CLIP's simple_tokenizer (ftfy 6.3.1) + clip.tokenize.
    void fixtureCases_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<Ids>("expected");
        QFile file(dataPath("tokenizer_cases.json"));
        if (!file.open(QIODevice::ReadOnly)) {
            return; // fixtureFile() reports it
        }
        const QJsonArray cases =
            QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("cases")).toArray();
        for (qsizetype i = 0; i < cases.size(); ++i) {
            const QJsonObject c = cases.at(i).toObject();
            Ids ids;
            for (const QJsonValue &id : c.value(QLatin1String("ids")).toArray()) {
                ids.push_back(id.toInteger());
            }
            const QString text = c.value(QLatin1String("text")).toString();
            QTest::addRow("%02d %s", int(i), qPrintable(text.left(24).replace(QLatin1Char('\n'), QLatin1Char(' '))))
                << text << ids;
        }
    }

    void fixtureCases()
    {
        QFETCH(QString, text);
        QFETCH(Ids, expected);
        compareTokens(text, expected);
    }

    // The test vectors of the reference doc (/work/shared/docs/clip-reference.md §2.2), verified there with
    // openai/CLIP's simple_tokenizer. Independent of tokenizer_cases.json.
    void referenceVectors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<Ids>("expected");
        QTest::newRow("hello") << QStringLiteral("Hello World!") << padded({49406, 3306, 1002, 256, 49407});
        QTest::newRow("diagram") << QStringLiteral("a diagram") << padded({49406, 320, 22697, 49407});
        QTest::newRow("dog") << QStringLiteral("a dog") << padded({49406, 320, 1929, 49407});
        QTest::newRow("cat") << QStringLiteral("a cat") << padded({49406, 320, 2368, 49407});
        QTest::newRow("photo") << QStringLiteral("a photo of a cat")
                               << padded({49406, 320, 1125, 539, 320, 2368, 49407});
        QTest::newRow("contractions") << QStringLiteral("it's 2021, isn't it?")
                                      << padded({49406, 585, 568, 273, 271, 273, 272, 267, 2923, 713, 585, 286, 49407});
        QTest::newRow("beijing") << QStringLiteral("我爱北京天安门")
                                 << padded({49406, 162, 230,   239, 163,   230, 109, 161, 234, 245,
                                            21078, 105, 23170, 102, 27047, 231, 165, 245, 357, 49407});
        QTest::newRow("fullwidth punctuation")
            << QStringLiteral("你好，世界！")
            << padded({49406, 47466, 254, 29290, 377, 267, 19759, 244, 163, 243, 490, 256, 49407});
        QTest::newRow("cat photo zh") << QStringLiteral("一张猫的照片")
                                      << padded({49406, 19759, 222, 161, 120, 254, 163, 234, 104, 163, 248, 226, 163,
                                                 227, 100, 163, 231, 485, 49407});
        QTest::newRow("devanagari") << QStringLiteral("हिन्दी")
                                    << padded({49406, 29446, 26721, 26090, 19389, 29552, 25751, 49407});
        QTest::newRow("emoji") << QStringLiteral("😀 emoji") << padded({49406, 7334, 16327, 49407});
        QTest::newRow("special token") << QStringLiteral("<|endoftext|> x") << padded({49406, 49407, 343, 49407});
        QTest::newRow("dotted I") << QStringLiteral("İstanbul") << padded({49406, 328, 16384, 11231, 49407});
        QTest::newRow("final sigma") << QStringLiteral("ΟΔΟΣ")
                                     << padded({49406, 138, 123, 138, 112, 138, 123, 139, 480, 49407});
        QTest::newRow("entity") << QStringLiteral("hello&amp;world") << padded({49406, 3306, 261, 1002, 49407});
        QTest::newRow("accents") << QStringLiteral("naïve café résumé")
                                 << padded({49406, 1097, 35689, 563, 15304, 29106, 7054, 4166, 49407});
        Ids words(Tokenizer::kContextLength, 2653);
        words.front() = Tokenizer::kStartOfText;
        words.back() = Tokenizer::kEndOfText;
        QTest::newRow("word x100") << QStringLiteral("word ").repeated(100) << words;
    }

    void referenceVectors()
    {
        QFETCH(QString, text);
        QFETCH(Ids, expected);
        compareTokens(text, expected);
    }

    // Expected strings come from CPython 3.11's html.unescape (stdlib), run on these inputs.
    void htmlUnescape_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("named") << QStringLiteral("&amp;") << QStringLiteral("&");
        QTest::newRow("legacy without ;") << QStringLiteral("&amp") << QStringLiteral("&");
        QTest::newRow("legacy prefix") << QStringLiteral("&ampx") << QStringLiteral("&x");
        QTest::newRow("longest legacy prefix") << QStringLiteral("&notit;") << QStringLiteral("\u00acit;");
        QTest::newRow("full name wins") << QStringLiteral("&notin;") << QStringLiteral("\u2209");
        QTest::newRow("legacy prefix, digits") << QStringLiteral("&frac12abc") << QStringLiteral("\u00bdabc");
        QTest::newRow("legacy prefix, non-ASCII") << QStringLiteral("&ampé") << QStringLiteral("&é");
        QTest::newRow("unknown") << QStringLiteral("&unknown;") << QStringLiteral("&unknown;");
        QTest::newRow("case matters") << QStringLiteral("&LT;&Lt;") << QStringLiteral("<\u226a");
        QTest::newRow("two code points") << QStringLiteral("&nvlt;") << QStringLiteral("<\u20d2");
        QTest::newRow("no ; between") << QStringLiteral("&lt&gt") << QStringLiteral("<>");
        QTest::newRow("single pass") << QStringLiteral("&&amp;amp;") << QStringLiteral("&&amp;");
        QTest::newRow("name over 32") << QStringLiteral("&%1;").arg(QString(40, QLatin1Char('a')))
                                      << QStringLiteral("&%1;").arg(QString(40, QLatin1Char('a')));
        QTest::newRow("windows-1252 hex") << QStringLiteral("&#x80;") << QStringLiteral("\u20ac");
        QTest::newRow("windows-1252 dec") << QStringLiteral("&#128;") << QStringLiteral("\u20ac");
        QTest::newRow("windows-1252 gaps") << QStringLiteral("&#x9d;&#150;") << QStringLiteral("\u009d\u2013");
        QTest::newRow("zero") << QStringLiteral("&#0;") << QStringLiteral("\ufffd");
        QTest::newRow("carriage return") << QStringLiteral("&#x0d;") << QStringLiteral("\r");
        QTest::newRow("surrogate hex") << QStringLiteral("&#xD800;") << QStringLiteral("\ufffd");
        QTest::newRow("surrogate dec") << QStringLiteral("&#55296;") << QStringLiteral("\ufffd");
        QTest::newRow("out of range") << QStringLiteral("&#x110000;") << QStringLiteral("\ufffd");
        QTest::newRow("huge") << QStringLiteral("&#99999999999999999999;") << QStringLiteral("\ufffd");
        QTest::newRow("control removed") << QStringLiteral("&#1;x") << QStringLiteral("x");
        QTest::newRow("vertical tab removed") << QStringLiteral("&#x0B;") << QString();
        QTest::newRow("form feed kept") << QStringLiteral("&#12;") << QStringLiteral("\f");
        QTest::newRow("noncharacter") << QStringLiteral("&#xFDD0;&#x1FFFF;&#x10FFFF;") << QString();
        QTest::newRow("plane 16") << QStringLiteral("&#x10FFFD;") << QString::fromUcs4(U"\U0010FFFD", 1);
        QTest::newRow("no ;") << QStringLiteral("&#65;&#x42;&#x43") << QStringLiteral("ABC");
        QTest::newRow("hex stops") << QStringLiteral("&#x41g") << QStringLiteral("Ag");
        QTest::newRow("no digits") << QStringLiteral("&#;&#x;") << QStringLiteral("&#;&#x;");
        QTest::newRow("bare ampersand") << QStringLiteral("a&b c") << QStringLiteral("a&b c");
        QTest::newRow("leading BOM kept") << QStringLiteral("\ufeff&amp;") << QStringLiteral("\ufeff&");
    }

    void htmlUnescape()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(clipfind::htmlUnescape(input), expected);
    }

    // Python's html.entities.html5 has both "amp;" and the legacy "amp"; "notin;" but no "notit;".
    void htmlEntityTable()
    {
        QCOMPARE(clipfind::htmlEntity(QStringLiteral("amp;")), QStringLiteral("&"));
        QCOMPARE(clipfind::htmlEntity(QStringLiteral("amp")), QStringLiteral("&"));
        QCOMPARE(clipfind::htmlEntity(QStringLiteral("notin;")), QStringLiteral("\u2209"));
        QCOMPARE(clipfind::htmlEntity(QStringLiteral("nvlt;")), QStringLiteral("<\u20d2"));
        QVERIFY(clipfind::htmlEntity(QStringLiteral("ampx")).isNull());
        QVERIFY(clipfind::htmlEntity(QStringLiteral("notit;")).isNull());
        QVERIFY(clipfind::htmlEntity(QStringLiteral("\u00e9;")).isNull());
        QCOMPARE(clipfind::longestLegacyEntityPrefix(QStringLiteral("notit;")), 3);
        QCOMPARE(clipfind::longestLegacyEntityPrefix(QStringLiteral("frac12abc")), 6);
        QCOMPARE(clipfind::longestLegacyEntityPrefix(QStringLiteral("lt;")), 2);
        QCOMPARE(clipfind::longestLegacyEntityPrefix(QStringLiteral("xyz")), 0);
        QCOMPARE(clipfind::longestLegacyEntityPrefix(QString()), 0);
    }

    // The examples in ftfy 6.3.1's docstrings (fixes.py: unescape_html, fix_character_width,
    // fix_latin_ligatures, remove_terminal_escapes, uncurl_quotes, fix_line_breaks), which fix_text
    // reproduces for these inputs, plus fix_text's own rules read from its source: line by line, and no
    // more entities after the first line with a '<'; "&#59;" stays because decoding it leaves a ';'.
    void ftfyFixText_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("all-caps entities")
            << QStringLiteral("&ntilde; &Ntilde; &NTILDE; &nTILDE;") << QStringLiteral("ñ Ñ Ñ &nTILDE;");
        QTest::newRow("upper-cased name") << QStringLiteral("P&EACUTE;REZ") << QStringLiteral("PÉREZ");
        QTest::newRow("upper-cased sharp s") << QStringLiteral("BUNDESSTRA&SZLIG;E") << QStringLiteral("BUNDESSTRASSE");
        QTest::newRow("HTML5 names") << QStringLiteral("&Jscr;ohn &HilbertSpace;ancock")
                                     << QStringLiteral("𝒥ohn ℋancock");
        QTest::newRow("checkmark") << QStringLiteral("&checkmark;") << QStringLiteral("✓");
        QTest::newRow("width") << QStringLiteral("ＬＯＵＤ\u3000ＮＯＩＳＥＳ") << QStringLiteral("LOUD NOISES");
        QTest::newRow("half-width katakana") << QStringLiteral("Ｕﾀｰﾝ") << QStringLiteral("Uターン");
        QTest::newRow("ligatures") << QStringLiteral("ﬂuﬃeﬆ") << QStringLiteral("fluffiest");
        QTest::newRow("terminal escapes") << QStringLiteral("\x1b[36;44mI'm blue, da ba dee da ba doo...\x1b[0m")
                                          << QStringLiteral("I'm blue, da ba dee da ba doo...");
        QTest::newRow("curly quotes") << QStringLiteral("\u201chere\u2019s a test\u201d")
                                      << QStringLiteral("\"here's a test\"");
        QTest::newRow("separators") << QStringLiteral("two things:\u20291. Unicode\u20282. Spite")
                                    << QStringLiteral("two things:\n1. Unicode\n2. Spite");
        QTest::newRow("CRLF") << QStringLiteral("text/plain\r\n\r\nHi.") << QStringLiteral("text/plain\n\nHi.");
        QTest::newRow("'<' stops entities")
            << QStringLiteral("a &lt; b\n<p>&amp;</p>\n&amp;") << QStringLiteral("a < b\n<p>&amp;</p>\n&amp;");
        QTest::newRow("semicolon reference") << QStringLiteral("&#59;&#x3B;") << QStringLiteral("&#59;&#x3B;");
        QTest::newRow("C1 as Windows-1252") << QStringLiteral("it\u0092s x\u0085y") << QStringLiteral("it's x…y");
    }

    void ftfyFixText()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(clipfind::ftfyFixText(input), expected);
    }

    void truncation()
    {
        QStringList words;
        for (int i = 0; i < 2000; ++i) {
            words << QStringLiteral("photo%1").arg(i);
        }
        const QString text = words.join(QLatin1Char(' '));
        QVERIFY(m_tokenizer->encode(text).size() > 2000);
        const Ids ids = m_tokenizer->tokenize(text);
        QCOMPARE(ids.size(), size_t(Tokenizer::kContextLength));
        QCOMPARE(ids.front(), Tokenizer::kStartOfText);
        QCOMPARE(ids.back(), Tokenizer::kEndOfText);
        QVERIFY(std::find(ids.begin(), ids.end(), 0) == ids.end());
        // The kept ids are the first 76 of SOT + encode(text).
        const Ids content = m_tokenizer->encode(text);
        QVERIFY(std::equal(ids.begin() + 1, ids.end() - 1, content.begin()));

        const Ids shortRow = m_tokenizer->tokenize(text, 8);
        QCOMPARE(shortRow.size(), size_t(8));
        QCOMPARE(shortRow.back(), Tokenizer::kEndOfText);
    }

    void loadErrors()
    {
        QString error;
        const QString missing = QStringLiteral("/nonexistent/dir/vocab.txt.gz");
        QVERIFY(!Tokenizer::load(missing, &error));
        QVERIFY2(error.contains(missing), qPrintable(error));

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString plain = dir.filePath(QStringLiteral("plain.txt"));
        QFile file(plain);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("\"bpe_simple_vocab_16e6.txt#version: 0.2\ni n\nt h\n");
        file.close();
        error.clear();
        QVERIFY(!Tokenizer::load(plain, &error));
        QVERIFY2(error.contains(plain), qPrintable(error));

        // A gzip stream cut short (here well before line 48 895) must not load as a partial table.
        QFile builtin(QStringLiteral(":/clip/bpe_simple_vocab_16e6.txt.gz"));
        QVERIFY(builtin.open(QIODevice::ReadOnly));
        const QString truncated = dir.filePath(QStringLiteral("truncated.gz"));
        QFile cut(truncated);
        QVERIFY(cut.open(QIODevice::WriteOnly));
        cut.write(builtin.read(50000));
        cut.close();
        error.clear();
        QVERIFY(!Tokenizer::load(truncated, &error));
        QVERIFY2(error.contains(truncated), qPrintable(error));
    }

    // The class is documented reentrant: one instance used from several threads gives the same ids.
    void concurrentUse()
    {
        const QStringList texts = {QStringLiteral("a photo of a cat"), QStringLiteral("我爱北京天安门"),
                                   QStringLiteral("naïve café résumé"), QStringLiteral("hyphen-ated-words")};
        std::vector<Ids> expected;
        for (const QString &text : texts) {
            expected.push_back(m_tokenizer->tokenize(text));
        }
        std::atomic<int> mismatches{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < 200; ++i) {
                    const int k = (i + t) % int(texts.size());
                    if (m_tokenizer->tokenize(texts.at(k)) != expected[size_t(k)]) {
                        ++mismatches;
                    }
                }
            });
        }
        for (std::thread &thread : threads) {
            thread.join();
        }
        QCOMPARE(mismatches.load(), 0);
    }

    void hugeSingleWordKeepsItsFirstIds()
    {
        // A pasted 300 000-letter "word" gives the ids that full BPE gives a 3000-letter one (both fill the
        // 75 content ids; tokenize() stops early instead of running quadratic BPE over the whole word).
        const Ids huge = m_tokenizer->tokenize(QString(300000, QLatin1Char('a')));
        const Ids full = m_tokenizer->encode(QString(3000, QLatin1Char('a')));
        QCOMPARE(huge.size(), size_t(Tokenizer::kContextLength));
        QVERIFY(full.size() > 75);
        QVERIFY(std::equal(huge.begin() + 1, huge.end() - 1, full.begin()));
    }

    // ftfy repeats its fixes until nothing changes; ClipFind stops after 8 rounds (textcleaner.h). Up to 8 levels of
    // escaping come out as ftfy's, one more level keeps one entity.
    void nestedEscapesUpToTheRoundLimit()
    {
        const auto escaped = [](int times) {
            return QLatin1Char('&') + QString(QStringLiteral("amp;")).repeated(times - 1) + QStringLiteral("lt;");
        };
        QCOMPARE(clipfind::ftfyFixText(escaped(1)), QStringLiteral("<"));
        QCOMPARE(clipfind::ftfyFixText(escaped(3)), QStringLiteral("<"));
        QCOMPARE(clipfind::ftfyFixText(escaped(8)), QStringLiteral("<"));
        QCOMPARE(clipfind::ftfyFixText(escaped(9)), QStringLiteral("&lt;"));
        // clipCleanText's two html.unescape passes take two more levels.
        QCOMPARE(clipfind::clipCleanText(escaped(10)), QStringLiteral("<"));
    }

    // Issue 11: '<' escaped 16,383 times (tests/data/hostile/nested-escapes-64k.txt) took 17 s to clean, one level
    // per round; a run of 64 Ki spaces made the old word splitting no slower, but both are checked at 1 MB too.
    // Each must tokenize in well under a second (a generous 3 s bound for a loaded machine, 4 times that
    // under ASan; before: minutes).
    void hostileTextIsLinear_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("nested escapes") << QStringLiteral("hostile/nested-escapes-64k.txt");
        QTest::newRow("space run") << QStringLiteral("hostile/space-run-64k.txt");
    }

    void hostileTextIsLinear()
    {
        QFETCH(QString, file);
        QFile input(dataPath(file.toLatin1().constData()));
        QVERIFY(input.open(QIODevice::ReadOnly));
        const QString crafted = QString::fromUtf8(input.readAll());
        QVERIFY(crafted.size() >= 65000);
        for (const QString &text : {crafted, crafted.repeated(16)}) {
            QElapsedTimer timer;
            timer.start();
            const Ids ids = m_tokenizer->tokenize(text);
            const qint64 ms = timer.elapsed();
            qInfo("%lld characters: %lld ms", qint64(text.size()), ms);
            QCOMPARE(ids.size(), size_t(Tokenizer::kContextLength));
            QCOMPARE(ids.front(), Tokenizer::kStartOfText);
            QVERIFY2(ms < 3000 * clipfind::test::kSanitizerSlowdown, qPrintable(QStringLiteral("%1 ms").arg(ms)));
        }
    }

    // Byte-pair merging was quadratic in a word's length; a 1 MB word of varied letters (no merge shortcut) is now
    // merged whole by encode(), and its first ids are those of its first 3000 letters.
    void longWordMergesQuickly()
    {
        QString word;
        quint32 state = 12345;
        for (int i = 0; i < (1 << 20); ++i) {
            state = state * 1103515245u + 12345u;
            word += QLatin1Char(char('a' + (state >> 16) % 26));
        }
        QElapsedTimer timer;
        timer.start();
        const Ids all = m_tokenizer->encode(word);
        const qint64 ms = timer.elapsed();
        qInfo("1 MiB word: %zu ids in %lld ms", all.size(), ms);
        QVERIFY2(ms < 10000 * clipfind::test::kSanitizerSlowdown, qPrintable(QStringLiteral("%1 ms").arg(ms)));
        const Ids prefix = m_tokenizer->encode(word.left(3000));
        QVERIFY(prefix.size() > 100);
        QVERIFY(std::equal(prefix.begin(), prefix.begin() + 100, all.begin()));
    }
};

QTEST_GUILESS_MAIN(TokenizerTest)
#include "tokenizertest.moc"
