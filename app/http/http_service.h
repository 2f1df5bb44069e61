// The service's HTTP face, on one port: /metrics, /healthz, /readyz, the JSON API over the
// published index (index_api.h), the suspects list (suspects_api.h, when enabled), the live stream
// of new records (/v1/stream, Server-Sent Events) and the dashboard page (/). It watches the stream
// service as a StreamObserver: the loop reports, the server's thread answers, and neither waits for
// the other.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "app/http/http_server.h"
#include "app/http/index_api.h"
#include "app/http/live_feed.h"
#include "app/http/service_metrics.h"
#include "app/http/suspects_api.h"
#include "app/run_config.h"
#include "app/stream_observer.h"

namespace fugong {

class HttpService : public StreamObserver {
 public:
  // Listens on `listen` (HOST:PORT). `config` must outlive the service.
  static Result<std::unique_ptr<HttpService>> Start(const RunConfig* config,
                                                    const std::string& listen);
  ~HttpService() override;

  // "HOST:PORT" with the real port.
  const std::string& address() const { return server_->address(); }
  ServiceMetrics& metrics() { return metrics_; }

  // Answers one request (what the server calls; tests call it directly too).
  HttpResponse Handle(const HttpRequest& request);

  void OnStateOpened(const StateStore& state) override;
  void OnProgress(const StreamStatus& status, const std::vector<PartitionStatus>& partitions,
                  uint64_t state_bytes, double last_input_unix_seconds) override;
  void OnDelivered(const std::vector<OutboxRecord>& records) override;
  void OnDaysPublished(double seconds) override;
  void OnFailed(const Status& why) override;
  void OnIndexFollowed(const std::vector<std::pair<std::string, std::string>>& records,
                       const FollowCounts& counts, bool caught_up) override;
  void OnStateClosing() override;

 private:
  explicit HttpService(const RunConfig* config);
  HttpResponse Route(const HttpRequest& request);
  HttpResponse Health() const;
  HttpResponse Readiness() const;
  HttpResponse Static(const std::string& path) const;
  // /v1/map/D.svg, drawn once per change of the day's county records (state_mutex_ held shared).
  HttpResponse CachedMap(const HttpRequest& request);
  // The gauges of the latest published day (and the county runs of the week before), from state.
  void ShowLatestFromState(const StateStore& state);
  // Records that changed: the live feed, the maps of their days.
  void Announce(const std::vector<LiveRecord>& records);

  const RunConfig* config_;
  ServiceMetrics metrics_;
  IndexApi api_;
  SuspectsApi suspects_;
  LiveFeed feed_;
  // The state is read by the server's thread between OnStateOpened and OnStateClosing.
  mutable std::shared_mutex state_mutex_;
  const StateStore* state_ = nullptr;
  std::atomic<bool> assigned_{false};
  mutable std::mutex restoring_mutex_;
  std::string restoring_;  // the restore under way (StreamStatus::restoring)
  // An index follower runs (serve): the live feed then takes records from it, once it has
  // caught up, and /readyz waits for that.
  std::atomic<bool> following_{false};
  std::atomic<bool> index_caught_up_{false};
  std::mutex map_mutex_;
  std::map<std::string, HttpResponse> maps_;  // by path
  // Steady-clock milliseconds of the last report from the loop (0: none yet).
  std::atomic<int64_t> last_progress_ms_{0};
  // Why the loop stopped (empty: it has not); answered by /healthz and /readyz until the exit.
  mutable std::mutex failure_mutex_;
  std::string failure_;
  std::atomic<bool> failed_{false};
  std::unique_ptr<HttpServer> server_;  // last: stopped first
};

}  // namespace fugong
