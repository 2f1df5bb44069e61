#include "engine/job/stream_job.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "engine/baseline/baseline_window.h"
#include "engine/common/parallel_for.h"
#include "engine/decode/guarded_decode.h"
#include "engine/job/state_fingerprint.h"
#include "engine/publish/index_publisher.h"
#include "engine/state/key_codec.h"

namespace fugong {

namespace {

constexpr char kClosedThrough[] = "stream.closed_through";
constexpr char kLiveDays[] = "stream.live_days";
constexpr char kSeenMaxDay[] = "stream.seen_max_day";

// progress: topic \0 partition (big-endian, so partitions sort numerically)
std::string Fixed64(int64_t v) {
  std::string out;
  AppendFixed64(static_cast<uint64_t>(v), &out);
  return out;
}

// weather and risk: county \0 day
std::string CountyDayKey(const std::string& county, Day day) {
  std::string key = county;
  key.push_back('\0');
  AppendDay(day, &key);
  return key;
}

// Decodes again every message kept in a county-day store (weather, risk; keys county \0 day)
// and hands each record to `apply`.
template <typename Row, typename Decoder, typename Apply>
Status ReloadCountyDayStore(const StateStore& state, Store store, Decoder* decoder,
                            const char* what, const Apply& apply) {
  std::unique_ptr<rocksdb::Iterator> it = state.NewIterator(store);
  Row row;
  DecodeError error;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    const std::string_view county = key.substr(0, key.find('\0'));
    const std::string_view value(it->value().data(), it->value().size());
    if (!decoder->Decode(county, value, &row, &error)) {
      return Status::Corruption(std::string(what) + " of " + std::string(county) +
                                " no longer decodes: " + error.detail);
    }
    apply(row);
  }
  return Status::OK();
}

}  // namespace

StreamJob::StreamJob(const StreamContext& context)
    : ctx_(context),
      ingestor_(*context.config, /*registry=*/nullptr, context.clock->Now(), context.state,
                ThreadCount(context.threads)),
      reading_decoder_(context.settings->max_message_bytes),
      enterprise_decoder_(context.regions, context.industries, context.settings->max_message_bytes),
      weather_decoder_(context.regions, context.settings->max_message_bytes),
      risk_decoder_(context.regions, context.settings->max_message_bytes),
      watermark_(context.settings->idle_partition_seconds),
      index_(context, &registry_, &weather_, &risk_, context.state, ThreadCount(context.threads)),
      pending_(context.state) {}

void StreamJob::EnablePartials(int32_t readings_partitions, int32_t partials_partitions) {
  readings_partitions_ = readings_partitions;
  partials_partitions_ = partials_partitions;
  sender_.emplace(ctx_.state, partials_partitions);
  index_.SendPartialsTo(&*sender_);
}

StreamJob::~StreamJob() {
  if (changelog_) ctx_.state->SetWriteTap(nullptr);
}

void StreamJob::EnableChangelogs() {
  changelog_ =
      std::make_unique<TaskChangelog>(ctx_.state, &*sender_, ctx_.settings->readings_topic);
  ctx_.state->SetWriteTap(changelog_.get());
}

std::optional<ChangelogPositions> StreamJob::RestorePositions(int32_t task) const {
  return changelog_->Positions(task);
}

Status StreamJob::WipeTasks(const std::set<int32_t>& tasks) {
  if (tasks.empty()) return Status::OK();
  FUGONG_RETURN_IF_ERROR(changelog_->Wipe(tasks));
  for (int32_t task : tasks) {
    sender_->ForgetTask(task);
    progress_.erase({ctx_.settings->readings_topic, task});
  }
  return Status::OK();
}

Status StreamJob::ApplyRestored(int32_t task, ChangelogStore store,
                                const std::vector<LogRecord>& records, int64_t next_offset,
                                RestoredTask* restored) {
  FUGONG_RETURN_IF_ERROR(changelog_->Apply(task, store, records, next_offset, restored));
  status_.restored_records += records.size();
  return Status::OK();
}

