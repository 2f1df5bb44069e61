// The five-colour county map of the composite index, as SVG text.
//
// Two renderings share colours, legend, heading and the `data-code` / `data-tier` attributes
// that tests and the web page select on:
//   - a tile map (one square per county, arranged like the map; see tile_layout.h), which needs
//     only the region table, and
//   - a real map drawn from county polygons in GeoJSON.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"
#include "engine/model/risk_level.h"
#include "engine/reference/region_table.h"

namespace fugong::render {

// One county's figure for the day drawn. `tier` is the published tier, 1..5, or 0 for no data
// or suppressed; it is used as is (not recomputed from `composite`), so the map always shows
// what was published.
struct CountyFigure {
  std::string code;
  std::optional<double> composite;
  int tier = 0;
  std::optional<RiskLevel> risk;  // the epidemic risk level (the risk layer), if a chart covers it
};

// What the map colours: the index's tiers, or the epidemic risk chart's levels in the health
// commission's colours ("one index, two maps"). Risk tiles also get `data-risk="LEVEL"`.
enum class MapLayer { kTier, kRisk };

struct MapOptions {
  std::string title;
  std::string subtitle;
  bool pinyin_labels = false;  // label with name_pinyin instead of the short Chinese name
  MapLayer layer = MapLayer::kTier;
};

// Every county of the table gets a tile; counties without a figure are drawn as no data, and
// figures for codes that are not counties of the table are ignored (there is nowhere to draw
// them). Tiles are <rect class="tile" data-code=".." data-tier=".." fill=".."> with a <title>
// tooltip; thick lines separate cities.
std::string RenderCountyTileMap(const RegionTable& regions,
                                const std::vector<CountyFigure>& figures,
                                const MapOptions& options);

// Draws each feature of a GeoJSON FeatureCollection of county (Multi)Polygons as a
// <path class="county" data-code=".." data-tier=".." fill=".."> whose code is the feature's
// `code_property`. Equirectangular projection, x scaled by cos(mean latitude of the extent),
// fitted to the canvas. Counties large enough on the canvas also get a label. Features whose
// code has no figure are drawn as no data. InvalidArgument for bad GeoJSON.
Result<std::string> RenderCountyGeoJsonMap(std::string_view geojson,
                                           const std::string& code_property,
                                           const RegionTable& regions,
                                           const std::vector<CountyFigure>& figures,
                                           const MapOptions& options);

}  // namespace fugong::render
