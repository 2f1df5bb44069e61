// Tests of app/render: tier colours, county tile and GeoJSON maps, line charts. Every SVG is
// checked in process for well-formedness (tests/support/mini_xml.h) and, where xmllint is
// installed, by xmllint as well.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <numbers>
#include <set>
#include <string>
#include <vector>

#include "app/render/axis_ticks.h"
#include "app/render/county_label.h"
#include "app/render/county_map_svg.h"
#include "app/render/line_chart_svg.h"
#include "app/render/risk_legend.h"
#include "app/render/tier_palette.h"
#include "app/render/tile_layout.h"
#include "engine/common/date.h"
#include "engine/reference/region_table.h"
#include "tests/support/mini_xml.h"
#include "tests/support/test_regions.h"

namespace fugong::render {
namespace {

using ::fugong::testing::MiniXmlParser;
using ::fugong::testing::TestRegions;
using ::fugong::testing::XmlElement;

// A province, two cities, six counties. 990103's name carries every XML special character.
std::vector<CountyFigure> TestFigures() {
  // 990203 has no figure at all; 990102 is suppressed.
  return {{"990101", 85.04, 1},
          {"990102", std::nullopt, 0},
          {"990103", 45.25, 3},
          {"990201", 12.0, 5},
          {"990202", 61.0, 2}};
}

// Parses `svg` and checks what every Fugong SVG must have; returns the root.
XmlElement ParseSvg(const std::string& svg) {
  XmlElement root;
  const std::string error = MiniXmlParser::Parse(svg, &root);
  EXPECT_EQ(error, "") << svg.substr(0, 2000);
  EXPECT_EQ(root.name, "svg");
  EXPECT_EQ(root.AttributeOr("xmlns"), "http://www.w3.org/2000/svg");
  EXPECT_NE(root.Attribute("viewBox"), nullptr);
  const std::string fonts = root.AttributeOr("font-family");
  EXPECT_NE(fonts.find("Noto Sans CJK SC"), std::string::npos) << fonts;
  EXPECT_NE(fonts.find("WenQuanYi Micro Hei"), std::string::npos) << fonts;
  EXPECT_NE(fonts.find("sans-serif"), std::string::npos) << fonts;
  return root;
}

// A second opinion from xmllint when it is installed; the in-process check above always runs.
void CheckWithXmllint(const std::string& svg, const std::string& name) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) {
    std::printf("[ note ] xmllint not installed; %s checked in process only\n", name.c_str());
    return;
  }
  const std::string path = ::testing::TempDir() + "fugong_render_" + name + ".svg";
  {
    std::ofstream out(path, std::ios::binary);
    out << svg;
  }
  const std::string cmd = "xmllint --noout '" + path + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << name << " rejected by xmllint";
  std::remove(path.c_str());
}

std::vector<const XmlElement*> WithClass(const XmlElement& root, const std::string& cls) {
  std::vector<const XmlElement*> out;
  root.Collect([&](const XmlElement& e) { return e.AttributeOr("class") == cls; }, &out);
  return out;
}

std::map<std::string, const XmlElement*> TilesByCode(const XmlElement& root) {
  std::map<std::string, const XmlElement*> out;
  for (const XmlElement* e : WithClass(root, "tile")) out[e->AttributeOr("data-code")] = e;
  return out;
}

// All text content of an element and its descendants.
std::string AllText(const XmlElement& e) {
  std::string out = e.text;
  for (const XmlElement& c : e.children) out += AllText(c);
  return out;
}

double Luminance(std::string_view hex) {
  double rgb[3];
  for (int i = 0; i < 3; ++i) {
    const double c = std::stoi(std::string(hex.substr(1 + 2 * i, 2)), nullptr, 16) / 255.0;
    rgb[i] = c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  }
  return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}

// The checker itself must reject what xmllint would.
TEST(RenderMiniXml, RejectsMalformedDocuments) {
  XmlElement root;
  EXPECT_EQ(MiniXmlParser::Parse("<?xml version=\"1.0\"?>\n<a x=\"1\"><b/>t &amp; u</a>\n", &root),
            "");
  EXPECT_EQ(root.children.size(), 1u);
  EXPECT_EQ(root.text, "t & u");
  for (const char* bad :
       {"<a><b></a></b>", "<a>x & y</a>", "<a x=1/>", "<a x=\"<\"/>", "<a x=\"1\" x=\"2\"/>",
        "<a>&nbsp;</a>", "<a/><b/>", "<a>", "text", "<a>\x01</a>"}) {
    EXPECT_NE(MiniXmlParser::Parse(bad, &root), "") << bad;
  }
}