Status StreamJob::FinishRestore(const std::vector<RestoredTask>& restored) {
  const std::string& readings = ctx_.settings->readings_topic;
  StateBatch batch(ctx_.state);
  for (const RestoredTask& task : restored) {
    std::string value;
    const Status got = ctx_.state->Get(Store::kProgress, ProgressKey(readings, task.task), &value);
    if (got.ok()) {
      FUGONG_RETURN_IF_ERROR(TakeProgressRow(readings, task.task, value, ctx_.clock->Now()));
    } else if (got.code() != Status::Code::kNotFound) {
      return got;
    }
    // As if its readings had been read again: what reaches closed work is done again.
    for (const auto& [id, day] : task.meter_days) {
      if (index_.Reaches(day)) index_.AddPending(id, day, &batch);
    }
    if (task.day_span) {
      ingestor_.ExtendDaySpan(task.day_span->first, task.day_span->second, &batch);
    }
  }
  // Once for all of them: it reads every enterprise's task row.
  FUGONG_RETURN_IF_ERROR(sender_->Load());
  FUGONG_RETURN_IF_ERROR(ctx_.state->Write(&batch));
  status_.pending_rescores = index_.pending();
  return Status::OK();
}

void StreamJob::ReleaseTasks(const std::set<int32_t>& tasks) {
  if (!changelog_) return;
  for (int32_t task : tasks) changelog_->Release(task);
}

Status StreamJob::Open() {
  FUGONG_RETURN_IF_ERROR(ctx_.config->Validate());
  FUGONG_RETURN_IF_ERROR(CheckStateFits(*ctx_.config, "stream", ctx_.state));
  FUGONG_RETURN_IF_ERROR(index_.Open());
  if (sender_) FUGONG_RETURN_IF_ERROR(sender_->Load());
  ingestor_.LoadCounters();
  status_.readings = ingestor_.counters();
  LoadIngestCounters(*ctx_.state, "enterprises", &status_.enterprises);
  LoadIngestCounters(*ctx_.state, "weather", &status_.weather);
  LoadIngestCounters(*ctx_.state, "risk", &status_.risk);
  status_.gaps = ctx_.state->GetCounter("stream.gaps");
  status_.lost_offsets = ctx_.state->GetCounter("stream.lost_offsets");
  FUGONG_RETURN_IF_ERROR(LoadReference());
  FUGONG_RETURN_IF_ERROR(LoadProgress());
  index_.Prepare();
  // Finishes what a crash may have left: pending late work, days closed but not published.
  CloseOutcome outcome;
  const Status closed = CloseAndPublish(false, TakeCloseInputs(), &outcome);
  ApplyClose(outcome);
  return closed;
}

Status StreamJob::LoadReference() {
  std::unique_ptr<rocksdb::Iterator> it = ctx_.state->NewIterator(Store::kRegistry);
  Enterprise enterprise;
  DecodeError error;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view id(it->key().data(), it->key().size());
    const std::string_view value(it->value().data(), it->value().size());
    if (!enterprise_decoder_.Decode(id, value, &enterprise, &error)) {
      return Status::Corruption(
          "registry record " + std::string(id) +
          " no longer decodes (region or industry table changed?): " + error.detail);
    }
    registry_.Upsert(std::move(enterprise));
  }
  FUGONG_RETURN_IF_ERROR(ReloadCountyDayStore<WeatherRow>(
      *ctx_.state, Store::kWeather, &weather_decoder_, "weather record",
      [&](const WeatherRow& row) { weather_.Set(row.county, row.day, row.temp_mean_c); }));
  FUGONG_RETURN_IF_ERROR(ReloadCountyDayStore<RiskRow>(
      *ctx_.state, Store::kRisk, &risk_decoder_, "risk chart record",
      [&](const RiskRow& row) { risk_.Set(row.county, row.day, row.level); }));
  status_.registered = registry_.size();
  return Status::OK();
}

Status StreamJob::TakeProgressRow(std::string_view topic, int32_t partition, std::string_view value,
                                  EpochSeconds now) {
  if (value.size() < 8) return Status::Corruption("bad progress record");
  PartitionProgress& p = progress_[{std::string(topic), partition}];
  p.next_offset = static_cast<int64_t>(ReadFixed64(value.data()));
  p.sealed_offset = p.pending_offset = -1;
  if (value.size() >= 16) {
    // A restored partition counts as heard from now: it holds the watermark until it has been
    // quiet for the idle time, as it would have had the service not stopped.
    watermark_.Advance(partition, static_cast<EpochSeconds>(ReadFixed64(value.data() + 8)));
    watermark_.Heard(partition, now);
  }
  return Status::OK();
}

