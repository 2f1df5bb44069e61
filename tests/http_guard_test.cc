// A route that throws answers 500 with a JSON error, is counted, and the server goes on.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "app/http/guarded_handler.h"
#include "app/http/http_server.h"
#include "app/http/live_feed.h"
#include "engine/decode/guarded_decode.h"
#include "tests/support/http_client.h"

namespace fugong {
namespace {

TEST(HttpGuardTest, AThrowingHandlerAnswers500AndIsCounted) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/v1/\xFF";
  int failures = 0;
  HttpResponse r = AnswerOrInternalError(
      request, [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom \xFF"); },
      [&] { ++failures; });
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(failures, 1);
  const nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << r.body;
  EXPECT_NE(body["error"].get<std::string>().find("boom"), std::string::npos);
  // A handler that does not throw is answered as it is, and not counted.
  HttpResponse ok = AnswerOrInternalError(
      request, [](const HttpRequest&) { return JsonError(404, "no"); }, [&] { ++failures; });
  EXPECT_EQ(ok.status, 404);
  EXPECT_EQ(failures, 1);
}

TEST(HttpGuardTest, TheServerAnswersTheNextRequestAfterAHandlerThrew) {
  LiveFeed feed;
  Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(
      "127.0.0.1:0",
      [](const HttpRequest& request) -> HttpResponse {
        if (request.path == "/throw") throw std::logic_error("a bug");
        if (request.path == "/int") throw 42;  // not even a std::exception
        HttpResponse r;
        r.body = "{}";
        return r;
      },
      &feed);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const std::string address = (*server)->address();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(testing::HttpGet(address, "/throw").status, 500);
    EXPECT_EQ(testing::HttpGet(address, "/int").status, 500);
    EXPECT_EQ(testing::HttpGet(address, "/fine").status, 200);
  }
}

TEST(GuardedDecodeTest, AThrowingDecoderGivesAnInternalErrorVerdict) {
  DecodeError error{DeadLetterReason::kParseError, ""};
  EXPECT_FALSE(GuardedDecode([]() -> bool { throw std::out_of_range("index 9"); }, &error));
  EXPECT_EQ(error.reason, DeadLetterReason::kInternalError);
  EXPECT_NE(error.detail.find("index 9"), std::string::npos);
  EXPECT_EQ(ReasonCode(error.reason), "internal_error");
  DecodeError untouched{DeadLetterReason::kBadKwh, "kept"};
  EXPECT_TRUE(GuardedDecode([] { return true; }, &untouched));
  EXPECT_EQ(untouched.detail, "kept");
}

}  // namespace
}  // namespace fugong