TEST(RenderTierPalette, FiveDistinctColoursWithReadableText) {
  std::set<std::string> fills;
  const char* names[] = {"", "T1", "T2", "T3", "T4", "T5"};
  for (int tier = 1; tier <= 5; ++tier) {
    const TierStyle& s = StyleOfTier(tier);
    EXPECT_EQ(s.tier, tier);
    EXPECT_EQ(s.name, names[tier]);
    EXPECT_EQ(TierFill(tier), s.fill);
    fills.insert(std::string(s.fill));
    // WCAG AA for normal text: contrast ratio at least 4.5.
    const double a = Luminance(s.fill), b = Luminance(s.text);
    const double ratio = (std::max(a, b) + 0.05) / (std::min(a, b) + 0.05);
    EXPECT_GE(ratio, 4.5) << s.name;
  }
  EXPECT_EQ(fills.size(), 5u);
  EXPECT_EQ(StyleOfTier(1).colour, "green");
  EXPECT_EQ(StyleOfTier(5).colour, "red");
  // Anything outside 1..5 is "no data", drawn hatched.
  EXPECT_EQ(StyleOfTier(0).tier, 0);
  EXPECT_EQ(StyleOfTier(9).tier, 0);
  EXPECT_EQ(TierFill(0), "url(#" + std::string(kNoDataPatternId) + ")");
}

TEST(RenderCountyLabel, DropsTheSuffixWhenTwoCharactersRemain) {
  EXPECT_EQ(ShortCountyName("上城区"), "上城");
  EXPECT_EQ(ShortCountyName("义乌市"), "义乌");
  EXPECT_EQ(ShortCountyName("淳安县"), "淳安");
  EXPECT_EQ(ShortCountyName("景宁畲族自治县"), "景宁");
  EXPECT_EQ(ShortCountyName("长阳土家族自治县"), "长阳");
  EXPECT_EQ(ShortCountyName("城区"), "城区");
  EXPECT_EQ(ShortCountyName("青县"), "青县");
  EXPECT_EQ(ShortCountyName("Springfield"), "Springfield");
  Region r{"1", "西湖区", "Xihu", "", std::nullopt, std::nullopt};
  EXPECT_EQ(CountyLabel(r, false), "西湖");
  EXPECT_EQ(CountyLabel(r, true), "Xihu");
  r.name_pinyin.clear();
  EXPECT_EQ(CountyLabel(r, true), "西湖");  // no pinyin: the Chinese name
}

TEST(RenderTileMap, OneTilePerCountyWithTierAndFill) {
  const RegionTable regions = TestRegions();
  const std::string svg = RenderCountyTileMap(regions, TestFigures(), {"Test map", "", false});
  const XmlElement root = ParseSvg(svg);
  CheckWithXmllint(svg, "tile_map");
  const auto tiles = TilesByCode(root);
  ASSERT_EQ(WithClass(root, "tile").size(), 6u);
  ASSERT_EQ(tiles.size(), 6u);
  const std::map<std::string, int> want = {{"990101", 1}, {"990102", 0}, {"990103", 3},
                                           {"990201", 5}, {"990202", 2}, {"990203", 0}};
  for (const auto& [code, tier] : want) {
    ASSERT_TRUE(tiles.count(code)) << code;
    EXPECT_EQ(tiles.at(code)->AttributeOr("data-tier"), std::to_string(tier)) << code;
    EXPECT_EQ(tiles.at(code)->AttributeOr("fill"), std::string(TierFill(tier))) << code;
  }
  // The composite with one decimal, rounded half away from zero, and the short name.
  EXPECT_NE(svg.find(">85.0<"), std::string::npos);
  EXPECT_NE(svg.find(">45.3<"), std::string::npos);
  EXPECT_NE(svg.find(">西城<"), std::string::npos);
  EXPECT_NE(svg.find(">中市<"), std::string::npos);  // 中 alone would be too short
  // The no-data hatch is defined because it is used.
  EXPECT_NE(svg.find("id=\"" + std::string(kNoDataPatternId) + "\""), std::string::npos);
  // City borders are drawn.
  EXPECT_EQ(WithClass(root, "city-borders").size(), 1u);
}

