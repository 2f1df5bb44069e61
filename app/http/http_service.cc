#include "app/http/http_service.h"

#include <iostream>
#include <set>

#include "app/http/guarded_handler.h"
#include "app/http/web_assets.h"
#include "engine/common/json_writer.h"
#include "engine/groups/group_key.h"
#include "engine/publish/index_record.h"

namespace fugong {

namespace {

using Steady = std::chrono::steady_clock;

// The loop reports about once a second; this long without a report means it is stuck.
constexpr int64_t kStuckAfterMs = 60'000;
// Maps of this many days are kept (a season is ~100; a dashboard looks at a few).
constexpr size_t kCachedMaps = 400;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now().time_since_epoch())
      .count();
}

std::string ContentTypeOf(const std::string& file) {
  if (file.ends_with(".html")) return "text/html; charset=utf-8";
  if (file.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (file.ends_with(".css")) return "text/css; charset=utf-8";
  if (file.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

// {"status":status,"reason":reason}
std::string StatusBody(std::string_view status, std::string_view reason) {
  JsonWriter json;
  json.BeginObject().Key("status").String(status).Key("reason").String(reason).EndObject();
  return json.Take() + "\n";
}

}  // namespace

HttpService::HttpService(const RunConfig* config)
    : config_(config),
      metrics_(config->regions.get()),
      api_(config->regions.get(), config->industries, config->guidance.get(),
           config->engine.min_group_size),
      suspects_(config->regions.get(), config->industries, config->suspects_api,
                config->stream.max_message_bytes) {}

HttpService::~HttpService() { server_.reset(); }

Result<std::unique_ptr<HttpService>> HttpService::Start(const RunConfig* config,
                                                        const std::string& listen) {
  std::unique_ptr<HttpService> service(new HttpService(config));
  HttpService* raw = service.get();
  Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(
      listen, [raw](const HttpRequest& request) { return raw->Handle(request); }, &raw->feed_);
  if (!server.ok()) return server.status();
  service->server_ = std::move(server).value();
  return service;
}

HttpResponse HttpService::Handle(const HttpRequest& request) {
  const auto start = Steady::now();
  HttpResponse response = AnswerOrInternalError(
      request, [this](const HttpRequest& r) { return Route(r); },
      [this] { metrics_.CountHandlerFailure(); });
  // A live stream's answer lasts as long as the client stays: its time says nothing.
  const double seconds =
      response.event_stream ? 0 : std::chrono::duration<double>(Steady::now() - start).count();
  metrics_.ObserveHttp(response.route, response.status, seconds);
  return response;
}

HttpResponse HttpService::Route(const HttpRequest& request) {
  if (request.method != "GET") {
    HttpResponse r = JsonError(405, "only GET is served");
    return r;
  }
  const std::string& path = request.path;
  // "?x=1", "*" or "http://host/...": every route below is an absolute path.
  if (!path.starts_with('/')) return JsonError(400, "the request target must be a path (/...)");
  if (path == "/healthz") return Health();
  if (path == "/readyz") return Readiness();
  if (path == "/metrics") {
    metrics_.SetLiveClients(feed_.Clients());
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_.Scrape();
    r.route = "/metrics";
    return r;
  }
  if (path == "/v1/stream") {
    HttpResponse r;
    r.route = "/v1/stream";
    for (const auto& [name, value] : request.params) {
      GroupLevel level;
      if (name != "level") return JsonError(400, "unknown parameter '" + name + "'");
      if (!ParseLevel(value, &level)) return JsonError(400, "unknown level '" + value + "'");
      r.event_filter = value;
    }
    r.event_stream = true;
    return r;
  }
  // The routes that read the state.
  const bool suspects = SuspectsApi::Serves(path);
  if (suspects || IndexApi::Serves(path)) {
    std::shared_lock<std::shared_mutex> lock(state_mutex_);
    if (state_ == nullptr) {
      HttpResponse r = JsonError(503, "the state is not open yet (starting or stopping)");
      r.route = suspects ? "/v1/suspects" : "/v1";
      return r;
    }
    if (suspects) return suspects_.Handle(request, *state_);
    if (!path.starts_with("/v1/map/") || !request.params.empty()) {
      return api_.Handle(request, PublishedIndex(state_));
    }
    return CachedMap(request);
  }
  return Static(path);
}

HttpResponse HttpService::CachedMap(const HttpRequest& request) {
  // A day's map changes only when that day's county records do: drawing it (~2 ms) is most of
  // what the server spends, so each day's is kept until OnDelivered says its counties changed.
  {
    std::lock_guard<std::mutex> lock(map_mutex_);
    auto it = maps_.find(request.path);
    if (it != maps_.end()) return it->second;
  }
  HttpResponse response = api_.Handle(request, PublishedIndex(state_));
  if (response.status == 200) {
    std::lock_guard<std::mutex> lock(map_mutex_);
    if (maps_.size() >= kCachedMaps) maps_.clear();
    maps_[request.path] = response;
  }
  return response;
}

HttpResponse HttpService::Health() const {
  HttpResponse r;
  r.route = "/healthz";
  {
    std::lock_guard<std::mutex> lock(failure_mutex_);
    if (!failure_.empty()) {
      r.status = 503;
      r.body = StatusBody("failed", failure_);
      return r;
    }
  }
  const int64_t last = last_progress_ms_.load();
  if (last != 0 && NowMs() - last > kStuckAfterMs) {
    r = JsonError(503, "the service loop has not reported for " +
                           std::to_string((NowMs() - last) / 1000) + " s");
    r.route = "/healthz";
    return r;
  }
  r.body = last == 0 ? "{\"status\":\"ok\",\"phase\":\"starting\"}\n" : "{\"status\":\"ok\"}\n";
  return r;
}

HttpResponse HttpService::Readiness() const {
  bool state_open;
  {
    std::shared_lock<std::shared_mutex> lock(state_mutex_);
    state_open = state_ != nullptr;
  }
  HttpResponse r;
  r.route = "/readyz";
  {
    std::lock_guard<std::mutex> lock(failure_mutex_);
    if (!failure_.empty()) {
      r.status = 503;
      r.body = StatusBody("not_ready", failure_);
      return r;
    }
  }
  if (!state_open || !assigned_.load()) {
    r.status = 503;
    r.body = StatusBody("not_ready", !state_open ? "state is not restored yet"
                                                 : "the consumer has no partitions yet");
    return r;
  }
  if (following_.load() && !index_caught_up_.load()) {
    r.status = 503;
    r.body = StatusBody("not_ready", "the index topic is still being read");
    return r;
  }
  {
    std::lock_guard<std::mutex> lock(restoring_mutex_);
    if (!restoring_.empty()) {
      r.status = 503;
      r.body = StatusBody("not_ready", "restoring " + restoring_);
      return r;
    }
  }
  r.body = "{\"status\":\"ready\"}\n";
  return r;
}

HttpResponse HttpService::Static(const std::string& path) const {
  const std::string file = path == "/" ? "index.html" : path.substr(1);
  // Only the files of web/ itself: no directories, so no way out of it.
  const std::string_view content =
      file.find('/') == std::string::npos ? WebAsset(file) : std::string_view();
  if (content.empty()) return JsonError(404, "no such path: " + path);
  HttpResponse r;
  r.content_type = ContentTypeOf(file);
  r.body = std::string(content);
  r.cache_control = "no-cache";
  r.route = "static";
  return r;
}

void HttpService::OnStateOpened(const StateStore& state) {
  {
    std::lock_guard<std::mutex> lock(map_mutex_);
    maps_.clear();
  }
  {
    std::unique_lock<std::shared_mutex> lock(state_mutex_);
    state_ = &state;
  }
  ShowLatestFromState(state);
}

void HttpService::ShowLatestFromState(const StateStore& state) {
  // The gauges show the latest published day from the start, not only after the next close;
  // the counties' runs of days held back need the week before it too.
  PublishedIndex index(&state);
  Day latest;
  if (index.LatestDate(&latest)) {
    for (Day day = latest - 6; day < latest; ++day) {
      std::vector<std::string> records;
      if (!index.DayRecords(day, "county", &records).ok()) continue;
      for (const std::string& record : records) metrics_.ShowIndexRecord(record);
    }
    for (const char* level : {"province", "city", "county"}) {
      std::vector<std::string> records;
      if (!index.DayRecords(latest, level, &records).ok()) continue;
      for (const std::string& record : records) metrics_.ShowIndexRecord(record);
    }
  }
}

void HttpService::OnProgress(const StreamStatus& status,
                             const std::vector<PartitionStatus>& partitions, uint64_t state_bytes,
                             double last_input_unix_seconds) {
  last_progress_ms_ = NowMs();
  std::optional<EpochSeconds> closed_end;
  if (status.closed_through) {
    closed_end = config_->engine.time_zone.StartOfLocalDay(*status.closed_through + 1);
  }
  metrics_.SetStatus(status, closed_end);
  metrics_.SetPartitions(partitions);
  metrics_.SetStateBytes(state_bytes);
  if (last_input_unix_seconds > 0) metrics_.SetLastInput(last_input_unix_seconds);
  assigned_ = !partitions.empty();
  bool restoring;
  {
    std::lock_guard<std::mutex> lock(restoring_mutex_);
    restoring_ = status.restoring;
    restoring = !restoring_.empty();
  }
  bool state_open;
  {
    std::shared_lock<std::shared_mutex> lock(state_mutex_);
    state_open = state_ != nullptr;
  }
  metrics_.SetReady(state_open && assigned_.load() && !failed_.load() && !restoring &&
                    (!following_.load() || index_caught_up_.load()));
}

void HttpService::OnDelivered(const std::vector<OutboxRecord>& records) {
  metrics_.OnDelivered(records);
  // Once the index follower has caught up, it announces every record, this instance's too.
  if (following_.load() && index_caught_up_.load()) return;
  std::vector<LiveRecord> live;
  for (const OutboxRecord& r : records) {
    if (r.kind != OutputKind::kIndex) continue;
    live.push_back({std::string(LevelOfIndexKey(r.key)), r.key, r.value});
  }
  Announce(live);
}

void HttpService::Announce(const std::vector<LiveRecord>& records) {
  std::set<std::string> changed_maps;
  for (const LiveRecord& r : records) {
    if (r.level == "county") changed_maps.insert("/v1/map/" + r.key.substr(0, 10) + ".svg");
  }
  if (!changed_maps.empty()) {
    std::lock_guard<std::mutex> lock(map_mutex_);
    for (const std::string& path : changed_maps) maps_.erase(path);
  }
  feed_.Publish(records);
}

void HttpService::OnIndexFollowed(const std::vector<std::pair<std::string, std::string>>& records,
                                  const FollowCounts& counts, bool caught_up) {
  following_ = true;
  metrics_.SetIndexFollow(counts, caught_up);
  if (caught_up && !index_caught_up_.exchange(true)) {
    // What the follower read while catching up went to the state only: show it from there.
    {
      std::lock_guard<std::mutex> lock(map_mutex_);
      maps_.clear();
    }
    std::shared_lock<std::shared_mutex> lock(state_mutex_);
    if (state_ != nullptr) ShowLatestFromState(*state_);
  }
  if (records.empty()) return;
  metrics_.ShowFollowedRecords(records);
  std::vector<LiveRecord> live;
  for (const auto& [key, value] : records) {
    live.push_back({std::string(LevelOfIndexKey(key)), key, value});
  }
  Announce(live);
}

void HttpService::OnDaysPublished(double seconds) { metrics_.ObserveDayPublish(seconds); }

void HttpService::OnFailed(const Status& why) {
  {
    std::lock_guard<std::mutex> lock(failure_mutex_);
    failure_ = why.message();
  }
  failed_ = true;
  assigned_ = false;
  metrics_.SetReady(false);
}

void HttpService::OnStateClosing() {
  {
    std::lock_guard<std::mutex> lock(map_mutex_);
    maps_.clear();
  }
  std::unique_lock<std::shared_mutex> lock(state_mutex_);
  state_ = nullptr;
  assigned_ = false;
  metrics_.SetReady(false);
}

}  // namespace fugong
