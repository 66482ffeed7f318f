// SPDX-License-Identifier: MIT
// The search field's syntax: weighted text and image terms joined by + and -, quoting, and clear errors.
#include "core/search/searchquery.h"

#include "testfiles.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;

namespace {

QueryTerm text(const QString &t, float weight = 1)
{
    return {QueryTerm::Kind::Text, t, weight};
}

QueryTerm image(const QString &path, float weight = 1)
{
    return {QueryTerm::Kind::Image, path, weight};
}

QString describe(const std::vector<QueryTerm> &terms)
{
    QStringList parts;
    for (const QueryTerm &t : terms) {
        parts << QStringLiteral("%1[%2]*%3")
                     .arg(t.kind == QueryTerm::Kind::Image ? "image" : "text", t.text)
                     .arg(double(t.weight));
    }
    return parts.join(QLatin1String(", "));
}

} // namespace

class SearchQueryTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir{QDir::tempPath() + QStringLiteral("/clipfindquery_XXXXXX")}; // no '-' in the path
    QString m_kitchen;                                                               // <tmp>/kitchen.jpg
    QString m_spaced;                                                                // <tmp>/my cat + dog-1.jpg
    QString m_quoteName;                                                             // <tmp>/say "cheese" \ now.jpg

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_kitchen = m_dir.filePath(QStringLiteral("kitchen.jpg"));
        m_spaced = m_dir.filePath(QStringLiteral("my cat + dog-1.jpg"));
        m_quoteName = m_dir.filePath(QStringLiteral("say \"cheese\" \\ now.jpg"));
        for (const QString &path : {m_kitchen, m_spaced, m_quoteName}) {
            QVERIFY(test::writeBytes(path, "not decoded by the parser"));
        }
        QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("folder.jpg")));
    }

    void parsesTerms_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("expected");
        auto row = [](const char *name, const QString &query, const std::vector<QueryTerm> &terms) {
            QTest::newRow(name) << query << describe(terms);
        };
        row("single", QStringLiteral("a red circle"), {text(QStringLiteral("a red circle"))});
        row("spaces collapse", QStringLiteral("  a   red\tcircle  "), {text(QStringLiteral("a red circle"))});
        row("plus", QStringLiteral("dog + snow"), {text(QStringLiteral("dog")), text(QStringLiteral("snow"))});
        row("minus", QStringLiteral("beach - people"),
            {text(QStringLiteral("beach")), text(QStringLiteral("people"), -1)});
        row("operator glued to the term", QStringLiteral("beach -people +sun"),
            {text(QStringLiteral("beach")), text(QStringLiteral("people"), -1), text(QStringLiteral("sun"))});
        row("leading minus", QStringLiteral("- people"), {text(QStringLiteral("people"), -1)});
        row("leading plus", QStringLiteral("+dog"), {text(QStringLiteral("dog"))});
        row("hyphenated words stay words", QStringLiteral("black-and-white t-shirt"),
            {text(QStringLiteral("black-and-white t-shirt"))});
        row("weights", QStringLiteral("2:sunset + 0.5:beach - 1.5:people"),
            {text(QStringLiteral("sunset"), 2), text(QStringLiteral("beach"), 0.5f),
             text(QStringLiteral("people"), -1.5f)});
        row("clock time is text", QStringLiteral("12:30 train"), {text(QStringLiteral("12:30 train"))});
        row("quoted operators", QStringLiteral("\"rock - n - roll\" + guitar"),
            {text(QStringLiteral("rock - n - roll")), text(QStringLiteral("guitar"))});
    }

    void parsesTerms()
    {
        QFETCH(QString, query);
        QFETCH(QString, expected);
        const ParsedQuery parsed = parseSearchQuery(query);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error));
        QCOMPARE(describe(parsed.terms), expected);
    }

    void parsesImageTerms()
    {
        const ParsedQuery relative = parseSearchQuery(QStringLiteral("./kitchen.jpg + christmas"), m_dir.path());
        QVERIFY2(relative.ok(), qPrintable(relative.error));
        QCOMPARE(describe(relative.terms), describe({image(m_kitchen), text(QStringLiteral("christmas"))}));

        const QString parent = QStringLiteral("../%1/kitchen.jpg").arg(QFileInfo(m_dir.path()).fileName());
        const ParsedQuery up = parseSearchQuery(QStringLiteral("snow - 2:") + parent, m_dir.path());
        QVERIFY2(up.ok(), qPrintable(up.error));
        QCOMPARE(describe(up.terms), describe({text(QStringLiteral("snow")), image(m_kitchen, -2)}));

        const ParsedQuery absolute = parseSearchQuery(m_kitchen);
        QCOMPARE(describe(absolute.terms), describe({image(m_kitchen)}));

        const QString url = QUrl::fromLocalFile(m_spaced).toString(QUrl::FullyEncoded);
        const ParsedQuery fromUrl = parseSearchQuery(url + QStringLiteral(" + cat"));
        QVERIFY2(fromUrl.ok(), qPrintable(fromUrl.error));
        QCOMPARE(describe(fromUrl.terms), describe({image(m_spaced), text(QStringLiteral("cat"))}));

        const ParsedQuery quoted = parseSearchQuery(QStringLiteral("\"%1\" - dog").arg(m_spaced));
        QVERIFY2(quoted.ok(), qPrintable(quoted.error));
        QCOMPARE(describe(quoted.terms), describe({image(m_spaced), text(QStringLiteral("dog"), -1)}));
    }

    void homeRelativeImage()
    {
        const QString home = QDir::homePath();
        QTemporaryDir inHome(home + QStringLiteral("/clipfind-query-test-XXXXXX"));
        if (!inHome.isValid()) {
            QVERIFY(!QFileInfo(home).isWritable()); // only a read-only home may skip this check
            return;
        }
        const QString file = inHome.filePath(QStringLiteral("beach.jpg"));
        QVERIFY(test::writeBytes(file, "x"));
        const QString tilde = QStringLiteral("~") + file.mid(home.size());
        const ParsedQuery parsed = parseSearchQuery(tilde);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error));
        QCOMPARE(describe(parsed.terms), describe({image(QDir::cleanPath(file))}));
    }

    void formattedImageTermsParseBack()
    {
        for (const QString &path : {m_kitchen, m_spaced, m_quoteName}) {
            const QString term = formatImageTerm(path);
            const ParsedQuery parsed = parseSearchQuery(term + QStringLiteral(" + snow"));
            QVERIFY2(parsed.ok(), qPrintable(term + QLatin1String(": ") + parsed.error));
            QCOMPARE(describe(parsed.terms), describe({image(path), text(QStringLiteral("snow"))}));
        }
        QCOMPARE(formatImageTerm(m_kitchen), m_kitchen); // plain paths stay readable
        QCOMPARE(formatImageTerm(m_spaced), QStringLiteral("\"%1\"").arg(m_spaced));
        QCOMPARE(formatImageTerm(QStringLiteral("/photos/my cat.jpg")), QStringLiteral("\"/photos/my cat.jpg\""));
    }

    void blankQueryHasNoTerms()
    {
        for (const QString &q : {QString(), QStringLiteral("   \t ")}) {
            const ParsedQuery parsed = parseSearchQuery(q);
            QVERIFY(parsed.ok());
            QVERIFY(parsed.terms.empty());
        }
    }

    void malformedQueriesFail_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("message");
        QTest::newRow("dangling plus") << QStringLiteral("dog +")
                                       << QStringLiteral("'+' at the end of the query needs a term after it");
        QTest::newRow("lone minus") << QStringLiteral(" - ")
                                    << QStringLiteral("'-' at the end of the query needs a term after it");
        QTest::newRow("two operators") << QStringLiteral("dog + - cat")
                                       << QStringLiteral("two operators in a row ('+' then '-')");
        QTest::newRow("unterminated quote") << QStringLiteral("\"dog + cat") << QStringLiteral("unterminated quote");
        QTest::newRow("zero weight") << QStringLiteral("0:dog") << QStringLiteral("weight 0 must be a positive number");
        QTest::newRow("weight alone") << QStringLiteral("dog + 2:") << QStringLiteral("weight 2: has no term after it");
        QTest::newRow("empty quotes") << QStringLiteral("dog + \"\"") << QStringLiteral("empty term");
        QTest::newRow("missing image") << QStringLiteral("/no/such/photo.jpg + dog")
                                       << QStringLiteral("image /no/such/photo.jpg does not exist");
    }

    void malformedQueriesFail()
    {
        QFETCH(QString, query);
        QFETCH(QString, message);
        const ParsedQuery parsed = parseSearchQuery(query);
        QVERIFY(!parsed.ok());
        QVERIFY(parsed.terms.empty());
        QVERIFY2(parsed.error.endsWith(message), qPrintable(parsed.error));
        QVERIFY2(parsed.error.startsWith(QStringLiteral("query \"%1\": ").arg(query.trimmed())),
                 qPrintable(parsed.error));
    }

    void folderIsNotAnImage()
    {
        const ParsedQuery parsed = parseSearchQuery(formatImageTerm(m_dir.filePath(QStringLiteral("folder.jpg"))));
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error.endsWith(QStringLiteral("is not a file")), qPrintable(parsed.error));
    }

    // Issue 11: the parser looked ahead from every space of a run, quadratic in its length. The crafted 64 KiB query
    // (tests/data/hostile/space-run-64k.txt) and 16 copies of it (1 MiB) parse in well under a second.
    void spaceRunsAreLinear()
    {
        const QByteArray crafted = test::readBytes(QStringLiteral(CLIPFIND_TEST_DATA "/hostile/space-run-64k.txt"));
        QVERIFY(crafted.size() >= 65000);
        for (int copies : {1, 16}) {
            const QString query = QString::fromLatin1(crafted.repeated(copies));
            QElapsedTimer timer;
            timer.start();
            const ParsedQuery parsed = parseSearchQuery(query);
            const qint64 ms = timer.elapsed();
            qInfo("%lld characters: %lld ms", qint64(query.size()), ms);
            QVERIFY2(parsed.ok(), qPrintable(parsed.error));
            QCOMPARE(parsed.terms.size(), size_t(1));
            QCOMPARE(parsed.terms.front().text, query.simplified());
            QVERIFY2(ms < 1000, qPrintable(QStringLiteral("%1 ms").arg(ms)));
        }
    }

    // Each text term is one run of the text encoder: a pasted list of thousands of terms is refused, quickly, with a
    // short one-line message (the query is quoted up to 200 characters).
    void tooManyTermsFail()
    {
        QStringList terms;
        for (int i = 0; i < kMaxQueryTerms; ++i) {
            terms << QStringLiteral("t%1").arg(i);
        }
        QVERIFY(parseSearchQuery(terms.join(QStringLiteral(" + "))).ok());
        terms << QStringLiteral("one\nmore");
        const QString tooMany = terms.join(QStringLiteral(" + "));
        const ParsedQuery parsed = parseSearchQuery(tooMany);
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error.endsWith(QStringLiteral("too many terms (a query holds at most %1)").arg(kMaxQueryTerms)),
                 qPrintable(parsed.error));

        QElapsedTimer timer;
        timer.start();
        const ParsedQuery huge = parseSearchQuery(QStringLiteral("a\n+ ").repeated(200000));
        QVERIFY(!huge.ok());
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QStringLiteral("%1 ms").arg(timer.elapsed())));
        QVERIFY2(!huge.error.contains(QLatin1Char('\n')), qPrintable(huge.error));
        QVERIFY2(huge.error.size() < 300, qPrintable(huge.error));
    }
};

QTEST_GUILESS_MAIN(SearchQueryTest)
#include "searchquerytest.moc"
