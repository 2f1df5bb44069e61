// `fugong demo` as the README runs it, on a smaller province: the streaming path (embedded
// cluster, produce, serve) prints the table and writes the map, and publishes exactly the records
// that the batch path (`--backfill`) computes from the same files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "tests/support/child_process.h"
#include "tests/support/devtools_client.h"
#include "tests/support/files.h"
#include "tests/support/http_client.h"
#include "tests/support/record_compare.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;
using testing::ChildProcess;
using testing::ExpectSameRecords;
using testing::ReadFile;
using testing::ReadIndexRecords;
using testing::ReadIndexRecordsWithoutComputedAt;

TEST(Demo, StreamsThroughKafkaAndPublishesWhatTheBackfillComputes) {
  const fs::path dir = fs::temp_directory_path() / ("fugong-demo-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  ChildProcess stream(
      {FUGONG_BINARY, "demo", "--enterprises", "200", "--dir", (dir / "stream").string()},
      (dir / "stream.err").string(), (dir / "stream.out").string());
  ASSERT_EQ(stream.Wait(), 0) << ReadFile(dir / "stream.err");
  const std::string out = ReadFile(dir / "stream.out");
  EXPECT_NE(out.find("embedded Kafka cluster"), std::string::npos) << out;
  EXPECT_NE(out.find("2020-02-16 Su"), std::string::npos) << out;  // a row of the table
  const std::string map = ReadFile(dir / "stream/map.svg");
  EXPECT_NE(map.find("<svg"), std::string::npos);
  // The bulletin of 2020-02-18, printed (setup.sh installs Chromium, so the demo can).
  EXPECT_NE(
      out.find("bulletin of 2020-02-18: " + (dir / "stream/bulletin-2020-02-18.pdf").string()),
      std::string::npos)
      << out << ReadFile(dir / "stream.err");
  EXPECT_EQ(ReadFile(dir / "stream/bulletin-2020-02-18.pdf").rfind("%PDF-", 0), 0u);
  EXPECT_NE(ReadFile(dir / "stream/bulletin-2020-02-18.html").find("Held back ("),
            std::string::npos)
      << "the demo's chart gives the bulletin its matrix";

  ChildProcess batch({FUGONG_BINARY, "demo", "--backfill", "--enterprises", "200", "--dir",
                      (dir / "batch").string()},
                     (dir / "batch.err").string(), (dir / "batch.out").string());
  ASSERT_EQ(batch.Wait(), 0) << ReadFile(dir / "batch.err");
  const auto streamed = ReadIndexRecordsWithoutComputedAt(dir / "stream/index.jsonl");
  EXPECT_GT(streamed.size(), 10000u);
  ExpectSameRecords(streamed, ReadIndexRecordsWithoutComputedAt(dir / "batch/index.jsonl"));
  fs::remove_all(dir);
}

// `fugong demo --http`: the dashboard's API serves the demo's index after the run, until Ctrl-C.
TEST(Demo, ServesItsIndexOverHttpUntilInterrupted) {
  const fs::path dir = fs::temp_directory_path() / ("fugong-demo-http-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  ChildProcess demo({FUGONG_BINARY, "demo", "--enterprises", "100", "--dir", (dir / "d").string(),
                     "--http", "127.0.0.1:0"},
                    (dir / "err").string(), (dir / "out").string());
  const std::regex serving(R"(serving the dashboard at http://([0-9.]+:[0-9]+)/)");
  std::string address;
  for (int i = 0; i < 1200 && address.empty() && !demo.Exited(); ++i) {
    std::smatch m;
    const std::string out = ReadFile(dir / "out");
    if (std::regex_search(out, m, serving)) address = m[1];
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(address.empty()) << ReadFile(dir / "out") << ReadFile(dir / "err");
  // The demo's index.jsonl, with computed_at.
  const std::map<std::string, std::string> index = ReadIndexRecords(dir / "d/index.jsonl");
  const testing::HttpResult day = testing::HttpGet(address, "/v1/index?date=2020-03-15&level=city");
  ASSERT_EQ(day.status, 200) << day.body;
  const nlohmann::json doc = nlohmann::json::parse(day.body);
  size_t cities = 0;
  for (const auto& [key, line] : index) cities += key.rfind("2020-03-15|city|", 0) == 0;
  ASSERT_GT(cities, 5u);
  ASSERT_EQ(doc["records"].size(), cities);
  for (const auto& record : doc["records"]) {
    const std::string key = "2020-03-15|city|" + record["code"].get<std::string>();
    EXPECT_EQ(record, nlohmann::json::parse(index.at(key))) << key;
  }
  EXPECT_EQ(testing::HttpGet(address, "/").status, 200);

  // The demo has two seasons: 2020's records carry the same lunar day of 2019 (SPEC last_year),
  // and the dashboard, in headless Chromium, shows the province's next to its own figure.
  const nlohmann::json province = nlohmann::json::parse(
      testing::HttpGet(address, "/v1/index?date=2020-02-18&level=province").body)["records"][0];
  ASSERT_TRUE(province.contains("last_year")) << province;
  EXPECT_EQ(province["last_year"]["date"], "2019-03-01");
  const std::string then_key = "2019-03-01|province|" + province["code"].get<std::string>();
  EXPECT_EQ(province["last_year"]["composite"],
            nlohmann::json::parse(index.at(then_key))["composite"]);
  Result<std::unique_ptr<testing::HeadlessChromium>> browser =
      testing::HeadlessChromium::Launch({});
  ASSERT_TRUE(browser.ok()) << browser.status().ToString();
  testing::DevToolsPage& page = (*browser)->page();
  ASSERT_TRUE(page.Navigate("http://" + address + "/").ok());
  ASSERT_TRUE(page.WaitFor("document.body.dataset.ready === '1'", std::chrono::seconds(20)).ok());
  ASSERT_TRUE(page.Evaluate("document.getElementById('day').value = '2020-02-18'; "
                            "document.getElementById('day').dispatchEvent(new Event('change')); 1")
                  .ok());
  ASSERT_TRUE(page.WaitFor("document.body.dataset.date === '2020-02-18' && "
                           "document.body.dataset.ready === '1'",
                           std::chrono::seconds(20))
                  .ok());
  Result<nlohmann::json> shown = page.Evaluate(
      "[document.getElementById('province-last-year').dataset.date, "
      "document.querySelector('#province-last-year dd').textContent]");
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  EXPECT_EQ((*shown)[0], "2019-03-01");
  char then_text[32];
  std::snprintf(then_text, sizeof then_text, "%.1f",
                province["last_year"]["composite"].get<double>());
  EXPECT_EQ((*shown)[1].get<std::string>().rfind(then_text, 0), 0u) << *shown;
  demo.Signal(SIGINT);
  EXPECT_EQ(demo.Wait(), 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fugong
