// SPDX-License-Identifier: MIT
// Why this file is long: the benchmark's and screenshots' generated albums: painted scenes whose kinds must stay
// visibly distinct (the duplicates screenshot), in one place.
#include "app/guibench/albums.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QPainterPath>
#include <QRandomGenerator>

#include <algorithm>
#include <cmath>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>

namespace clipfind::bench {

namespace {

enum class Scene { SnowyPeaks, Garden, Party, Meadow, Beach, Alps, Street };

QColor jitter(const QColor &color, QRandomGenerator &random, int amount)
{
    auto shift = [&](int v) { return std::clamp(v + int(random.bounded(2 * amount + 1)) - amount, 0, 255); };
    return QColor(shift(color.red()), shift(color.green()), shift(color.blue()));
}

void sky(QPainter &p, const QRect &r, const QColor &top, const QColor &horizon)
{
    QLinearGradient gradient(0, r.top(), 0, r.bottom());
    gradient.setColorAt(0, top);
    gradient.setColorAt(1, horizon);
    p.fillRect(r, gradient);
}

void sun(QPainter &p, const QPointF &center, double radius, const QColor &color)
{
    QRadialGradient glow(center, radius * 4);
    QColor halo = color;
    halo.setAlpha(110);
    glow.setColorAt(0, halo);
    glow.setColorAt(1, Qt::transparent);
    p.setPen(Qt::NoPen);
    p.setBrush(glow);
    p.drawEllipse(center, radius * 4, radius * 4);
    p.setBrush(color.lighter(120));
    p.drawEllipse(center, radius, radius);
}

// A ridge by midpoint displacement: jagged like rock, never the same twice.
void ridge(QPainter &p, QRandomGenerator &random, const QSize &size, double baseY, double amplitude,
           const QColor &color, bool snow)
{
    std::vector<double> heights(65, 0.0);
    heights.front() = random.generateDouble();
    heights.back() = random.generateDouble();
    for (int step = 64; step > 1; step /= 2) {
        const double spread = double(step) / 64.0;
        for (int i = step / 2; i < 65; i += step) {
            heights[size_t(i)] = (heights[size_t(i - step / 2)] + heights[size_t(i + step / 2)]) / 2
                                 + (random.generateDouble() - 0.5) * spread * 1.6;
        }
    }
    QPainterPath path(QPointF(0, size.height()));
    for (int i = 0; i < 65; ++i) {
        path.lineTo(size.width() * i / 64.0, baseY - amplitude * std::clamp(heights[size_t(i)], -0.2, 1.2));
    }
    path.lineTo(size.width(), size.height());
    path.closeSubpath();
    QLinearGradient fill(0, baseY - amplitude * 1.2, 0, size.height());
    fill.setColorAt(0, snow ? QColor(245, 248, 255) : color.lighter(115));
    fill.setColorAt(snow ? 0.28 : 0.4, color);
    fill.setColorAt(1, color.darker(160));
    p.setPen(Qt::NoPen);
    p.setBrush(fill);
    p.drawPath(path);
}

void clouds(QPainter &p, QRandomGenerator &random, const QSize &size, const QColor &color, int count)
{
    p.setPen(Qt::NoPen);
    for (int i = 0; i < count; ++i) {
        const QPointF at(random.bounded(size.width()), random.bounded(size.height() / 3));
        for (int puff = 0; puff < 6; ++puff) {
            QColor c = color;
            c.setAlpha(70 + int(random.bounded(60)));
            p.setBrush(c);
            const double w = size.width() * (0.06 + random.generateDouble() * 0.08);
            p.drawEllipse(at + QPointF(random.bounded(int(w * 2)) - w, random.bounded(int(w / 2))), w, w * 0.45);
        }
    }
}

void flower(QPainter &p, const QPointF &center, double radius, const QColor &petal, QRandomGenerator &random)
{
    const int petals = 5 + int(random.bounded(4));
    p.setPen(Qt::NoPen);
    for (int i = 0; i < petals; ++i) {
        p.save();
        p.translate(center);
        p.rotate(360.0 * i / petals + random.bounded(20));
        QRadialGradient shade(QPointF(radius * 0.6, 0), radius * 0.8);
        shade.setColorAt(0, petal.lighter(130));
        shade.setColorAt(1, petal.darker(115));
        p.setBrush(shade);
        p.drawEllipse(QPointF(radius * 0.6, 0), radius * 0.62, radius * 0.3);
        p.restore();
    }
    p.setBrush(QColor(250, 200, 40));
    p.drawEllipse(center, radius * 0.22, radius * 0.22);
}

void bokeh(QPainter &p, QRandomGenerator &random, const QSize &size, int count, int saturation)
{
    p.setPen(Qt::NoPen);
    for (int i = 0; i < count; ++i) {
        QColor c = QColor::fromHsv(int(random.bounded(360)), saturation, 255);
        c.setAlpha(40 + int(random.bounded(90)));
        p.setBrush(c);
        const double r = size.width() * (0.02 + random.generateDouble() * 0.07);
        p.drawEllipse(QPointF(random.bounded(size.width()), random.bounded(size.height())), r, r);
    }
}

void paintScene(QPainter &p, Scene scene, const QSize &size, QRandomGenerator &random)
{
    const QRect all(QPoint(0, 0), size);
    const double w = size.width();
    const double h = size.height();
    switch (scene) {
    case Scene::SnowyPeaks: {
        const bool dusk = random.bounded(2) == 0;
        sky(p, all, dusk ? QColor(40, 30, 90) : QColor(70, 130, 200),
            dusk ? QColor(240, 130, 120) : QColor(200, 225, 245));
        if (dusk) { // a green veil of northern lights
            QLinearGradient aurora(0, 0, w, h * 0.4);
            aurora.setColorAt(0, QColor(60, 255, 160, 0));
            aurora.setColorAt(0.5, QColor(60, 255, 160, 90));
            aurora.setColorAt(1, QColor(60, 255, 160, 0));
            p.fillRect(QRectF(0, h * 0.05, w, h * 0.3), aurora);
        }
        ridge(p, random, size, h * 0.55, h * 0.35, jitter(QColor(90, 100, 130), random, 20), true);
        ridge(p, random, size, h * 0.75, h * 0.2, jitter(QColor(50, 60, 80), random, 15), true);
        QLinearGradient snowfield(0, h * 0.86, 0, h);
        snowfield.setColorAt(0, QColor(200, 210, 230));
        snowfield.setColorAt(1, QColor(245, 248, 255));
        QPainterPath field(QPointF(0, h));
        field.lineTo(0, h * 0.9);
        field.quadTo(w * 0.5, h * (0.8 + 0.1 * random.generateDouble()), w, h * 0.88);
        field.lineTo(w, h);
        p.setBrush(snowfield);
        p.drawPath(field);
        break;
    }
    case Scene::Garden: {
        p.fillRect(all, jitter(QColor(40, 95, 45), random, 20));
        bokeh(p, random, size, 30, 120);
        for (int i = 0; i < 7 + int(random.bounded(6)); ++i) {
            const QPointF at(random.bounded(int(w)), random.bounded(int(h)));
            const double radius = w * (0.05 + random.generateDouble() * 0.1);
            flower(p, at, radius, QColor::fromHsv(int(random.bounded(360)), 170 + int(random.bounded(80)), 230),
                   random);
        }
        break;
    }
    case Scene::Party: {
        p.fillRect(all, jitter(QColor(35, 20, 50), random, 15));
        bokeh(p, random, size, 60, 200);
        p.setPen(QPen(QColor(230, 230, 230, 160), 2));
        for (int i = 0; i < 5; ++i) { // balloons on strings
            const QPointF at(w * (0.1 + 0.8 * random.generateDouble()), h * (0.15 + 0.35 * random.generateDouble()));
            const double r = w * (0.05 + 0.03 * random.generateDouble());
            p.drawLine(at + QPointF(0, r * 1.2), at + QPointF(random.bounded(40) - 20, h));
            QRadialGradient shine(at - QPointF(r * 0.4, r * 0.4), r * 1.4);
            const QColor color = QColor::fromHsv(int(random.bounded(360)), 210, 240);
            shine.setColorAt(0, color.lighter(150));
            shine.setColorAt(1, color.darker(130));
            p.setBrush(shine);
            p.drawEllipse(at, r, r * 1.2);
        }
        break;
    }
    case Scene::Meadow: {
        sky(p, all, QColor(90, 160, 230), QColor(210, 235, 250));
        clouds(p, random, size, Qt::white, 4);
        for (int layer = 0; layer < 3; ++layer) {
            QPainterPath hill(QPointF(0, h));
            const double base = h * (0.5 + 0.15 * layer);
            const double phase = random.generateDouble() * 6.28;
            for (int x = 0; x <= 40; ++x) {
                hill.lineTo(w * x / 40, base - h * 0.06 * std::sin(phase + x * 0.25 + layer));
            }
            hill.lineTo(w, h);
            p.setPen(Qt::NoPen);
            p.setBrush(jitter(QColor(90 - 20 * layer, 170 - 25 * layer, 60), random, 15));
            p.drawPath(hill);
        }
        for (int i = 0; i < 6; ++i) { // trees
            const QPointF at(random.bounded(int(w)), h * (0.55 + 0.3 * random.generateDouble()));
            const double r = w * (0.03 + 0.03 * random.generateDouble());
            p.setBrush(QColor(90, 60, 35));
            p.drawRect(QRectF(at.x() - r * 0.15, at.y(), r * 0.3, r * 1.5));
            p.setBrush(jitter(QColor(40, 110, 45), random, 20));
            p.drawEllipse(at, r, r * 1.1);
        }
        break;
    }
    case Scene::Beach: {
        const bool evening = random.bounded(3) == 0;
        sky(p, QRect(0, 0, int(w), int(h * 0.55)), evening ? QColor(250, 120, 80) : QColor(60, 150, 230),
            evening ? QColor(255, 210, 130) : QColor(190, 230, 250));
        sun(p, QPointF(w * (0.2 + 0.6 * random.generateDouble()), h * (evening ? 0.48 : 0.18)), w * 0.05,
            evening ? QColor(255, 160, 60) : QColor(255, 250, 210));
        QLinearGradient sea(0, h * 0.55, 0, h * 0.75);
        sea.setColorAt(0, evening ? QColor(200, 100, 90) : QColor(20, 110, 170));
        sea.setColorAt(1, evening ? QColor(120, 70, 90) : QColor(40, 170, 190));
        p.fillRect(QRectF(0, h * 0.55, w, h * 0.2), sea);
        p.setPen(QPen(QColor(255, 255, 255, 110), 3));
        for (int i = 0; i < 12; ++i) {
            const double y = h * (0.57 + 0.17 * random.generateDouble());
            const double x = random.bounded(int(w));
            p.drawLine(QPointF(x, y), QPointF(x + w * 0.08, y));
        }
        p.fillRect(QRectF(0, h * 0.75, w, h * 0.25), jitter(QColor(230, 205, 150), random, 12));
        if (random.bounded(2) == 0) { // a parasol
            const QPointF top(w * (0.2 + 0.6 * random.generateDouble()), h * 0.62);
            p.setPen(QPen(QColor(80, 60, 40), 5));
            p.drawLine(top, top + QPointF(0, h * 0.25));
            p.setPen(Qt::NoPen);
            p.setBrush(QColor::fromHsv(int(random.bounded(360)), 200, 230));
            p.drawPie(QRectF(top.x() - w * 0.1, top.y() - h * 0.06, w * 0.2, h * 0.12), 0, 180 * 16);
        }
        break;
    }
    case Scene::Alps: {
        sky(p, all, QColor(40, 110, 210), QColor(180, 215, 245));
        clouds(p, random, size, Qt::white, 3);
        ridge(p, random, size, h * 0.5, h * 0.35, jitter(QColor(110, 120, 140), random, 15), true);
        ridge(p, random, size, h * 0.7, h * 0.2, jitter(QColor(60, 120, 60), random, 15), false);
        ridge(p, random, size, h * 0.85, h * 0.12, jitter(QColor(40, 90, 40), random, 10), false);
        break;
    }
    case Scene::Street: {
        sky(p, all, QColor(30, 40, 90), QColor(230, 120, 90));
        p.setPen(Qt::NoPen);
        double x = 0;
        while (x < w) {
            const double bw = w * (0.08 + 0.1 * random.generateDouble());
            const double bh = h * (0.3 + 0.45 * random.generateDouble());
            p.setBrush(jitter(QColor(45, 40, 60), random, 15));
            p.drawRect(QRectF(x, h - bh, bw, bh));
            for (double wy = h - bh + 12; wy < h - 20; wy += 22) {
                for (double wx = x + 8; wx < x + bw - 12; wx += 18) {
                    if (random.bounded(3) == 0) {
                        p.setBrush(QColor(255, 210, 120, 200));
                        p.drawRect(QRectF(wx, wy, 8, 11));
                    }
                }
            }
            x += bw + 2;
        }
        break;
    }
    }
}

// Sensor-like noise and a soft vignette: thumbnails read as photos, not as flat drawings.
void finish(QImage *image, QRandomGenerator &random)
{
    QPainter p(image);
    QRadialGradient vignette(QPointF(image->width() / 2.0, image->height() / 2.0), image->width() * 0.75);
    vignette.setColorAt(0.55, Qt::transparent);
    vignette.setColorAt(1, QColor(0, 0, 0, 90));
    p.fillRect(image->rect(), vignette);
    p.end();
    for (int y = 0; y < image->height(); ++y) {
        uchar *line = image->scanLine(y);
        for (int x = 0; x < image->width() * 3; ++x) {
            line[x] = uchar(std::clamp(int(line[x]) + int(random.bounded(11)) - 5, 0, 255));
        }
    }
}

bool writeScene(const QString &path, Scene scene, const QSize &size, quint32 seed)
{
    QRandomGenerator random(seed);
    QImage image(size, QImage::Format_RGB888);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        paintScene(painter, scene, size, random);
    }
    finish(&image, random);
    return image.save(path, "JPEG", 90);
}

} // namespace

