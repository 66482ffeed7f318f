// SPDX-License-Identifier: MIT
// The window in Chinese: run with LANG=zh_CN.UTF-8 (tests/CMakeLists.txt sets it), the app's translation loader
// picks the Simplified Chinese translation compiled into the binary, and the menus, the placeholder page, the
// search field's hints, the status bar, the month headers and the model dialog (with Qt's own buttons) read in
// Chinese. The search hint shows a Chinese example only when the model understands more than English. Core's
// messages (a photo's reason for failing to decode, a model check's error) come out in Chinese too.
#include "fixturedata.h"

#include "core/decode/imagedecoder.h"
#include "core/models/modelcheck.h"
#include "core/models/modelmanifest.h"
#include "core/photolibrary.h"
#include "core/thumbnails/thumbnailcache.h"
#include "ui/browsemodel.h"
#include "ui/browseview.h"
#include "ui/mainwindow.h"
#include "ui/manifesttexts.h"
#include "ui/modelsetupdialog.h"
#include "ui/searchfield.h"
#include "ui/uilanguage.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

using namespace clipfind;
using namespace clipfind::test;

namespace {

bool hasChinese(const QString &text)
{
    for (const QChar c : text) {
        if (c.unicode() >= 0x4E00 && c.unicode() <= 0x9FFF) { // CJK Unified Ideographs
            return true;
        }
    }
    return false;
}

QStringList menuTitles(QMainWindow *window)
{
    QStringList titles;
    for (const QAction *action : window->menuBar()->actions()) {
        titles << action->text();
    }
    return titles;
}

} // namespace

class ChineseUiTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ThumbnailCache> m_thumbnails;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("config")));
        m_thumbnails = std::make_unique<ThumbnailCache>(m_dir.filePath(QStringLiteral("cache")),
                                                        m_dir.filePath(QStringLiteral("own")));
    }

    void theSystemLocaleIsChinese()
    {
        // What the app's main does: the system's language, from LANG=zh_CN.UTF-8.
        QCOMPARE(QLocale::system().name(), QStringLiteral("zh_CN"));
        QCOMPARE(installTranslations(), QStringLiteral("zh_CN"));
    }

    void theWindowIsInChinese()
    {
        MainWindow window(AppSettings{}, m_dir.filePath(QStringLiteral("data/cache.sqlite")), m_thumbnails.get());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QStringList menus = menuTitles(&window);
        QCOMPARE(menus, (QStringList{QStringLiteral("文件(&F)"), QStringLiteral("编辑(&E)"), QStringLiteral("视图(&V)"),
                                     QStringLiteral("工具(&T)"), QStringLiteral("帮助(&H)")}));
        QCOMPARE(window.showFoldersAction()->text(), QStringLiteral("显示文件夹(&F)"));
        QCOMPARE(window.closeMatchesAction()->text(), QStringLiteral("只看相近结果(&C)"));
        QCOMPARE(window.sortByDateAction()->text(), QStringLiteral("按日期排序(&D)"));
        // Every action in every menu reads in Chinese (the recent-folders list aside: folder names).
        for (QAction *menuAction : window.menuBar()->actions()) {
            for (const QAction *action : menuAction->menu()->actions()) {
                if (!action->isSeparator() && !action->text().isEmpty()) {
                    QVERIFY2(hasChinese(action->text()), qPrintable(action->text()));
                }
            }
        }

        // No folder, no model: the page and the field say so in Chinese.
        const QString page = window.placeholderText();
        QVERIFY2(page.contains(QStringLiteral("选择一个照片文件夹")), qPrintable(page));
        QVERIFY2(page.contains(QStringLiteral("搜索需要 CLIP 模型")), qPrintable(page));
        QCOMPARE(window.modelSetupButton()->text(), QStringLiteral("设置模型(&M)…"));
        SearchField *field = window.searchField();
        QCOMPARE(field->readiness(), SearchField::Readiness::NeedsModel);
        QCOMPARE(field->placeholderText(), QStringLiteral("搜索需要模型 — 去设置…"));
        QCOMPARE(field->modelSetupAction()->text(), QStringLiteral("设置模型…"));

        // A folder of photos: the status bar counts them in Chinese and the month headers are "2026年十一月".
        const QString photos = m_dir.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(photos));
        const QString images = dataPath(QStringLiteral("shapes-clip/images/"));
        for (const QString &name : QDir(images).entryList(QDir::Files).mid(0, 5)) {
            QVERIFY(QFile::copy(images + name, photos + QLatin1Char('/') + name));
        }
        QVERIFY(window.openFolder(photos));
        QTRY_COMPARE_WITH_TIMEOUT(window.browseView()->model()->rowCount(), 5, 60000);
        QString status;
        for (const QLabel *label : window.statusBar()->findChildren<QLabel *>()) {
            status += label->text() + QLatin1Char('\n');
        }
        QVERIFY2(status.contains(QStringLiteral("5 张照片")), qPrintable(status));
        const QString month = window.browseView()->model()->index(0, 0).data(BrowseModel::SectionTitleRole).toString();
        QVERIFY2(QRegularExpression(QStringLiteral("^\\d{4}年\\S+月$")).match(month).hasMatch(), qPrintable(month));
        QCOMPARE(BrowseModel::monthTitle(2026, 11), QStringLiteral("2026年十一月"));
    }

    void theSearchHintFollowsTheModelsLanguages()
    {
        SearchField field;
        field.setReadiness(SearchField::Readiness::Ready);
        // OpenAI's CLIP knows English only: the Chinese hint asks for English and gives English examples.
        QVERIFY2(field.placeholderText().startsWith(QStringLiteral("用英文描述照片")),
                 qPrintable(field.placeholderText()));
        QVERIFY(field.placeholderText().contains(QStringLiteral("sunset at the beach")));
        QVERIFY(!field.placeholderText().contains(QStringLiteral("海边的日落")));
        // A multilingual or Chinese model: Chinese examples.
        field.setMultilingualHint(true);
        QVERIFY(field.multilingualHint());
        QVERIFY2(field.placeholderText().startsWith(QStringLiteral("用任何语言描述照片")),
                 qPrintable(field.placeholderText()));
        QVERIFY(field.placeholderText().contains(QStringLiteral("“海边的日落”")));
        // Kept across readiness changes.
        field.setReadiness(SearchField::Readiness::LoadingModel);
        QVERIFY(hasChinese(field.placeholderText()));
        field.setReadiness(SearchField::Readiness::Ready);
        QVERIFY(field.placeholderText().contains(QStringLiteral("海边的日落")));
        field.setMultilingualHint(false);
        QVERIFY(!field.placeholderText().contains(QStringLiteral("海边的日落")));
    }

    void aChineseClipModelGetsChineseExamples()
    {
        // The model chosen by its folder, as Settings → Model → Folder… does: Chinese-CLIP reads Chinese, so the
        // field gives the Chinese example without a multilingual text model; a CLIP model does not.
        MainWindow window(AppSettings{}, m_dir.filePath(QStringLiteral("data/hint.sqlite")), m_thumbnails.get());
        window.loadModel(dataPath(QStringLiteral("multilingual/tiny-chinese-clip")));
        QTRY_VERIFY_WITH_TIMEOUT(window.library()->hasModel(), 60000);
        QCOMPARE(window.library()->encoder()->kindName(), QStringLiteral("chinese-clip"));
        QTRY_COMPARE_WITH_TIMEOUT(window.searchField()->readiness(), SearchField::Readiness::Ready, 60000);
        QVERIFY(window.searchField()->multilingualHint());
        QVERIFY2(window.searchField()->placeholderText().contains(QStringLiteral("海边的日落")),
                 qPrintable(window.searchField()->placeholderText()));

        window.loadModel(dataPath(QStringLiteral("tiny-hf")));
        QTRY_COMPARE_WITH_TIMEOUT(window.library()->encoder()->kindName(), QStringLiteral("clip"), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(window.searchField()->readiness(), SearchField::Readiness::Ready, 60000);
        QVERIFY(!window.searchField()->multilingualHint());
    }

    void theModelDialogIsInChinese()
    {
        ModelSetupDialog dialog(m_dir.filePath(QStringLiteral("data")), ModelManifest::builtIn());
        QCOMPARE(dialog.windowTitle(), QStringLiteral("选择 CLIP 模型"));
        QCOMPARE(dialog.findChild<QAbstractButton *>(QStringLiteral("downloadChoice"))->text(),
                 QStringLiteral("下载模型(&D)"));
        QCOMPARE(dialog.findChild<QAbstractButton *>(QStringLiteral("fileChoice"))->text(),
                 QStringLiteral("使用模型文件(&F)"));
        // Qt's own buttons, from Qt's translation (Debian: qt6-translations-l10n, which install-deps.sh installs).
        const auto *buttons = dialog.findChild<QDialogButtonBox *>();
        QVERIFY(buttons);
        QVERIFY(buttons->button(QDialogButtonBox::Cancel));
        QVERIFY2(buttons->button(QDialogButtonBox::Cancel)->text().startsWith(QStringLiteral("取消")),
                 qPrintable(buttons->button(QDialogButtonBox::Cancel)->text()));
        // The built-in models' descriptions are data in English (models/manifest.json): each has a translation.
        const ModelManifest manifest = ModelManifest::builtIn();
        QVERIFY(manifest.models().size() >= 5);
        for (const ManifestModel &model : manifest.models()) {
            const QString shown = translatedManifestText(model.speed);
            QVERIFY2(!model.speed.isEmpty() && shown != model.speed,
                     qPrintable(model.name + QLatin1String(": ") + shown));
        }
        QCOMPARE(translatedManifestText(QStringLiteral("fastest; good for most photo libraries")),
                 QStringLiteral("最快；适合大多数照片库"));
    }

    void theCoreMessagesAreInChinese()
    {
        // The reasons core gives for a photo it cannot read (the failures dialog lists them): the file's name stays,
        // the reason reads in Chinese.
        const QString empty = m_dir.filePath(QStringLiteral("empty-photo.jpg"));
        QFile file(empty);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        QCOMPARE(decodeImage(empty).error, QStringLiteral("empty-photo.jpg: 文件为空（0 字节）"));
        const QString twoFrames = decodeImage(dataPath(QStringLiteral("hostile/jpeg-two-frames.jpg"))).error;
        QVERIFY2(twoFrames.startsWith(QStringLiteral("jpeg-two-frames.jpg: JPEG 文件头格式错误（2 个帧起始标记")),
                 qPrintable(twoFrames));

        // A model file the checks refuse (the model dialog shows the reason): the sentence in Chinese, the engine's
        // technical detail (English) inside it.
        const QString hostileModel = dataPath(QStringLiteral("hostile/os-system.pt"));
        const ModelCheck check = checkModelFile(hostileModel, ModelManifest::builtIn());
        QVERIFY(!check.ok);
        QVERIFY2(check.error.startsWith(hostileModel + QStringLiteral("：无法使用此模型文件（")),
                 qPrintable(check.error));
        QVERIFY2(check.error.contains(QStringLiteral("os.system")), qPrintable(check.error));
        QVERIFY2(check.label().startsWith(QStringLiteral("已损坏：")), qPrintable(check.label()));
    }
};

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    ChineseUiTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "chineseuitest.moc"
