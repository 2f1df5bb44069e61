#include "app/http/guarded_handler.h"

#include <exception>
#include <iostream>

#include "engine/common/json_writer.h"

namespace fugong {

namespace {

HttpResponse InternalError(const HttpRequest& request, const char* what,
                           const std::function<void()>& on_failure) {
  // The path came from outside: printable, so the log line cannot be forged or garbled.
  std::cerr << "fugong: http: internal error answering " << PrintableText(request.method) << " "
            << PrintableText(request.path) << ": " << PrintableText(what) << std::endl;
  if (on_failure) on_failure();
  HttpResponse response = JsonError(500, std::string("internal error: ") + what);
  response.route = "error";
  return response;
}

}  // namespace

HttpResponse AnswerOrInternalError(const HttpRequest& request, const HttpHandler& handler,
                                   const std::function<void()>& on_failure) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    return InternalError(request, e.what(), on_failure);
  } catch (...) {
    return InternalError(request, "unknown exception", on_failure);
  }
}

}  // namespace fugong
