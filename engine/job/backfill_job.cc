#include "engine/job/backfill_job.h"

#include "engine/decode/enterprise_csv_decoder.h"
#include "engine/decode/risk_csv_decoder.h"
#include "engine/job/reading_ingestor.h"
#include "engine/job/registry_file_merge.h"
#include "engine/job/state_fingerprint.h"
#include "engine/state/key_codec.h"
#include "engine/state/state_write_behind.h"

namespace fugong {

namespace {

// What became of one line of a reference source: used, a duplicate, or dead-lettered (stored
// under its source and line, so a rerun writes the same).
class ReferenceLines {
 public:
  ReferenceLines(RecordSource* source, StateBatch* batch, IngestCounters* counters)
      : source_(source), batch_(batch), counters_(counters) {}

  void Used() { ++counters_->used; }
  void Duplicate() { ++counters_->duplicates; }
  void Rejected(const DecodeError& error, int64_t line, std::string_view raw) {
    DeadLetterLine(DeadLetter{error.reason, error.detail, RecordOrigin{source_->name(), -1, line},
                              std::string(raw)});
  }
  // A line used before and given up now (counters: used becomes dead).
  void Superseded(const DeadLetter& letter) {
    --counters_->used;
    DeadLetterLine(letter);
  }

 private:
  void DeadLetterLine(const DeadLetter& letter) {
    ++counters_->dead[static_cast<size_t>(letter.reason)];
    batch_->Put(Store::kDeadLetter, DeadLetterKey(source_->name(), -1, letter.origin.position),
                DeadLetterToJson(letter));
  }

