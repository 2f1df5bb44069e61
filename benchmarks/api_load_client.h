// The client load of the "serving while ingesting" measurement (stream_ingest_measure.cc,
// StreamIngest.ApiLoad*): what a dashboard and a few scripts do to `fugong serve --http` while
// it ingests, from threads of the measuring process (Boost.Beast, blocking).
//
//   - It waits for the service's line `fugong serve: http: listening on http://HOST:PORT/` in
//     the service's stderr log (a file), then
//   - keeps ONE Server-Sent Events connection open to /v1/stream and counts its `event: index`
//     events until the service closes it (it exits), and
//   - once that stream has its response head, sends `requests_per_second` requests, paced (a
//     fixed schedule; a request that overruns its slot is followed at once by the next, counted
//     as late), over ONE keep-alive connection (reopened after an error), cycling through
//       /v1/index?date=D&level=county, /v1/dates, /metrics,
//       /v1/index/series?level=province&code=330000, /v1/map/D.svg
//     where D is the latest date of the answers of the cycle's own /v1/dates (10 a second at
//     50/s); until one names a date, D is `first_date` (the first day of data) and the day's
//     requests get 404. Each request's latency is taken on the steady clock from before its
//     write to after its whole response is read (connection set-up is not in it).
//   - The /metrics answers tell when the service had consumed `expected_readings` readings
//     (fugong_records_consumed_total{input="readings"}, updated at each commit): requests sent
//     before that are marked `during_ingest` (so are those of the group join before ingest; a
//     200 of /v1/index needs a day closed, so those marked were answered while it ingested).
#pragma once

#include <time.h>

// Before Boost: Asio 1.74's awaitable.hpp uses std::exchange without including it.
#include <utility>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fugong::bench {

struct ApiLoadOptions {
  std::string log_path;  // the service's stderr
  double requests_per_second = 50;
  std::string first_date;  // YYYY-MM-DD: D until /v1/dates names one
  uint64_t expected_readings = 0;
  std::chrono::seconds wait_for_address{120};
};

enum class ApiRoute { kIndexCounty = 0, kDates, kMetrics, kSeries, kMap };
constexpr int kApiRoutes = 5;

inline const char* ApiRouteName(ApiRoute route) {
  switch (route) {
    case ApiRoute::kIndexCounty:
      return "/v1/index?date=D&level=county";
    case ApiRoute::kDates:
      return "/v1/dates";
    case ApiRoute::kMetrics:
      return "/metrics";
    case ApiRoute::kSeries:
      return "/v1/index/series?level=province&code=330000";
    case ApiRoute::kMap:
      return "/v1/map/D.svg";
  }
  return "?";
}

struct ApiSample {
  ApiRoute route;
  int status = 0;           // 0: no answer (the connection failed)
  double sent_seconds = 0;  // since the first request
  double latency_ms = 0;
  bool during_ingest = false;  // sent before /metrics showed every reading consumed
};

struct ApiLoadResult {
  std::string address;  // HOST:PORT, empty if it never appeared
  std::vector<ApiSample> samples;
  uint64_t late = 0;                          // requests that started after their slot had passed
  uint64_t connections = 0;                   // keep-alive connections opened
  uint64_t connect_failures = 0;              // (the service gone at the end)
  double request_seconds = 0;                 // first request -> last
  std::optional<double> ingest_done_seconds;  // since the first request
  int sse_status = 0;
  uint64_t sse_events = 0;
  uint64_t sse_bytes = 0;
  bool sse_closed_by_server = false;
  double client_cpu_seconds = 0;  // both threads
  std::string last_metrics;       // the body of the last /metrics answered with 200
};

namespace api_load_detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

inline double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

inline std::pair<std::string, std::string> SplitAddress(const std::string& address) {
  const size_t colon = address.rfind(':');
  return {address.substr(0, colon), address.substr(colon + 1)};
}

