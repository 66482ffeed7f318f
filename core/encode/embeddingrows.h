// SPDX-License-Identifier: MIT
#pragma once

#include "core/clip/model/clipmodel.h"

#include <QString>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace clipfind {

/// Feature rows in input order. A row that failed is all zeros and has its reason in `errors`.
struct EmbeddingRows {
    int dim = 0;
    std::vector<float> values;   // rows * dim, unnormalized (like openai/CLIP encode_*)
    std::vector<QString> errors; // per row; empty string = ok
    QString error;               // the whole call failed (e.g. the model failed); rows are then absent

    int rows() const { return dim ? static_cast<int>(values.size() / dim) : 0; }
    const float *row(int i) const { return values.data() + static_cast<size_t>(i) * dim; }
    /// Copies `dim` values into row `i` (values must already hold it).
    void setRow(int i, const float *row)
    {
        std::copy(row, row + dim, values.begin() + static_cast<ptrdiff_t>(i) * dim);
    }
    /// Row k of `features` becomes row rows[k]; a failed call becomes the whole result's error (rows then absent).
    void place(const clip::Features &features, const std::vector<int> &rows)
    {
        if (!features.ok()) {
            error = QString::fromStdString(features.error);
            values.clear();
            return;
        }
        for (size_t k = 0; k < rows.size(); ++k) {
            setRow(rows[k], features.row(static_cast<int64_t>(k)));
        }
    }
};

} // namespace clipfind