Status StreamJob::LoadProgress() {
  const EpochSeconds now = ctx_.clock->Now();
  std::unique_ptr<rocksdb::Iterator> it = ctx_.state->NewIterator(Store::kProgress);
  std::string_view topic;
  int32_t partition;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    const std::string_view value(it->value().data(), it->value().size());
    if (!ParseProgressKey(key, &topic, &partition)) return Status::Corruption("bad progress key");
    FUGONG_RETURN_IF_ERROR(TakeProgressRow(topic, partition, value, now));
  }
  std::string bytes;
  if (ctx_.state->Get(Store::kMeta, kClosedThrough, &bytes).ok() && bytes.size() == 4) {
    closed_through_ = ReadDay(bytes.data());
  }
  if (ctx_.state->Get(Store::kMeta, kSeenMaxDay, &bytes).ok() && bytes.size() == 4) {
    seen_max_day_ = ReadDay(bytes.data());
  }
  if (ctx_.state->Get(Store::kMeta, kLiveDays, &bytes).ok()) {
    for (size_t i = 0; i + 4 <= bytes.size(); i += 4) live_days_.insert(ReadDay(bytes.data() + i));
  }
  status_.closed_through = closed_through_;
  return Status::OK();
}

int64_t StreamJob::StartOffset(const std::string& topic, int32_t partition) const {
  // A partition never read starts at offset 0, not at "the log start": if the broker has
  // already removed its first messages, that is a gap to report, not a silent new beginning.
  auto it = progress_.find({topic, partition});
  return it == progress_.end() ? 0 : it->second.next_offset;
}

bool StreamJob::OnlyReadings(const std::vector<StreamMessage>& messages) const {
  // Topic names are views into a few interned strings: compare the text once a run.
  std::string_view checked;
  for (const StreamMessage& m : messages) {
    if (m.topic.data() == checked.data() && m.topic.size() == checked.size()) continue;
    if (m.topic != ctx_.settings->readings_topic) return false;
    checked = m.topic;
  }
  return true;
}

void StreamJob::AddDeadLetter(DeadLetterReason reason, std::string detail, const StreamMessage& m,
                              IngestCounters* counters) {
  ++counters->dead[static_cast<size_t>(reason)];
  const std::string topic(m.topic);
  DeadLetter letter{reason, std::move(detail), RecordOrigin{topic, m.partition, m.offset},
                    std::string(m.value)};
  const std::string key = DeadLetterKey(topic, m.partition, m.offset);
  const std::string json = DeadLetterToJson(letter);
  pending_.Put(Store::kDeadLetter, key, json);
  PutDeadLetter(&pending_, key, json);
}

void StreamJob::AddPartial(const StreamMessage& m) {
  ++uncommitted_;  // a commit's close publishes what it changed
  ++status_.partials_read;
  std::unique_ptr<TotalsPublisher>& owner = owners_[m.partition];
  if (owner == nullptr) {
    owner = std::make_unique<TotalsPublisher>(
        EngineReferences{ctx_.config, ctx_.regions, ctx_.industries, ctx_.calendar}, &risk_,
        readings_partitions_, m.partition, partials_partitions_);
    // The levels were checked at Open (LiveIndex), so this does not fail; if it did, the owner
    // could not publish: it is not kept, and the message is counted bad.
    if (!owner->Open().ok()) {
      owners_.erase(m.partition);
      ++status_.partials_bad;
      return;
    }
  }
  if (!owner->Add(m.key.value_or(""), m.value).ok()) ++status_.partials_bad;
}

void StreamJob::AddEnterprise(const StreamMessage& m) {
  ++status_.enterprises.records;
  if (m.key && m.value.empty()) {
    // A tombstone: the enterprise left the registry.
    const std::string id(*m.key);
    registry_.Erase(id);
    for (auto& [q, owner] : owners_) owner->ReferencesChanged();
    pending_.Delete(Store::kRegistry, id);
    index_.RegistryChanged(id, /*rescore=*/false, &pending_);
    ++status_.enterprises.used;
    return;
  }
  Enterprise enterprise;
  DecodeError error;
  if (!GuardedDecode(
          [&] { return enterprise_decoder_.Decode(m.key, m.value, &enterprise, &error); },
          &error)) {
    AddDeadLetter(error.reason, std::move(error.detail), m, &status_.enterprises);
    return;
  }
  pending_.Put(Store::kRegistry, enterprise.id, m.value);
  // Its baselines depend on its county (the county's weather): a new enterprise or a new county
  // is scored again on every closed day.
  const Enterprise* before = registry_.Find(enterprise.id);
  const bool rescore = before == nullptr || before->county != enterprise.county;
  const std::string id = enterprise.id;
  registry_.Upsert(std::move(enterprise));
  for (auto& [q, owner] : owners_) owner->ReferencesChanged();
  index_.RegistryChanged(id, rescore, &pending_);
  ++status_.enterprises.used;
}

