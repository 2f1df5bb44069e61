#include "engine/publish/index_record.h"

#include "engine/common/clock.h"
#include "engine/common/decimal.h"
#include "engine/common/json_writer.h"
#include "engine/score/tier.h"

namespace fugong {

std::string IndexRecordKey(Day day, const GroupKey& key) {
  return FormatDate(day) + "|" + LevelName(key.level) + "|" + key.code;
}

std::string_view LevelOfIndexKey(std::string_view key) {
  const size_t from = key.find('|') + 1;
  return key.substr(from, key.find('|', from) - from);
}

std::string IndexRecordContent(Day day, const Group& group, const GroupDaySums& sums, bool holiday,
                               const EngineConfig& config, std::optional<RiskLevel> risk,
                               const LastYearFigure* last_year) {
  const bool suppressed = static_cast<int>(sums.eligible) < config.min_group_size;
  JsonWriter w;
  w.BeginObject();
  w.Key("date").String(FormatDate(day));
  w.Key("level").String(LevelName(group.key.level));
  w.Key("code").String(group.key.code);
  w.Key("name").String(group.name);
  if (suppressed) {
    // No figures: with so few enterprises one firm's consumption could be read off them.
    w.Key("eligible").Null();
    w.Key("resumed").Null();
    w.Key("registered").Int(sums.registered);
    w.Key("resumption_rate").Null();
    w.Key("load_recovery").Null();
    w.Key("composite").Null();
    w.Key("tier").Null();
    w.Key("color").Null();
    w.Key("coverage").Null();
  } else {
    const double resumption_rate = static_cast<double>(sums.resumed) / sums.eligible;
    const double load_recovery = sums.recovered_kwh / sums.baseline_kwh;
    const double composite = 100.0 * (config.composite_weight * resumption_rate +
                                      (1.0 - config.composite_weight) * load_recovery);
    const std::string composite_text = FormatFixed(composite, 4);
    const Tier tier = TierOf(RoundHalfAway(composite, 4));
    w.Key("eligible").Int(sums.eligible);
    w.Key("resumed").Int(sums.resumed);
    w.Key("registered").Int(sums.registered);
    w.Key("resumption_rate").Raw(FormatFixed(resumption_rate, 6));
    w.Key("load_recovery").Raw(FormatFixed(load_recovery, 6));
    w.Key("composite").Raw(composite_text);
    w.Key("tier").String(tier.name);
    w.Key("color").String(tier.color);
    w.Key("coverage").Raw(FormatFixed(static_cast<double>(sums.eligible) / sums.registered, 6));
  }
  w.Key("suppressed").Bool(suppressed);
  w.Key("holiday").Bool(holiday);
  // Fields added after the first release, in SPEC's order, absent when they do not apply.
  if (risk && group.key.level == GroupLevel::kCounty) w.Key("risk").String(RiskLevelName(*risk));
  if (last_year != nullptr) {
    w.Key("last_year").BeginObject();
    w.Key("date").String(FormatDate(last_year->date)).Key("composite").Raw(last_year->composite);
    w.EndObject();
  }
  // The day-shape figures (issue 14, docs/day-shape.md), whenever the run reads day shapes: none
  // on a suppressed record, and no active_rate from fewer judged than min_group_size (one
  // enterprise's working hours could be read off it).
  if (config.ReadsDayShapes()) {
    if (suppressed) {
      w.Key("shape_judged").Null();
      w.Key("active").Null();
      w.Key("active_rate").Null();
      w.Key("suspect_idle").Null();
    } else {
      w.Key("shape_judged").Int(sums.shape_judged);
      w.Key("active").Int(sums.active);
      if (static_cast<int>(sums.shape_judged) < config.min_group_size) {
        w.Key("active_rate").Null();
      } else {
        w.Key("active_rate")
            .Raw(FormatFixed(static_cast<double>(sums.active) / sums.shape_judged, 6));
      }
      w.Key("suspect_idle").Int(sums.suspect_idle);
    }
  }
  std::string content = w.Take();  // `{...` without the closing brace: EndObject not called
  return content;
}

std::string FinishIndexRecord(const std::string& content, uint32_t revision,
                              EpochSeconds computed_at) {
  std::string out = content;
  out += ",\"revision\":";
  out += std::to_string(revision);
  out += ",\"computed_at\":\"";
  out += FormatUtcInstant(computed_at);
  out += "\"}";
  return out;
}

}  // namespace fugong