TEST(RenderTileMap, NoTwoTilesShareAPositionAndGeographyIsKept) {
  const RegionTable regions = TestRegions();
  const XmlElement root = ParseSvg(RenderCountyTileMap(regions, TestFigures(), {}));
  std::set<std::pair<std::string, std::string>> positions;
  for (const XmlElement* t : WithClass(root, "tile")) {
    EXPECT_TRUE(positions.insert({t->AttributeOr("x"), t->AttributeOr("y")}).second)
        << "two tiles at " << t->AttributeOr("x") << "," << t->AttributeOr("y");
  }
  const auto tiles = TilesByCode(root);
  auto x = [&](const char* code) { return std::stod(tiles.at(code)->AttributeOr("x")); };
  auto y = [&](const char* code) { return std::stod(tiles.at(code)->AttributeOr("y")); };
  EXPECT_LT(x("990101"), x("990201"));  // 100.0°E is west of 102.5°E
  EXPECT_LT(y("990102"), y("990202"));  // 31.0°N is north of 29.4°N
}

TEST(RenderTileMap, LegendNamesTheFiveTiersAndNoData) {
  const XmlElement root = ParseSvg(RenderCountyTileMap(TestRegions(), TestFigures(), {}));
  const auto legend = WithClass(root, "legend");
  ASSERT_EQ(legend.size(), 1u);
  const std::string text = AllText(*legend[0]);
  for (const char* want : {"T1", "T2", "T3", "T4", "T5", "green", "blue", "yellow", "orange", "red",
                           "80", "60", "40", "20", "no data / suppressed"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << " missing from: " << text;
  }
  // Each legend swatch has its tier's fill.
  for (const XmlElement* item : WithClass(*legend[0], "legend-item")) {
    const int tier = std::stoi(item->AttributeOr("data-tier"));
    EXPECT_EQ(item->FindAll("rect").at(0)->AttributeOr("fill"), std::string(TierFill(tier)));
  }
  EXPECT_EQ(WithClass(*legend[0], "legend-item").size(), 6u);
}

// The risk layer ("one index, two maps"): the same tiles, coloured by the health commission's
// levels in the tier palette's colours of the same names, each tile naming its level.
TEST(RenderTileMap, RiskLayerColoursByLevelAndNamesTheLevels) {
  std::vector<CountyFigure> figures = TestFigures();
  figures[0].risk = RiskLevel::kVeryHigh;
  figures[1].risk = RiskLevel::kLow;  // a level is drawn even where the index is suppressed
  MapOptions options{"Risk", "", false};
  options.layer = MapLayer::kRisk;
  const std::string svg = RenderCountyTileMap(TestRegions(), figures, options);
  CheckWithXmllint(svg, "risk_map");
  const XmlElement root = ParseSvg(svg);
  const auto tiles = TilesByCode(root);
  const CountyFigure& very_high = figures[0];
  const CountyFigure& low = figures[1];
  EXPECT_EQ(tiles.at(very_high.code)->AttributeOr("data-risk"), "very_high");
  EXPECT_EQ(tiles.at(very_high.code)->AttributeOr("fill"), std::string(TierFill(5)))
      << "very high is drawn red";
  EXPECT_EQ(tiles.at(low.code)->AttributeOr("data-risk"), "low");
  EXPECT_EQ(tiles.at(low.code)->AttributeOr("fill"), std::string(TierFill(1))) << "low is green";
  size_t without = 0;
  for (const auto& [code, tile] : tiles) {
    if (code == very_high.code || code == low.code) continue;
    EXPECT_EQ(tile->AttributeOr("data-risk"), "") << code;
    EXPECT_EQ(tile->AttributeOr("fill"), std::string(TierFill(0))) << code;
    ++without;
  }
  EXPECT_EQ(without, tiles.size() - 2);
  EXPECT_NE(svg.find(">very high<"), std::string::npos);
  EXPECT_EQ(svg.find(">85.0<"), std::string::npos) << "the risk map shows levels, not composites";
  const auto legend = WithClass(root, "legend");
  ASSERT_EQ(legend.size(), 1u);
  const std::string text = AllText(*legend[0]);
  for (const char* want : {"Epidemic risk level", "very high  red", "high  orange",
                           "medium  yellow", "lower  blue", "low  green", "no risk level"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << " missing from: " << text;
  }
  for (const XmlElement* item : WithClass(*legend[0], "legend-item")) {
    const std::string level = item->AttributeOr("data-risk");
    const int colour = level.empty() ? 0 : RiskColourClass(*ParseRiskLevel(level));
    EXPECT_EQ(item->FindAll("rect").at(0)->AttributeOr("fill"), std::string(TierFill(colour)));
  }
}

TEST(RenderTileMap, EscapesXmlSpecialCharacters) {
  const MapOptions options{"Title <with> & \"quotes\" 'here'", "sub & <sub>", false};
  const std::string svg = RenderCountyTileMap(TestRegions(), TestFigures(), options);
  EXPECT_EQ(svg.find("Q&A<"), std::string::npos);
  EXPECT_EQ(svg.find("<with>"), std::string::npos);
  EXPECT_NE(svg.find("Q&amp;A&lt;&quot;区&quot;&gt;&apos;s"), std::string::npos);
  const XmlElement root = ParseSvg(svg);
  CheckWithXmllint(svg, "escaped");
  // After decoding, the texts are the originals.
  const auto titles = WithClass(root, "title");
  ASSERT_EQ(titles.size(), 1u);
  EXPECT_EQ(titles[0]->text, options.title);
  EXPECT_EQ(root.FindAll("title").at(0)->text, options.title);
  EXPECT_NE(AllText(root).find("Q&A<\"区\">'s"), std::string::npos);
  // Pinyin labels are escaped as well.
  const std::string pinyin = RenderCountyTileMap(TestRegions(), TestFigures(), {"", "", true});
  ParseSvg(pinyin);
  EXPECT_NE(pinyin.find(">Q&amp;A<"), std::string::npos);
  EXPECT_NE(pinyin.find(">Xicheng<"), std::string::npos);
}

TEST(RenderTileMap, IsDeterministic) {
  const RegionTable regions = TestRegions();
  EXPECT_EQ(RenderCountyTileMap(regions, TestFigures(), {"a", "b", false}),
            RenderCountyTileMap(regions, TestFigures(), {"a", "b", false}));
}

TEST(RenderTileMap, FiguresOutsideTheTableAreIgnored) {
  std::vector<CountyFigure> figures = TestFigures();
  figures.push_back({"123456", 50, 3});
  const XmlElement root = ParseSvg(RenderCountyTileMap(TestRegions(), figures, {}));
  EXPECT_EQ(WithClass(root, "tile").size(), 6u);
}

TEST(RenderTileMap, ZhejiangHas90TilesArrangedLikeTheMap) {
  const RegionTable& zj = RegionTable::Zhejiang();
  ASSERT_EQ(zj.counties().size(), 90u);
  std::vector<CountyFigure> figures;
  int i = 0;
  for (const std::string& code : zj.counties()) {
    const double c = (i++ * 37) % 100;
    figures.push_back({code, c, c >= 80 ? 1 : c >= 60 ? 2 : c >= 40 ? 3 : c >= 20 ? 4 : 5});
  }
  const std::string svg = RenderCountyTileMap(zj, figures, {"浙江", "", false});
  const XmlElement root = ParseSvg(svg);
  CheckWithXmllint(svg, "zhejiang");
  const auto tiles = TilesByCode(root);
  ASSERT_EQ(tiles.size(), 90u);
  std::set<std::pair<std::string, std::string>> positions;
  for (const auto& [code, t] : tiles) {
    EXPECT_TRUE(positions.insert({t->AttributeOr("x"), t->AttributeOr("y")}).second) << code;
  }
  bool all_located = true;
  for (const std::string& code : zj.counties()) {
    all_located = all_located && zj.Find(code)->lon && zj.Find(code)->lat;
  }
  ASSERT_TRUE(all_located) << "schemas/regions_zhejiang.csv lacks lon/lat; the geography checks "
                              "below need them (the fallback is tested separately)";
  auto x = [&](const char* code) { return std::stod(tiles.at(code)->AttributeOr("x")); };
  auto y = [&](const char* code) { return std::stod(tiles.at(code)->AttributeOr("y")); };
  EXPECT_LT(x("330824"), x("330903"));  // Kaihua (far west) is west of Putuo (Zhoushan)
  EXPECT_LT(x("330127"), x("330206"));  // Chun'an is west of Beilun
  EXPECT_LT(y("330522"), y("330327"));  // Changxing (far north) is north of Cangnan (far south)
  EXPECT_LT(y("330402"), y("331102"));  // Nanhu (Jiaxing) is north of Liandu (Lishui)
}

TEST(RenderTileMap, CountiesWithoutCoordinatesGoInRowsByCity) {
  // Zhejiang without its lon/lat columns, as a user table would come.
  const RegionTable& zj = RegionTable::Zhejiang();
  std::string csv = "code,name,parent\n";
  std::set<std::string> written;
  for (const std::string& county : zj.counties()) {
    for (const std::string& code : {zj.ProvinceOf(county), zj.CityOf(county), county}) {
      if (!written.insert(code).second) continue;
      const Region* r = zj.Find(code);
      csv += r->code + "," + r->name + "," + r->parent + "\n";
    }
  }
  Result<RegionTable> bare = RegionTable::Parse(csv, "bare");
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  const std::string svg =
      RenderCountyTileMap(*bare, {{"330102", 42.4, 3}}, {"no coords", "", false});
  const XmlElement root = ParseSvg(svg);
  CheckWithXmllint(svg, "no_coordinates");
  const auto tiles = TilesByCode(root);
  ASSERT_EQ(tiles.size(), 90u);
  std::set<std::pair<std::string, std::string>> positions;
  for (const auto& [code, t] : tiles) {
    EXPECT_TRUE(positions.insert({t->AttributeOr("x"), t->AttributeOr("y")}).second) << code;
  }
  EXPECT_EQ(tiles.at("330102")->AttributeOr("data-tier"), "3");
  EXPECT_EQ(tiles.at("330103")->AttributeOr("data-tier"), "0");
  // One city per row block: Hangzhou's first county is above Ningbo's, and a city's counties
  // share the row of its first county while they fit.
  auto y = [&](const char* code) { return std::stod(tiles.at(code)->AttributeOr("y")); };
  EXPECT_LT(y("330102"), y("330203"));
  EXPECT_EQ(y("330203"), y("330205"));
  // Each city is named next to its rows.
  const auto names = WithClass(root, "city-names");
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0]->FindAll("text").size(), 11u);
  EXPECT_NE(AllText(*names[0]).find("杭州"), std::string::npos);
}

