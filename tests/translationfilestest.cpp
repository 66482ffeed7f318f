// SPDX-License-Identifier: MIT
// The shipped translation (translations/clipfind_zh_CN.ts): every message translated, with the source's
// placeholders (%1, %n), accelerators (&F) and markup (<b>, <br>) kept; no text in the sources missing from it
// (lupdate, run on the same files as the build's lupdate target, finds exactly the .ts's messages); and the .qm
// compiled into the binary chosen by the locale (Chinese for zh_CN, nothing installed for English).
#include "ui/uilanguage.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

using namespace clipfind;

namespace {

struct Message {
    QString context;
    QString source;
    QString comment;
    bool numerus = false;
    QString translationType;  // "unfinished", "vanished", "obsolete" or empty
    QStringList translations; // one, or one per numerus form
    QString key() const { return context + QLatin1Char('|') + source + QLatin1Char('|') + comment; }
};

struct TsFile {
    QString language;
    QVector<Message> messages;
    QString error;
};

TsFile readTs(const QString &path)
{
    TsFile ts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ts.error = path + QStringLiteral(": ") + file.errorString();
        return ts;
    }
    QXmlStreamReader xml(&file);
    QString context;
    Message message;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) {
            continue;
        }
        const auto name = xml.name();
        if (name == QLatin1String("TS")) {
            ts.language = xml.attributes().value(QLatin1String("language")).toString();
        } else if (name == QLatin1String("context")) {
            context.clear();
        } else if (name == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (name == QLatin1String("message")) {
            message = Message{};
            message.context = context;
            message.numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
        } else if (name == QLatin1String("source")) {
            message.source = xml.readElementText();
        } else if (name == QLatin1String("comment")) {
            message.comment = xml.readElementText();
        } else if (name == QLatin1String("translation")) {
            message.translationType = xml.attributes().value(QLatin1String("type")).toString();
            if (message.numerus) {
                while (xml.readNextStartElement()) {
                    if (xml.name() == QLatin1String("numerusform")) {
                        message.translations << xml.readElementText();
                    } else {
                        xml.skipCurrentElement();
                    }
                }
            } else {
                message.translations << xml.readElementText();
            }
            ts.messages << message; // <translation> comes last in a <message>
        }
    }
    if (xml.hasError()) {
        ts.error = QStringLiteral("%1: %2 at line %3").arg(path, xml.errorString()).arg(xml.lineNumber());
    }
    return ts;
}

// The placeholders QString::arg and tr's %n fill in, sorted: "%1 of %2" -> ["%1", "%2"].
QStringList placeholders(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("%L?(\\d{1,2}|n)"));
    QStringList found;
    for (auto it = pattern.globalMatch(text); it.hasNext();) {
        found << it.next().captured(0).remove(QLatin1Char('L'));
    }
    found.sort();
    return found;
}

// The markup tags, sorted: "<b>x</b><br>" -> ["</b>", "<b>", "<br>"].
QStringList tags(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("</?[a-z]+>"));
    QStringList found;
    for (auto it = pattern.globalMatch(text); it.hasNext();) {
        found << it.next().captured(0);
    }
    found.sort();
    return found;
}

// The accelerator letter (&F in "&File"), lower case; empty when there is none ("&&" is a literal &).
QString accelerator(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("(?<!&)&([A-Za-z])"));
    const auto match = pattern.match(text);
    return match.hasMatch() ? match.captured(1).toLower() : QString();
}

QString describe(const Message &message)
{
    return QStringLiteral("%1: \"%2\"").arg(message.context, message.source);
}

} // namespace

class TranslationFilesTest : public QObject
{
    Q_OBJECT

private:
    TsFile m_ts;

private Q_SLOTS:
    void initTestCase()
    {
        m_ts = readTs(QStringLiteral(CLIPFIND_TS_FILE));
        QVERIFY2(m_ts.error.isEmpty(), qPrintable(m_ts.error));
        QCOMPARE(m_ts.language, QStringLiteral("zh_CN"));
        QVERIFY2(m_ts.messages.size() > 150, qPrintable(QString::number(m_ts.messages.size())));
    }

