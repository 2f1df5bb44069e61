// A headless Chromium driven over the Chrome DevTools Protocol, for tests of the dashboard in a
// real browser: launch, navigate, evaluate JavaScript, wait for a condition, take a screenshot.
//
// Only what the tests need, synchronously: a command is written to the page's WebSocket and
// messages are read until the answer with its id arrives; the events read meanwhile are kept
// only for the page's errors (uncaught exceptions and console errors), for the test to check.
// Header-only because tests/ compiles only *_test.cc files.
#pragma once

#include <signal.h>
#include <unistd.h>

// Boost 1.74's asio uses std::exchange without including <utility> (an error in C++20).
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "engine/common/status.h"
#include "tests/support/child_process.h"
#include "tests/support/files.h"
#include "tests/support/http_client.h"

namespace fugong::testing {

// Debian's package; setup.sh installs it. FUGONG_CHROMIUM names another binary.
inline std::string ChromiumBinary() {
  const char* env = std::getenv("FUGONG_CHROMIUM");
  return env != nullptr && *env != '\0' ? env : "/usr/bin/chromium";
}

inline std::string DecodeBase64(std::string_view text) {
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else {
      continue;  // padding and line breaks
    }
    bits = (bits << 6) | static_cast<uint32_t>(v);
    if ((count += 6) >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return out;
}

// One page target's DevTools WebSocket.
class DevToolsPage {
 public:
  using Clock = std::chrono::steady_clock;

  // `url`: the target's webSocketDebuggerUrl, ws://HOST:PORT/devtools/page/ID.
  static Result<std::unique_ptr<DevToolsPage>> Connect(const std::string& url) {
    constexpr std::string_view kScheme = "ws://";
    if (!url.starts_with(kScheme)) return Status::InvalidArgument("not a ws:// URL: " + url);
    const std::string rest = url.substr(kScheme.size());
    const size_t slash = rest.find('/');
    const std::string address = rest.substr(0, slash);
    const std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
    auto page = std::unique_ptr<DevToolsPage>(new DevToolsPage());
    try {
      const auto [host, port] = SplitAddress(address);
      boost::asio::ip::tcp::resolver resolver(page->ioc_);
      boost::beast::get_lowest_layer(page->ws_).connect(resolver.resolve(host, port));
      // Screenshots of a large page exceed the default limit.
      page->ws_.read_message_max(256u << 20);
      page->ws_.handshake(address, path);
    } catch (const std::exception& e) {
      return Status::IOError("DevTools WebSocket " + url + ": " + e.what());
    }
    return page;
  }

  // Sends `method` and returns its result; an error answer, a broken connection or no answer
  // within `timeout` is an error.
  Result<nlohmann::json> Call(const std::string& method,
                              nlohmann::json params = nlohmann::json::object(),
                              std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    if (broken_) return Status::IOError("DevTools connection is broken; not sending " + method);
    const int id = ++next_id_;
    const std::string text =
        nlohmann::json{{"id", id}, {"method", method}, {"params", std::move(params)}}.dump();
    const auto deadline = Clock::now() + timeout;
    boost::beast::error_code ec;
    ws_.text(true);
    ws_.write(boost::asio::buffer(text), ec);
    if (ec) return Broken(method + ": " + ec.message());
    while (true) {
      boost::beast::flat_buffer buffer;
      // The stream's expiry bounds the read; on expiry it closes the socket, so a command that
      // timed out leaves the connection unusable (the test has failed by then anyway).
      boost::beast::get_lowest_layer(ws_).expires_at(deadline);
      bool done = false;
      ws_.async_read(buffer, [&](boost::beast::error_code e, size_t) {
        ec = e;
        done = true;
      });
      ioc_.restart();
      ioc_.run();
      boost::beast::get_lowest_layer(ws_).expires_never();
      if (!done || ec) {
        return Broken(method + ": " +
                      (ec == boost::beast::error::timeout
                           ? "no answer within " + std::to_string(timeout.count()) + " ms"
                           : ec.message()));
      }
      nlohmann::json message =
          nlohmann::json::parse(boost::beast::buffers_to_string(buffer.data()), nullptr, false);
      if (!message.is_object()) continue;
      if (message.contains("id") && message["id"] == id) {
        if (message.contains("error")) {
          return Status::InvalidArgument(method + ": " + message["error"].dump());
        }
        return message.value("result", nlohmann::json::object());
      }
      if (message.contains("method")) Observe(message);
    }
  }

  // Turns on the events the page's errors come in.
  Status EnableErrorCapture() {
    for (const char* domain : {"Runtime.enable", "Log.enable", "Page.enable"}) {
      Result<nlohmann::json> r = Call(domain);
      if (!r.ok()) return r.status();
    }
    return Status::OK();
  }

  // Loads `url` (returns once navigation committed, not when the page is done).
  Status Navigate(const std::string& url) {
    Result<nlohmann::json> r = Call("Page.navigate", {{"url", url}});
    if (!r.ok()) return r.status();
    if (r->contains("errorText") && !(*r)["errorText"].get<std::string>().empty()) {
      return Status::IOError("navigate to " + url + ": " + (*r)["errorText"].get<std::string>());
    }
    return Status::OK();
  }

  // The value of a JavaScript expression (JSON-serialisable; a promise is awaited); null for
  // undefined. An exception thrown by it is an error with its description.
  Result<nlohmann::json> Evaluate(const std::string& expression,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    Result<nlohmann::json> r = Call(
        "Runtime.evaluate",
        {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}}, timeout);
    if (!r.ok()) return r.status();
    if (r->contains("exceptionDetails")) {
      return Status::InvalidArgument("`" + expression +
                                     "` threw: " + Describe((*r)["exceptionDetails"]));
    }
    const nlohmann::json& result = (*r)["result"];
    return result.contains("value") ? result["value"] : nlohmann::json();
  }

  // Evaluates `expression` every `interval` until it is true (JavaScript truthiness is up to
  // the expression: write `!!(...)`); an error says what it was last.
  Status WaitFor(const std::string& expression, std::chrono::milliseconds timeout,
                 std::chrono::milliseconds interval = std::chrono::milliseconds(100)) {
    const auto deadline = Clock::now() + timeout;
    nlohmann::json last;
    while (true) {
      Result<nlohmann::json> v = Evaluate(expression);
      if (!v.ok() && broken_) return v.status();
      if (v.ok() && *v == true) return Status::OK();
      last = v.ok() ? *v : nlohmann::json(v.status().ToString());
      if (Clock::now() >= deadline) {
        return Status::NotFound("`" + expression + "` still not true after " +
                                std::to_string(timeout.count()) + " ms (last: " + last.dump() +
                                ")");
      }
      std::this_thread::sleep_for(interval);
    }
  }

  // The viewport as PNG bytes (`full_page`: the whole page, beyond the viewport).
  Result<std::string> ScreenshotPng(bool full_page = false) {
    nlohmann::json params = {{"format", "png"}};
    if (full_page) params["captureBeyondViewport"] = true;
    if (full_page) {
      Result<nlohmann::json> size = Evaluate(
          "({w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight})");
      if (!size.ok()) return size.status();
      params["clip"] = {
          {"x", 0}, {"y", 0}, {"width", (*size)["w"]}, {"height", (*size)["h"]}, {"scale", 1}};
    }
    Result<nlohmann::json> r = Call("Page.captureScreenshot", params, std::chrono::seconds(30));
    if (!r.ok()) return r.status();
    return DecodeBase64((*r)["data"].get<std::string>());
  }

  // Uncaught exceptions, console.error/assert calls and browser log errors seen so far, e.g.
  // "exception: Uncaught TypeError: ..." or "log: Failed to load resource: ... 404".
  const std::vector<std::string>& errors() const { return errors_; }
  bool broken() const { return broken_; }

 private:
  DevToolsPage() : ws_(ioc_) {}

  Status Broken(const std::string& what) {
    broken_ = true;
    return Status::IOError("DevTools " + what);
  }

  static std::string Describe(const nlohmann::json& details) {
    if (details.contains("exception") && details["exception"].contains("description")) {
      return details["exception"]["description"].get<std::string>();
    }
    return details.value("text", details.dump());
  }

  void Observe(const nlohmann::json& event) {
    const std::string method = event.value("method", "");
    const nlohmann::json& params = event.contains("params") ? event["params"] : nlohmann::json();
    if (method == "Runtime.exceptionThrown") {
      errors_.push_back("exception: " + Describe(params["exceptionDetails"]));
    } else if (method == "Runtime.consoleAPICalled") {
      const std::string type = params.value("type", "");
      if (type != "error" && type != "assert") return;
      std::string text = "console." + type + ":";
      for (const nlohmann::json& arg : params.value("args", nlohmann::json::array())) {
        text += " " + (arg.contains("value") ? arg["value"].dump() : arg.value("description", "?"));
      }
      errors_.push_back(text);
    } else if (method == "Log.entryAdded") {
      const nlohmann::json& entry = params["entry"];
      if (entry.value("level", "") != "error") return;
      errors_.push_back("log: " + entry.value("text", "") + " " + entry.value("url", ""));
    }
  }

  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  int next_id_ = 0;
  bool broken_ = false;
  std::vector<std::string> errors_;
};

// A headless Chromium with a fresh profile, as a child process that dies with the test, and
// its first page.
class HeadlessChromium {
 public:
  struct Options {
    int width = 1400;
    int height = 1000;
    std::chrono::seconds start_timeout{30};
  };

