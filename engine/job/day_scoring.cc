#include "engine/job/day_scoring.h"

#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "engine/meter_day/meter_day_cursor.h"
#include "engine/score/enterprise_day_score.h"
#include "engine/state/key_codec.h"

namespace fugong {

namespace {

constexpr size_t kBatchOps = 100000;

void CountFit(const WindowBaseline& b, WindowFitCounts* counts) {
  ++counts->enterprises;
  if (!b.valid()) {
    ++counts->invalid;
  } else if (b.plain_model().method == BaselineMethod::kCalendar) {
    ++counts->calendar;
  } else {
    ++counts->mean;
  }
}

// Without weather columns (or weather) the day's temperature cannot matter: no lookup.
bool TemperatureMatters(const ScoringInputs& in, const WindowBaseline& baseline) {
  return baseline.uses_weather() && in.weather != nullptr;
}

std::optional<double> TemperatureFor(const ScoringInputs& in, const WindowBaseline& baseline,
                                     const Enterprise& enterprise, Day day) {
  if (!TemperatureMatters(in, baseline)) return std::nullopt;
  return in.weather->TemperatureOf(enterprise.county, day);
}

// The registered enterprises met in increasing id order: a walk along the registry instead of a
// tree search per enterprise.
class RegistryWalk {
 public:
  RegistryWalk(const EnterpriseRegistry& registry, std::string_view from)
      : at_(registry.lower_bound(from)), end_(registry.end()) {}

  const Enterprise* Find(std::string_view id) {
    while (at_ != end_ && std::string_view(at_->first) < id) {
      ++at_;
      ++index_;
    }
    return at_ != end_ && at_->first == id ? &at_->second : nullptr;
  }
  // The position of the last enterprise found, in id order from `from`.
  size_t index() const { return index_; }

 private:
  decltype(std::declval<const EnterpriseRegistry&>().begin()) at_, end_;
  size_t index_ = 0;
};

// The day's temperature of each county, looked up once per county instead of once per enterprise
// (keys point into the registry's records, which outlive a ScoreDay call).
class DayTemperatures {
 public:
  DayTemperatures(const ScoringInputs& in, Day day) : in_(in), day_(day) {}

  std::optional<double> For(const WindowBaseline& baseline, const Enterprise& enterprise) {
    if (!TemperatureMatters(in_, baseline)) return std::nullopt;
    auto [it, added] = by_county_.try_emplace(enterprise.county);
    if (added) it->second = TemperatureFor(in_, baseline, enterprise, day_);
    return it->second;
  }

 private:
  const ScoringInputs& in_;
  Day day_;
  std::unordered_map<std::string_view, std::optional<double>> by_county_;
};

// The stored baselines of one window, read alongside the enterprises in id order.
class BaselineReader {
 public:
  BaselineReader(const StateStore* state, const DayRange& window, std::string_view from)
      : it_(state->NewIterator(Store::kBaseline)),
        prefix_(BaselineKey("", window.from, window.to)) {
    it_->Seek(prefix_ + std::string(from));
  }

