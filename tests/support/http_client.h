// A plain HTTP/1.1 client for tests (Boost.Beast, blocking): one GET per connection, and a
// reader of a Server-Sent Events stream.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <string>
#include <vector>

namespace fugong::testing {

struct HttpResult {
  int status = 0;  // 0: no answer (the error says why)
  std::string content_type;
  std::string body;
  std::string error;
};

// "127.0.0.1:8080" -> host and port.
inline std::pair<std::string, std::string> SplitAddress(const std::string& address) {
  const size_t colon = address.rfind(':');
  return {address.substr(0, colon), address.substr(colon + 1)};
}

inline HttpResult HttpRequestTo(const std::string& address, const std::string& target,
                                boost::beast::http::verb verb = boost::beast::http::verb::get) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  HttpResult result;
  try {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    const auto [host, port] = SplitAddress(address);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(resolver.resolve(host, port));
    http::request<http::string_body> request(verb, target, 11);
    request.set(http::field::host, host);
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    result.status = response.result_int();
    result.content_type = std::string(response[http::field::content_type]);
    result.body = std::move(response.body());
    beast::error_code ec;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

inline HttpResult HttpGet(const std::string& address, const std::string& target) {
  return HttpRequestTo(address, target);
}

// Bytes sent raw over a connection, and what came back before the server closed it (or the
// timeout): for requests that are not well-formed HTTP.
inline std::string RawExchange(const std::string& address, const std::string& bytes) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::resolver resolver(ioc);
  boost::beast::tcp_stream stream(ioc);
  const auto [host, port] = SplitAddress(address);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(resolver.resolve(host, port));
  boost::system::error_code ec;
  // The server may answer and stop reading before all is written: what it said still counts.
  boost::asio::write(stream.socket(), boost::asio::buffer(bytes), ec);
  std::string answer;
  char buf[4096];
  while (true) {
    const size_t n = stream.socket().read_some(boost::asio::buffer(buf), ec);
    if (ec) break;
    answer.append(buf, n);
  }
  return answer;
}

// A Server-Sent Events subscription: the `data:` lines of events, in order.
class EventStreamClient {
 public:
  EventStreamClient(const std::string& address, const std::string& target) : stream_(ioc_) {
    boost::asio::ip::tcp::resolver resolver(ioc_);
    const auto [host, port] = SplitAddress(address);
    stream_.connect(resolver.resolve(host, port));
    const std::string request =
        "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/event-stream\r\n\r\n";
    boost::asio::write(stream_.socket(), boost::asio::buffer(request));
  }

  // Reads until `count` data lines have come or `timeout` passed; returns all data lines so far.
  // (A timeout closes the stream: call it with the longest wait last.)
  const std::vector<std::string>& WaitForData(size_t count, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (data_.size() < count && stream_.socket().is_open()) {
      // Blocking reads ignore the stream's timer: read asynchronously and run the loop.
      stream_.expires_at(deadline);
      char buf[8192];
      boost::system::error_code ec;
      size_t n = 0;
      stream_.async_read_some(boost::asio::buffer(buf),
                              [&](boost::system::error_code e, size_t bytes) {
                                ec = e;
                                n = bytes;
                              });
      ioc_.restart();
      ioc_.run();
      if (ec) break;
      text_.append(buf, n);
      Parse();
    }
    return data_;
  }
  // The response head (status line and headers) once read.
  const std::string& head() const { return head_; }

 private:
  void Parse() {
    if (head_.empty()) {
      const size_t end = text_.find("\r\n\r\n");
      if (end == std::string::npos) return;
      head_ = text_.substr(0, end);
      text_.erase(0, end + 4);
    }
    size_t eol;
    while ((eol = text_.find('\n')) != std::string::npos) {
      const std::string line = text_.substr(0, eol);
      text_.erase(0, eol + 1);
      if (line.rfind("data: ", 0) == 0) data_.push_back(line.substr(6));
    }
  }

  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
  std::string text_, head_;
  std::vector<std::string> data_;
};

}  // namespace fugong::testing
