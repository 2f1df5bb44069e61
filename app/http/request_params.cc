#include "app/http/request_params.h"

namespace fugong {

RequestParams::RequestParams(const HttpRequest& request, const std::set<std::string>& allowed) {
  for (const auto& [name, value] : request.params) {
    if (!allowed.count(name)) {
      error_ = "unknown parameter '" + name + "'";
      return;
    }
    if (!values_.emplace(name, value).second) {
      error_ = "parameter '" + name + "' given twice";
      return;
    }
  }
}

const std::string* RequestParams::Get(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

std::optional<HttpResponse> RequestParams::ReadDate(const std::string& name, bool required,
                                                    std::optional<Day>* out) const {
  const std::string* text = Get(name);
  if (text == nullptr) {
    if (required) return JsonError(400, "missing parameter '" + name + "' (YYYY-MM-DD)");
    return std::nullopt;
  }
  Day day;
  if (!ParseDate(*text, &day)) {
    return JsonError(400,
                     "parameter '" + name + "' must be a date YYYY-MM-DD, not '" + *text + "'");
  }
  *out = day;
  return std::nullopt;
}

}  // namespace fugong