bool setModificationTime(const QString &path, qint64 ms)
{
    struct timespec times[2];
    times[0].tv_sec = time_t(ms / 1000);
    times[0].tv_nsec = long(ms % 1000) * 1000000;
    times[1] = times[0];
    return ::utimensat(AT_FDCWD, QFile::encodeName(path).constData(), times, 0) == 0;
}

namespace {

struct Album {
    const char *path; // under the folder; empty: the folder itself
    Scene scene;
    int year;
    int month;
    int photos;
};

bool writeAlbums(const QString &folder, const QSize &size, const std::vector<Album> &albums, QString *error)
{
    quint32 seed = 7;
    for (const Album &album : albums) {
        const QString dir = album.path[0] ? folder + QLatin1Char('/') + QLatin1String(album.path) : folder;
        if (!QDir().mkpath(dir)) {
            *error = QStringLiteral("%1: cannot create the folder").arg(dir);
            return false;
        }
        const QDate first(album.year, album.month, 1);
        for (int i = 0; i < album.photos; ++i) {
            ++seed;
            // Days spread over the month, one photo every few hours on a day.
            const int day = std::min(first.daysInMonth() - 1, int(i * first.daysInMonth() / album.photos));
            const QDateTime taken(first.addDays(day), QTime(9 + (i * 5) % 11, (i * 17) % 60));
            const QString path = dir + QStringLiteral("/IMG_%1.jpg").arg(4000 + int(seed), 4, 10, QLatin1Char('0'));
            if (!writeScene(path, album.scene, size, seed) || !setModificationTime(path, taken.toMSecsSinceEpoch())) {
                *error = QStringLiteral("%1: cannot write the photo").arg(path);
                return false;
            }
        }
    }
    return true;
}

} // namespace