  // The baseline of `id` (ids asked in increasing order); an enterprise without one (no rows in
  // the window) gets the empty, invalid baseline.
  Status Get(std::string_view id, WindowBaseline* out) {
    while (it_->Valid()) {
      const std::string_view key(it_->key().data(), it_->key().size());
      if (key.substr(0, prefix_.size()) != prefix_) break;
      const std::string_view key_id = key.substr(prefix_.size());
      if (key_id > id) break;
      if (key_id == id) {
        const Status decoded = WindowBaseline::DecodeInto(
            std::string_view(it_->value().data(), it_->value().size()), out);
        it_->Next();
        return decoded;
      }
      it_->Next();
    }
    if (!it_->status().ok()) return Status::IOError(it_->status().ToString());
    *out = WindowBaseline();
    return Status::OK();
  }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string prefix_;
};

}  // namespace

Status FitWindowBaselines(const ScoringInputs& in, const DayRange& window, const IdRange& range,
                          WindowFitCounts* counts) {
  MeterDayCursor cursor(in.state, window.from, window.to + 1, in.config, /*read_shapes=*/true);
  cursor.Seek(range.from);
  StateBatch batch(in.state);
  EnterpriseMeterRows rows;
  while (true) {
    Result<bool> more = cursor.Next(&rows, range.end);
    if (!more.ok()) return more.status();
    if (!*more) break;
    const Enterprise* enterprise = in.registry->Find(rows.enterprise);
    if (enterprise == nullptr) continue;  // not registered: not scored
    Result<WindowBaseline> b =
        WindowBaseline::Fit(window, rows.meter_ids, rows.meters, rows.shapes, enterprise->county,
                            in.weather, *in.calendar, *in.config);
    if (!b.ok()) return b.status();
    CountFit(*b, counts);
    batch.Put(Store::kBaseline, BaselineKey(rows.enterprise, window.from, window.to), b->Encode());
    if (batch.Count() >= kBatchOps) {
      FUGONG_RETURN_IF_ERROR(in.state->Write(&batch));
      batch = StateBatch(in.state);
    }
  }
  counts->rows_read += cursor.rows_read();
  return in.state->Write(&batch);
}

Status RefitWindowBaseline(const ScoringInputs& in, const DayRange& window, const std::string& id,
                           StateBatch* batch, uint64_t* rows_read) {
  MeterDayCursor cursor(in.state, window.from, window.to + 1, in.config, /*read_shapes=*/true);
  EnterpriseMeterRows rows;
  FUGONG_RETURN_IF_ERROR(cursor.Read(id, &rows));
  *rows_read += cursor.rows_read();
  const Enterprise* enterprise = in.registry->Find(id);
  const std::string key = BaselineKey(id, window.from, window.to);
  if (enterprise == nullptr || rows.meters.empty()) {
    batch->Delete(Store::kBaseline, key);
    return Status::OK();
  }
  Result<WindowBaseline> b =
      WindowBaseline::Fit(window, rows.meter_ids, rows.meters, rows.shapes, enterprise->county,
                          in.weather, *in.calendar, *in.config);
  if (!b.ok()) return b.status();
  batch->Put(Store::kBaseline, key, b->Encode());
  return Status::OK();
}

Status ScoreDay(const ScoringInputs& in, Day day, const DayRange& window, const IdRange& range,
                std::vector<ScoredEnterprise>* out, uint64_t* rows_read, const RowsVisitor* visit) {
  MeterDayCursor cursor(in.state, day, day + 1, in.config, /*read_shapes=*/true);
  cursor.Seek(range.from);
  BaselineReader baselines(in.state, window, range.from);
  RegistryWalk registered(*in.registry, range.from);
  DayTemperatures temperatures(in, day);
  EnterpriseMeterRows rows;
  WindowBaseline baseline;
  while (true) {
    Result<bool> more = cursor.Next(&rows, range.end);
    if (!more.ok()) return more.status();
    if (!*more) break;
    const Enterprise* enterprise = registered.Find(rows.enterprise);
    if (enterprise == nullptr) continue;
    if (visit != nullptr) (*visit)(rows, registered.index());
    FUGONG_RETURN_IF_ERROR(baselines.Get(rows.enterprise, &baseline));
    out->push_back(ScoredEnterprise{
        rows.enterprise,
        ScoreEnterpriseOn(day, rows, baseline, temperatures.For(baseline, *enterprise),
                          *in.calendar, *in.config)});
  }
  *rows_read += cursor.rows_read();
  return Status::OK();
}

Status ScoreOneEnterprise(const ScoringInputs& in, Day day, const DayRange& window,
                          const std::string& id, DayScore* out, bool* has_rows,
                          uint64_t* rows_read) {
  *out = DayScore();
  *has_rows = false;
  const Enterprise* enterprise = in.registry->Find(id);
  if (enterprise == nullptr) return Status::OK();
  MeterDayCursor cursor(in.state, day, day + 1, in.config, /*read_shapes=*/true);
  EnterpriseMeterRows rows;
  FUGONG_RETURN_IF_ERROR(cursor.Read(id, &rows));
  *rows_read += cursor.rows_read();
  if (rows.meters.empty()) return Status::OK();
  *has_rows = true;
  std::string bytes;
  WindowBaseline baseline;
  const Status found =
      in.state->Get(Store::kBaseline, BaselineKey(id, window.from, window.to), &bytes);
  if (found.ok()) {
    Result<WindowBaseline> b = WindowBaseline::Decode(bytes);
    if (!b.ok()) return b.status();
    baseline = std::move(b).value();
  } else if (found.code() != Status::Code::kNotFound) {
    return found;
  }
  *out = ScoreEnterpriseOn(day, rows, baseline, TemperatureFor(in, baseline, *enterprise, day),
                           *in.calendar, *in.config);
  return Status::OK();
}

}  // namespace fugong