TEST(RenderTileLayout, MixedLocatedAndUnlocated) {
  std::vector<TileSite> sites = {{"a", "g1", 120.0, 30.0},
                                 {"b", "g1", 121.0, 30.0},
                                 {"c", "g2", 120.5, 29.0},
                                 {"d", "g2", std::nullopt, std::nullopt},
                                 {"e", "g1", std::nullopt, 29.5}};
  const TileLayout layout = LayoutTiles(sites);
  ASSERT_EQ(layout.tiles.size(), 5u);
  std::set<std::pair<int, int>> cells;
  for (const TilePlacement& t : layout.tiles) {
    EXPECT_TRUE(cells.insert({t.col, t.row}).second) << t.code;
    EXPECT_GE(t.col, 0);
    EXPECT_LT(t.col, layout.cols);
    EXPECT_GE(t.row, 0);
    EXPECT_LT(t.row, layout.rows);
  }
  EXPECT_TRUE(layout.tiles[0].located);
  EXPECT_FALSE(layout.tiles[3].located);
  EXPECT_FALSE(layout.tiles[4].located);
  // The unlocated rows come after the map, one group per row (g1 first, as it appears first).
  EXPECT_GT(layout.tiles[3].row, layout.tiles[2].row);
  EXPECT_GE(layout.tiles[3].row, layout.unlocated_first_row);
  EXPECT_LT(layout.tiles[4].row, layout.tiles[3].row);
  EXPECT_LT(layout.tiles[0].col, layout.tiles[1].col);
}

