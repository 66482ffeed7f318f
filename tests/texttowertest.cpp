// SPDX-License-Identifier: MIT
// Which text tower a query goes to when a multilingual model is paired with CLIP (core/encode/texttower.h).
#include "core/encode/texttower.h"

#include <QtTest>

using namespace clipfind;

class TextTowerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void autoRule_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("multilingual");
        QTest::newRow("english") << QStringLiteral("sunset at the beach") << false;
        QTest::newRow("english, typographic quote") << QStringLiteral("a dog\u2019s toy \u2014 red") << false;
        QTest::newRow("chinese") << QStringLiteral("海边的日落") << true;
        QTest::newRow("mixed") << QStringLiteral("海边的日落 sunset") << true;
        QTest::newRow("german umlaut") << QStringLiteral("Hund im Schnee, grün") << true;
        QTest::newRow("russian") << QStringLiteral("собака") << true;
        QTest::newRow("french without accents") << QStringLiteral("plage au coucher du soleil") << false;
        QTest::newRow("empty") << QString() << false;
    }

    void autoRule()
    {
        QFETCH(QString, text);
        QFETCH(bool, multilingual);
        QCOMPARE(usesMultilingualTower(TextTowerChoice::Auto, text), multilingual);
        QCOMPARE(usesMultilingualTower(TextTowerChoice::Clip, text), false);
        QCOMPARE(usesMultilingualTower(TextTowerChoice::Multilingual, text), true);
    }

    void names()
    {
        for (const TextTowerChoice choice :
             {TextTowerChoice::Auto, TextTowerChoice::Clip, TextTowerChoice::Multilingual}) {
            TextTowerChoice parsed = choice == TextTowerChoice::Auto ? TextTowerChoice::Clip : TextTowerChoice::Auto;
            QVERIFY(parseTextTowerChoice(textTowerChoiceName(choice), &parsed));
            QCOMPARE(parsed, choice);
        }
        TextTowerChoice parsed = TextTowerChoice::Clip;
        QVERIFY(!parseTextTowerChoice(QStringLiteral("Auto"), &parsed));
        QVERIFY(!parseTextTowerChoice(QString(), &parsed));
        QCOMPARE(parsed, TextTowerChoice::Clip);
        QCOMPARE(textTowerChoiceName(TextTowerChoice::Multilingual), QStringLiteral("multilingual"));
    }
};

QTEST_GUILESS_MAIN(TextTowerTest)
#include "texttowertest.moc"