  RecordSource* source_;
  StateBatch* batch_;
  IngestCounters* counters_;
};

// Reads every record of a small reference source, handing each line and its number to `handle`.
Status ReadReferenceSource(
    RecordSource* source, StateStore* state, IngestCounters* counters,
    const std::function<void(std::string_view, int64_t, ReferenceLines*)>& handle) {
  FUGONG_RETURN_IF_ERROR(source->Resume(""));
  StateBatch batch(state);
  ReferenceLines lines(source, &batch, counters);
  SourceBatch records;
  while (true) {
    FUGONG_RETURN_IF_ERROR(source->Next(&records));
    if (records.records.empty()) break;
    int64_t position = records.first_position;
    for (std::string_view line : records.records) {
      const int64_t at = position++;
      if (line.empty() || line == "\r") {
        ++counters->blank;
        continue;
      }
      ++counters->records;
      handle(line, at, &lines);
    }
  }
  return state->Write(&batch);
}

}  // namespace

BackfillJob::BackfillJob(const EngineConfig& config, const RegionTable& regions,
                         const IndustryTable& industries, const HolidayCalendar& calendar,
                         const Clock& clock, StateStore* state)
    : config_(config),
      regions_(regions),
      industries_(industries),
      calendar_(calendar),
      clock_(clock),
      state_(state) {}

Status BackfillJob::LoadEnterprises(RecordSource* source, EnterpriseRegistry* registry,
                                    IngestCounters* counters) {
  FUGONG_RETURN_IF_ERROR(source->Resume(""));
  Result<EnterpriseCsvDecoder> decoder =
      EnterpriseCsvDecoder::FromHeader(source->header(), &regions_, &industries_);
  if (!decoder.ok())
    return Status::InvalidArgument(source->name() + ": " + decoder.status().message());
  RegistryFileMerge merge(source->name(), registry);
  DecodeError error;
  DeadLetter superseded{};
  return ReadReferenceSource(source, state_, counters,
                             [&](std::string_view line, int64_t at, ReferenceLines* lines) {
                               Enterprise enterprise;
                               if (!decoder->Decode(line, &enterprise, &error))
                                 return lines->Rejected(error, at, line);
                               switch (merge.Add(std::move(enterprise), at, line, &superseded)) {
                                 case RegistryFileMerge::Outcome::kAdded:
                                   return lines->Used();
                                 case RegistryFileMerge::Outcome::kDuplicate:
                                   return lines->Duplicate();
                                 case RegistryFileMerge::Outcome::kReplaced:
                                   lines->Superseded(superseded);
                                   return lines->Used();
                               }
                             });
}

Status BackfillJob::LoadWeather(RecordSource* source, WeatherTable* weather,
                                IngestCounters* counters) {
  return LoadCountyDayTable<WeatherCsvDecoder>(source, counters, [&](const WeatherRow& row) {
    weather->Set(row.county, row.day, row.temp_mean_c);
  });
}

Status BackfillJob::LoadRisk(RecordSource* source, RiskChart* chart, IngestCounters* counters) {
  return LoadCountyDayTable<RiskCsvDecoder>(
      source, counters, [&](const RiskRow& row) { chart->Set(row.county, row.day, row.level); });
}

template <typename Decoder, typename Apply>
Status BackfillJob::LoadCountyDayTable(RecordSource* source, IngestCounters* counters,
                                       const Apply& apply) {
  FUGONG_RETURN_IF_ERROR(source->Resume(""));
  Result<Decoder> decoder = Decoder::FromHeader(source->header(), &regions_);
  if (!decoder.ok())
    return Status::InvalidArgument(source->name() + ": " + decoder.status().message());
  typename Decoder::Row row;
  DecodeError error;
  return ReadReferenceSource(source, state_, counters,
                             [&](std::string_view line, int64_t at, ReferenceLines* lines) {
                               if (!decoder->Decode(line, &row, &error))
                                 return lines->Rejected(error, at, line);
                               apply(row);
                               lines->Used();
                             });
}

Status BackfillJob::IngestReadings(const BackfillRequest& request,
                                   const EnterpriseRegistry& registry, ProgressListener* progress,
                                   BackfillSummary* summary,
                                   std::optional<std::pair<Day, Day>>* span) {
  ReadingIngestor ingestor(config_, &registry, clock_.Now(), state_);
  ingestor.LoadCounters();
  ingestor.set_commit_records(request.commit_records);
  if (request.bulk_load) {
    // A state with meter-days from an earlier run (resumed, or extended with more files) gets
    // merges throughout, as before.
    std::unique_ptr<rocksdb::Iterator> rows = state_->NewIterator(Store::kMeterDay);
    rows->SeekToFirst();
    if (!rows->status().ok()) return Status::IOError("meter_day: " + rows->status().ToString());
    ingestor.set_fresh_state(!rows->Valid());
  }
  const uint64_t records_before = ingestor.counters().records;
  uint64_t work_total = 0;
  for (RecordSource* source : request.readings) work_total += source->work_total();
  uint64_t work_finished = 0;  // of the sources already done
  // Commit N is written while the lines after it are parsed. Each carries the progress of the
  // lines it covers, so any stop leaves a state that a rerun continues exactly; a failed write
  // is reported by the next commit (or the end of the ingest) and stops the backfill there.
  StateWriteBehind writer(state_, request.after_commit);
  const auto commit = [&](RecordSource* source) {
    const Status submitted = writer.Submit(
        ingestor.TakeCommit({{source->name(), source->Checkpoint()}}, writer.TakeWrittenBatch()));
    if (!submitted.ok() || request.write_behind) return submitted;
    return writer.Finish();
  };
  SourceBatch batch;
  for (RecordSource* source : request.readings) {
    std::string checkpoint;
    Status st = state_->Get(Store::kProgress, source->name(), &checkpoint);
    if (!st.ok() && st.code() != Status::Code::kNotFound) return st;
    FUGONG_RETURN_IF_ERROR(source->Resume(checkpoint));
    Result<ReadingCsvDecoder> decoder = ReadingCsvDecoder::FromHeader(source->header());
    if (!decoder.ok()) {
      return Status::InvalidArgument(source->name() + ": " + decoder.status().message());
    }
    while (true) {
      const Status read = source->Next(&batch);
      if (!read.ok()) {
        // A file cut short or corrupt: what was read before it is kept, so that a rerun with
        // the repaired file goes on from there; the run itself fails (no index as if complete).
        FUGONG_RETURN_IF_ERROR(commit(source));
        FUGONG_RETURN_IF_ERROR(writer.Finish());
        return read;
      }
      const bool done = batch.records.empty();
      if (!done) ingestor.AddCsvBatch(batch, *decoder, source->name());
      if (done || ingestor.ShouldCommit()) FUGONG_RETURN_IF_ERROR(commit(source));
      if (progress) {
        progress->OnProgress("ingest", ingestor.counters().records,
                             work_finished + source->work_done(), work_total);
      }
      if (done) break;
    }
    work_finished += source->work_total();
  }
  FUGONG_RETURN_IF_ERROR(writer.Finish());
  if (progress) progress->OnPhaseDone("ingest");
  summary->readings = ingestor.counters();
  summary->readings_this_run = ingestor.counters().records - records_before;
  *span = ingestor.day_span();
  return Status::OK();
}

Result<BackfillSummary> BackfillJob::Run(const BackfillRequest& request, IndexSink* index,
                                         DeadLetterSink* dead_letters, ProgressListener* progress) {
  BackfillSummary summary;
  FUGONG_RETURN_IF_ERROR(config_.Validate());
  FUGONG_RETURN_IF_ERROR(CheckStateFits(config_, "backfill", state_));

  // registry, weather, calendar: the reference data the dataflow reads.
  EnterpriseRegistry registry;
  FUGONG_RETURN_IF_ERROR(LoadEnterprises(request.enterprises, &registry, &summary.enterprises));
  WeatherTable weather;
  if (request.weather) {
    FUGONG_RETURN_IF_ERROR(LoadWeather(request.weather, &weather, &summary.weather));
  }
  RiskChart risk;
  if (request.risk) FUGONG_RETURN_IF_ERROR(LoadRisk(request.risk, &risk, &summary.risk));

  // source -> decode -> validate -> meter_day
  std::optional<std::pair<Day, Day>> span;
  FUGONG_RETURN_IF_ERROR(IngestReadings(request, registry, progress, &summary, &span));

  // enterprise_day -> baseline -> score -> groups -> publish
  ComputationContext context{
      {&config_, &regions_, &industries_, &calendar_}, &registry, &weather, state_, clock_.Now()};
  context.risk = &risk;
  IndexComputation computation(context);
  Result<ComputationSummary> computed =
      computation.Run(request.from, request.to, span, index, progress);
  if (!computed.ok()) return computed.status();
  summary.computation = *computed;
  // An index sink can fail at its close after its records were written (a Kafka topic that did
  // not acknowledge them all); the dead letters are written all the same, then it is reported.
  const Status index_closed = index->Close();

  std::unique_ptr<rocksdb::Iterator> it = state_->NewIterator(Store::kDeadLetter);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    FUGONG_RETURN_IF_ERROR(
        dead_letters->Write(std::string_view(it->value().data(), it->value().size())));
    ++summary.dead_letters_written;
  }
  FUGONG_RETURN_IF_ERROR(dead_letters->Close());
  FUGONG_RETURN_IF_ERROR(index_closed);
  summary.state_bytes = state_->ApproximateSize();
  return summary;
}

}  // namespace fugong