// Three features: a Polygon with a string code, a MultiPolygon with a numeric code, and a
// Polygon with a hole; plus one with null geometry, which is skipped.
constexpr char kGeoJson[] = R"({
  "type": "FeatureCollection",
  "features": [
    {"type": "Feature", "properties": {"adcode": "990101", "name": "W"},
     "geometry": {"type": "Polygon", "coordinates": [[[99.8,30.4],[100.2,30.4],[100.2,30.8],[99.8,30.8],[99.8,30.4]]]}},
    {"type": "Feature", "properties": {"adcode": 990201},
     "geometry": {"type": "MultiPolygon", "coordinates": [
        [[[102.3,29.8],[102.7,29.8],[102.7,30.2],[102.3,30.2],[102.3,29.8]]],
        [[[102.8,29.9],[102.9,29.9],[102.9,30.0],[102.8,29.9]]]]}},
    {"type": "Feature", "properties": {"adcode": "990203"},
     "geometry": {"type": "Polygon", "coordinates": [
        [[101.0,29.5],[102.0,29.5],[102.0,30.3],[101.0,30.3],[101.0,29.5]],
        [[101.4,29.8],[101.6,29.8],[101.6,30.0],[101.4,30.0],[101.4,29.8]]]}},
    {"type": "Feature", "properties": {"adcode": "990202"}, "geometry": null}
  ]})";

