#include "app/http/index_api.h"

#include <map>
#include <optional>
#include <set>

#include "app/bulletin/bulletin_day.h"
#include "app/http/request_params.h"
#include "app/published_figures.h"
#include "app/render/bulletin_html.h"
#include "app/render/county_map_svg.h"
#include "engine/common/decimal.h"
#include "engine/common/json_writer.h"
#include "engine/groups/group_key.h"
#include "engine/publish/risk_matrix.h"

namespace fugong {

namespace {

constexpr std::string_view kMapPrefix = "/v1/map/";
constexpr std::string_view kSvgSuffix = ".svg";
constexpr std::string_view kBulletinPrefix = "/v1/bulletin/";
constexpr std::string_view kHtmlSuffix = ".html";

// The day of a path PREFIX + YYYY-MM-DD + SUFFIX (/v1/map/2020-02-18.svg); false for any other.
bool DayInPath(std::string_view path, std::string_view prefix, std::string_view suffix, Day* day) {
  if (path.size() < prefix.size() + suffix.size() || !path.starts_with(prefix) ||
      !path.ends_with(suffix)) {
    return false;
  }
  path.remove_prefix(prefix.size());
  path.remove_suffix(suffix.size());
  return ParseDate(path, day);
}

std::optional<HttpResponse> ReadLevel(const RequestParams& params, std::string* out) {
  const std::string* text = params.Get("level");
  if (text == nullptr) return JsonError(400, "missing parameter 'level' (" + LevelNames() + ")");
  GroupLevel level;
  if (!ParseLevel(*text, &level)) {
    return JsonError(400, "unknown level '" + *text + "' (levels: " + LevelNames() + ")");
  }
  *out = *text;
  return std::nullopt;
}

// `"name":` followed by the records as a JSON array; records are JSON already.
void AppendRecords(const std::vector<std::string>& records, std::string* out) {
  *out += "\"records\":[";
  for (size_t i = 0; i < records.size(); ++i) {
    if (i > 0) *out += ",\n";
    *out += records[i];
  }
  *out += "]}\n";
}

bool HasDate(const PublishedIndex& index, Day day) {
  for (Day d : index.Dates()) {
    if (d == day) return true;
  }
  return false;
}

HttpResponse Ok(std::string body) {
  HttpResponse response;
  response.body = std::move(body);
  return response;
}

// The route label comes from the path matched, not from each answer (errors included).
HttpResponse WithRoute(HttpResponse response, std::string route) {
  response.route = std::move(route);
  return response;
}

}  // namespace

bool IndexApi::Serves(std::string_view path) {
  return path == "/v1/dates" || path == "/v1/index" || path == "/v1/index/series" ||
         path == "/v1/regions" || path == "/v1/matrix" || path == "/v1/guidance" ||
         path.starts_with(kMapPrefix) || path.starts_with(kBulletinPrefix);
}

HttpResponse IndexApi::Handle(const HttpRequest& request, const PublishedIndex& index) const {
  if (request.path == "/v1/dates") return WithRoute(Dates(request, index), "/v1/dates");
  if (request.path == "/v1/index") return WithRoute(DayIndex(request, index), "/v1/index");
  if (request.path == "/v1/index/series") {
    return WithRoute(Series(request, index), "/v1/index/series");
  }
  if (request.path == "/v1/regions") return WithRoute(Regions(request), "/v1/regions");
  if (request.path == "/v1/matrix") return WithRoute(Matrix(request, index), "/v1/matrix");
  if (request.path == "/v1/guidance") return WithRoute(Guidance(request, index), "/v1/guidance");
  if (request.path.starts_with(kMapPrefix)) return WithRoute(Map(request, index), "/v1/map");
  if (request.path.starts_with(kBulletinPrefix)) {
    return WithRoute(Bulletin(request, index), "/v1/bulletin");
  }
  return JsonError(404, "no such path: " + request.path);
}

HttpResponse IndexApi::Dates(const HttpRequest& request, const PublishedIndex& index) const {
  RequestParams params(request, {});
  if (!params.error().empty()) return JsonError(400, params.error());
  JsonWriter json;
  json.BeginObject().Key("dates").BeginArray();
  for (Day d : index.Dates()) json.String(FormatDate(d));
  json.EndArray().EndObject();
  return Ok(json.Take() + "\n");
}

HttpResponse IndexApi::DayIndex(const HttpRequest& request, const PublishedIndex& index) const {
  RequestParams params(request, {"date", "level", "code"});
  if (!params.error().empty()) return JsonError(400, params.error());
  std::optional<Day> day;
  if (auto error = params.ReadDate("date", true, &day)) return *error;
  std::string level;
  if (auto error = ReadLevel(params, &level)) return *error;
  if (const std::string* code = params.Get("code")) {
    std::string record;
    Status st = index.Record(*day, level, *code, &record);
    if (st.code() == Status::Code::kNotFound) {
      return JsonError(404,
                       "no " + level + " record " + *code + " published for " + FormatDate(*day));
    }
    if (!st.ok()) return JsonError(500, st.ToString());
    return Ok(record + "\n");
  }
  std::vector<std::string> records;
  Status st = index.DayRecords(*day, level, &records);
  if (!st.ok()) return JsonError(500, st.ToString());
  // An empty level on a published day is an answer (no tags, say); a day never published is not.
  if (records.empty() && !HasDate(index, *day)) {
    return JsonError(404, "no index published for " + FormatDate(*day));
  }
  std::string body =
      "{\"date\":" + JsonString(FormatDate(*day)) + ",\"level\":" + JsonString(level) + ",";
  AppendRecords(records, &body);
  return Ok(std::move(body));
}

HttpResponse IndexApi::Series(const HttpRequest& request, const PublishedIndex& index) const {
  RequestParams params(request, {"level", "code", "from", "to"});
  if (!params.error().empty()) return JsonError(400, params.error());
  std::string level;
  if (auto error = ReadLevel(params, &level)) return *error;
  const std::string* code = params.Get("code");
  if (code == nullptr || code->empty()) return JsonError(400, "missing parameter 'code'");
  std::optional<Day> from, to;
  if (auto error = params.ReadDate("from", false, &from)) return *error;
  if (auto error = params.ReadDate("to", false, &to)) return *error;
  if (from && to && *from > *to) {
    return JsonError(400,
                     "'from' (" + FormatDate(*from) + ") is after 'to' (" + FormatDate(*to) + ")");
  }
  std::vector<std::string> records;
  Status st =
      index.Series(level, *code, from.value_or(INT32_MIN), to.value_or(INT32_MAX), &records);
  if (!st.ok()) return JsonError(500, st.ToString());
  if (records.empty()) {
    return JsonError(404, "no " + level + " records of " + *code + " published in that range");
  }
  std::string body = "{\"code\":" + JsonString(*code) + ",\"level\":" + JsonString(level) + ",";
  AppendRecords(records, &body);
  return Ok(std::move(body));
}

HttpResponse IndexApi::Map(const HttpRequest& request, const PublishedIndex& index) const {
  RequestParams params(request, {"layer"});
  if (!params.error().empty()) return JsonError(400, params.error());
  render::MapLayer layer = render::MapLayer::kTier;
  if (const std::string* text = params.Get("layer")) {
    if (*text == "risk") {
      layer = render::MapLayer::kRisk;
    } else if (*text != "tier") {
      return JsonError(400, "unknown layer '" + *text + "' (layers: tier, risk)");
    }
  }
  Day day;
  if (!DayInPath(request.path, kMapPrefix, kSvgSuffix, &day)) {
    return JsonError(400, "the map is /v1/map/YYYY-MM-DD.svg");
  }
  std::vector<std::string> records;
  Status st = index.DayRecords(day, "county", &records);
  if (!st.ok()) return JsonError(500, st.ToString());
  if (records.empty()) return JsonError(404, "no county records published for " + FormatDate(day));
  std::vector<render::CountyFigure> figures;
  for (const std::string& text : records) {
    PublishedFigures record;
    if (ReadPublishedFigures(text, &record)) {
      figures.push_back({record.code, record.composite, record.tier, record.risk});
    }
  }
  render::MapOptions options;
  options.layer = layer;
  if (layer == render::MapLayer::kRisk) {
    options.title = "Epidemic risk level, " + FormatDate(day);
    options.subtitle = "The health commission's county risk chart, as the index records carry it";
  } else {
    options.title = "Electricity work-resumption index, " + FormatDate(day);
    options.subtitle = "Composite index by county";
  }
  HttpResponse response;
  response.content_type = "image/svg+xml";
  response.body = render::RenderCountyTileMap(*regions_, figures, options);
  return response;
}

HttpResponse IndexApi::Matrix(const HttpRequest& request, const PublishedIndex& index) const {
  RequestParams params(request, {"date"});
  if (!params.error().empty()) return JsonError(400, params.error());
  std::optional<Day> day;
  if (auto error = params.ReadDate("date", true, &day)) return *error;
  std::vector<std::string> records;
  Status st = index.DayRecords(*day, "county", &records);
  if (!st.ok()) return JsonError(500, st.ToString());
  if (records.empty()) return JsonError(404, "no county records published for " + FormatDate(*day));
  std::map<std::string, PublishedFigures> by_code;
  std::vector<CountyStanding> standings;
  for (const std::string& text : records) {
    PublishedFigures record;
    if (!ReadPublishedFigures(text, &record)) continue;
    standings.push_back({record.code, record.risk, record.tier});
    by_code.emplace(record.code, std::move(record));
  }
  const RiskMatrix matrix = BuildRiskMatrix(std::move(standings));

  JsonWriter json;
  // A county: its code and name, and with `figures` its level, tier and composite.
  const auto county = [&](const std::string& code, bool figures) {
    const Region* region = regions_->Find(code);
    json.BeginObject().Key("code").String(code).Key("name").String(region ? region->name : "");
    if (figures) {
      const PublishedFigures& f = by_code.at(code);
      if (f.risk) {
        json.Key("risk").String(RiskLevelName(*f.risk));
      } else {
        json.Key("risk").Null();
      }
      if (f.tier > 0) {
        json.Key("tier").String("T" + std::to_string(f.tier));
      } else {
        json.Key("tier").Null();
      }
      if (f.composite) {
        json.Key("composite").Fixed(*f.composite, 4);
      } else {
        json.Key("composite").Null();
      }
    }
    json.EndObject();
  };
  const auto list = [&](const char* name, const std::vector<std::string>& codes) {
    json.Key(name).BeginArray();
    for (const std::string& code : codes) county(code, true);
    json.EndArray();
  };
  json.BeginObject().Key("date").String(FormatDate(*day));
  // Rows by decreasing risk, columns T1..T5: the diagonal is where risk and resumption agree.
  json.Key("matrix").BeginArray();
  for (RiskLevel level : kRiskLevels) {
    json.BeginObject().Key("risk").String(RiskLevelName(level));
    json.Key("color").String(RiskLevelColor(level)).Key("tiers").BeginObject();
    for (int tier = 1; tier <= 5; ++tier) {
      json.Key("T" + std::to_string(tier)).BeginArray();
      for (const std::string& code : matrix.cells[static_cast<size_t>(level)][tier - 1]) {
        county(code, false);
      }
      json.EndArray();
    }
    json.EndObject().EndObject();
  }
  json.EndArray();
  list("held_back", matrix.held_back);
  list("ahead_of_risk", matrix.ahead);
  list("no_risk", matrix.no_risk);
  list("unrated", matrix.unrated);
  json.EndObject();
  return Ok(json.Take() + "\n");
}

HttpResponse IndexApi::Guidance(const HttpRequest& request, const PublishedIndex& index) const {
  RequestParams params(request, {"date", "county"});
  if (!params.error().empty()) return JsonError(400, params.error());
  std::optional<Day> day;
  if (auto error = params.ReadDate("date", true, &day)) return *error;
  const std::string* only = params.Get("county");
  if (only != nullptr && !regions_->IsCounty(*only)) {
    return JsonError(400, "'" + *only + "' is not a county of the region table");
  }
  if (guidance_ == nullptr) {
    return JsonError(404, "no guidance table is configured (config `guidance: FILE`)");
  }
  std::vector<std::string> counties, groups;
  Status st = index.DayRecords(*day, "county", &counties);
  if (st.ok()) st = index.DayRecords(*day, "county_industry", &groups);
  if (!st.ok()) return JsonError(500, st.ToString());
  if (counties.empty()) {
    return JsonError(404, "no county records published for " + FormatDate(*day));
  }
  // county code -> its categories' figures, from the `COUNTY:Ixx` groups.
  std::map<std::string, std::vector<CategoryFigures>> by_county;
  for (const std::string& text : groups) {
    PublishedFigures g;
    if (!ReadPublishedFigures(text, &g)) continue;
    const size_t colon = g.code.find(':');
    if (colon == std::string::npos) continue;
    by_county[g.code.substr(0, colon)].push_back({g.code.substr(colon + 1), g.eligible, g.resumed});
  }
  JsonWriter json;
  const auto side = [&](const char* name, const SideResumption& s) {
    json.Key(name).BeginObject().Key("groups").Int(s.groups);
    if (s.suppressed) {
      json.Key("suppressed").Bool(true);
    } else {
      json.Key("suppressed").Bool(false).Key("eligible").Int(s.eligible);
      json.Key("resumed").Int(s.resumed);
      json.Key("resumption_rate")
          .Raw(FormatFixed(static_cast<double>(s.resumed) / static_cast<double>(s.eligible), 6));
    }
    json.EndObject();
  };
  json.BeginObject().Key("date").String(FormatDate(*day)).Key("counties").BeginArray();
  bool found = false;
  for (const std::string& text : counties) {
    PublishedFigures c;
    if (!ReadPublishedFigures(text, &c)) continue;
    if (only != nullptr && c.code != *only) continue;
    found = true;
    const CountyGuidance g =
        GuideCounty(*day, c.risk, *guidance_, by_county[c.code], min_group_size_);
    const Region* region = regions_->Find(c.code);
    json.BeginObject().Key("code").String(c.code).Key("name").String(region ? region->name : "");
    if (c.risk) {
      json.Key("risk").String(RiskLevelName(*c.risk));
    } else {
      json.Key("risk").Null();
    }
    json.Key("covered").Bool(g.covered);
    if (g.covered) {
      json.Key("recommended").BeginArray();
      for (const std::string& category : g.recommended) json.String(category);
      json.EndArray();
      side("recommended_resumption", g.recommended_side);
      side("others_resumption", g.others_side);
    }
    json.EndObject();
  }
  json.EndArray().EndObject();
  if (only != nullptr && !found) {
    return JsonError(404, "no county record of " + *only + " published for " + FormatDate(*day));
  }
  return Ok(json.Take() + "\n");
}

HttpResponse IndexApi::Bulletin(const HttpRequest& request, const PublishedIndex& index) const {
  RequestParams params(request, {});
  if (!params.error().empty()) return JsonError(400, params.error());
  Day day;
  if (!DayInPath(request.path, kBulletinPrefix, kHtmlSuffix, &day)) {
    return JsonError(400, "the bulletin is /v1/bulletin/YYYY-MM-DD.html");
  }
  BulletinInputs inputs;
  inputs.regions = regions_;
  inputs.guidance = guidance_;
  inputs.min_group_size = min_group_size_;
  Result<BulletinDay> bulletin = CollectBulletinDay(day, index, inputs);
  if (bulletin.status().code() == Status::Code::kNotFound) {
    return JsonError(404, bulletin.status().message());
  }
  if (!bulletin.ok()) return JsonError(500, bulletin.status().ToString());
  HttpResponse response;
  response.content_type = "text/html; charset=utf-8";
  response.body = render::RenderBulletinHtml(*bulletin, *regions_, *industries_,
                                             {"the service's published index"});
  return response;
}

HttpResponse IndexApi::Regions(const HttpRequest& request) const {
  RequestParams params(request, {});
  if (!params.error().empty()) return JsonError(400, params.error());
  JsonWriter json;
  json.BeginObject().Key("regions").BeginArray();
  auto add = [&](const std::vector<std::string>& codes, const char* level) {
    for (const std::string& code : codes) {
      const Region* r = regions_->Find(code);
      json.BeginObject().Key("code").String(r->code).Key("level").String(level);
      json.Key("name").String(r->name).Key("parent").String(r->parent).EndObject();
    }
  };
  add(regions_->provinces(), "province");
  add(regions_->cities(), "city");
  add(regions_->counties(), "county");
  HttpResponse response;
  json.EndArray().EndObject();
  response.body = json.Take() + "\n";
  response.cache_control = "max-age=3600";
  return response;
}

}  // namespace fugong
