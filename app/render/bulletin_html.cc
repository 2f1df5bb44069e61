#include "app/render/bulletin_html.h"

#include <cmath>
#include <cstdlib>

#include "app/render/county_label.h"
#include "app/render/county_map_svg.h"
#include "app/render/risk_legend.h"
#include "app/render/svg_text.h"
#include "app/render/tier_palette.h"
#include "engine/common/decimal.h"

namespace fugong::render {

namespace {

// A4 portrait with 12 mm margins; Chromium's print honours @page, so no header or footer of its
// own is printed and the page count does not depend on the printer's defaults.
constexpr std::string_view kStyle = R"CSS(
@page { size: A4 portrait; margin: 11mm 12mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei',
       'Microsoft YaHei', 'PingFang SC', sans-serif; font-size: 9pt; color: #111; }
h1 { font-size: 15pt; margin: 0 0 1mm 0; }
h2 { font-size: 10.5pt; margin: 3mm 0 1.5mm 0; border-bottom: 0.4mm solid #333; }
.dateline { color: #444; margin-bottom: 2mm; }
.page { break-after: page; }
.page:last-child { break-after: auto; }
.headline { display: flex; gap: 4mm; align-items: stretch; }
.headline .figure { border: 0.4mm solid #333; padding: 2mm 3mm; min-width: 42mm; }
.headline .big { font-size: 24pt; font-weight: bold; line-height: 1.1; }
.headline .changes { padding: 1mm 0; }
.swatch { display: inline-block; padding: 0 1.5mm; border-radius: 0.8mm; font-weight: bold; }
.maps { display: flex; gap: 3mm; margin-top: 2mm; }
.maps figure { margin: 0; flex: 1 1 0; }
.maps svg { width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.25mm solid #999; padding: 0.6mm 1.2mm; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.matrix td.count { text-align: center; width: 14mm; }
.matrix td.watch { outline: 0.6mm solid #111; outline-offset: -0.6mm; font-weight: bold; }
.lists p { margin: 1mm 0; }
.county { white-space: nowrap; }
.two { display: flex; gap: 4mm; }
.two > div { flex: 1 1 0; }
.note { color: #444; font-size: 7.5pt; margin-top: 2mm; }
)CSS";

std::string Esc(std::string_view text) { return XmlEscape(text); }

constexpr std::string_view kWeekdays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                          "Friday", "Saturday", "Sunday"};

// A published composite (4 decimals) in hundredths, rounded half away from zero from its decimal
// value: its value times 10^4 is an integer up to binary error.
long long Hundredths(double published) {
  const long long units = std::llround(published * 10000);
  return units >= 0 ? (units + 50) / 100 : -((-units + 50) / 100);
}

std::string FormatHundredths(long long hundredths) {
  const long long magnitude = std::llabs(hundredths);
  const std::string cents = std::to_string(magnitude % 100);
  return (hundredths < 0 ? "-" : "") + std::to_string(magnitude / 100) + "." +
         (cents.size() < 2 ? "0" : "") + cents;
}

// The change between two published composites as printed (so that the printed figures add up).
std::string Change(double now, double then) {
  const long long change = Hundredths(now) - Hundredths(then);
  return (change >= 0 ? "+" : "") + FormatHundredths(change);
}

std::string Percent(int64_t part, int64_t whole) {
  return FormatFixed(100.0 * static_cast<double>(part) / static_cast<double>(whole), 1) + "%";
}

std::string TierBadge(int tier) {
  const TierStyle& style = StyleOfTier(tier);
  if (tier == 0) return "<span class=\"swatch\">—</span>";
  return "<span class=\"swatch\" style=\"background:" + std::string(style.fill) +
         ";color:" + std::string(style.text) + "\">" + std::string(style.name) + "</span>";
}

std::string RiskBadge(const std::optional<RiskLevel>& level) {
  if (!level) return "—";
  const TierStyle& style = StyleOfTier(RiskColourClass(*level));
  return "<span class=\"swatch\" style=\"background:" + std::string(style.fill) +
         ";color:" + std::string(style.text) + "\">" + Esc(RiskLevelLabel(*level)) + "</span>";
}

std::string CountyName(const RegionTable& regions, const std::string& code) {
  const Region* region = regions.Find(code);
  return region != nullptr ? region->name : code;
}

std::string CityName(const RegionTable& regions, const std::string& code) {
  const Region* region = regions.Find(code);
  const Region* city = region != nullptr ? regions.Find(region->parent) : nullptr;
  return city != nullptr ? city->name : "";
}

// The map SVG without its XML prolog, to sit inline in the page.
std::string InlineMap(const RegionTable& regions, const BulletinDay& day, MapLayer layer) {
  std::vector<CountyFigure> figures;
  for (const PublishedFigures& c : day.counties) {
    figures.push_back({c.code, c.composite, c.tier, c.risk});
  }
  MapOptions options;
  options.layer = layer;
  options.title = layer == MapLayer::kRisk ? "Epidemic risk level" : "Resumption index";
  options.subtitle = layer == MapLayer::kRisk ? "The health commission's county chart"
                                              : "Composite index by county, five tiers";
  std::string svg = RenderCountyTileMap(regions, figures, options);
  if (svg.starts_with("<?xml")) svg.erase(0, svg.find('\n') + 1);
  return svg;
}

void Headline(const BulletinDay& day, const RegionTable& regions, std::string* out) {
  const PublishedFigures& p = day.province;
  *out += "<div class=\"headline\"><div class=\"figure\"><div>" +
          Esc(p.name.empty() ? CountyName(regions, p.code) : p.name) + " composite</div>";
  if (p.composite) {
    *out += "<div class=\"big\" id=\"province-composite\">" + FormatComposite(*p.composite) +
            "</div><div>tier " + TierBadge(p.tier) + "</div>";
  } else {
    *out += "<div class=\"big\">—</div><div>suppressed</div>";
  }
  *out += "</div><div class=\"changes\">";
  if (p.eligible && p.resumed && *p.eligible > 0) {
    *out += "<div>Enterprises resumed: " + std::to_string(*p.resumed) + " of " +
            std::to_string(*p.eligible) + " (" + Percent(*p.resumed, *p.eligible) + ")</div>";
  }
  if (p.load_recovery) {
    *out += "<div>Load recovery: " + FormatFixed(*p.load_recovery * 100, 1) + "% of normal</div>";
  }
  *out += "<div>Day on day: ";
  if (p.composite && day.previous_day && day.previous_day->composite) {
    const double before = *day.previous_day->composite;
    *out += Change(*p.composite, before) + " points (" + FormatComposite(before) + " on " +
            Esc(day.previous_day->date) + ")";
  } else {
    *out += "— (no published figure for the day before)";
  }
  *out += "</div><div>Same lunar day last year: ";
  if (p.composite && p.last_year_composite) {
    *out += FormatComposite(*p.last_year_composite) + " on " + Esc(p.last_year_date) + ", " +
            Change(*p.composite, *p.last_year_composite) + " points";
  } else {
    *out += "— (no published figure)";
  }
  *out += "</div></div></div>\n";
}

std::string NameList(const RegionTable& regions, const std::vector<std::string>& codes) {
  if (codes.empty()) return "none";
  std::string out;
  for (size_t i = 0; i < codes.size(); ++i) {
    if (i > 0) out += ", ";
    out += "<span class=\"county\" data-code=\"" + Esc(codes[i]) + "\">" +
           Esc(CountyName(regions, codes[i])) + "</span>";
  }
  return out;
}

void Matrix(const BulletinDay& day, const RegionTable& regions, std::string* out) {
  *out += "<h2>Epidemic risk against resumption</h2>\n";
  if (!day.has_risk) {
    *out += "<p>No epidemic risk chart covers this day.</p>\n";
    return;
  }
  *out += "<div class=\"two\"><div><table class=\"matrix\"><tr><th>risk \\ tier</th>";
  for (int tier = 1; tier <= 5; ++tier) {
    *out += "<th class=\"num\">" + TierBadge(tier) + "</th>";
  }
  *out += "</tr>\n";
  for (RiskLevel level : kRiskLevels) {
    *out += "<tr><td>" + RiskBadge(level) + "</td>";
    for (int tier = 1; tier <= 5; ++tier) {
      const CountyStanding standing{"", level, tier};
      const bool watch = IsHeldBack(standing) || IsAheadOfRisk(standing);
      const size_t n = day.matrix.cells[static_cast<size_t>(level)][tier - 1].size();
      *out += std::string("<td class=\"count") + (watch ? " watch" : "") + "\">" +
              (n == 0 ? "·" : std::to_string(n)) + "</td>";
    }
    *out += "</tr>\n";
  }
  *out +=
      "</table><p class=\"note\">Counties per cell. Framed cells are the two lists: low or "
      "lower risk in T4-T5, high or very high risk in T1-T2.";
  if (!day.matrix.no_risk.empty() || !day.matrix.unrated.empty()) {
    *out += " Not placed: " + std::to_string(day.matrix.no_risk.size()) + " without a level, " +
            std::to_string(day.matrix.unrated.size()) + " suppressed.";
  }
  *out += "</p></div><div class=\"lists\">";
  *out += "<p id=\"held-back\"><b>Held back (" + std::to_string(day.matrix.held_back.size()) +
          ")</b>: low or lower risk, yet in T4 or T5. " + NameList(regions, day.matrix.held_back) +
          "</p>";
  *out += "<p id=\"ahead\"><b>Ahead of their risk (" + std::to_string(day.matrix.ahead.size()) +
          ")</b>: high or very high risk, yet in T1 or T2. " + NameList(regions, day.matrix.ahead) +
          "</p></div></div>\n";
}

void Ranked(const char* title, const char* id, const std::vector<PublishedFigures>& counties,
            const RegionTable& regions, std::string* out) {
  *out += std::string("<div><h2>") + title + "</h2><table id=\"" + id +
          "\"><tr><th class=\"num\">#</th><th>county</th><th>city</th><th "
          "class=\"num\">composite</th><th>tier</th><th>risk</th></tr>\n";
  for (size_t i = 0; i < counties.size(); ++i) {
    const PublishedFigures& c = counties[i];
    *out += "<tr><td class=\"num\">" + std::to_string(i + 1) + "</td><td>" +
            Esc(CountyName(regions, c.code)) + "</td><td>" + Esc(CityName(regions, c.code)) +
            "</td><td class=\"num\">" + FormatComposite(*c.composite) + "</td><td>" +
            TierBadge(c.tier) + "</td><td>" + RiskBadge(c.risk) + "</td></tr>\n";
  }
  *out += "</table></div>";
}

void Industries(const BulletinDay& day, const IndustryTable& industries, std::string* out) {
  *out += "<h2>Industries</h2>\n";
  if (day.industries.empty()) {
    *out += "<p>No industry records were published for this day.</p>\n";
    return;
  }
  *out +=
      "<table id=\"industries\"><tr><th>code</th><th>category</th><th "
      "class=\"num\">composite</th><th>tier</th><th class=\"num\">resumed</th><th "
      "class=\"num\">load recovery</th><th class=\"num\">last year</th></tr>\n";
  for (const PublishedFigures& g : day.industries) {
    const IndustryCategory* category = industries.Find(g.code);
    std::string name = category != nullptr ? category->name_zh + " " + category->name : g.name;
    *out += "<tr><td>" + Esc(g.code) + "</td><td>" + Esc(name) + "</td>";
    if (g.composite) {
      *out +=
          "<td class=\"num\">" + FormatComposite(*g.composite) + "</td><td>" + TierBadge(g.tier) +
          "</td><td class=\"num\">" +
          (g.eligible && g.resumed && *g.eligible > 0 ? Percent(*g.resumed, *g.eligible) : "—") +
          "</td><td class=\"num\">" +
          (g.load_recovery ? FormatFixed(*g.load_recovery * 100, 1) + "%" : "—") + "</td>";
    } else {
      *out +=
          "<td class=\"num\">—</td><td>suppressed</td><td class=\"num\">—</td>"
          "<td class=\"num\">—</td>";
    }
    *out += "<td class=\"num\">" +
            (g.last_year_composite ? FormatComposite(*g.last_year_composite) : "—") +
            "</td></tr>\n";
  }
  *out += "</table>\n";
}

std::string Side(const SideResumption& side) {
  if (side.suppressed) return "—";
  return Percent(side.resumed, side.eligible) + " <span class=\"note\">(" +
         std::to_string(side.resumed) + "/" + std::to_string(side.eligible) + ")</span>";
}

void Guidance(const BulletinDay& day, std::string* out) {
  *out += "<h2>Guidance by zone for this week</h2>\n";
  if (!day.guidance_configured) {
    *out += "<p>No guidance table is configured (config <code>guidance: FILE</code>).</p>\n";
    return;
  }
  *out +=
      "<table id=\"guidance\"><tr><th>zone</th><th class=\"num\">counties</th><th>recommended "
      "categories</th><th class=\"num\">recommended resumed</th><th class=\"num\">others "
      "resumed</th></tr>\n";
  for (const ZoneGuidance& zone : day.zones) {
    *out += "<tr><td>" + RiskBadge(zone.level) + "</td><td class=\"num\">" +
            std::to_string(zone.counties) + "</td>";
    if (!zone.covered) {
      *out += "<td colspan=\"3\">no period of the table covers this day</td></tr>\n";
      continue;
    }
    std::string categories;
    for (const std::string& code : zone.recommended) {
      categories += (categories.empty() ? "" : " ") + Esc(code);
    }
    *out += "<td>" + (categories.empty() ? std::string("none") : categories) +
            "</td><td class=\"num\">" + Side(zone.recommended_side) + "</td><td class=\"num\">" +
            Side(zone.others_side) + "</td></tr>\n";
  }
  *out +=
      "</table><p class=\"note\">Resumed: enterprises resumed of those eligible, summed over "
      "the zone's county x industry groups that are published with figures (suppressed "
      "groups are left out of both sides); — where a side has too few enterprises.</p>\n";
}

}  // namespace

std::string FormatComposite(double published) { return FormatHundredths(Hundredths(published)); }

std::string RenderBulletinHtml(const BulletinDay& day, const RegionTable& regions,
                               const IndustryTable& industries, const BulletinOptions& options) {
  const std::string date = FormatDate(day.date);
  std::string out;
  out +=
      "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n<title>"
      "Electricity work-resumption index, daily bulletin, " +
      date + "</title>\n<style>" + std::string(kStyle) + "</style></head>\n<body>\n";

  out += "<section class=\"page\">\n<h1>Electricity work-resumption index: daily bulletin</h1>\n";
  out += "<div class=\"dateline\">" + date + " (" + std::string(kWeekdays[WeekdayOf(day.date)]) +
         ") · one index, two maps</div>\n";
  Headline(day, regions, &out);
  out += "<div class=\"maps\"><figure id=\"map-tier\">" + InlineMap(regions, day, MapLayer::kTier) +
         "</figure><figure id=\"map-risk\">" + InlineMap(regions, day, MapLayer::kRisk) +
         "</figure></div>\n";
  Matrix(day, regions, &out);
  out += "</section>\n";

  out += "<section class=\"page\">\n<div class=\"two\">";
  Ranked("Ten highest counties", "highest", day.highest, regions, &out);
  Ranked("Ten lowest counties", "lowest", day.lowest, regions, &out);
  out += "</div>\n";
  Industries(day, industries, &out);
  Guidance(day, &out);
  out += "<p class=\"note\">Figures as published by the index for " + date +
         " (SPEC: composite 0-100, tiers T1 &ge; 80, T2 60-80, T3 40-60, T4 20-40, T5 &lt; 20). "
         "Counties with too few enterprises are suppressed and shown hatched. Source: " +
         Esc(options.source) + ".</p>\n";
  out += "</section>\n</body></html>\n";
  return out;
}

}  // namespace fugong::render
