// A route's query parameters, checked against the ones it takes: a misspelt or repeated
// parameter is an error, not silently ignored (docs/api.md, errors).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "app/http/http_message.h"
#include "engine/common/date.h"

namespace fugong {

class RequestParams {
 public:
  RequestParams(const HttpRequest& request, const std::set<std::string>& allowed);
  // Empty when every parameter was allowed and given once.
  const std::string& error() const { return error_; }
  // Null when not given.
  const std::string* Get(const std::string& name) const;

  // Reads date parameter `name` (YYYY-MM-DD) into `out`: a 400 answer when it is malformed, or
  // missing and `required`; nothing (and `out` untouched) when it is absent and optional.
  std::optional<HttpResponse> ReadDate(const std::string& name, bool required,
                                       std::optional<Day>* out) const;

 private:
  std::map<std::string, std::string> values_;
  std::string error_;
};

}  // namespace fugong
