// SPDX-License-Identifier: MIT
#pragma once

// Test support: reading the reference fixtures (tests/data, made with the original OpenAI CLIP code) and
// comparing feature rows with the fixture README's tolerance.

#include "core/clip/formats/npy.h"
#include "core/clip/model/clipmodel.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <algorithm>
#include <cmath>
#include <vector>

namespace clipfind::test {

inline QString dataPath(const QString &relative)
{
    return QStringLiteral(CLIPFIND_TEST_DATA "/") + relative;
}

inline QJsonObject readJsonObject(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QJsonDocument::fromJson(file.readAll()).object();
}

/// expected.json of a fixture model ("tiny-openai" or "tiny-hf").
struct ExpectedModel {
    QJsonObject json;
    std::vector<std::vector<int64_t>> tokens;
    QStringList texts;
    QStringList imagePaths; // absolute
    std::vector<std::vector<double>> textFeatures;
    std::vector<std::vector<double>> imageFeatures;
};

inline std::vector<std::vector<double>> matrix(const QJsonArray &rows)
{
    std::vector<std::vector<double>> out;
    for (const QJsonValue &row : rows) {
        std::vector<double> values;
        for (const QJsonValue &v : row.toArray()) {
            values.push_back(v.toDouble());
        }
        out.push_back(std::move(values));
    }
    return out;
}

inline ExpectedModel readExpected(const QString &model)
{
    ExpectedModel e;
    e.json = readJsonObject(dataPath(model + QStringLiteral("/expected.json")));
    for (const QJsonValue &row : e.json.value(QStringLiteral("tokens")).toArray()) {
        std::vector<int64_t> ids;
        for (const QJsonValue &id : row.toArray()) {
            ids.push_back(id.toInteger());
        }
        e.tokens.push_back(std::move(ids));
    }
    for (const QJsonValue &text : e.json.value(QStringLiteral("texts")).toArray()) {
        e.texts << text.toString();
    }
    for (const QJsonValue &image : e.json.value(QStringLiteral("images")).toArray()) {
        e.imagePaths << dataPath(image.toString());
    }
    e.textFeatures = matrix(e.json.value(QStringLiteral("text_features")).toArray());
    e.imageFeatures = matrix(e.json.value(QStringLiteral("image_features")).toArray());
    return e;
}

/// The reference model inputs (tests/data/preprocessed/<file>.npy) of the given images, concatenated.
inline std::vector<float> referencePixels(const QStringList &imagePaths)
{
    std::vector<float> pixels;
    for (const QString &path : imagePaths) {
        clip::NpyArray array;
        std::string error;
        const QString npy =
            dataPath(QStringLiteral("preprocessed/") + path.section(QLatin1Char('/'), -1) + QStringLiteral(".npy"));
        if (!clip::readNpy(npy.toStdString(), &array, &error)) {
            return {};
        }
        pixels.insert(pixels.end(), array.values.begin(), array.values.end());
    }
    return pixels;
}

/// max |ours - ref| / max |ref| of one row (the fixture README's feature tolerance is 1e-4).
inline double relativeRowError(const float *ours, const std::vector<double> &reference)
{
    double maxRef = 0, maxDiff = 0;
    for (size_t j = 0; j < reference.size(); ++j) {
        maxRef = std::max(maxRef, std::fabs(reference[j]));
        maxDiff = std::max(maxDiff, std::fabs(double(ours[j]) - reference[j]));
    }
    return maxDiff / std::max(maxRef, 1e-30);
}

/// Worst relative row error of a whole matrix; -1 when the shapes differ.
inline double worstRelativeError(const float *ours, int64_t rows, int64_t dim,
                                 const std::vector<std::vector<double>> &reference)
{
    if (rows != static_cast<int64_t>(reference.size())) {
        return -1;
    }
    double worst = 0;
    for (int64_t r = 0; r < rows; ++r) {
        if (static_cast<int64_t>(reference[static_cast<size_t>(r)].size()) != dim) {
            return -1;
        }
        worst = std::max(worst, relativeRowError(ours + r * dim, reference[static_cast<size_t>(r)]));
    }
    return worst;
}

/// Cosine similarity of one row (reference.size() values) with its reference.
inline double rowCosine(const float *ours, const std::vector<double> &reference)
{
    double dot = 0, a = 0, b = 0;
    for (size_t j = 0; j < reference.size(); ++j) {
        dot += ours[j] * reference[j];
        a += double(ours[j]) * ours[j];
        b += reference[j] * reference[j];
    }
    return dot / std::sqrt(a * b);
}

/// Smallest cosine similarity between matching rows; -1 when the shapes differ.
inline double worstCosine(const float *ours, int64_t rows, int64_t dim,
                          const std::vector<std::vector<double>> &reference)
{
    if (rows != static_cast<int64_t>(reference.size())) {
        return -1;
    }
    double worst = 1;
    for (int64_t r = 0; r < rows; ++r) {
        const std::vector<double> &ref = reference[static_cast<size_t>(r)];
        if (static_cast<int64_t>(ref.size()) != dim) {
            return -1;
        }
        worst = std::min(worst, rowCosine(ours + r * dim, ref));
    }
    return worst;
}

/// shapes-clip/labels.json as "red circle" strings by file name.
inline QHash<QString, QString> readShapeLabels()
{
    QHash<QString, QString> labels;
    const QJsonObject json = readJsonObject(dataPath(QStringLiteral("shapes-clip/labels.json")));
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QJsonArray pair = it.value().toArray();
        labels.insert(it.key(), pair.at(0).toString() + QLatin1Char(' ') + pair.at(1).toString());
    }
    return labels;
}

} // namespace clipfind::test