TEST(RenderGeoJsonMap, OnePathPerFeatureWithAttributes) {
  const RegionTable regions = TestRegions();
  Result<std::string> svg =
      RenderCountyGeoJsonMap(kGeoJson, "adcode", regions, TestFigures(), {"Geo & map", "", false});
  ASSERT_TRUE(svg.ok()) << svg.status().ToString();
  const XmlElement root = ParseSvg(*svg);
  CheckWithXmllint(*svg, "geojson_map");
  const auto paths = WithClass(root, "county");
  ASSERT_EQ(paths.size(), 3u);
  std::map<std::string, const XmlElement*> by_code;
  for (const XmlElement* p : paths) {
    EXPECT_EQ(p->name, "path");
    by_code[p->AttributeOr("data-code")] = p;
  }
  ASSERT_EQ(by_code.size(), 3u);
  EXPECT_EQ(by_code.at("990101")->AttributeOr("data-tier"), "1");
  EXPECT_EQ(by_code.at("990101")->AttributeOr("fill"), std::string(TierFill(1)));
  EXPECT_EQ(by_code.at("990201")->AttributeOr("data-tier"), "5");  // numeric code property
  EXPECT_EQ(by_code.at("990201")->AttributeOr("fill"), std::string(TierFill(5)));
  EXPECT_EQ(by_code.at("990203")->AttributeOr("data-tier"), "0");  // no figure
  EXPECT_EQ(by_code.at("990203")->AttributeOr("fill"), std::string(TierFill(0)));
  // The MultiPolygon has two subpaths; the polygon with a hole two rings.
  auto subpaths = [](const XmlElement* p) {
    const std::string d = p->AttributeOr("d");
    return std::count(d.begin(), d.end(), 'M');
  };
  EXPECT_EQ(subpaths(by_code.at("990101")), 1);
  EXPECT_EQ(subpaths(by_code.at("990201")), 2);
  EXPECT_EQ(subpaths(by_code.at("990203")), 2);
  // West stays west: the first x of 990101 is left of 990201's.
  auto first_x = [](const XmlElement* p) { return std::stod(p->AttributeOr("d").substr(1)); };
  EXPECT_LT(first_x(by_code.at("990101")), first_x(by_code.at("990201")));
  EXPECT_EQ(WithClass(root, "legend").size(), 1u);
  EXPECT_EQ(WithClass(root, "title").at(0)->text, "Geo & map");
}

