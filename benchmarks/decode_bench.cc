// Per-reading cost of the ingest hot path, against a reference measured in the same run:
// splitting the same bytes into lines (the least any CSV reader must do).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "connectors/kafka/csv_message_encoder.h"
#include "engine/config/engine_config.h"
#include "engine/decode/json_object_scanner.h"
#include "engine/decode/reading_csv_decoder.h"
#include "engine/decode/reading_json_decoder.h"
#include "engine/meter_day/meter_day_accumulator.h"
#include "engine/validate/reading_validator.h"

namespace fugong {
namespace {

// 96 intervals of 200 meters on one day, in meter order, as a generated province writes them.
const std::string& Lines() {
  static const std::string text = [] {
    std::string t;
    char buf[128];
    for (int m = 0; m < 200; ++m) {
      for (int i = 1; i <= 96; ++i) {
        const int minutes = i * 15;
        std::snprintf(buf, sizeof buf,
                      "M%07d,E%06d,2020-02-%02dT%02d:%02d:00+08:00,%d.%03d,interval\n", m, m / 2,
                      minutes == 1440 ? 17 : 16, (minutes / 60) % 24, minutes % 60, 10 + i % 7,
                      (m * 37 + i) % 1000);
        t += buf;
      }
    }
    return t;
  }();
  return text;
}

void BM_SplitLines(benchmark::State& state) {
  const std::string& text = Lines();
  std::vector<std::string_view> lines;
  for (auto _ : state) {
    lines.clear();
    size_t start = 0;
    while (start < text.size()) {
      const size_t nl = text.find('\n', start);
      lines.emplace_back(text.data() + start, nl - start);
      start = nl + 1;
    }
    benchmark::DoNotOptimize(lines.data());
  }
  state.SetItemsProcessed(state.iterations() * 200 * 96);
}
BENCHMARK(BM_SplitLines);

// Decoding alone: what the CSV decoder costs per line, without placing or accumulating.
void BM_ReadingCsvDecode(benchmark::State& state) {
  const std::string& text = Lines();
  auto decoder = ReadingCsvDecoder::FromHeader("meter_id,enterprise_id,ts,kwh,kind");
  Reading r;
  DecodeError e;
  int64_t decoded = 0;
  for (auto _ : state) {
    size_t start = 0;
    while (start < text.size()) {
      const size_t nl = text.find('\n', start);
      std::string_view line(text.data() + start, nl - start);
      start = nl + 1;
      decoded += decoder->Decode(line, &r, &e);
    }
    benchmark::DoNotOptimize(r);
  }
  benchmark::DoNotOptimize(decoded);
  state.SetItemsProcessed(state.iterations() * 200 * 96);
}
BENCHMARK(BM_ReadingCsvDecode);

// The same readings as `fugong produce` sends them: (key, compact JSON value), ~113 bytes each.
const std::vector<std::pair<std::string, std::string>>& Messages() {
  static const std::vector<std::pair<std::string, std::string>> messages = [] {
    std::vector<std::pair<std::string, std::string>> out;
    auto encoder = CsvMessageEncoder::FromHeader(TopicRecordKind::kReadings,
                                                 "meter_id,enterprise_id,ts,kwh,kind");
    const std::string& text = Lines();
    size_t start = 0;
    while (start < text.size()) {
      const size_t nl = text.find('\n', start);
      const auto m = encoder->Encode(std::string_view(text.data() + start, nl - start));
      out.emplace_back(std::string(m.key), std::string(m.value));
      start = nl + 1;
    }
    return out;
  }();
  return messages;
}

// The streaming counterpart of BM_ReadingCsvDecode: scan, check, and decode every field.
void BM_ReadingJsonDecode(benchmark::State& state) {
  const auto& messages = Messages();
  ReadingJsonDecoder decoder;
  Reading r;
  DecodeError e;
  int64_t decoded = 0;
  for (auto _ : state) {
    for (const auto& [key, value] : messages) decoded += decoder.Decode(key, value, &r, &e);
    benchmark::DoNotOptimize(r);
  }
  if (decoded != static_cast<int64_t>(state.iterations() * messages.size())) {
    state.SkipWithError("a message did not decode");
  }
  state.SetItemsProcessed(state.iterations() * messages.size());
}
BENCHMARK(BM_ReadingJsonDecode);

// The scanner alone (members found, nothing checked or converted): the JSON syntax's share.
void BM_JsonObjectScan(benchmark::State& state) {
  const auto& messages = Messages();
  JsonObjectScanner scanner;
  JsonMember m;
  size_t members = 0;
  for (auto _ : state) {
    for (const auto& message : messages) {
      scanner.Reset(message.second);
      while (scanner.Next(&m) == JsonObjectScanner::Step::kMember) ++members;
    }
  }
  benchmark::DoNotOptimize(members);
  state.SetItemsProcessed(state.iterations() * messages.size());
}
BENCHMARK(BM_JsonObjectScan);

void BM_DecodePlaceAccumulate(benchmark::State& state) {
  const std::string& text = Lines();
  EngineConfig config;
  auto decoder = ReadingCsvDecoder::FromHeader("meter_id,enterprise_id,ts,kwh,kind");
  ReadingValidator validator(config, 2000000000);
  MeterDayAccumulator acc(96);
  Reading r;
  PlacedReading p;
  DecodeError e;
  for (auto _ : state) {
    size_t start = 0;
    while (start < text.size()) {
      const size_t nl = text.find('\n', start);
      std::string_view line(text.data() + start, nl - start);
      start = nl + 1;
      if (!decoder->Decode(line, &r, &e) || !validator.Place(r, &p, &e)) continue;
      bool is_new;
      acc.Add(acc.MeterIndex(r.enterprise_id, r.meter_id, &is_new), p, r.energy);
    }
  }
  state.SetItemsProcessed(state.iterations() * 200 * 96);
}
BENCHMARK(BM_DecodePlaceAccumulate);

}  // namespace
}  // namespace fugong

BENCHMARK_MAIN();
