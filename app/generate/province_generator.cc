#include "app/generate/province_generator.h"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <thread>

#include "app/generate/fault_plan.h"
#include "app/generate/gzip_member.h"
#include "app/generate/load_model.h"
#include "app/generate/ordered_parallel.h"
#include "app/generate/output_file.h"
#include "app/generate/readings_chunk.h"
#include "app/generate/register_series.h"
#include "app/generate/synthetic_population.h"
#include "app/generate/synthetic_risk_chart.h"
#include "app/generate/synthetic_weather.h"
#include "engine/common/parallel_for.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/region_table.h"

namespace fugong {

namespace {

using synth::ByteBuffer;
using synth::ReadingsChunk;

// Fastest deflate: readings text still shrinks ~4x, and compression stays near the generation
// rate instead of dominating it.
constexpr int kGzipLevel = 1;
// Lines per chunk, roughly (~25 MB of text): large enough to amortise the per-chunk work, small
// enough that the threads + 3 chunks in flight stay within a few hundred MB.
constexpr size_t kTargetChunkLines = 400000;
constexpr std::string_view kReadingsHeader = "meter_id,enterprise_id,ts,kwh,kind\n";

Status Validate(const GenerateOptions& o) {
  if (o.out_dir.empty()) return Status::InvalidArgument("generate: out_dir is empty");
  if (o.enterprises < 1 || o.enterprises > 99999999) {
    return Status::InvalidArgument("generate: enterprises must be 1..99999999");
  }
  if (o.interval_minutes < 1 || o.interval_minutes > 1440 || 1440 % o.interval_minutes != 0) {
    return Status::InvalidArgument("generate: interval_minutes must divide 1440");
  }
  if (o.from > o.to) return Status::InvalidArgument("generate: from is after to");
  if (o.to - o.from > 3660) return Status::InvalidArgument("generate: at most 10 years of days");
  if (o.split < 1 || o.split > 1000)
    return Status::InvalidArgument("generate: split must be 1..1000");
  if (!(o.high_standby_fraction >= 0.0 && o.idle_runner_fraction >= 0.0 &&
        o.high_standby_fraction + o.idle_runner_fraction <= 1.0)) {
    return Status::InvalidArgument(
        "generate: high_standby_fraction and idle_runner_fraction must be >= 0 with a sum <= 1");
  }
  if (!(o.register_fraction >= 0.0 && o.register_fraction <= 1.0)) {
    return Status::InvalidArgument("generate: register_fraction must be within [0, 1]");
  }
  if (o.threads < 0) return Status::InvalidArgument("generate: threads must be >= 0");
  return Status::OK();
}

std::string ReadingsFileName(const GenerateOptions& o, Day day, int file) {
  std::string name;
  if (o.split > 1) {
    name = "readings-" + std::to_string(file + 1) + "-of-" + std::to_string(o.split) + ".csv";
  } else {
    name = "readings-" + FormatDate(day).substr(0, 7) + ".csv";
  }
  return o.gzip ? name + ".gz" : name;
}

std::string FaultsJson(const GenerateOptions& o, const GenerateSummary& s,
                       const std::vector<std::string>& names) {
  std::string out = "{\n";
  auto field = [&out](const char* key, uint64_t value) {
    out += "  \"";
    out += key;
    out += "\": " + std::to_string(value) + ",\n";
  };
  field("seed", o.seed);
  field("enterprises", s.enterprises);
  field("meters", s.meters);
  field("readings_lines", s.readings_lines);
  field("malformed_lines", s.malformed_lines);
  field("unknown_enterprise_lines", s.unknown_enterprise_lines);
  field("negative_lines", s.negative_lines);
  field("duplicate_lines", s.duplicate_lines);
  field("correction_lines", s.correction_lines);
  field("rollovers", s.rollovers);
  field("gap_meter_days", s.gap_meter_days);
  field("dropped_meter_days", s.dropped_meter_days);
  out += "  \"readings_files\": [";
  for (size_t i = 0; i < names.size(); ++i) {
    out += (i == 0 ? "\"" : ", \"") + names[i] + "\"";
  }
  out += "]\n}\n";
  return out;
}

// The open readings files: all N at once when split, else the current month's.
class ReadingsFiles {
 public:
  ReadingsFiles(const GenerateOptions& options) : options_(options) {}