TEST(RenderGeoJsonMap, ProjectionScalesLongitudeByCosLatitude) {
  // A single 1°x1° square at 60°N is drawn half as wide as it is tall.
  const char* geo = R"({"type":"FeatureCollection","features":[{"type":"Feature",
      "properties":{"c":"990101"},"geometry":{"type":"Polygon",
      "coordinates":[[[10,59.5],[11,59.5],[11,60.5],[10,60.5],[10,59.5]]]}}]})";
  Result<std::string> svg = RenderCountyGeoJsonMap(geo, "c", TestRegions(), {}, {});
  ASSERT_TRUE(svg.ok()) << svg.status().ToString();
  const XmlElement root = ParseSvg(*svg);
  const std::string d = WithClass(root, "county").at(0)->AttributeOr("d");
  std::vector<double> xs, ys;
  for (size_t i = 0; i < d.size();) {
    if (d[i] == 'M' || d[i] == 'L') {
      size_t used;
      xs.push_back(std::stod(d.substr(i + 1), &used));
      i += 1 + used;
      ys.push_back(std::stod(d.substr(i), &used));
      i += used;
    } else {
      ++i;
    }
  }
  ASSERT_GE(xs.size(), 4u);
  const double w =
      *std::max_element(xs.begin(), xs.end()) - *std::min_element(xs.begin(), xs.end());
  const double h =
      *std::max_element(ys.begin(), ys.end()) - *std::min_element(ys.begin(), ys.end());
  EXPECT_NEAR(w / h, std::cos(60 * std::numbers::pi / 180), 0.01);
}

TEST(RenderGeoJsonMap, BadGeoJsonIsInvalidArgument) {
  const RegionTable regions = TestRegions();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{not json", "not valid JSON"},
      {R"({"type":"Feature"})", "FeatureCollection"},
      {R"({"type":"FeatureCollection"})", "features"},
      {R"({"type":"FeatureCollection","features":[]})", "no polygon features"},
      {R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},
          "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]})",
       "property \"adcode\""},
      {R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adcode":"1"},
          "geometry":{"type":"Point","coordinates":[0,0]}}]})",
       "Point"},
      {R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adcode":"1"},
          "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,"x"],[1,1],[0,0]]]}}]})",
       "position 1"},
      {R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adcode":"1"},
          "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}}]})",
       "at least 3"},
  };
  for (const auto& [geo, message] : cases) {
    Result<std::string> svg = RenderCountyGeoJsonMap(geo, "adcode", regions, TestFigures(), {});
    ASSERT_FALSE(svg.ok()) << geo;
    EXPECT_EQ(svg.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(svg.status().message().find(message), std::string::npos)
        << svg.status().message() << " (wanted: " << message << ")";
  }
}

Day D(int y, int m, int d) { return DayFromCivil(y, m, d); }

TEST(RenderLineChart, OnePathPerSeriesBrokenAtGaps) {
  Series a{"浙江 <all>", {}};
  Series b{"Gappy & co", {}};
  for (int k = 0; k < 30; ++k) {
    a.points.push_back({D(2020, 2, 1) + k, 20.0 + k});
    // b: values on days 0-9, a gap on 10-11, values on 12-19, a gap, a lone value on 21, gap.
    std::optional<double> v = 50.0 + k;
    if (k == 10 || k == 11 || k == 20 || k >= 22) v.reset();
    b.points.push_back({D(2020, 2, 1) + k, v});
  }
  const std::string svg = RenderLineChart({a, b}, {"Index & more", "Composite", true, {}, {}});
  const XmlElement root = ParseSvg(svg);
  CheckWithXmllint(svg, "line_chart");
  const auto lines = WithClass(root, "series-line");
  ASSERT_EQ(lines.size(), 2u);
  auto subpaths = [](const XmlElement* p) {
    const std::string d = p->AttributeOr("d");
    return std::count(d.begin(), d.end(), 'M');
  };
  EXPECT_EQ(subpaths(lines[0]), 1);
  EXPECT_EQ(subpaths(lines[1]), 3);  // days 0-9, 12-19, and the lone day 21
  // The lone value is also a dot, since a one-point subpath draws nothing.
  const auto series = WithClass(root, "series");
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0]->FindAll("circle").size(), 0u);
  EXPECT_EQ(series[1]->FindAll("circle").size(), 1u);
  // Distinct colours, a legend entry each, five tier bands.
  EXPECT_NE(lines[0]->AttributeOr("stroke"), lines[1]->AttributeOr("stroke"));
  const auto legend = WithClass(root, "legend-item");
  ASSERT_EQ(legend.size(), 2u);
  EXPECT_EQ(AllText(*legend[0]), "浙江 <all>");
  EXPECT_EQ(AllText(*legend[1]), "Gappy & co");
  EXPECT_EQ(WithClass(root, "tier-band").size(), 5u);
  EXPECT_EQ(WithClass(root, "title").at(0)->text, "Index & more");
  EXPECT_NE(AllText(root).find("Composite"), std::string::npos);
}

