// Nothing a request does may stop the service. A route that throws (a library call that throws
// on bytes it did not expect, an allocation that fails) answers 500 with a JSON error, leaves a
// log line, and the server goes on; the rest of the service never sees the exception.
#pragma once

#include <functional>

#include "app/http/http_message.h"

namespace fugong {

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// handler(request), or a 500 if it throws; then on_failure() runs (e.g. to count it).
HttpResponse AnswerOrInternalError(const HttpRequest& request, const HttpHandler& handler,
                                   const std::function<void()>& on_failure = {});

}  // namespace fugong
