#include "app/bulletin/bulletin_day.h"

#include <algorithm>
#include <map>

namespace fugong {

namespace {

Status ReadLevel(Day day, std::string_view level, const DayRecordSource& source,
                 std::vector<PublishedFigures>* out) {
  std::vector<std::string> records;
  FUGONG_RETURN_IF_ERROR(source.DayRecords(day, level, &records));
  out->clear();
  for (const std::string& text : records) {
    PublishedFigures figures;
    if (!ReadPublishedFigures(text, &figures)) {
      return Status::Corruption("a " + std::string(level) + " record of " + FormatDate(day) +
                                " is not an index record");
    }
    out->push_back(std::move(figures));
  }
  return Status::OK();
}

void Add(const SideResumption& county, SideResumption* zone) {
  zone->eligible += county.eligible;
  zone->resumed += county.resumed;
  zone->groups += county.groups;
}

// The zone rows: each county's sides (GuideCounty) summed over the counties of its level.
std::vector<ZoneGuidance> GuideZones(Day day, const std::vector<PublishedFigures>& counties,
                                     const std::vector<PublishedFigures>& county_industries,
                                     const BulletinInputs& inputs) {
  std::map<std::string, std::vector<CategoryFigures>> by_county;
  for (const PublishedFigures& g : county_industries) {
    const size_t colon = g.code.find(':');
    if (colon == std::string::npos) continue;
    by_county[g.code.substr(0, colon)].push_back({g.code.substr(colon + 1), g.eligible, g.resumed});
  }
  std::vector<ZoneGuidance> zones;
  for (RiskLevel level : kRiskLevels) {
    ZoneGuidance zone;
    zone.level = level;
    if (auto recommended = inputs.guidance->Recommended(day, level)) {
      zone.covered = true;
      zone.recommended = std::move(*recommended);
    }
    zones.push_back(std::move(zone));
  }
  for (const PublishedFigures& county : counties) {
    if (!county.risk) continue;
    ZoneGuidance& zone = zones[static_cast<size_t>(*county.risk)];
    ++zone.counties;
    if (!zone.covered) continue;
    const CountyGuidance g = GuideCounty(day, county.risk, *inputs.guidance, by_county[county.code],
                                         inputs.min_group_size);
    Add(g.recommended_side, &zone.recommended_side);
    Add(g.others_side, &zone.others_side);
  }
  for (ZoneGuidance& zone : zones) {
    zone.recommended_side.suppressed = zone.recommended_side.eligible < inputs.min_group_size ||
                                       zone.recommended_side.eligible == 0;
    zone.others_side.suppressed =
        zone.others_side.eligible < inputs.min_group_size || zone.others_side.eligible == 0;
  }
  return zones;
}

}  // namespace

Result<BulletinDay> CollectBulletinDay(Day day, const DayRecordSource& source,
                                       const BulletinInputs& inputs) {
  BulletinDay out;
  out.date = day;
  std::vector<PublishedFigures> provinces;
  FUGONG_RETURN_IF_ERROR(ReadLevel(day, "province", source, &provinces));
  if (provinces.empty()) {
    return Status::NotFound("no province record published for " + FormatDate(day));
  }
  out.province = provinces.front();
  FUGONG_RETURN_IF_ERROR(ReadLevel(day - 1, "province", source, &provinces));
  for (PublishedFigures& p : provinces) {
    if (p.code == out.province.code) out.previous_day = std::move(p);
  }

  FUGONG_RETURN_IF_ERROR(ReadLevel(day, "county", source, &out.counties));
  if (out.counties.empty()) {
    return Status::NotFound("no county records published for " + FormatDate(day) +
                            " (the bulletin needs the county level)");
  }
  std::vector<CountyStanding> standings;
  for (PublishedFigures& county : out.counties) {
    if (inputs.risk != nullptr) county.risk = inputs.risk->LevelOn(county.code, day);
    out.has_risk = out.has_risk || county.risk.has_value();
    standings.push_back({county.code, county.risk, county.tier});
  }
  out.matrix = BuildRiskMatrix(std::move(standings));

  std::vector<PublishedFigures> rated;
  for (const PublishedFigures& county : out.counties) {
    if (county.composite) rated.push_back(county);
  }
  std::sort(rated.begin(), rated.end(), [](const PublishedFigures& a, const PublishedFigures& b) {
    return *a.composite != *b.composite ? *a.composite > *b.composite : a.code < b.code;
  });
  const size_t n = std::min(inputs.ranked, rated.size());
  out.highest.assign(rated.begin(), rated.begin() + static_cast<std::ptrdiff_t>(n));
  std::stable_sort(
      rated.begin(), rated.end(), [](const PublishedFigures& a, const PublishedFigures& b) {
        return *a.composite != *b.composite ? *a.composite < *b.composite : a.code < b.code;
      });
  out.lowest.assign(rated.begin(), rated.begin() + static_cast<std::ptrdiff_t>(n));

  FUGONG_RETURN_IF_ERROR(ReadLevel(day, "industry", source, &out.industries));

  if (inputs.guidance != nullptr) {
    out.guidance_configured = true;
    std::vector<PublishedFigures> county_industries;
    FUGONG_RETURN_IF_ERROR(ReadLevel(day, "county_industry", source, &county_industries));
    out.zones = GuideZones(day, out.counties, county_industries, inputs);
  }
  return out;
}

}  // namespace fugong