TEST(RenderLineChart, PaletteCyclesWithDashesBeyondEight) {
  std::vector<Series> many;
  for (int i = 0; i < 10; ++i) {
    many.push_back({"s" + std::to_string(i), {{D(2020, 1, 1), 1.0 * i}, {D(2020, 1, 9), 2.0 * i}}});
  }
  const XmlElement root = ParseSvg(RenderLineChart(many, {"many", "", false, {}, {}}));
  const auto lines = WithClass(root, "series-line");
  ASSERT_EQ(lines.size(), 10u);
  std::set<std::string> first_eight;
  for (int i = 0; i < 8; ++i) {
    first_eight.insert(lines[i]->AttributeOr("stroke"));
    EXPECT_EQ(lines[i]->Attribute("stroke-dasharray"), nullptr);
  }
  EXPECT_EQ(first_eight.size(), 8u);
  EXPECT_EQ(lines[8]->AttributeOr("stroke"), lines[0]->AttributeOr("stroke"));
  EXPECT_NE(lines[8]->Attribute("stroke-dasharray"), nullptr);
  EXPECT_EQ(WithClass(root, "tier-band").size(), 0u);
}

TEST(RenderLineChart, EmptyAndAllMissingStillRender) {
  ParseSvg(RenderLineChart({}, {"nothing", "", false, {}, {}}));
  const XmlElement root = ParseSvg(
      RenderLineChart({{"x", {{D(2020, 2, 1), std::nullopt}}}}, {"gaps", "", true, {}, {}}));
  EXPECT_EQ(WithClass(root, "series-line").size(), 1u);
}

TEST(RenderLineChart, FixedYRangeIsRespected) {
  const XmlElement root = ParseSvg(RenderLineChart(
      {{"x", {{D(2020, 2, 1), 10.0}, {D(2020, 2, 2), 90.0}}}}, {"t", "y", false, 30.0, 60.0}));
  const auto y_axis = WithClass(root, "y-axis");
  ASSERT_EQ(y_axis.size(), 1u);
  std::vector<std::string> labels;
  for (const XmlElement* t : y_axis[0]->FindAll("text")) labels.push_back(t->text);
  EXPECT_EQ(labels.front(), "30");
  EXPECT_EQ(labels[labels.size() - 2], "60");  // the last text is the axis label
}

TEST(RenderAxisTicks, DateTicksFitTheSpan) {
  // Six weeks at 15 px a day: weekly ticks on Mondays.
  DateTicks weekly = NiceDateTicks(D(2020, 1, 20), D(2020, 3, 1), 15, 64);
  ASSERT_FALSE(weekly.ticks.empty());
  for (const DateTick& t : weekly.ticks) EXPECT_EQ(WeekdayOf(t.day), 0) << t.label;
  EXPECT_EQ(weekly.ticks.front().label, "01-20");
  EXPECT_EQ(weekly.years, "2020");
  // Ten days at 70 px a day: daily.
  EXPECT_EQ(NiceDateTicks(D(2020, 2, 1), D(2020, 2, 10), 70, 64).ticks.size(), 10u);
  // Two years at 1 px a day: months, labelled with the year.
  DateTicks monthly = NiceDateTicks(D(2019, 1, 15), D(2020, 12, 31), 1, 64);
  ASSERT_FALSE(monthly.ticks.empty());
  EXPECT_EQ(monthly.ticks.front().label.size(), 7u);  // "2019-03"
  EXPECT_EQ(CivilFromDay(monthly.ticks.front().day).day, 1);
  EXPECT_EQ(monthly.years, "");
  // Across a new year the caption names both years.
  EXPECT_EQ(NiceDateTicks(D(2019, 12, 20), D(2020, 2, 10), 15, 64).years, "2019–2020");
}

TEST(RenderAxisTicks, ValueTicksAreRound) {
  const ValueTicks t = NiceValueTicks(0, 93, 5, false, false);
  EXPECT_EQ(t.step, 20);
  EXPECT_EQ(t.hi, 100);
  EXPECT_EQ(t.values.size(), 6u);
  EXPECT_EQ(ValueTickLabel(2.5, 0.5), "2.5");
  EXPECT_EQ(ValueTickLabel(40, 20), "40");
}

}  // namespace
}  // namespace fugong::render