void StreamJob::AddWeather(const StreamMessage& m) {
  ++status_.weather.records;
  WeatherCsvDecoder::Row row;
  DecodeError error;
  if (!GuardedDecode([&] { return weather_decoder_.Decode(m.key, m.value, &row, &error); },
                     &error)) {
    AddDeadLetter(error.reason, std::move(error.detail), m, &status_.weather);
    return;
  }
  pending_.Put(Store::kWeather, CountyDayKey(row.county, row.day), m.value);
  weather_.Set(row.county, row.day, row.temp_mean_c);
  // Late weather (of a closed day, or of a fitted window) rescores the county's enterprises.
  if (index_.Reaches(row.day)) {
    for (const auto& [id, enterprise] : registry_) {
      if (enterprise.county == row.county) index_.AddPending(id, row.day, &pending_);
    }
  }
  ++status_.weather.used;
}

void StreamJob::AddRisk(const StreamMessage& m) {
  ++status_.risk.records;
  RiskRow row;
  DecodeError error;
  if (!GuardedDecode([&] { return risk_decoder_.Decode(m.key, m.value, &row, &error); }, &error)) {
    AddDeadLetter(error.reason, std::move(error.detail), m, &status_.risk);
    return;
  }
  pending_.Put(Store::kRisk, CountyDayKey(row.county, row.day), m.value);
  // An entry for days already published revises their county records at the next close.
  index_.RiskChanged(risk_.Set(row.county, row.day, row.level), &pending_);
  for (auto& [q, owner] : owners_) owner->ReferencesChanged();
  ++status_.risk.used;
}

Status StreamJob::Add(const std::vector<StreamMessage>& messages) {
  if (sealed_ != nullptr && !OnlyReadings(messages)) {
    // A programming error of the caller: the close under way reads the registry and weather.
    return Status::InvalidArgument(
        "registry, weather or risk messages added while a sealed commit is being written");
  }
  const EpochSeconds now = ctx_.clock->Now();
  const StreamSettings& s = *ctx_.settings;
  readings_.clear();
  // Messages come in runs of one partition: look its progress and its topic up once a run, not
  // once a message.
  enum class Input { kReadings, kEnterprises, kWeather, kRisk, kPartials };
  PartitionProgress* run = nullptr;
  Input run_input = Input::kReadings;
  bool run_heard = false;  // the run's partition was marked as heard from
  std::string_view run_topic;
  int32_t run_partition = -1;
  for (const StreamMessage& m : messages) {
    if (run == nullptr || m.partition != run_partition || m.topic != run_topic) {
      if (m.topic == s.readings_topic) {
        run_input = Input::kReadings;
      } else if (m.topic == s.enterprises_topic) {
        run_input = Input::kEnterprises;
      } else if (!s.weather_topic.empty() && m.topic == s.weather_topic) {
        run_input = Input::kWeather;
      } else if (!s.risk_topic.empty() && m.topic == s.risk_topic) {
        run_input = Input::kRisk;
      } else if (sender_ && m.topic == s.partials_topic) {
        run_input = Input::kPartials;
      } else {
        return Status::InvalidArgument("a message of topic " + std::string(m.topic) +
                                       ", which the job does not consume");
      }
      run = &progress_[{std::string(m.topic), m.partition}];
      run_heard = false;
      run_topic = m.topic;
      run_partition = m.partition;
    }
    if (run_input == Input::kPartials) {
      // Read from the log start at every assignment (the compacted topic is the owners' store):
      // no offsets are kept in state, and a repeat is recognised by its sequence. How far the
      // owner has read is told to the group once a close has taken it in (CommittedOffsets).
      AddPartial(m);
      partials_read_[m.partition] = m.offset + 1;
      continue;
    }
    PartitionProgress& p = *run;
    if (m.offset < std::max({p.next_offset, p.sealed_offset, p.pending_offset})) {
      continue;  // already taken
    }
    p.pending_offset = m.offset + 1;
    ++uncommitted_;
    switch (run_input) {
      case Input::kPartials:
        break;
      case Input::kReadings:
        // The task of the enterprise (the message key): noted when it changes from the
        // previous message's, so a run of one enterprise's readings costs one lookup.
        if (sender_ && m.key &&
            (readings_.empty() || readings_.back().key != m.key ||
             readings_.back().partition != m.partition)) {
          sender_->Note(*m.key, m.partition, &pending_);
        }
        readings_.push_back(m);
        if (!run_heard) watermark_.Heard(m.partition, now);
        run_heard = true;
        break;
      case Input::kEnterprises:
        AddEnterprise(m);
        break;
      case Input::kWeather:
        AddWeather(m);
        break;
      case Input::kRisk:
        AddRisk(m);
        break;
    }
  }
  if (!readings_.empty()) {
    ingestor_.set_now(now);
    ingestor_.AddMessages(readings_, reading_decoder_, s.readings_topic);
    for (const auto& [partition, ts] : ingestor_.partition_event_times()) {
      watermark_.Advance(partition, ts);
    }
  }
  return Status::OK();
}