  // The file that chunk buffer `file` of `day` goes to, opened (with its header) if needed.
  Result<synth::OutputFile*> For(Day day, int file) {
    const std::string name = ReadingsFileName(options_, day, file);
    const size_t slot = options_.split > 1 ? static_cast<size_t>(file) : 0;
    if (open_.size() <= slot) open_.resize(slot + 1);
    synth::OutputFile& f = open_[slot];
    if (!f.is_open() || f.path() != Path(name)) {
      FUGONG_RETURN_IF_ERROR(f.Close());
      FUGONG_RETURN_IF_ERROR(f.Open(Path(name)));
      names_.push_back(name);
      FUGONG_RETURN_IF_ERROR(WriteBytes(&f, kReadingsHeader));
    }
    return &f;
  }

  Status WriteBytes(synth::OutputFile* f, std::string_view bytes) {
    if (!options_.gzip) return f->Write(bytes);
    Result<ByteBuffer> gz = synth::GzipMember(bytes, kGzipLevel);
    if (!gz.ok()) return gz.status();
    return f->Write(gz->view());
  }

  Status CloseAll() {
    for (synth::OutputFile& f : open_) FUGONG_RETURN_IF_ERROR(f.Close());
    return Status::OK();
  }

  std::string Path(const std::string& name) const {
    return (std::filesystem::path(options_.out_dir) / name).string();
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  const GenerateOptions& options_;
  std::vector<synth::OutputFile> open_;
  std::vector<std::string> names_;
};

}  // namespace

Result<GenerateSummary> GenerateProvince(const GenerateOptions& o,
                                         const std::function<void(int, int)>& progress) {
  FUGONG_RETURN_IF_ERROR(Validate(o));
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec) return Status::IOError("cannot create " + o.out_dir + ": " + ec.message());
  auto path = [&o](const char* name) { return (std::filesystem::path(o.out_dir) / name).string(); };

  const RegionTable& regions = RegionTable::Zhejiang();
  const HolidayCalendar& calendar = HolidayCalendar::China();
  const std::vector<Day> ordinary_seasons = synth::OrdinarySeasonsReaching(o.from, o.to, calendar);
  const synth::Population population = synth::DrawPopulation(
      o.seed, o.enterprises, o.register_fraction, regions, calendar, ordinary_seasons,
      synth::ShapeCaseShares{o.high_standby_fraction, o.idle_runner_fraction});
  const synth::SyntheticWeather weather(o.seed, regions, population.counties, o.from, o.to);
  const synth::LoadModel model(o.seed, calendar, weather);
  const synth::LoadShapes shapes(o.interval_minutes);
  const synth::FaultPlan faults(o.faults, shapes.slots());
  const synth::RegisterSeries registers(o.seed, population, model, o.from, o.to, o.faults);
  const synth::ReadingsLayout layout = synth::ReadingsLayout::Build(o.seed, population, o.split);

  FUGONG_RETURN_IF_ERROR(
      synth::WriteFile(path("enterprises.csv"), synth::EnterprisesCsv(population)));
  FUGONG_RETURN_IF_ERROR(synth::WriteFile(path("weather.csv"), weather.ToCsv()));
  // The epidemic risk chart: every chart of February 2020 dated up to the range's end (only the
  // header when the range ends before the first).
  FUGONG_RETURN_IF_ERROR(
      synth::WriteFile(path("risk.csv"), synth::RiskChartCsv(o.seed, regions, population, o.to)));
  // truth.csv is the 2020 season's whatever the range, as it always was; every other season the
  // range reaches gets its own file in the same columns.
  FUGONG_RETURN_IF_ERROR(synth::WriteFile(
      path("truth.csv"), synth::TruthCsv(population, o.to, synth::SpringFestival2020())));
  for (const Day festival : ordinary_seasons) {
    const std::string name = "truth-" + FormatDate(festival).substr(0, 4) + ".csv";
    FUGONG_RETURN_IF_ERROR(synth::WriteFile((std::filesystem::path(o.out_dir) / name).string(),
                                            synth::TruthCsv(population, o.to, festival)));
  }

