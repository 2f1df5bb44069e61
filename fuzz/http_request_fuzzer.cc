// Fuzzes what the HTTP server hands the service from a request: the request target's parsing
// (app/http/http_message.cc ParseRequestTarget: percent-decoding, the query) and the routing of
// the parsed request through the real handler (HttpService::Handle: /healthz, /readyz, /metrics,
// /v1/stream, the index API over a small published state, the map, the dashboard's files). The
// first byte chooses the method (bit 0: GET, else one of HEAD/POST/PUT) and whether the state is
// open (bit 1 set: closed, as while the service starts or stops); the rest is the target.
//
// The state is built once per process: three days of records of three enterprises in three
// counties, at every level, published into a RocksDB state in a scratch directory.
//
// Oracle: no crash, leak, UB or uncaught exception; every answer has a status the API documents
// (200, 400, 404, 405 or 503: never 500, the state is sound) and a JSON answer is valid JSON.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "app/http/http_message.h"
#include "app/http/http_service.h"
#include "app/run_config.h"
#include "engine/groups/group_key.h"
#include "engine/publish/index_publisher.h"
#include "engine/publish/index_record.h"
#include "engine/state/state_store.h"
#include "fuzz/fuzz_input.h"

namespace fugong {
namespace {

void Require(bool condition) {
  if (!condition) std::abort();
}

// Publishes a few days of records into `state` the way a backfill does (IndexPublisher).
void PublishRecords(const RunConfig& config, StateStore* state) {
  const std::vector<std::string>& counties = config.regions->counties();
  Result<std::vector<GroupLevel>> levels = ParseLevels(config.engine.levels);
  Require(levels.ok() && counties.size() >= 3);
  Day first;
  Require(ParseDate("2020-02-03", &first));
  for (Day day = first; day < first + 3; ++day) {
    StateBatch batch(state);
    IndexPublisher publisher(state, /*now=*/1581811200);
    for (int i = 0; i < 3; ++i) {
      Enterprise e;
      e.id = "E" + std::to_string(i);
      e.county = counties[i];
      e.industry = i == 0 ? "I07" : "I15";
      e.scale = i == 0 ? Scale::kAbove : Scale::kBelow;
      e.tags = {"foreign_trade"};
      for (const GroupKey& key : GroupKeysOf(e, *config.regions, *levels)) {
        const GroupDaySums sums{/*registered=*/5, /*eligible=*/4, /*resumed=*/3,
                                /*recovered_kwh=*/80.0 + i + day - first, /*baseline_kwh=*/100.0};
        const std::string content =
            IndexRecordContent(day, Group{key, key.code}, sums, false, config.engine);
        std::string record;
        Require(publisher.Publish(IndexRecordKey(day, key), content, &batch, &record).ok());
      }
    }
    Require(state->Write(&batch).ok());
  }
}

struct Fixture {
  std::filesystem::path dir;
  RunConfig config;
  std::unique_ptr<StateStore> state;
  std::unique_ptr<HttpService> service;
};

// Built once and kept for the process (the server's thread runs until exit).
Fixture& TheFixture() {
  static Fixture* fixture = [] {
    auto* f = new Fixture();
    f->dir =
        std::filesystem::temp_directory_path() / ("fugong-http-fuzz-" + std::to_string(getpid()));
    std::filesystem::remove_all(f->dir);
    std::filesystem::create_directories(f->dir);
    Result<RunConfig> config = LoadRunConfig("", {});
    Require(config.ok());
    f->config = std::move(config).value();
    Result<std::unique_ptr<StateStore>> state = StateStore::Open((f->dir / "state").string());
    Require(state.ok());
    f->state = std::move(state).value();
    PublishRecords(f->config, f->state.get());
    Result<std::unique_ptr<HttpService>> service = HttpService::Start(&f->config, "127.0.0.1:0");
    Require(service.ok());
    f->service = std::move(service).value();
    f->service->OnStateOpened(*f->state);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(TheFixture().dir, ignored);
    });
    return f;
  }();
  return *fixture;
}

}  // namespace
}  // namespace fugong

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fugong::Fixture& fixture = fugong::TheFixture();
  fugong::fuzz::SelectedInput input;
  if (!fugong::fuzz::Select(data, size, &input)) return 0;
  fugong::HttpRequest request;
  if (!fugong::ParseRequestTarget(input.rest, &request)) return 0;
  static const char* kOtherMethods[] = {"HEAD", "POST", "PUT"};
  request.method = (input.selector & 1) == 0 ? "GET" : kOtherMethods[(input.selector >> 2) % 3];
  const bool closed = (input.selector & 2) != 0;
  if (closed) fixture.service->OnStateClosing();
  const fugong::HttpResponse response = fixture.service->Handle(request);
  if (closed) fixture.service->OnStateOpened(*fixture.state);
  const int s = response.status;
  fugong::Require(s == 200 || s == 400 || s == 404 || s == 405 || s == 503);
  if (!response.event_stream && response.content_type == "application/json") {
    fugong::Require(nlohmann::json::accept(response.body));
  }
  return 0;
}