void StreamJob::AddGap(const std::string& topic, int32_t partition, int64_t from, int64_t to) {
  ++status_.gaps;
  status_.lost_offsets += static_cast<uint64_t>(std::max<int64_t>(0, to - from));
  StreamMessage m;
  m.topic = topic;
  m.partition = partition;
  m.offset = from;
  IngestCounters ignored;  // lost offsets are not records: they are counted as lost_offsets
  AddDeadLetter(DeadLetterReason::kPartitionGap,
                "offsets " + std::to_string(from) + ".." + std::to_string(to - 1) +
                    " were removed by the broker before they were read",
                m, &ignored);
  PartitionProgress& p = progress_[{topic, partition}];
  p.pending_offset = std::max({p.pending_offset, p.sealed_offset, p.next_offset, to});
  ++uncommitted_;
}

void StreamJob::PutCounters(StateBatch* batch) const {
  PutIngestCounters(batch, "enterprises", status_.enterprises);
  PutIngestCounters(batch, "weather", status_.weather);
  PutIngestCounters(batch, "risk", status_.risk);
  batch->Put(Store::kStats, "stream.gaps", Fixed64(static_cast<int64_t>(status_.gaps)));
  batch->Put(Store::kStats, "stream.lost_offsets",
             Fixed64(static_cast<int64_t>(status_.lost_offsets)));
}

Status StreamJob::Commit() {
  FUGONG_RETURN_IF_ERROR(Seal());
  const Status written = WriteSealed();
  FinishSealed();
  return written;
}

StreamJob::CloseInputs StreamJob::TakeCloseInputs() const {
  CloseInputs in;
  in.now = ctx_.clock->Now();
  in.watermark = watermark_.Watermark(in.now);
  in.span = ingestor_.day_span();
  in.held = !status_.closes_held.empty();
  if (sender_) {
    for (int32_t p : held_readings_) {
      if (!watermark_.InBacklog(p)) continue;
      const std::optional<EpochSeconds> t = watermark_.EventTime(p);
      // The day before the one its latest reading is in, less the grace a day gets.
      in.task_limits[p] =
          t ? ctx_.config->time_zone.LocalDayOf(*t - ctx_.settings->close_grace_seconds) - 1
            : INT32_MIN;
    }
  }
  return in;
}

