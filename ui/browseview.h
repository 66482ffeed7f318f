// SPDX-License-Identifier: MIT
#pragma once

#include "core/browse/photolisting.h"
#include "ui/photogridview.h"

#include <memory>

namespace clipfind {

class BrowseModel;

/// The open folder's photos newest first under month headers, the header of the month at the top pinned while
/// scrolling: what the window shows when nothing is typed, with or without a model. A new listing of the same
/// folder and scope keeps the user's place (the photo at the top stays where it is, unless the view is at the very
/// top, where new photos then appear), the current photo and the selection; another folder or scope starts at the top.
class BrowseView : public PhotoGridView
{
    Q_OBJECT

public:
    /// `library` gives the thumbnails and decodes photos; it must outlive the view.
    explicit BrowseView(PhotoLibrary *library, QWidget *parent = nullptr);

    BrowseModel *browseModel() const { return m_model; }
    void showListing(std::shared_ptr<const PhotoListing> listing);

private:
    BrowseModel *m_model;
};

} // namespace clipfind
