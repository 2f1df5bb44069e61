#include "app/http/http_server.h"

#include "app/http/guarded_handler.h"
#include "engine/common/json_writer.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <deque>
#include <iostream>
#include <optional>
#include <thread>

namespace fugong {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr auto kKeepAliveInterval = std::chrono::seconds(15);
constexpr size_t kRequestLimitBytes = 16 * 1024;
// A live client further behind than this is cut off rather than held in memory without bound
// (it reconnects and reads the API for what it missed).
constexpr size_t kMaxQueuedEventBytes = 64 << 20;

// A connection turned into a Server-Sent Events stream: the response head, then events as the
// feed sends them, and a comment every 15 s so proxies and clients see it is alive.
class EventStreamSession : public EventSink,
                           public std::enable_shared_from_this<EventStreamSession> {
 public:
  explicit EventStreamSession(beast::tcp_stream stream)
      : stream_(std::move(stream)), timer_(stream_.get_executor()) {}

  void Start(LiveFeed* feed, const std::string& level) {
    // No Content-Length: the body runs until the connection closes, as EventSource expects.
    queue_.push_back(std::make_shared<const std::string>(
        "HTTP/1.1 200 OK\r\nServer: fugong\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
        "Cache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n\r\n"
        ": fugong live index records\n\n"));
    feed->Subscribe(std::weak_ptr<EventSink>(shared_from_this()), level);
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->WriteNext();
      self->WatchForClose();
      self->KeepAlive();
    });
  }

  void Send(std::shared_ptr<const std::string> events) override {
    net::post(stream_.get_executor(), [self = shared_from_this(), events = std::move(events)] {
      self->Enqueue(std::move(events));
    });
  }

 private:
  void Enqueue(std::shared_ptr<const std::string> events) {
    if (closed_) return;
    queued_bytes_ += events->size();
    if (queued_bytes_ > kMaxQueuedEventBytes) {
      Close();
      return;
    }
    queue_.push_back(std::move(events));
    WriteNext();
  }

  void WriteNext() {
    if (closed_ || writing_ || queue_.empty()) return;
    writing_ = true;
    stream_.expires_after(kRequestTimeout);
    net::async_write(stream_, net::buffer(*queue_.front()),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->writing_ = false;
                       if (ec) {
                         self->Close();
                         return;
                       }
                       self->queued_bytes_ -=
                           std::min(self->queued_bytes_, self->queue_.front()->size());
                       self->queue_.pop_front();
                       self->stream_.expires_never();
                       self->WriteNext();
                     });
  }

  // The client sends nothing after its request, so a read that ends means it went away.
  void WatchForClose() {
    stream_.socket().async_read_some(net::buffer(discard_),
                                     [self = shared_from_this()](beast::error_code ec, size_t) {
                                       if (ec) {
                                         self->Close();
                                         return;
                                       }
                                       self->WatchForClose();
                                     });
  }

  void KeepAlive() {
    timer_.expires_after(kKeepAliveInterval);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      static const auto kComment = std::make_shared<const std::string>(": keep-alive\n\n");
      self->Enqueue(kComment);
      self->KeepAlive();
    });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
    timer_.cancel();
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
  char discard_[512];
};

// One keep-alive connection: read a request, answer it, read the next.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, const HttpServer::Handler* handler, LiveFeed* feed)
      : stream_(std::move(socket)), handler_(handler), feed_(feed) {}

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->header_limit(kRequestLimitBytes);
    parser_->body_limit(kRequestLimitBytes);
    stream_.expires_after(kRequestTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::connection_reset || ec == net::error::eof) {
      Close();
      return;
    }
    if (ec) {
      lingering_ = true;
      Write(JsonError(400, "bad request: " + ec.message()), false);
      return;
    }
    const http::request<http::string_body>& req = parser_->get();
    HttpRequest request;
    request.method = std::string(req.method_string());
    HttpResponse response;
    if (!ParseRequestTarget(std::string_view(req.target().data(), req.target().size()), &request)) {
      response = JsonError(400, "bad percent-encoding in the request target");
    } else {
      response = AnswerOrInternalError(request, *handler_);
    }
    if (response.event_stream && response.status == 200) {
      stream_.expires_never();
      std::make_shared<EventStreamSession>(std::move(stream_))->Start(feed_, response.event_filter);
      return;
    }
    Write(response, req.keep_alive());
  }

  void Write(const HttpResponse& r, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), 11);
    res->set(http::field::server, "fugong");
    res->set(http::field::content_type, r.content_type);
    res->set(http::field::cache_control, r.cache_control);
    res->body() = r.body;
    res->keep_alive(keep_alive);
    res->prepare_payload();
    stream_.expires_after(kRequestTimeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, size_t) {
                        if (ec || !res->keep_alive()) {
                          self->Close();
                          return;
                        }
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (lingering_) Drain();
  }

  // After refusing a request the client may still be sending it: read and drop the rest for a
  // moment, because closing with unread input resets the connection and the client could lose
  // the 400 that explains why.
  void Drain() {
    stream_.expires_after(std::chrono::seconds(2));
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec) self->Drain();
                            });
  }

  beast::tcp_stream stream_;
  bool lingering_ = false;
  char discard_[4096];
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpServer::Handler* handler_;
  LiveFeed* feed_;
};

}  // namespace

struct HttpServer::Impl {
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  Handler handler;
  LiveFeed* feed = nullptr;
  std::string address;
  std::thread thread;

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) std::make_shared<HttpSession>(std::move(socket), &handler, feed)->Start();
      Accept();
    });
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  net::post(impl_->ioc, [impl = impl_.get()] {
    beast::error_code ec;
    impl->acceptor.close(ec);
  });
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

const std::string& HttpServer::address() const { return impl_->address; }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& listen, Handler handler,
                                                      LiveFeed* feed) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument("http_listen: '" + listen + "' is not HOST:PORT");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  const std::string port_text = listen.substr(colon + 1);
  char* end = nullptr;
  const long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535) {
    return Status::InvalidArgument("http_listen: bad port in '" + listen + "'");
  }
  auto impl = std::make_unique<Impl>();
  impl->handler = std::move(handler);
  impl->feed = feed;
  beast::error_code ec;
  tcp::resolver resolver(impl->ioc);
  const auto endpoints = resolver.resolve(
      host, port_text, tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return Status::InvalidArgument("http_listen: cannot resolve '" + host + "': " + ec.message());
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::IOError("http: cannot listen on " + listen + ": " + ec.message());
  const tcp::endpoint bound = impl->acceptor.local_endpoint();
  const std::string bound_host = bound.address().to_string();
  impl->address = (bound.address().is_v6() ? "[" + bound_host + "]" : bound_host) + ":" +
                  std::to_string(bound.port());
  impl->Accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] {
    // A handler that throws past its session would end run(): log it and serve on, since no
    // request may stop the service. (Routes are guarded already; this is the last line.)
    for (;;) {
      try {
        raw->ioc.run();
        return;
      } catch (const std::exception& e) {
        std::cerr << "fugong: http: " << PrintableText(e.what()) << "; serving on" << std::endl;
      } catch (...) {
        std::cerr << "fugong: http: unknown exception; serving on" << std::endl;
      }
    }
  });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

}  // namespace fugong
