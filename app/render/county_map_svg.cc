#include "app/render/county_map_svg.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

#include "app/render/county_label.h"
#include "app/render/geojson_features.h"
#include "app/render/risk_legend.h"
#include "app/render/svg_document.h"
#include "app/render/svg_text.h"
#include "app/render/tier_legend.h"
#include "app/render/tier_palette.h"
#include "app/render/tile_layout.h"
#include "engine/common/decimal.h"

namespace fugong::render {

namespace {

constexpr double kMargin = 24;
constexpr double kTile = 64;        // grid pitch of the tile map
constexpr double kTileGap = 2;      // white space inside each cell, around the tile
constexpr double kMapBox = 760;     // the longer side of a GeoJSON map
constexpr double kFootnote = 22;    // room for the line under the map
constexpr double kCityGutter = 72;  // city names left of the rows of counties without coordinates

using FigureIndex = std::map<std::string, const CountyFigure*, std::less<>>;

FigureIndex IndexFigures(const std::vector<CountyFigure>& figures) {
  FigureIndex index;
  for (const CountyFigure& f : figures) index.emplace(f.code, &f);  // the first one wins
  return index;
}

// The colour class a county is drawn in: its tier 1..5, or on the risk layer the tier whose
// colour the health commission gives its level (very high red as T5 ... low green as T1); 0 for
// no data.
int TierOf(const FigureIndex& index, std::string_view code, MapLayer layer) {
  auto it = index.find(code);
  if (it == index.end()) return 0;
  if (layer == MapLayer::kRisk) {
    const std::optional<RiskLevel>& risk = it->second->risk;
    return risk ? RiskColourClass(*risk) : 0;
  }
  const int tier = it->second->tier;
  return tier >= 1 && tier <= 5 ? tier : 0;
}

// The composite as the map prints it: one decimal, the published rounding; a dash for none.
std::string ValueText(const FigureIndex& index, std::string_view code, MapLayer layer) {
  auto it = index.find(code);
  if (layer == MapLayer::kRisk) {
    if (it == index.end() || !it->second->risk) return "–";
    return RiskLevelLabel(*it->second->risk);
  }
  if (it == index.end() || !it->second->composite || TierOf(index, code, layer) == 0) return "–";
  return FormatFixed(*it->second->composite, 1);
}

// "上城区 330102 · 杭州市 · 42.4 (T3)", the hover text of a tile or polygon.
std::string Tooltip(const RegionTable& regions, const FigureIndex& index, std::string_view code,
                    MapLayer layer) {
  std::string text;
  const Region* r = regions.Find(code);
  text += r != nullptr && !r->name.empty() ? r->name + " " : "";
  text += std::string(code);
  if (r != nullptr && !r->parent.empty()) {
    if (const Region* city = regions.Find(r->parent); city != nullptr) text += " · " + city->name;
  }
  const int tier = TierOf(index, code, layer);
  if (layer == MapLayer::kRisk) {
    text += tier == 0 ? " · no risk level" : " · risk " + ValueText(index, code, layer);
    return text;
  }
  text += tier == 0 ? " · no data / suppressed"
                    : " · " + ValueText(index, code, layer) + " (" +
                          std::string(StyleOfTier(tier).name) + ")";
  return text;
}

// ` data-risk="high"` on the risk layer (empty for a county without a level), nothing otherwise.
std::string RiskAttribute(const FigureIndex& index, std::string_view code, MapLayer layer) {
  if (layer != MapLayer::kRisk) return "";
  auto it = index.find(code);
  if (it == index.end() || !it->second->risk) return " data-risk=\"\"";
  return " data-risk=\"" + std::string(RiskLevelName(*it->second->risk)) + "\"";
}

std::string MapLegendSvg(MapLayer layer, double x, double y) {
  return layer == MapLayer::kRisk ? RiskLegendSvg(x, y) : TierLegendSvg(x, y);
}

std::string Label(const RegionTable& regions, std::string_view code, bool pinyin) {
  const Region* r = regions.Find(code);
  return r != nullptr ? CountyLabel(*r, pinyin) : std::string(code);
}

// Two centred lines, name over value, in the tier's text colour, around (cx, cy); the name
// shrinks to fit `max_width`.
std::string TwoLineLabel(double cx, double cy, double max_width, double font_px,
                         const std::string& name, const std::string& value, int tier) {
  const std::string colour(StyleOfTier(tier).text);
  double name_px = font_px;
  const double needed = EstimateTextWidth(name, name_px);
  if (needed > max_width) name_px = std::max(8.0, name_px * max_width / needed);
  std::string out;
  out += "<text x=\"" + SvgNumber(cx) + "\" y=\"" + SvgNumber(cy - 0.25 * font_px) +
         "\" font-size=\"" + SvgNumber(name_px) + "\" fill=\"" + colour + "\">" + XmlEscape(name) +
         "</text>";
  out += "<text x=\"" + SvgNumber(cx) + "\" y=\"" + SvgNumber(cy + 1.05 * font_px) +
         "\" font-size=\"" + SvgNumber(font_px) + "\" font-weight=\"bold\" fill=\"" + colour +
         "\">" + XmlEscape(value) + "</text>\n";
  return out;
}

std::string Footnote(double x, double y, std::string_view text) {
  return "<text class=\"footnote\" x=\"" + SvgNumber(x) + "\" y=\"" + SvgNumber(y) +
         "\" font-size=\"12\" fill=\"#555555\">" + XmlEscape(text) + "</text>\n";
}

std::vector<TilePlacement> UnlocatedInRowOrder(const TileLayout& layout) {
  std::vector<TilePlacement> out;
  for (const TilePlacement& t : layout.tiles) {
    if (!t.located) out.push_back(t);
  }
  std::sort(out.begin(), out.end(), [](const TilePlacement& a, const TilePlacement& b) {
    return std::pair(a.row, a.col) < std::pair(b.row, b.col);
  });
  return out;
}

}  // namespace

std::string RenderCountyTileMap(const RegionTable& regions,
                                const std::vector<CountyFigure>& figures,
                                const MapOptions& options) {
  const FigureIndex index = IndexFigures(figures);
  std::vector<TileSite> sites;
  for (const std::string& code : regions.counties()) {
    const Region* r = regions.Find(code);
    sites.push_back({code, r->parent, r->lon, r->lat});
  }
  const TileLayout layout = LayoutTiles(sites);

  bool any_located = false, any_unlocated = false;
  for (const TilePlacement& t : layout.tiles) (t.located ? any_located : any_unlocated) = true;

  SvgFrame frame{0, 0, options.title, options.subtitle};
  const double top = HeadingHeight(frame) + 8;
  // Rows of counties without coordinates are a list, not a map: their city is named on the left.
  const double gutter = any_unlocated ? kCityGutter : 0;
  const double map_w = gutter + layout.cols * kTile, map_h = layout.rows * kTile;
  const double legend_x = kMargin + map_w + 32;
  frame.width = legend_x + kTierLegendWidth + kMargin;
  frame.height = top + std::max(map_h, kTierLegendHeight) + kFootnote + kMargin;
  auto tile_x = [&](const TilePlacement& t) {
    return kMargin + (t.located ? 0 : gutter) + t.col * kTile;
  };

  std::string out = OpenSvg(frame);
  // Which group sits in each cell, to find the city borders.
  std::vector<const std::string*> cell_group(static_cast<size_t>(layout.cols) * layout.rows,
                                             nullptr);
  for (const TilePlacement& t : layout.tiles) cell_group[t.row * layout.cols + t.col] = &t.group;

  out += "<g class=\"tiles\" text-anchor=\"middle\">\n";
  for (const TilePlacement& t : layout.tiles) {
    const int tier = TierOf(index, t.code, options.layer);
    const double x = tile_x(t), y = top + t.row * kTile;
    out += "<rect class=\"tile\" data-code=\"" + XmlEscape(t.code) + "\" data-tier=\"" +
           std::to_string(tier) + "\"" + RiskAttribute(index, t.code, options.layer) + " x=\"" +
           SvgNumber(x + kTileGap) + "\" y=\"" + SvgNumber(y + kTileGap) + "\" width=\"" +
           SvgNumber(kTile - 2 * kTileGap) + "\" height=\"" + SvgNumber(kTile - 2 * kTileGap) +
           "\" rx=\"3\" fill=\"" + std::string(TierFill(tier)) + "\"><title>" +
           XmlEscape(Tooltip(regions, index, t.code, options.layer)) + "</title></rect>";
    out += TwoLineLabel(x + kTile / 2, y + kTile / 2, kTile - 8, 13,
                        Label(regions, t.code, options.pinyin_labels),
                        ValueText(index, t.code, options.layer), tier);
  }
  out += "</g>\n";

  // A cell side is a city border when the cell on the other side is empty or another city's.
  // Sides between two tiles are drawn once, from the tile on the left or above.
  std::string border;
  auto group_at = [&](int col, int row) -> const std::string* {
    if (col < 0 || row < 0 || col >= layout.cols || row >= layout.rows) return nullptr;
    return cell_group[row * layout.cols + col];
  };
  auto segment = [&](double x1, double y1, double x2, double y2) {
    border += "M" + SvgNumber(x1) + " " + SvgNumber(y1) + "L" + SvgNumber(x2) + " " + SvgNumber(y2);
  };
  for (const TilePlacement& t : layout.tiles) {
    const double x = tile_x(t), y = top + t.row * kTile;
    const std::string* left = group_at(t.col - 1, t.row);
    const std::string* right = group_at(t.col + 1, t.row);
    const std::string* up = group_at(t.col, t.row - 1);
    const std::string* down = group_at(t.col, t.row + 1);
    if (left == nullptr) segment(x, y, x, y + kTile);
    if (up == nullptr) segment(x, y, x + kTile, y);
    if (right == nullptr || *right != t.group) segment(x + kTile, y, x + kTile, y + kTile);
    if (down == nullptr || *down != t.group) segment(x, y + kTile, x + kTile, y + kTile);
  }
  out += "<path class=\"city-borders\" d=\"" + border +
         "\" fill=\"none\" stroke=\"#222222\" stroke-width=\"2.5\" stroke-linecap=\"square\"/>\n";

  if (any_unlocated) {
    if (any_located) {
      out += Footnote(kMargin, top + (layout.unlocated_first_row - 0.3) * kTile,
                      "Counties without coordinates, by city:");
    }
    // The city's name left of the first row of its counties.
    out += "<g class=\"city-names\" text-anchor=\"end\" font-size=\"13\" fill=\"#222222\">";
    const std::string* previous = nullptr;
    for (const TilePlacement& t : UnlocatedInRowOrder(layout)) {
      if (previous != nullptr && *previous == t.group) continue;
      previous = &t.group;
      const Region* city = regions.Find(t.group);
      const std::string name =
          city != nullptr ? CountyLabel(*city, options.pinyin_labels) : t.group;
      out += "<text x=\"" + SvgNumber(kMargin + gutter - 8) + "\" y=\"" +
             SvgNumber(top + t.row * kTile + kTile / 2 + 5) + "\">" + XmlEscape(name) + "</text>";
    }
    out += "</g>\n";
  }
  out += MapLegendSvg(options.layer, legend_x, top);
  out += Footnote(kMargin, frame.height - kMargin,
                  any_located
                      ? "One tile per county, placed like the map; thick lines separate cities."
                      : "No coordinates in the region table: counties in rows by city.");
  out += CloseSvg();
  return out;
}

namespace {

struct Projected {
  double x, y;
};

// Signed area and centroid of a projected ring (shoelace formula).
void RingAreaCentroid(const std::vector<Projected>& ring, double* area, Projected* centroid) {
  double a = 0, cx = 0, cy = 0;
  for (size_t i = 0; i < ring.size(); ++i) {
    const Projected& p = ring[i];
    const Projected& q = ring[(i + 1) % ring.size()];
    const double cross = p.x * q.y - q.x * p.y;
    a += cross;
    cx += (p.x + q.x) * cross;
    cy += (p.y + q.y) * cross;
  }
  *area = a / 2;
  if (std::fabs(a) > 1e-12) {
    *centroid = {cx / (3 * a), cy / (3 * a)};
  } else {
    *centroid = ring.front();
  }
}

}  // namespace

Result<std::string> RenderCountyGeoJsonMap(std::string_view geojson,
                                           const std::string& code_property,
                                           const RegionTable& regions,
                                           const std::vector<CountyFigure>& figures,
                                           const MapOptions& options) {
  Result<std::vector<GeoFeature>> parsed = ParseGeoJsonFeatures(geojson, code_property);
  if (!parsed.ok()) return parsed.status();
  const std::vector<GeoFeature>& features = *parsed;
  const FigureIndex index = IndexFigures(figures);

  double min_lon = 1e9, max_lon = -1e9, min_lat = 1e9, max_lat = -1e9;
  for (const GeoFeature& f : features) {
    for (const GeoPolygon& polygon : f.polygons) {
      for (const auto& ring : polygon) {
        for (const LonLat& p : ring) {
          min_lon = std::min(min_lon, p.lon);
          max_lon = std::max(max_lon, p.lon);
          min_lat = std::min(min_lat, p.lat);
          max_lat = std::max(max_lat, p.lat);
        }
      }
    }
  }
  const double kx = std::cos((min_lat + max_lat) / 2 * std::numbers::pi / 180);
  const double extent_w = (max_lon - min_lon) * kx, extent_h = max_lat - min_lat;
  const double longer = std::max(extent_w, extent_h);
  const double scale = longer > 0 ? kMapBox / longer : 1;
  const double map_w = std::max(extent_w * scale, 1.0), map_h = std::max(extent_h * scale, 1.0);

  SvgFrame frame{0, 0, options.title, options.subtitle};
  const double top = HeadingHeight(frame) + 8;
  const double legend_x = kMargin + map_w + 32;
  frame.width = legend_x + kTierLegendWidth + kMargin;
  frame.height = top + std::max(map_h, kTierLegendHeight) + kFootnote + kMargin;
  auto project = [&](const LonLat& p) -> Projected {
    return {kMargin + (p.lon - min_lon) * kx * scale, top + (max_lat - p.lat) * scale};
  };

  struct LabelSpot {
    double area = 0;
    Projected at{};
    double width = 0, height = 0;
  };
  std::map<std::string, LabelSpot> spots;  // the largest outer ring of each code

  std::string out = OpenSvg(frame);
  out +=
      "<g class=\"counties\" stroke=\"#FFFFFF\" stroke-width=\"0.8\" stroke-linejoin=\"round\">\n";
  for (const GeoFeature& f : features) {
    const int tier = TierOf(index, f.code, options.layer);
    std::string d;
    for (const GeoPolygon& polygon : f.polygons) {
      for (size_t r = 0; r < polygon.size(); ++r) {
        std::vector<Projected> ring;
        std::string last;
        for (const LonLat& p : polygon[r]) {
          const Projected q = project(p);
          std::string xy = SvgNumber(q.x) + " " + SvgNumber(q.y);
          if (xy == last) continue;  // points closer than the output precision add nothing
          d += (ring.empty() ? "M" : "L") + xy;
          last = std::move(xy);
          ring.push_back(q);
        }
        d += "Z";
        if (r != 0 || ring.size() < 3) continue;
        double area;
        Projected centroid;
        RingAreaCentroid(ring, &area, &centroid);
        LabelSpot& spot = spots[f.code];
        if (std::fabs(area) > spot.area) {
          double x0 = 1e18, x1 = -1e18, y0 = 1e18, y1 = -1e18;
          for (const Projected& q : ring) {
            x0 = std::min(x0, q.x), x1 = std::max(x1, q.x);
            y0 = std::min(y0, q.y), y1 = std::max(y1, q.y);
          }
          spot = {std::fabs(area), centroid, x1 - x0, y1 - y0};
        }
      }
    }
    out += "<path class=\"county\" data-code=\"" + XmlEscape(f.code) + "\" data-tier=\"" +
           std::to_string(tier) + "\"" + RiskAttribute(index, f.code, options.layer) + " fill=\"" +
           std::string(TierFill(tier)) + "\" fill-rule=\"evenodd\" d=\"" + d + "\"><title>" +
           XmlEscape(Tooltip(regions, index, f.code, options.layer)) + "</title></path>\n";
  }
  out += "</g>\n";

  // Labels go on top of every polygon, only where they fit inside their county's box and do not
  // run into a label already placed; larger counties are labelled first.
  constexpr double kLabelPx = 11;
  std::vector<std::pair<std::string, LabelSpot>> by_size(spots.begin(), spots.end());
  std::stable_sort(by_size.begin(), by_size.end(),
                   [](const auto& a, const auto& b) { return a.second.area > b.second.area; });
  struct Box {
    double x0, y0, x1, y1;
  };
  std::vector<Box> placed;
  out += "<g class=\"labels\" text-anchor=\"middle\" pointer-events=\"none\">\n";
  for (const auto& [code, spot] : by_size) {
    const std::string name = Label(regions, code, options.pinyin_labels);
    const std::string value = ValueText(index, code, options.layer);
    const double w =
        std::max(EstimateTextWidth(name, kLabelPx), EstimateTextWidth(value, kLabelPx));
    const double h = 2.3 * kLabelPx;
    if (spot.width < w + 4 || spot.height < h + 4) continue;
    const Box box{spot.at.x - w / 2 - 2, spot.at.y - 1.2 * kLabelPx, spot.at.x + w / 2 + 2,
                  spot.at.y + 1.3 * kLabelPx};
    const bool overlaps = std::any_of(placed.begin(), placed.end(), [&](const Box& o) {
      return box.x0 < o.x1 && o.x0 < box.x1 && box.y0 < o.y1 && o.y0 < box.y1;
    });
    if (overlaps) continue;
    placed.push_back(box);
    out += TwoLineLabel(spot.at.x, spot.at.y, spot.width - 4, kLabelPx, name, value,
                        TierOf(index, code, options.layer));
  }
  out += "</g>\n";
  out += MapLegendSvg(options.layer, legend_x, top);
  out += CloseSvg();
  return out;
}

}  // namespace fugong::render