Status StreamJob::Seal() {
  if (sealed_ != nullptr) {
    return Status::InvalidArgument("a commit sealed while the one before is not finished");
  }
  sealed_ = std::make_unique<SealedCommit>(ctx_.state);
  SealedCommit& sealed = *sealed_;
  const EpochSeconds now = ctx_.clock->Now();
  if (uncommitted_ > 0) {
    sealed.has_input = true;
    StateBatch& batch = sealed.batch;
    batch = std::move(pending_);
    pending_ = StateBatch(ctx_.state);
    std::vector<std::pair<std::string, Day>> touched;
    std::vector<std::pair<std::string, std::string>> dead;
    // Rows of days up to the one after the last closed day can reach closed work (late input).
    const Day report_through = closed_through_ ? *closed_through_ + 1 : INT32_MIN;
    ingestor_.FlushInto(&batch, report_through, &touched, &dead);
    for (const auto& [key, json] : dead) PutDeadLetter(&batch, key, json);
    for (const auto& [id, day] : touched) {
      if (index_.Reaches(day)) index_.AddPending(id, day, &batch);
    }
    for (auto& [tp, p] : progress_) {
      if (p.pending_offset < 0) continue;
      std::string value = Fixed64(p.pending_offset);
      if (tp.first == ctx_.settings->readings_topic) {
        if (auto t = watermark_.EventTime(tp.second)) value += Fixed64(*t);
      }
      batch.Put(Store::kProgress, ProgressKey(tp.first, tp.second), value);
      p.sealed_offset = p.pending_offset;
      p.pending_offset = -1;
    }
    // A day met for the first time is "live" when it comes before its deadline.
    if (auto span = ingestor_.day_span(); span && span->second > seen_max_day_) {
      for (Day d = std::max(seen_max_day_ + 1, span->first); d <= span->second; ++d) {
        if (!ctx_.settings->close_deadline_minutes || now < DeadlineOf(d)) live_days_.insert(d);
      }
      seen_max_day_ = span->second;
      std::string days;
      for (Day d : live_days_) AppendDay(d, &days);
      batch.Put(Store::kMeta, kLiveDays, days);
      std::string max_day;
      AppendDay(seen_max_day_, &max_day);
      batch.Put(Store::kMeta, kSeenMaxDay, max_day);
    }
    PutCounters(&batch);
    uncommitted_ = 0;
  }
  if (sender_) {
    // Taken in by this commit's close (the partials of a partition come in offset order; a
    // partition read again from its start goes back, as what it has taken in does).
    for (const auto& [q, next] : partials_read_) partials_sealed_[q] = next;
    partials_read_.clear();
    sender_->ApplyNoted();
    if (changelog_) changelog_->SetLogged(next_readings_);
    if (next_readings_ != held_readings_) {
      // A task new to this instance: the days closed before may have no partial of it (closed
      // while another instance held it, before that one sent it), so they are all sent again.
      const bool grew = std::any_of(next_readings_.begin(), next_readings_.end(),
                                    [&](int32_t p) { return held_readings_.count(p) == 0; });
      if (grew) index_.SumAllAgain(sealed.has_input ? &sealed.batch : &pending_);
      held_readings_ = next_readings_;
      held_changed_ = true;
    }
    std::map<int32_t, int64_t> held;
    for (int32_t p : held_readings_) {
      auto it = progress_.find({ctx_.settings->readings_topic, p});
      held[p] =
          it == progress_.end() ? 0 : std::max(it->second.next_offset, it->second.sealed_offset);
    }
    sender_->SetHeld(std::move(held));
    for (auto it = owners_.begin(); it != owners_.end();) {
      if (next_partials_.count(it->first) == 0) {
        publishing_.erase(it->first);
        partials_sealed_.erase(it->first);
        partials_closed_.erase(it->first);
        it = owners_.erase(it);  // revoked: its next owner reads the partition again
      } else {
        ++it;
      }
    }
    for (const auto& [q, caught_up] : next_partials_) {
      if (caught_up && owners_may_publish_ && owners_.count(q) > 0) publishing_.insert(q);
    }
  }
  sealed.close_inputs = TakeCloseInputs();
  sealed.close.watermark = sealed.close_inputs.watermark;  // also if the write fails
  status_.readings = ingestor_.counters();
  status_.registered = registry_.size();
  return Status::OK();
}

Status StreamJob::WriteSealed() {
  if (sealed_ == nullptr) return Status::InvalidArgument("WriteSealed without a sealed commit");
  const auto started = std::chrono::steady_clock::now();
  SealedCommit& sealed = *sealed_;
  if (sealed.has_input) {
    FUGONG_RETURN_IF_ERROR(ctx_.state->Write(&sealed.batch));
    sealed.written = true;
  }
  sealed.write_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return CloseAndPublish(false, sealed.close_inputs, &sealed.close);
}

void StreamJob::FinishSealed() {
  if (sealed_ == nullptr) return;
  for (const auto& [q, next] : partials_sealed_) partials_closed_[q] = next;
  partials_sealed_.clear();
  if (sealed_->written) {
    for (auto& [tp, p] : progress_) {
      if (p.sealed_offset >= 0) p.next_offset = p.sealed_offset;
      p.sealed_offset = -1;
    }
  } else {
    // Not written (a failed write: the service stops): those messages are not durable.
    for (auto& [tp, p] : progress_) p.sealed_offset = -1;
  }
  status_.last_commit_write_seconds = sealed_->write_seconds;
  ApplyClose(sealed_->close);
  sealed_.reset();
}