  static Result<std::unique_ptr<HeadlessChromium>> Launch(const Options& options) {
    const std::string binary = ChromiumBinary();
    if (access(binary.c_str(), X_OK) != 0) {
      return Status::NotFound(binary +
                              " is not installed: run ./scripts/setup.sh (it installs Debian's "
                              "chromium), or set FUGONG_CHROMIUM to a Chromium binary");
    }
    auto browser = std::unique_ptr<HeadlessChromium>(new HeadlessChromium());
    namespace fs = std::filesystem;
    browser->profile_ =
        fs::temp_directory_path() / ("fugong-chromium-" + std::to_string(getpid()) + "-" +
                                     std::to_string(Clock::now().time_since_epoch().count()));
    fs::remove_all(browser->profile_);
    fs::create_directories(browser->profile_);
    browser->log_ = (browser->profile_ / "chromium.log").string();
    // Port 0: Chromium picks a free port and writes it to DevToolsActivePort, so parallel
    // tests never collide. --no-sandbox: tests run as root in containers, where the sandbox
    // cannot start.
    browser->process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{
            binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-sync", "--hide-scrollbars",
            "--mute-audio", "--remote-debugging-port=0",
            "--user-data-dir=" + browser->profile_.string(),
            "--window-size=" + std::to_string(options.width) + "," + std::to_string(options.height),
            "about:blank"},
        browser->log_, "/dev/null");
    if (!browser->process_->started()) return Status::IOError("could not start " + binary);