bool generateAlbums(const QString &folder, const QSize &size, QString *error)
{
    return writeAlbums(folder, size,
                       {
                           {"Trips/Iceland", Scene::SnowyPeaks, 2026, 11, 14},
                           {"Garden", Scene::Garden, 2026, 10, 11},
                           {"Family/Birthday", Scene::Party, 2026, 9, 9},
                           {"Family/Picnic", Scene::Meadow, 2026, 8, 10},
                           {"Trips/Beach", Scene::Beach, 2026, 7, 16},
                           {"Trips/Alps", Scene::Alps, 2026, 6, 12},
                           {"", Scene::Street, 2026, 11, 5},
                           {"", Scene::Meadow, 2026, 5, 8},
                       },
                       error);
}

bool generateDuplicates(const QString &folder, const QSize &size, QString *error)
{
    // Scenes whose photos differ enough from one another (the beach and snowy-peak generators make near-identical
    // shots, which the finder rightly groups as bursts): only the planted copies are duplicates here.
    const bool written = writeAlbums(folder, size,
                                     {
                                         {"Garden", Scene::Garden, 2026, 10, 11},
                                         {"Family/Birthday", Scene::Party, 2026, 9, 9},
                                         {"Family/Picnic", Scene::Meadow, 2026, 8, 10},
                                         {"Trips/Alps", Scene::Alps, 2026, 6, 12},
                                         {"Trips/Lisbon", Scene::Street, 2026, 11, 6},
                                     },
                                     error);
    if (!written) {
        return false;
    }
    enum class Copy { Half, Resaved, Png, Same };
    struct Planted {
        const char *album;
        int photo;      // the album's n-th photo by name
        const char *to; // folder of the copy, under `folder`; empty: next to the original
        Copy copy;
    };
    const Planted planted[] = {
        {"Trips/Alps", 3, "Phone backup", Copy::Half},    {"Trips/Alps", 3, "Exports", Copy::Resaved},
        {"Trips/Alps", 3, "Exports", Copy::Png},          {"Garden", 2, "Phone backup", Copy::Half},
        {"Garden", 2, "Exports", Copy::Resaved},          {"Trips/Lisbon", 4, "Phone backup", Copy::Half},
        {"Family/Birthday", 1, "", Copy::Same},           {"Family/Birthday", 6, "Exports", Copy::Resaved},
        {"Family/Picnic", 6, "Phone backup", Copy::Half}, {"Garden", 8, "Exports", Copy::Png},
    };
    for (const Planted &plant : planted) {
        const QDir album(folder + QLatin1Char('/') + QLatin1String(plant.album));
        const QStringList names = album.entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
        if (plant.photo >= names.size()) {
            *error = QStringLiteral("%1: too few photos").arg(album.path());
            return false;
        }
        const QString original = album.filePath(names[plant.photo]);
        const QString dir = plant.to[0] ? folder + QLatin1Char('/') + QLatin1String(plant.to) : album.path();
        const QString base = QFileInfo(original).completeBaseName();
        QString path;
        bool written = QDir().mkpath(dir);
        const QImage image(original);
        switch (plant.copy) {
        case Copy::Half:
            path = dir + QLatin1Char('/') + base + QStringLiteral(".jpg");
            written = written
                      && image.scaled(image.size() / 2, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                             .save(path, "JPEG", 85);
            break;
        case Copy::Resaved:
            path = dir + QLatin1Char('/') + base + QStringLiteral("-edit.jpg");
            written = written && image.save(path, "JPEG", 72);
            break;
        case Copy::Png:
            path = dir + QLatin1Char('/') + base + QStringLiteral(".png");
            written = written && image.save(path, "PNG");
            break;
        case Copy::Same:
            path = dir + QLatin1Char('/') + base + QStringLiteral(" (1).jpg");
            written = written && QFile::copy(original, path);
            break;
        }
        // Copied a while after the photo was taken: the original is the earliest.
        const qint64 copied = QFileInfo(original).lastModified().addDays(40).toMSecsSinceEpoch();
        if (!written || !setModificationTime(path, copied)) {
            *error = QStringLiteral("%1: cannot write the copy").arg(path);
            return false;
        }
    }
    return true;
}

bool generateEmptyPhotos(const QString &folder, int count, QString *error)
{
    const qint64 newest = QDateTime(QDate(2026, 11, 30), QTime(12, 0)).toMSecsSinceEpoch();
    const qint64 span = qint64(10) * 365 * 24 * 3600 * 1000;
    QRandomGenerator random(42);
    for (int i = 0; i < count; ++i) {
        const QString dir = folder + QStringLiteral("/%1").arg(i / 1000, 3, 10, QLatin1Char('0'));
        if (i % 1000 == 0 && !QDir().mkpath(dir)) {
            *error = QStringLiteral("%1: cannot create the folder").arg(dir);
            return false;
        }
        const QString path = dir + QStringLiteral("/IMG_%1.jpg").arg(i, 6, 10, QLatin1Char('0'));
        QFile file(path);
        const bool written = file.open(QIODevice::WriteOnly);
        file.close();
        if (!written || !setModificationTime(path, newest - qint64(random.bounded(double(span))))) {
            *error = QStringLiteral("%1: cannot write the file").arg(path);
            return false;
        }
    }
    return true;
}

} // namespace clipfind::bench
