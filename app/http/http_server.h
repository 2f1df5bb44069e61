// One HTTP/1.1 server on one port (Boost.Beast): requests are answered by a handler (a plain
// function of request to response, see http_message.h), and a response that asks for it turns
// its connection into a Server-Sent Events stream of the live feed. The server runs on a thread
// of its own, so the service loop never waits for a client and a client never waits for the
// loop; a slow or silent client is timed out.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "app/http/http_message.h"
#include "app/http/live_feed.h"
#include "engine/common/status.h"

namespace fugong {

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Listens on `listen`, "HOST:PORT" (port 0: any free port; "[::]:8080" for IPv6). `handler`
  // is called on the server's thread; `feed` must outlive the server.
  static Result<std::unique_ptr<HttpServer>> Start(const std::string& listen, Handler handler,
                                                   LiveFeed* feed);
  // Stops listening, drops every connection and joins the thread.
  ~HttpServer();

  // The address listened on, with the real port: "127.0.0.1:38211".
  const std::string& address() const;

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fugong
