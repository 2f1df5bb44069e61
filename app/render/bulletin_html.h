// The daily bulletin as one self-contained HTML page, laid out for A4 paper (two pages): what a
// grid company sends to the province's and counties' officials each morning, and what
// `fugong bulletin` prints to PDF through headless Chromium.
//
//   page 1: the province's composite and tier, with its change on the day before and on the same
//           lunar day of last year; the two maps side by side (index tiers, epidemic risk);
//           the risk x tier matrix (county counts) and the two lists officials act on
//   page 2: the ten highest and ten lowest counties, the industries, and the guidance table
//
// No scripts, no fonts or images fetched: the maps are inline SVG, the style is in the page.
// The page carries no time of making, so the same records give the same bytes.
#pragma once

#include <string>

#include "app/bulletin/bulletin_day.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"

namespace fugong::render {

struct BulletinOptions {
  std::string source;  // where the records came from, printed in the footer ("state DIR")
};

std::string RenderBulletinHtml(const BulletinDay& day, const RegionTable& regions,
                               const IndustryTable& industries, const BulletinOptions& options);

// A published composite (4 decimals in the record) as the bulletin prints it: 2 decimals, rounded
// half away from zero from its decimal value, so 34.7650 gives "34.77", never "34.76" through
// binary rounding.
std::string FormatComposite(double published);

}  // namespace fugong::render