Status StreamJob::CloseAll() {
  FUGONG_RETURN_IF_ERROR(Commit());
  CloseOutcome outcome;
  const Status closed = CloseAndPublish(true, TakeCloseInputs(), &outcome);
  ApplyClose(outcome);
  return closed;
}

EpochSeconds StreamJob::DeadlineOf(Day day) const {
  return ctx_.config->time_zone.StartOfLocalDay(day + 1) +
         static_cast<int64_t>(ctx_.settings->close_deadline_minutes.value_or(0)) * 60;
}

Day StreamJob::LastClosable(Day closed_through, Day last_data_day, bool close_all,
                            const CloseInputs& in) const {
  if (close_all) return std::max(closed_through, last_data_day);
  const EpochSeconds now = in.now;
  const std::optional<EpochSeconds>& watermark = in.watermark;
  Day d = closed_through + 1;
  for (; d <= last_data_day; ++d) {
    const EpochSeconds end = ctx_.config->time_zone.StartOfLocalDay(d + 1);
    const bool by_watermark = watermark && *watermark >= end + ctx_.settings->close_grace_seconds;
    const bool by_deadline =
        ctx_.settings->close_deadline_minutes && live_days_.count(d) && now >= DeadlineOf(d);
    if (!by_watermark && !by_deadline) break;
  }
  return d - 1;
}

