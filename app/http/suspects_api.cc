#include "app/http/suspects_api.h"

#include <optional>
#include <vector>

#include "app/http/published_index.h"
#include "app/http/request_params.h"
#include "app/published_figures.h"
#include "engine/common/json_writer.h"
#include "engine/decode/enterprise_json_decoder.h"
#include "engine/score/day_score.h"
#include "engine/state/key_codec.h"

namespace fugong {

namespace {

struct Suspect {
  Enterprise enterprise;
  DayScore score;
};

// The suspects of `county` on `day` in id order: rows of the enterprise_day store flagged
// suspect_idle whose enterprise is in the registry, in the county and active on the day (the
// enterprises the county's count took them from: AddToGroupSums).
Status FindSuspects(const StateStore& state, EnterpriseJsonDecoder* decoder, Day day,
                    const std::string& county, std::vector<Suspect>* out) {
  const std::string prefix = EnterpriseDayKey("", day);
  std::unique_ptr<rocksdb::Iterator> it = state.NewIterator(Store::kEnterpriseDay);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::optional<DayScore> score = DayScore::Decode(it->value().ToStringView());
    if (!score) return Status::Corruption("enterprise_day row of " + FormatDate(day));
    if (!score->suspect_idle) continue;
    std::string_view id = it->key().ToStringView();
    id.remove_prefix(prefix.size());
    std::string message;
    const Status found = state.Get(Store::kRegistry, id, &message);
    if (found.code() == Status::Code::kNotFound) continue;  // deregistered since
    FUGONG_RETURN_IF_ERROR(found);
    Suspect suspect{.enterprise = {}, .score = *score};
    DecodeError error;
    // A registry row that no longer decodes stops the service at its next start (StreamJob::
    // LoadReference says why); here it is only not listed.
    if (!decoder->Decode(id, message, &suspect.enterprise, &error)) continue;
    if (suspect.enterprise.county != county || !suspect.enterprise.ActiveOn(day)) continue;
    out->push_back(std::move(suspect));
  }
  if (!it->status().ok()) return Status::IOError(it->status().ToString());
  return Status::OK();
}

}  // namespace

HttpResponse SuspectsApi::Handle(const HttpRequest& request, const StateStore& state) const {
  HttpResponse response = [&] {
    if (!enabled_) {
      return JsonError(403,
                       "the suspects list names enterprises and is off; the config key "
                       "`suspects_api: true` enables it (docs/day-shape.md)");
    }
    RequestParams params(request, {"date", "county"});
    if (!params.error().empty()) return JsonError(400, params.error());
    std::optional<Day> day;
    if (auto error = params.ReadDate("date", true, &day)) return *error;
    const std::string* county = params.Get("county");
    if (county == nullptr) return JsonError(400, "missing parameter 'county' (a county code)");
    if (!regions_->IsCounty(*county)) {
      return JsonError(400, "'" + *county + "' is not a county of the region table");
    }
    std::string text;
    const Status published = PublishedIndex(&state).Record(*day, "county", *county, &text);
    if (published.code() == Status::Code::kNotFound) {
      return JsonError(404,
                       "no county record of " + *county + " published for " + FormatDate(*day));
    }
    if (!published.ok()) return JsonError(500, published.ToString());
    PublishedFigures record;
    if (!ReadPublishedFigures(text, &record)) {
      return JsonError(500, "the county record of " + *county + " does not read");
    }
    // Scores of days before the cutoff may be gone already: the list would be short by chance.
    if (*day < state.retention_cutoff()) {
      return JsonError(404, "the scores of days before " + FormatDate(state.retention_cutoff()) +
                                " are no longer kept (retention_days)");
    }

    EnterpriseJsonDecoder decoder(regions_, industries_, max_message_bytes_);
    std::vector<Suspect> suspects;
    const Status found = FindSuspects(state, &decoder, *day, *county, &suspects);
    if (!found.ok()) return JsonError(500, found.ToString());

    const Region* region = regions_->Find(*county);
    JsonWriter json;
    json.BeginObject().Key("date").String(FormatDate(*day)).Key("county").String(*county);
    json.Key("name").String(region ? region->name : "");
    if (record.suspect_idle) {
      json.Key("suspect_idle").Int(*record.suspect_idle);
      json.Key("complete").Bool(static_cast<int64_t>(suspects.size()) == *record.suspect_idle);
    } else {
      // Suppressed (or a run that reads no day shapes): no count to hold the list against.
      json.Key("suspect_idle").Null().Key("complete").Null();
    }
    json.Key("listed").Int(static_cast<int64_t>(suspects.size()));
    json.Key("enterprises").BeginArray();
    for (const Suspect& s : suspects) {
      json.BeginObject().Key("enterprise_id").String(s.enterprise.id);
      json.Key("industry").String(s.enterprise.industry);
      json.Key("scale").String(ScaleCode(s.enterprise.scale));
      json.Key("energy_kwh").Fixed(s.score.energy_kwh, 3);
      json.Key("baseline_kwh").Fixed(s.score.baseline_kwh, 3);
      json.Key("energy_ratio").Fixed(s.score.energy_kwh / s.score.baseline_kwh, 6);
      json.EndObject();
    }
    json.EndArray().EndObject();
    HttpResponse ok;
    ok.body = json.Take() + "\n";
    return ok;
  }();
  response.route = "/v1/suspects";
  return response;
}

}  // namespace fugong