// The value of a Prometheus sample line `name value`; -1 when absent.
inline double MetricValue(const std::string& text, const std::string& name) {
  const std::string prefix = name + " ";
  size_t at = 0;
  while ((at = text.find(prefix, at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n')
      return std::strtod(text.c_str() + at + prefix.size(), nullptr);
    at += prefix.size();
  }
  return -1;
}

}  // namespace api_load_detail

class ApiLoadClient {
 public:
  explicit ApiLoadClient(ApiLoadOptions options) : options_(std::move(options)) {}
  ~ApiLoadClient() { Finish(std::chrono::seconds(0)); }

  void Start() {
    sse_thread_ = std::thread([this] { RunEventStream(); });
    request_thread_ = std::thread([this] { RunRequests(); });
  }

  // Stops the requests at once; the event stream is read on until the server closes it (the
  // service exited) or `drain` passed. Call it once the service has exited.
  ApiLoadResult Finish(std::chrono::milliseconds drain = std::chrono::seconds(10)) {
    stop_requests_ = true;
    if (request_thread_.joinable()) request_thread_.join();
    sse_deadline_ns_ = (api_load_detail::Clock::now() + drain).time_since_epoch().count();
    stop_sse_ = true;
    if (sse_thread_.joinable()) sse_thread_.join();
    std::lock_guard<std::mutex> lock(mutex_);
    return result_;
  }

 private:
  // The address of the service's log line, or "" once `stop` is set or the wait timed out.
  std::string WaitForAddress(const std::atomic<bool>& stop) {
    const std::string marker = "http: listening on http://";
    const auto deadline = api_load_detail::Clock::now() + options_.wait_for_address;
    while (!stop && api_load_detail::Clock::now() < deadline) {
      std::ifstream in(options_.log_path);
      std::string line;
      while (std::getline(in, line)) {
        const size_t at = line.find(marker);
        if (at == std::string::npos) continue;
        std::string address = line.substr(at + marker.size());
        const size_t slash = address.find('/');
        if (slash != std::string::npos) return address.substr(0, slash);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return "";
  }

  void RunEventStream() {
    namespace d = api_load_detail;
    const std::string address = WaitForAddress(stop_sse_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      result_.address = address;
    }
    if (address.empty()) {
      sse_done_ = true;
      return;
    }
    uint64_t events = 0, bytes = 0;
    int status = 0;
    bool closed_by_server = false;
    try {
      d::net::io_context ioc;
      d::tcp::socket socket(ioc);
      const auto [host, port] = d::SplitAddress(address);
      d::net::connect(socket, d::tcp::resolver(ioc).resolve(host, port));
      const std::string request =
          "GET /v1/stream HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/event-stream\r\n\r\n";
      d::net::write(socket, d::net::buffer(request));
      std::string text;  // unparsed input
      bool head_done = false;
      char buf[16384];
      while (true) {
        // Read asynchronously in slices of the loop, to look at the deadline between them.
        bool done = false;
        d::beast::error_code ec;
        size_t n = 0;
        socket.async_read_some(d::net::buffer(buf), [&](d::beast::error_code e, size_t got) {
          ec = e;
          n = got;
          done = true;
        });
        ioc.restart();
        while (!done) {
          ioc.run_for(std::chrono::milliseconds(50));
          if (!done && stop_sse_ &&
              d::Clock::now().time_since_epoch().count() > sse_deadline_ns_.load()) {
            d::beast::error_code ignored;
            socket.cancel(ignored);
          }
        }
        if (ec) {
          closed_by_server = ec == d::net::error::eof || ec == d::net::error::connection_reset;
          break;
        }
        bytes += n;
        text.append(buf, n);
        if (!head_done) {
          const size_t end = text.find("\r\n\r\n");
          if (end == std::string::npos) continue;
          std::istringstream head(text.substr(0, end));
          std::string version;
          head >> version >> status;
          text.erase(0, end + 4);
          head_done = true;
          sse_ready_ = status == 200;
          if (status != 200) break;
        }
        size_t begin = 0, eol;
        while ((eol = text.find('\n', begin)) != std::string::npos) {
          if (text.compare(begin, 12, "event: index") == 0 && eol - begin == 12) ++events;
          begin = eol + 1;
        }
        text.erase(0, begin);
      }
    } catch (const std::exception&) {
    }
    const double cpu = d::ThreadCpuSeconds();
    std::lock_guard<std::mutex> lock(mutex_);
    result_.sse_status = status;
    result_.sse_events = events;
    result_.sse_bytes = bytes;
    result_.sse_closed_by_server = closed_by_server;
    result_.client_cpu_seconds += cpu;
    sse_done_ = true;
  }

  void RunRequests() {
    namespace d = api_load_detail;
    namespace http = d::http;
    const std::string address = WaitForAddress(stop_requests_);
    if (address.empty()) return;
    // The stream first, so that it sees every record.
    while (!stop_requests_ && !sse_ready_ && !sse_done_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const auto [host, port] = d::SplitAddress(address);
    d::net::io_context ioc;
    std::optional<d::beast::tcp_stream> stream;
    d::beast::flat_buffer buffer;
    std::vector<ApiSample> samples;
    uint64_t late = 0, connections = 0, connect_failures = 0;
    std::optional<double> ingest_done;
    std::string date = options_.first_date;
    std::string last_metrics;
    const auto period = std::chrono::duration_cast<d::Clock::duration>(
        std::chrono::duration<double>(1.0 / options_.requests_per_second));
    const d::Clock::time_point first = d::Clock::now();
    d::Clock::time_point next = first;
    for (uint64_t i = 0; !stop_requests_; ++i) {
      std::this_thread::sleep_until(next);
      if (stop_requests_) break;
      if (!stream) {
        try {
          stream.emplace(ioc);
          stream->connect(d::tcp::resolver(ioc).resolve(host, port));
          buffer.clear();
          ++connections;
        } catch (const std::exception&) {
          stream.reset();
          ++connect_failures;
        }
      }
      if (!stream) {  // no request made: the service is not (or no longer) there
        next = std::max(next + period, d::Clock::now());
        continue;
      }
      ApiSample sample;
      sample.route = static_cast<ApiRoute>(i % kApiRoutes);
      std::string target;
      switch (sample.route) {
        case ApiRoute::kIndexCounty:
          target = "/v1/index?date=" + date + "&level=county";
          break;
        case ApiRoute::kDates:
          target = "/v1/dates";
          break;
        case ApiRoute::kMetrics:
          target = "/metrics";
          break;
        case ApiRoute::kSeries:
          target = "/v1/index/series?level=province&code=330000";
          break;
        case ApiRoute::kMap:
          target = "/v1/map/" + date + ".svg";
          break;
      }
      const d::Clock::time_point sent = d::Clock::now();
      sample.sent_seconds = std::chrono::duration<double>(sent - first).count();
      sample.during_ingest = !ingest_done.has_value();
      {
        try {
          http::request<http::empty_body> request(http::verb::get, target, 11);
          request.set(http::field::host, host);
          request.keep_alive(true);
          http::write(*stream, request);
          http::response_parser<http::string_body> parser;
          parser.body_limit(64 << 20);
          http::read(*stream, buffer, parser);
          sample.latency_ms =
              std::chrono::duration<double, std::milli>(d::Clock::now() - sent).count();
          const auto& response = parser.get();
          sample.status = response.result_int();
          if (sample.status == 200 && sample.route == ApiRoute::kDates) {
            const nlohmann::json j = nlohmann::json::parse(response.body(), nullptr, false);
            if (j.is_object() && j["dates"].is_array() && !j["dates"].empty() &&
                j["dates"].back().is_string()) {
              date = j["dates"].back().get<std::string>();
            }
          }
          if (sample.status == 200 && sample.route == ApiRoute::kMetrics) {
            last_metrics = response.body();
          }
          if (sample.status == 200 && sample.route == ApiRoute::kMetrics && !ingest_done &&
              options_.expected_readings > 0 &&
              d::MetricValue(response.body(),
                             "fugong_records_consumed_total{input=\"readings\"}") >=
                  static_cast<double>(options_.expected_readings)) {
            ingest_done = std::chrono::duration<double>(d::Clock::now() - first).count();
          }
          if (!response.keep_alive()) stream.reset();
        } catch (const std::exception&) {
          sample.status = 0;
          sample.latency_ms =
              std::chrono::duration<double, std::milli>(d::Clock::now() - sent).count();
          stream.reset();
        }
      }
      samples.push_back(sample);
      next += period;
      const d::Clock::time_point now = d::Clock::now();
      if (next < now) {
        ++late;
        next = now;
      }
    }
    const double cpu = d::ThreadCpuSeconds();
    std::lock_guard<std::mutex> lock(mutex_);
    result_.samples = std::move(samples);
    result_.late = late;
    result_.connections = connections;
    result_.connect_failures = connect_failures;
    result_.request_seconds = result_.samples.empty() ? 0 : result_.samples.back().sent_seconds;
    result_.ingest_done_seconds = ingest_done;
    result_.last_metrics = std::move(last_metrics);
    result_.client_cpu_seconds += cpu;
  }

  ApiLoadOptions options_;
  std::thread sse_thread_, request_thread_;
  std::atomic<bool> stop_requests_{false}, stop_sse_{false};
  std::atomic<bool> sse_ready_{false}, sse_done_{false};
  std::atomic<int64_t> sse_deadline_ns_{INT64_MAX};
  std::mutex mutex_;
  ApiLoadResult result_;
};

}  // namespace fugong::bench