    void everyMessageIsTranslated()
    {
        QStringList problems;
        for (const Message &message : qAsConst(m_ts.messages)) {
            if (!message.translationType.isEmpty()) {
                problems << describe(message) + QStringLiteral(" is ") + message.translationType;
            }
            if (message.translations.isEmpty()) {
                problems << describe(message) + QStringLiteral(" has no translation");
            }
            for (const QString &translation : message.translations) {
                if (translation.trimmed().isEmpty()) {
                    problems << describe(message) + QStringLiteral(" has an empty translation");
                }
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void translationsKeepPlaceholdersAcceleratorsAndMarkup()
    {
        QStringList problems;
        for (const Message &message : qAsConst(m_ts.messages)) {
            for (const QString &translation : message.translations) {
                if (placeholders(translation) != placeholders(message.source)) {
                    problems << describe(message)
                                    + QStringLiteral(": placeholders %1 in the translation, %2 in the source")
                                          .arg(placeholders(translation).join(QLatin1Char(',')),
                                               placeholders(message.source).join(QLatin1Char(',')));
                }
                if (accelerator(translation) != accelerator(message.source)) {
                    problems << describe(message)
                                    + QStringLiteral(": accelerator '%1' in the translation, '%2' in "
                                                     "the source")
                                          .arg(accelerator(translation), accelerator(message.source));
                }
                if (tags(translation) != tags(message.source)) {
                    problems << describe(message) + QStringLiteral(": markup differs");
                }
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void theChecksCatchBrokenTranslations() // the helpers above are what the two tests rely on
    {
        QCOMPARE(placeholders(QStringLiteral("Indexing %1 of %2 photos")), (QStringList{"%1", "%2"}));
        QCOMPARE(placeholders(QStringLiteral("正在索引照片：%2 / %1")), (QStringList{"%1", "%2"}));
        QVERIFY(placeholders(QStringLiteral("%n folder(s), first %1")) != placeholders(QStringLiteral("第一个是 %1")));
        QCOMPARE(placeholders(QStringLiteral("%Ln photos")), QStringList{QStringLiteral("%n")});
        QCOMPARE(accelerator(QStringLiteral("&File")), QStringLiteral("f"));
        QCOMPARE(accelerator(QStringLiteral("文件(&F)")), QStringLiteral("f"));
        QCOMPARE(accelerator(QStringLiteral("Tom && Jerry")), QString());
        QVERIFY(tags(QStringLiteral("<b>x</b><br>")) != tags(QStringLiteral("<b>x<br>")));
    }

    // lupdate on the translatable sources finds exactly the messages of the .ts: a new tr() text fails this test
    // until it is translated (cmake --build build --target clipfind_translations_lupdate adds it to the .ts).
    void noTextInTheSourcesIsMissing()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString extracted = dir.filePath(QStringLiteral("extracted_zh_CN.ts"));
        QProcess lupdate;
        lupdate.setProcessChannelMode(QProcess::MergedChannels);
        lupdate.start(QStringLiteral(CLIPFIND_LUPDATE),
                      {QStringLiteral("-no-obsolete"), QStringLiteral("-locations"), QStringLiteral("none"),
                       QStringLiteral("@" CLIPFIND_TRANSLATABLE_SOURCES), QStringLiteral("-ts"), extracted});
        QVERIFY(lupdate.waitForFinished(120000));
        QVERIFY2(lupdate.exitCode() == 0, lupdate.readAll().constData());
        const TsFile fromSources = readTs(extracted);
        QVERIFY2(fromSources.error.isEmpty(), qPrintable(fromSources.error));
        QVERIFY(fromSources.messages.size() > 150);

        QSet<QString> shipped;
        for (const Message &message : qAsConst(m_ts.messages)) {
            shipped.insert(message.key());
        }
        QSet<QString> inSources;
        QStringList missing;
        for (const Message &message : fromSources.messages) {
            inSources.insert(message.key());
            if (!shipped.contains(message.key())) {
                missing << describe(message);
            }
        }
        QStringList stale;
        for (const Message &message : qAsConst(m_ts.messages)) {
            if (!inSources.contains(message.key())) {
                stale << describe(message);
            }
        }
        QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("not in the .ts (run the clipfind_translations_lupdate "
                                                              "target and translate):\n")
                                               + missing.join(QLatin1Char('\n'))));
        QVERIFY2(stale.isEmpty(),
                 qPrintable(QStringLiteral("no longer in the sources:\n") + stale.join(QLatin1Char('\n'))));
    }

    void theLocaleChoosesTheLanguage()
    {
        // English (and any language without a translation): nothing installed, the source texts show.
        QCOMPARE(installTranslations(QLocale(QLocale::English, QLocale::UnitedStates)), QString());
        QCOMPARE(installTranslations(QLocale(QLocale::German, QLocale::Germany)), QString());
        QCOMPARE(QCoreApplication::translate("clipfind::MainWindow", "&File"), QStringLiteral("&File"));
        // Simplified Chinese, from the .qm compiled into the binary.
        QCOMPARE(installTranslations(QLocale(QLocale::Chinese, QLocale::SimplifiedChineseScript, QLocale::China)),
                 QStringLiteral("zh_CN"));
        QCOMPARE(QCoreApplication::translate("clipfind::MainWindow", "&File"), QStringLiteral("文件(&F)"));
        QCOMPARE(QCoreApplication::translate("clipfind::SearchField", "Search"), QStringLiteral("搜索"));
        QCOMPARE(
            QCoreApplication::translate("clipfind::ResultModel", "Only Close Matches keeps the %n above", nullptr, 3),
            QStringLiteral("“只看相近结果”会保留上方的 3 张"));
    }
};

QTEST_GUILESS_MAIN(TranslationFilesTest)
#include "translationfilestest.moc"
