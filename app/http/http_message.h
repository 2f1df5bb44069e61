// A request as the routes see it, and the answer they give: the HTTP server (http_server.h)
// translates to and from the wire, so routes are plain functions that tests call directly.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace fugong {

struct HttpRequest {
  std::string method;  // "GET", ...
  std::string path;    // percent-decoded, without the query
  // Query parameters in order, percent-decoded ('+' is a space).
  std::vector<std::pair<std::string, std::string>> params;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string cache_control = "no-store";
  // The connection becomes a Server-Sent Events stream of the live feed (body unused); the
  // filter is an index level, or empty for every record.
  bool event_stream = false;
  std::string event_filter;
  // The metrics label of the route that answered (bounded: never the raw path).
  std::string route = "other";
};

// `{"error": message}` with the status.
HttpResponse JsonError(int status, const std::string& message);

// Splits a request target (`/v1/index?date=2020-02-03&level=county`) into path and parameters.
// False for bad percent-encoding.
bool ParseRequestTarget(std::string_view target, HttpRequest* request);

}  // namespace fugong