Status StreamJob::CloseAndPublish(bool close_all, const CloseInputs& in, CloseOutcome* out) {
  const auto started = std::chrono::steady_clock::now();
  const std::optional<std::pair<Day, Day>>& span = in.span;
  out->watermark = in.watermark;
  IndexPublisher owned_publisher(ctx_.state, ctx_.clock->Now());
  if (!span || in.held) {
    // No reading yet: nothing to score. Held: without every readings partition, local sums
    // would lack enterprises, and late work waits in state. The owners publish all the same.
    FUGONG_RETURN_IF_ERROR(PublishOwned(&owned_publisher));
    out->records_new = owned_publisher.new_records();
    out->records_revised = owned_publisher.revised_records();
    out->completed = owned_publisher.new_records() + owned_publisher.revised_records() > 0;
    out->data_span = index_.DataSpan();  // unchanged: ApplyClose takes them with the counts
    out->pending_rescores = index_.pending();
    return Status::OK();
  }
  const Day closed = closed_through_.value_or(span->first - 1);
  const Day new_closed = LastClosable(closed, span->second, close_all, in);
  const bool closing = new_closed > closed;

  // Between closes only late input (pending work) is handled; at a close, the new days too.
  IndexPublisher publisher(ctx_.state, ctx_.clock->Now());
  CloseWork work;
  if (closing || index_.pending() > 0 || closed_through_) {
    FUGONG_RETURN_IF_ERROR(index_.Close(span->first, new_closed, &publisher, &work));
  }
  if (closing) {
    StateBatch batch(ctx_.state);
    std::string bytes;
    AppendDay(new_closed, &bytes);
    batch.Put(Store::kMeta, kClosedThrough, bytes);
    FUGONG_RETURN_IF_ERROR(ctx_.state->Write(&batch));
    out->days_closed = new_closed - closed;
    closed_through_ = new_closed;
  }
  const std::optional<Day> sent_through = index_.ScoredThrough();
  if (sender_ && closed_through_ && sent_through &&
      (closing || work.days_summed > 0 || held_changed_ || !in.task_limits.empty() ||
       in.task_limits != sent_task_limits_)) {
    // After the partials they cover: the outbox sends in key order, and `~watermark` sorts
    // after the dates. Through the days whose partials were sent, which a closed day waiting
    // for its baseline window is not.
    StateBatch batch(ctx_.state);
    sender_->SendWatermarks(std::min(*closed_through_, *sent_through), in.task_limits, &batch);
    FUGONG_RETURN_IF_ERROR(ctx_.state->Write(&batch));
    held_changed_ = false;
    // A task that leaves the backlog (the last limits named it) must have its watermark sent
    // once more without the limit, even when nothing closes or is summed: an instance given a
    // restored task at the end of input sent it limited (no fetch response yet) and then had
    // nothing more to send, and no owner published the last day.
    sent_task_limits_ = in.task_limits;
  }
  FUGONG_RETURN_IF_ERROR(PublishOwned(&owned_publisher));
  out->completed = true;
  out->records_new = publisher.new_records() + owned_publisher.new_records();
  out->records_revised = publisher.revised_records() + owned_publisher.revised_records();
  out->data_span = index_.DataSpan();
  out->pending_rescores = index_.pending();
  if (work.days_summed > 0 || work.enterprises_rescored > 0 || work.windows_fitted > 0) {
    out->work = work;
    out->publish_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  return Status::OK();
}

Status StreamJob::PublishOwned(IndexPublisher* publisher) {
  for (int32_t q : publishing_) {
    FUGONG_RETURN_IF_ERROR(owners_.at(q)->Publish(
        registry_, publisher, ctx_.state,
        [](StateBatch* batch, const std::string& key, const std::string& record) {
          PutIndexRecord(batch, key, record);
        }));
  }
  return Status::OK();
}

void StreamJob::ApplyClose(const CloseOutcome& outcome) {
  status_.watermark = outcome.watermark;
  if (!outcome.completed) return;
  status_.days_closed += outcome.days_closed;
  status_.closed_through = closed_through_;
  status_.records_new += outcome.records_new;
  status_.records_revised += outcome.records_revised;
  status_.data_span = outcome.data_span;
  status_.pending_rescores = outcome.pending_rescores;
  if (sender_) status_.partials_sent = sender_->partials_sent();
  if (outcome.work) {
    status_.last_close = *outcome.work;
    status_.last_publish_seconds = outcome.publish_seconds;
  }
}

Status StreamJob::PendingOutput(size_t max, std::vector<OutboxRecord>* out) {
  // Taken before the read: a write that adds records after it changes the count, so the next
  // call reads again even if this read missed them.
  const uint64_t writes = ctx_.state->WritesAddingTo(Store::kOutbox);
  if (outbox_empty_at_ == writes) {
    out->clear();
    return Status::OK();
  }
  ++outbox_reads_;
  FUGONG_RETURN_IF_ERROR(ReadOutbox(*ctx_.state, max, out));
  if (out->empty()) outbox_empty_at_ = writes;
  return Status::OK();
}

Status StreamJob::Delivered(const std::vector<OutboxRecord>& records) {
  StateBatch batch(ctx_.state);
  DeleteFromOutbox(&batch, records);
  return ctx_.state->Write(&batch);
}

Status StreamJob::PendingChangelog(std::string_view after, size_t max,
                                   std::vector<OutboxRecord>* out) {
  const uint64_t writes = ctx_.state->WritesAddingTo(Store::kOutbox);
  if (after.empty() && changelog_empty_at_ == writes) {
    out->clear();
    return Status::OK();
  }
  FUGONG_RETURN_IF_ERROR(ReadChangelogRecords(*ctx_.state, after, max, out));
  if (after.empty() && out->empty()) changelog_empty_at_ = writes;
  return Status::OK();
}

Status StreamJob::ChangelogSent(const std::vector<OutboxRecord>& sent,
                                const std::map<std::pair<ChangelogStore, int32_t>, int64_t>& next) {
  StateBatch batch(ctx_.state);
  FUGONG_RETURN_IF_ERROR(DeleteSentChangelogMarkers(*ctx_.state, sent, &batch));
  if (changelog_) {
    std::map<int32_t, ChangelogPositions> by_task;
    for (const auto& [store_task, offset] : next) {
      auto [it, fresh] = by_task.try_emplace(store_task.second, ChangelogPositions{-1, -1, -1});
      it->second[static_cast<size_t>(store_task.first)] = offset;
    }
    for (const auto& [task, positions] : by_task) {
      if (changelog_->logged(task)) changelog_->Advance(task, positions, &batch);
    }
  }
  return ctx_.state->Write(&batch);
}

std::vector<std::tuple<std::string, int32_t, int64_t>> StreamJob::CommittedOffsets() const {
  std::vector<std::tuple<std::string, int32_t, int64_t>> out;
  for (const auto& [tp, p] : progress_) {
    if (sender_ && tp.first == ctx_.settings->partials_topic) continue;  // below
    out.emplace_back(tp.first, tp.second, p.next_offset);
  }
  for (const auto& [q, next] : partials_closed_) {
    out.emplace_back(ctx_.settings->partials_topic, q, next);
  }
  return out;
}

}  // namespace fugong