  // Chunks of about kTargetChunkLines: the partition depends only on the options, never on the
  // number of threads.
  size_t interval_meters = 0;
  for (const auto& list : layout.interval_meters) interval_meters += list.size();
  const size_t slots = static_cast<size_t>(shapes.slots());
  const size_t blocks_wanted = std::clamp<size_t>(
      (interval_meters * slots + kTargetChunkLines - 1) / kTargetChunkLines, 1, slots);
  synth::ChunkSettings settings;
  settings.seed = o.seed;
  settings.from = o.from;
  settings.to = o.to;
  settings.interval_minutes = o.interval_minutes;
  settings.block_slots = static_cast<int>((slots + blocks_wanted - 1) / blocks_wanted);
  settings.epoch_timestamps = o.epoch_timestamps;
  const synth::ReadingsChunkGenerator generator(settings, population, model, shapes, faults,
                                                registers, layout);
  const int blocks = generator.blocks_per_day();
  const int days = o.to - o.from + 1;

  int threads = o.threads;
  threads = ThreadCount(threads);
  ReadingsFiles files(o);
  if (o.split > 1) {  // every part exists, even one that happens to get no enterprise
    for (int f = 0; f < o.split; ++f) {
      Result<synth::OutputFile*> file = files.For(o.from, f);
      if (!file.ok()) return file.status();
    }
  }
  synth::ChunkCounts counts;
  // Written chunks are handed back to the workers: reusing their buffers saves the page faults of
  // fresh ~25 MB allocations.
  std::mutex spare_mu;
  std::vector<ReadingsChunk> spare;
  const std::function<Status(size_t, ReadingsChunk*)> produce = [&](size_t i,
                                                                    ReadingsChunk* chunk) {
    {
      std::lock_guard<std::mutex> lock(spare_mu);
      if (!spare.empty()) {
        *chunk = std::move(spare.back());
        spare.pop_back();
      }
    }
    generator.Generate(o.from + static_cast<Day>(i / blocks), static_cast<int>(i % blocks), chunk);
    if (o.gzip) {
      for (ByteBuffer& buffer : chunk->files) {
        if (buffer.size() == 0) continue;
        Result<ByteBuffer> gz = synth::GzipMember(buffer.view(), kGzipLevel);
        if (!gz.ok()) return gz.status();
        buffer = std::move(gz).value();
      }
    }
    return Status::OK();
  };
  const std::function<Status(size_t, ReadingsChunk&)> consume = [&](size_t i,
                                                                    ReadingsChunk& chunk) {
    const Day day = o.from + static_cast<Day>(i / blocks);
    for (size_t f = 0; f < chunk.files.size(); ++f) {
      if (chunk.files[f].size() == 0) continue;
      Result<synth::OutputFile*> file = files.For(day, static_cast<int>(f));
      if (!file.ok()) return file.status();
      FUGONG_RETURN_IF_ERROR((*file)->Write(chunk.files[f].view()));
    }
    counts.Add(chunk.counts);
    if (!o.gzip) {  // compressed chunks hold the deflate output, too small to be worth keeping
      std::lock_guard<std::mutex> lock(spare_mu);
      spare.push_back(std::move(chunk));
    }
    if (static_cast<int>(i % blocks) == blocks - 1 && progress) {
      progress(static_cast<int>(i / blocks) + 1, days);
    }
    return Status::OK();
  };
  FUGONG_RETURN_IF_ERROR(synth::RunOrdered<ReadingsChunk>(static_cast<size_t>(days) * blocks,
                                                          threads, static_cast<size_t>(threads) + 3,
                                                          produce, consume));
  FUGONG_RETURN_IF_ERROR(files.CloseAll());

  GenerateSummary s;
  s.enterprises = population.enterprises.size();
  s.meters = population.meters.size();
  s.readings_lines = counts.lines;
  s.malformed_lines = counts.malformed;
  s.unknown_enterprise_lines = counts.unknown;
  s.negative_lines = counts.negative;
  s.duplicate_lines = counts.duplicate;
  s.correction_lines = counts.correction;
  s.rollovers = registers.rollovers();
  s.gap_meter_days = counts.gap_meter_days;
  s.dropped_meter_days = counts.dropped_meter_days;
  for (const std::string& name : files.names()) s.readings_files.push_back(files.Path(name));
  FUGONG_RETURN_IF_ERROR(synth::WriteFile(path("faults.json"), FaultsJson(o, s, files.names())));
  return s;
}

}  // namespace fugong
