// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <vector>

namespace clipfind {

/// A run of consecutive rows that a SectionedGridView lays out together, below an optional header.
struct GridSection {
    enum class Kind {
        Plain,   ///< no header
        Header,  ///< a title row above the items that stays at the top while its items scroll ("November 2026")
        Divider, ///< a thin line with a short label between the items before and after it
    };
    int first = 0;
    int count = 0;
    Kind kind = Kind::Plain;
    QString title;
    QString detail; ///< shown dimmer after the title ("128 photos")
};

/// A model that cuts its rows into sections. A SectionedGridView asks it again after every change of rows; the
/// sections must cover the rows in order, each once (else the view shows one plain section).
class GridSectionSource
{
public:
    virtual ~GridSectionSource() = default;
    virtual std::vector<GridSection> gridSections() const = 0;
};

} // namespace clipfind