    const auto deadline = Clock::now() + options.start_timeout;
    const fs::path port_file = browser->profile_ / "DevToolsActivePort";
    std::string port;
    while (port.empty()) {
      if (browser->process_->Exited()) {
        return Status::IOError(binary + " exited at start:\n" + ReadFile(browser->log_));
      }
      if (Clock::now() > deadline) {
        return Status::IOError(binary + " wrote no DevToolsActivePort:\n" +
                               ReadFile(browser->log_));
      }
      // The file can be seen before its line is complete.
      const std::vector<std::string> lines = SplitLines(ReadFile(port_file));
      if (lines.size() >= 2 && !lines[0].empty()) port = lines[0];
      if (port.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    browser->address_ = "127.0.0.1:" + port;

    // The page target about:blank opened; a new one if there is none yet.
    std::string ws_url;
    while (ws_url.empty()) {
      const HttpResult list = HttpGet(browser->address_, "/json/list");
      if (list.status == 200) {
        const nlohmann::json targets = nlohmann::json::parse(list.body, nullptr, false);
        if (targets.is_array()) {
          for (const nlohmann::json& t : targets) {
            if (t.value("type", "") == "page" && t.contains("webSocketDebuggerUrl")) {
              ws_url = t["webSocketDebuggerUrl"].get<std::string>();
              break;
            }
          }
        }
      }
      if (!ws_url.empty()) break;
      if (Clock::now() > deadline) {
        const HttpResult created = HttpRequestTo(browser->address_, "/json/new?about:blank",
                                                 boost::beast::http::verb::put);
        const nlohmann::json t = nlohmann::json::parse(created.body, nullptr, false);
        if (!t.is_object() || !t.contains("webSocketDebuggerUrl")) {
          return Status::IOError("no DevTools page target at " + browser->address_ + ": " +
                                 list.body + created.body + created.error);
        }
        ws_url = t["webSocketDebuggerUrl"].get<std::string>();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    // Chromium builds the URL from the Host header, which may lack the port: only its path is
    // taken.
    const size_t path = ws_url.find("/devtools/");
    if (path == std::string::npos) return Status::IOError("odd DevTools URL: " + ws_url);
    Result<std::unique_ptr<DevToolsPage>> page =
        DevToolsPage::Connect("ws://" + browser->address_ + ws_url.substr(path));
    if (!page.ok()) return page.status();
    browser->page_ = std::move(page).value();
    if (Status st = browser->page_->EnableErrorCapture(); !st.ok()) return st;
    // The window size includes space for (invisible) browser UI: the viewport is set exactly,
    // so screenshots and layouts have the size asked for.
    Result<nlohmann::json> viewport =
        browser->page_->Call("Emulation.setDeviceMetricsOverride", {{"width", options.width},
                                                                    {"height", options.height},
                                                                    {"deviceScaleFactor", 1},
                                                                    {"mobile", false}});
    if (!viewport.ok()) return viewport.status();
    return browser;
  }

  ~HeadlessChromium() {
    page_.reset();
    if (process_) {
      // SIGTERM lets the browser take its renderer and GPU processes down with it; SIGKILL
      // (the ChildProcess destructor) only if it does not.
      process_->Signal(SIGTERM);
      process_->Wait(std::chrono::seconds(10));
      process_.reset();
    }
    std::error_code ec;
    std::filesystem::remove_all(profile_, ec);
  }

  DevToolsPage& page() { return *page_; }
  // What the browser wrote to stderr so far.
  std::string log() const { return ReadFile(log_); }

 private:
  using Clock = std::chrono::steady_clock;
  HeadlessChromium() = default;

  std::filesystem::path profile_;
  std::string log_;
  std::string address_;
  std::unique_ptr<ChildProcess> process_;
  std::unique_ptr<DevToolsPage> page_;
};

}  // namespace fugong::testing
