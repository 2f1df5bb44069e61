// The HTTP face of the service against real state: a backfill of a generated province writes
// its records into RocksDB, the HTTP service (real Beast server on a loopback port) answers from
// that state, and every answer is checked against the backfill's output file: the API must
// return the published bytes, the map must show the published tiers, bad requests get a 400
// or 404 with a JSON error and the server goes on answering. Metrics and the live stream are
// fed the way the service loop feeds them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <thread>

#include "app/backfill_runner.h"
#include "app/generate/province_generator.h"
#include "app/http/http_service.h"
#include "app/run_config.h"
#include "engine/common/json_writer.h"
#include "engine/model/risk_level.h"
#include "engine/publish/index_publisher.h"
#include "engine/publish/index_record.h"
#include "tests/support/files.h"
#include "tests/support/generated_province.h"
#include "tests/support/http_client.h"
#include "tests/support/record_compare.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;
using testing::BackfillFilesFor;
using testing::DayOf;
using testing::EventStreamClient;
using testing::GenerateProvinceInto;
using testing::HttpGet;
using testing::HttpResult;
using testing::IndexKeyOf;
using testing::ReadIndexRecords;
using testing::SplitLines;

class HttpApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ =
        new fs::path(fs::temp_directory_path() / ("fugong-http-test-" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    const std::optional<GenerateSummary> generated = GenerateProvinceInto(
        *dir_, {.seed = 11, .enterprises = 400, .from = "2019-11-25", .to = "2020-02-20"});
    ASSERT_TRUE(generated);
    config_ = new RunConfig(*LoadRunConfig(
        "", {"interval_minutes=60", "min_group_size=2", "suspects_api=true",
             "guidance=" + std::string(FUGONG_SOURCE_DIR) + "/deploy/guidance-2020.example.csv"}));
    ASSERT_NE(config_->guidance, nullptr);
    // The state the service answers from: a backfill's.
    BackfillFiles files = BackfillFilesFor(*dir_, generated->readings_files, "index");
    files.state_dir = (*dir_ / "state").string();
    // An epidemic risk chart (issue 11): every county a level from 2020-01-01, the five in turn,
    // and every third county a new one from 2020-02-18, so that the matrix's cells and lists
    // and the runs of days held back are not all alike.
    files.risk = (*dir_ / "risk.csv").string();
    {
      std::ofstream chart(files.risk);
      chart << "county_code,date,level\n";
      const std::vector<std::string>& counties = config_->regions->counties();
      for (size_t i = 0; i < counties.size(); ++i) {
        chart << counties[i] << ",2020-01-01," << RiskLevelName(kRiskLevels[i % 5]) << "\n";
        if (i % 3 == 0) {
          chart << counties[i] << ",2020-02-18," << RiskLevelName(kRiskLevels[(i + 2) % 5]) << "\n";
        }
      }
    }
    Result<BackfillSummary> summary = RunBackfillFromFiles(*config_, files, nullptr);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    records_ = new std::map<std::string, std::string>(ReadIndexRecords(files.out));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete config_;
    delete records_;
  }

  void SetUp() override {
    Result<std::unique_ptr<StateStore>> state = StateStore::Open((*dir_ / "state").string());
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    state_ = std::move(state).value();
    Result<std::unique_ptr<HttpService>> service = HttpService::Start(config_, "127.0.0.1:0");
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    service_ = std::move(service).value();
    service_->OnStateOpened(*state_);
  }
  void TearDown() override {
    service_->OnStateClosing();
    service_.reset();
    state_.reset();
  }

  HttpResult Get(const std::string& target) { return HttpGet(service_->address(), target); }

  // The backfill's records of one day and level, in key order.
  static std::vector<std::string> Expected(const std::string& date, const std::string& level) {
    std::vector<std::string> out;
    const std::string prefix = date + "|" + level + "|";
    for (auto it = records_->lower_bound(prefix);
         it != records_->end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      out.push_back(it->second);
    }
    return out;
  }

  // A record list from an API answer, each re-serialized exactly as it came.
  static std::vector<std::string> RecordLines(const std::string& body) {
    std::vector<std::string> out;
    const nlohmann::json doc = nlohmann::json::parse(body);
    for (const auto& record : doc["records"]) out.push_back(record.dump());
    return out;
  }
  static std::vector<std::string> Normalized(const std::vector<std::string>& lines) {
    std::vector<std::string> out;
    for (const std::string& line : lines) out.push_back(nlohmann::json::parse(line).dump());
    return out;
  }

  static fs::path* dir_;
  static RunConfig* config_;
  static std::map<std::string, std::string>* records_;  // key -> the backfill's output line
  std::unique_ptr<StateStore> state_;
  std::unique_ptr<HttpService> service_;
};

fs::path* HttpApiTest::dir_ = nullptr;
RunConfig* HttpApiTest::config_ = nullptr;
std::map<std::string, std::string>* HttpApiTest::records_ = nullptr;

TEST_F(HttpApiTest, DatesAreThoseOfTheBackfill) {
  std::set<std::string> expected;
  for (const auto& [key, line] : *records_) expected.insert(key.substr(0, 10));
  HttpResult r = Get("/v1/dates");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  std::set<std::string> got;
  const nlohmann::json doc = nlohmann::json::parse(r.body);
  for (const auto& d : doc["dates"]) got.insert(d.get<std::string>());
  EXPECT_EQ(got, expected);
  EXPECT_GT(got.size(), 30u);
}

TEST_F(HttpApiTest, DayIndexReturnsThePublishedBytes) {
  for (const std::string date : {"2020-01-02", "2020-02-03", "2020-02-20"}) {
    for (const std::string level : {"province", "city", "county", "industry", "county_industry"}) {
      HttpResult r = Get("/v1/index?date=" + date + "&level=" + level);
      ASSERT_EQ(r.status, 200) << date << " " << level << ": " << r.body;
      const std::vector<std::string> expected = Expected(date, level);
      ASSERT_FALSE(expected.empty()) << date << " " << level;
      // Field order and number formatting survive: the records are the published bytes.
      EXPECT_NE(r.body.find(expected.front()), std::string::npos) << level;
      EXPECT_EQ(RecordLines(r.body), Normalized(expected)) << date << " " << level;
    }
  }
  // One record by code: exactly the published line.
  const std::string key = "2020-02-03|county|" + RegionTable::Zhejiang().counties()[0];
  HttpResult one =
      Get("/v1/index?date=2020-02-03&level=county&code=" + RegionTable::Zhejiang().counties()[0]);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.body, records_->at(key) + "\n");
  // A county-industry code has a ':' that clients may percent-encode.
  const auto ci = Expected("2020-02-03", "county_industry").front();
  const std::string code = nlohmann::json::parse(ci)["code"];
  std::string encoded = code;
  encoded.replace(encoded.find(':'), 1, "%3A");
  HttpResult coded = Get("/v1/index?date=2020-02-03&level=county_industry&code=" + encoded);
  ASSERT_EQ(coded.status, 200) << coded.body;
  EXPECT_EQ(coded.body, ci + "\n");
}

TEST_F(HttpApiTest, SeriesIsTheGroupsRecordsInDateOrder) {
  const std::string province = RegionTable::Zhejiang().provinces()[0];
  std::vector<std::string> expected;
  for (const auto& [key, line] : *records_) {
    if (key.substr(10) == "|province|" + province && key.substr(0, 10) >= "2020-01-20" &&
        key.substr(0, 10) <= "2020-02-10") {
      expected.push_back(line);
    }
  }
  ASSERT_EQ(expected.size(), 22u);
  HttpResult r =
      Get("/v1/index/series?level=province&code=" + province + "&from=2020-01-20&to=2020-02-10");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(RecordLines(r.body), Normalized(expected));
  // Without a range: every day.
  HttpResult all = Get("/v1/index/series?level=province&code=" + province);
  ASSERT_EQ(all.status, 200);
  size_t days = 0;
  for (const auto& [key, line] : *records_) days += key.find("|province|") != std::string::npos;
  EXPECT_EQ(RecordLines(all.body).size(), days);
}

TEST_F(HttpApiTest, MapShowsThePublishedTierOfEveryCounty) {
  HttpResult r = Get("/v1/map/2020-02-10.svg");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "image/svg+xml");
  std::map<std::string, int> tiers;  // from the tiles
  const std::regex tile(R"re(<rect class="tile"[^>]*data-code="(\d+)"[^>]*data-tier="(\d)")re");
  for (auto it = std::sregex_iterator(r.body.begin(), r.body.end(), tile);
       it != std::sregex_iterator(); ++it) {
    tiers[(*it)[1]] = std::stoi((*it)[2]);
  }
  ASSERT_EQ(tiers.size(), RegionTable::Zhejiang().counties().size());
  int with_data = 0;
  for (const std::string& line : Expected("2020-02-10", "county")) {
    const nlohmann::json record = nlohmann::json::parse(line);
    const int want = record["tier"].is_string() ? record["tier"].get<std::string>()[1] - '0' : 0;
    EXPECT_EQ(tiers[record["code"]], want) << record["code"];
    with_data += want > 0;
  }
  EXPECT_GT(with_data, 40);
}

// The second map: the same tiles coloured by each county's risk level as its record carries it.
TEST_F(HttpApiTest, RiskLayerMapShowsEachCountysPublishedLevel) {
  HttpResult r = Get("/v1/map/2020-02-20.svg?layer=risk");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "image/svg+xml");
  EXPECT_NE(r.body.find("Epidemic risk level"), std::string::npos);
  std::map<std::string, std::string> levels;  // from the tiles
  const std::regex tile(
      R"re(<rect class="tile"[^>]*data-code="(\d+)"[^>]*data-risk="([a-z_]*)")re");
  for (auto it = std::sregex_iterator(r.body.begin(), r.body.end(), tile);
       it != std::sregex_iterator(); ++it) {
    levels[(*it)[1]] = (*it)[2];
  }
  ASSERT_EQ(levels.size(), RegionTable::Zhejiang().counties().size());
  int with_level = 0;
  for (const std::string& line : Expected("2020-02-20", "county")) {
    const nlohmann::json record = nlohmann::json::parse(line);
    const std::string want = record.contains("risk") ? record["risk"].get<std::string>() : "";
    EXPECT_EQ(levels[record["code"]], want) << record["code"];
    with_level += !want.empty();
  }
  EXPECT_GT(with_level, 40);
  EXPECT_EQ(Get("/v1/map/2020-02-20.svg?layer=tier").body, Get("/v1/map/2020-02-20.svg").body);
  EXPECT_EQ(Get("/v1/map/2020-02-20.svg?layer=epidemic").status, 400);
}

// A day's map is drawn once and kept until that day's county records are delivered anew.
TEST_F(HttpApiTest, MapIsRedrawnWhenItsCountiesChange) {
  const std::string date = "2020-02-10";
  std::string key, original;
  for (const std::string& line : Expected(date, "county")) {
    const nlohmann::json record = nlohmann::json::parse(line);
    if (record["tier"].is_string() && record["tier"] != "T1") {
      key = IndexKeyOf(line);
      break;
    }
  }
  ASSERT_FALSE(key.empty());
  const std::string code = key.substr(key.rfind('|') + 1);
  const auto tier_of = [&](const std::string& svg) {
    std::smatch m;
    const std::regex tile("data-code=\"" + code + "\"[^>]*data-tier=\"(\\d)\"");
    return std::regex_search(svg, m, tile) ? std::stoi(m[1]) : -1;
  };
  const HttpResult before = Get("/v1/map/" + date + ".svg");
  ASSERT_EQ(before.status, 200);
  ASSERT_GT(tier_of(before.body), 1);

  // A revision of that county moves it to T1, as a close would: state first, delivery after.
  ASSERT_TRUE(state_->Get(Store::kGroupDay, key, &original).ok());
  PublishedRecord revised;
  ASSERT_TRUE(revised.Decode(original));
  revised.content = std::regex_replace(revised.content, std::regex(R"("tier":"T\d","color":"\w+")"),
                                       R"("tier":"T1","color":"green")");
  revised.revision += 1;
  StateBatch batch(state_.get());
  batch.Put(Store::kGroupDay, key, revised.Encode());
  ASSERT_TRUE(state_->Write(&batch).ok());
  EXPECT_EQ(Get("/v1/map/" + date + ".svg").body, before.body) << "kept until delivered";
  const std::string record =
      FinishIndexRecord(revised.content, revised.revision, revised.computed_at);
  service_->OnDelivered({{OutputKind::kIndex, key, record, ""}});
  EXPECT_EQ(tier_of(Get("/v1/map/" + date + ".svg").body), 1);

  // Put the state back for the other tests.
  StateBatch restore(state_.get());
  restore.Put(Store::kGroupDay, key, original);
  ASSERT_TRUE(state_->Write(&restore).ok());
  service_->OnDelivered({{OutputKind::kIndex, key, records_->at(key), ""}});
  EXPECT_EQ(Get("/v1/map/" + date + ".svg").body, before.body);
}

TEST_F(HttpApiTest, RegionsListTheTable) {
  HttpResult r = Get("/v1/regions");
  ASSERT_EQ(r.status, 200);
  const nlohmann::json doc = nlohmann::json::parse(r.body);
  std::map<std::string, int> by_level;
  for (const auto& region : doc["regions"]) by_level[region["level"]]++;
  EXPECT_EQ(by_level["province"], 1);
  EXPECT_EQ(by_level["city"], 11);
  EXPECT_EQ(by_level["county"], 90);
}

TEST_F(HttpApiTest, BadRequestsGetAJsonErrorAndTheServerGoesOn) {
  struct Case {
    std::string target;
    int status;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"/v1/index?level=county", 400, "missing parameter 'date'"},
      {"/v1/index?date=2020-13-01&level=county", 400, "YYYY-MM-DD"},
      {"/v1/index?date=2020-02-03", 400, "missing parameter 'level'"},
      {"/v1/index?date=2020-02-03&level=village", 400, "unknown level 'village'"},
      {"/v1/index?date=2020-02-03&level=county&colour=red", 400, "unknown parameter 'colour'"},
      {"/v1/index?date=2020-02-03&date=2020-02-04&level=county", 400, "given twice"},
      {"/v1/index?date=2020-02-03&level=county&code=%zz", 400, "percent-encoding"},
      {"/v1/index?date=2031-01-01&level=county", 404, "no index published for 2031-01-01"},
      {"/v1/index?date=2020-02-03&level=county&code=999999", 404, "999999"},
      {"/v1/index/series?level=county", 400, "missing parameter 'code'"},
      {"/v1/index/series?level=county&code=330102&from=2020-02-05&to=2020-02-01", 400, "is after"},
      {"/v1/index/series?level=county&code=999999", 404, "999999"},
      {"/v1/map/yesterday.svg", 400, "YYYY-MM-DD"},
      {"/v1/map/2031-01-01.svg", 404, "2031-01-01"},
      {"/v1/stream?level=village", 400, "unknown level"},
      {"/v2/index", 404, "no such path"},
      {"/../etc/passwd", 404, "no such path"},
      {"?x=1", 400, "must be a path"},  // once terminated the service (fuzz/README.md)
      {"*", 400, "must be a path"},
  };
  for (const Case& c : cases) {
    HttpResult r = Get(c.target);
    EXPECT_EQ(r.status, c.status) << c.target << ": " << r.body << r.error;
    EXPECT_EQ(r.content_type, "application/json") << c.target;
    const nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object() && body["error"].is_string()) << c.target << ": " << r.body;
    EXPECT_NE(body["error"].get<std::string>().find(c.says), std::string::npos)
        << c.target << ": " << r.body;
  }
  HttpResult post =
      testing::HttpRequestTo(service_->address(), "/v1/dates", boost::beast::http::verb::post);
  EXPECT_EQ(post.status, 405);
  // Not HTTP at all, and a request line too long: a 400, then the server answers the next one.
  EXPECT_NE(testing::RawExchange(service_->address(), "HELLO\r\n\r\n").find("400"),
            std::string::npos);
  EXPECT_NE(testing::RawExchange(service_->address(),
                                 "GET /" + std::string(100000, 'a') + " HTTP/1.1\r\n\r\n")
                .find("400"),
            std::string::npos);
  EXPECT_EQ(Get("/v1/dates").status, 200);
}

TEST_F(HttpApiTest, HealthAndReadinessFollowTheService) {
  EXPECT_EQ(Get("/healthz").status, 200);
  // State open, but no partitions yet: not ready.
  EXPECT_EQ(Get("/readyz").status, 503);
  StreamStatus status;
  PartitionStatus partition;
  partition.topic = "fugong.readings";
  partition.partition = 3;
  partition.position = 90;
  partition.high_watermark = 100;
  service_->OnProgress(status, {partition}, 1000, 0);
  EXPECT_EQ(Get("/readyz").status, 200);
  EXPECT_NE(Get("/metrics").body.find("fugong_ready 1"), std::string::npos);
  service_->OnStateClosing();
  HttpResult closing = Get("/readyz");
  EXPECT_EQ(closing.status, 503);
  EXPECT_NE(closing.body.find("not_ready"), std::string::npos);
  EXPECT_EQ(Get("/v1/dates").status, 503);
  service_->OnStateOpened(*state_);  // for TearDown's symmetry
}

// While a task is restored from its changelogs (issue 12), the instance is not ready, says what
// it restores, and the metrics show the records still to read; once done, it is ready again.
TEST_F(HttpApiTest, ARestoreUnderWayIsNotReadyAndShowsItsProgress) {
  PartitionStatus partition;
  partition.topic = "fugong.readings";
  StreamStatus status;
  status.restoring = "task 0_3: fugong.fugong.meter_day-changelog at offset 100 of 900";
  status.restore_remaining = 800;
  status.restored_records = 100;
  service_->OnProgress(status, {partition}, 1000, 0);
  const HttpResult restoring = Get("/readyz");
  EXPECT_EQ(restoring.status, 503);
  EXPECT_EQ(nlohmann::json::parse(restoring.body)["reason"], "restoring " + status.restoring);
  const std::string metrics = Get("/metrics").body;
  EXPECT_NE(metrics.find("fugong_restore_remaining_records 800"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("fugong_restored_records_total 100"), std::string::npos);
  EXPECT_NE(metrics.find("fugong_ready 0"), std::string::npos);
  status.restoring.clear();
  status.restore_remaining = 0;
  status.restored_records = 900;
  service_->OnProgress(status, {partition}, 1000, 0);
  EXPECT_EQ(Get("/readyz").status, 200);
  EXPECT_NE(Get("/metrics").body.find("fugong_restored_records_total 900"), std::string::npos);
}

TEST_F(HttpApiTest, AFailedServiceIsUnhealthyAndNotReadyAndSaysWhy) {
  StreamStatus status;
  PartitionStatus partition;
  partition.topic = "fugong.readings";
  service_->OnProgress(status, {partition}, 1000, 0);
  ASSERT_EQ(Get("/readyz").status, 200);
  ASSERT_EQ(Get("/healthz").status, 200);
  const std::string why =
      "state write failed in /var/lib/fugong: IO error: No space left on device: While appending "
      "to file: /var/lib/fugong/000012.log: No space left on device";
  service_->OnFailed(Status::IOError(why));
  for (const char* path : {"/healthz", "/readyz"}) {
    const HttpResult r = Get(path);
    EXPECT_EQ(r.status, 503) << path;
    const nlohmann::json body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["reason"], why) << path;
    EXPECT_EQ(body["status"], std::string(path) == "/healthz" ? "failed" : "not_ready") << path;
  }
  EXPECT_NE(Get("/metrics").body.find("fugong_ready 0"), std::string::npos);
  // Progress reported after the failure (the loop's last report) does not make it ready again.
  service_->OnProgress(status, {partition}, 1000, 0);
  EXPECT_EQ(Get("/readyz").status, 503);
  EXPECT_EQ(Get("/healthz").status, 503);
}

TEST_F(HttpApiTest, DashboardIsServed) {
  HttpResult page = Get("/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<html"), std::string::npos);
  EXPECT_EQ(Get("/dashboard.js").status, 200);
  EXPECT_EQ(Get("/dashboard.css").status, 200);
}

// The text format's samples: "name{labels} value" -> value.
std::map<std::string, double> Samples(const std::string& text) {
  std::map<std::string, double> out;
  for (const std::string& line : SplitLines(text)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

// The matrix of a day is computed here from the backfill's county records, independently of the
// service: each county in its (risk, tier) cell, and the two lists.
TEST_F(HttpApiTest, MatrixPlacesEveryCountyByRiskAndTierAndListsTheOutliers) {
  for (const std::string date : {"2020-02-10", "2020-02-20"}) {
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> cells;
    std::vector<std::string> held_back, ahead, no_risk, unrated;
    for (const std::string& line : Expected(date, "county")) {
      const nlohmann::json record = nlohmann::json::parse(line);
      const std::string code = record["code"];
      if (record["tier"].is_null()) {
        unrated.push_back(code);
        continue;
      }
      if (!record.contains("risk")) {
        no_risk.push_back(code);
        continue;
      }
      const std::string risk = record["risk"], tier = record["tier"];
      cells[{risk, tier}].push_back(code);
      if ((risk == "low" || risk == "lower") && (tier == "T4" || tier == "T5")) {
        held_back.push_back(code);
      }
      if ((risk == "high" || risk == "very_high") && (tier == "T1" || tier == "T2")) {
        ahead.push_back(code);
      }
    }
    ASSERT_FALSE(cells.empty()) << date << ": the chart covers no rated county";

    HttpResult r = Get("/v1/matrix?date=" + date);
    ASSERT_EQ(r.status, 200) << r.body;
    const nlohmann::json doc = nlohmann::json::parse(r.body);
    EXPECT_EQ(doc["date"], date);
    ASSERT_EQ(doc["matrix"].size(), 5u);
    const std::vector<std::string> levels = {"very_high", "high", "medium", "lower", "low"};
    const std::vector<std::string> colors = {"red", "orange", "yellow", "blue", "green"};
    for (size_t row = 0; row < 5; ++row) {
      const nlohmann::json& r_row = doc["matrix"][row];
      EXPECT_EQ(r_row["risk"], levels[row]);
      EXPECT_EQ(r_row["color"], colors[row]);
      for (const std::string tier : {"T1", "T2", "T3", "T4", "T5"}) {
        std::vector<std::string> got;
        for (const auto& c : r_row["tiers"][tier]) {
          got.push_back(c["code"]);
          EXPECT_EQ(c["name"], config_->regions->Find(c["code"].get<std::string>())->name);
        }
        EXPECT_EQ(got, (cells[{levels[row], tier}])) << date << " " << levels[row] << " " << tier;
      }
    }
    const auto codes = [&](const char* list) {
      std::vector<std::string> out;
      for (const auto& c : doc[list]) out.push_back(c["code"]);
      return out;
    };
    EXPECT_EQ(codes("held_back"), held_back) << date;
    EXPECT_EQ(codes("ahead_of_risk"), ahead) << date;
    EXPECT_EQ(codes("no_risk"), no_risk) << date;
    EXPECT_EQ(codes("unrated"), unrated) << date;
    // The lists carry each county's figures as published.
    for (const auto& c : doc["held_back"]) {
      const nlohmann::json record =
          nlohmann::json::parse(records_->at(date + "|county|" + c["code"].get<std::string>()));
      EXPECT_EQ(c["risk"], record["risk"]);
      EXPECT_EQ(c["tier"], record["tier"]);
      EXPECT_DOUBLE_EQ(c["composite"].get<double>(), record["composite"].get<double>());
    }
  }
  EXPECT_EQ(Get("/v1/matrix").status, 400);
  EXPECT_EQ(Get("/v1/matrix?date=2020-02-30").status, 400);
  EXPECT_EQ(Get("/v1/matrix?date=2020-02-20&level=county").status, 400);
  EXPECT_EQ(Get("/v1/matrix?date=2021-02-20").status, 404);
}

// Guidance by zone, industry and week: each county's recommended categories (the shipped
// example table, for its risk level and week) against the others, summed here from the
// backfill's county x industry records, suppressed groups on neither side.
TEST_F(HttpApiTest, GuidanceComparesTheRecommendedCategoriesWithTheOthers) {
  const std::string date = "2020-02-20";
  HttpResult r = Get("/v1/guidance?date=" + date);
  ASSERT_EQ(r.status, 200) << r.body;
  const nlohmann::json doc = nlohmann::json::parse(r.body);
  ASSERT_EQ(doc["counties"].size(), Expected(date, "county").size());
  size_t covered = 0, sides_shown = 0;
  for (const nlohmann::json& c : doc["counties"]) {
    const std::string code = c["code"];
    SCOPED_TRACE(code);
    const nlohmann::json county = nlohmann::json::parse(records_->at(date + "|county|" + code));
    ASSERT_EQ(c["risk"], county.contains("risk") ? county["risk"] : nlohmann::json());
    const std::optional<std::set<std::string>> recommended =
        county.contains("risk")
            ? config_->guidance->Recommended(DayOf(date.c_str()),
                                             *ParseRiskLevel(county["risk"].get<std::string>()))
            : std::nullopt;
    ASSERT_EQ(c["covered"], recommended.has_value());
    if (!recommended) continue;
    ++covered;
    EXPECT_EQ(c["recommended"], nlohmann::json(*recommended));
    int64_t sums[2][2] = {{0, 0}, {0, 0}};  // [recommended?][eligible, resumed]
    for (const std::string& line : Expected(date, "county_industry")) {
      const nlohmann::json g = nlohmann::json::parse(line);
      const std::string group = g["code"];
      if (group.rfind(code + ":", 0) != 0 || g["eligible"].is_null()) continue;
      const int side = recommended->count(group.substr(code.size() + 1)) ? 0 : 1;
      sums[side][0] += g["eligible"].get<int64_t>();
      sums[side][1] += g["resumed"].get<int64_t>();
    }
    int shown = 0;
    for (int side = 0; side < 2; ++side) {
      const nlohmann::json& s = c[side == 0 ? "recommended_resumption" : "others_resumption"];
      const bool suppressed = sums[side][0] < config_->engine.min_group_size;
      EXPECT_EQ(s["suppressed"], suppressed);
      if (suppressed) continue;
      ++shown;
      EXPECT_EQ(s["eligible"], sums[side][0]);
      EXPECT_EQ(s["resumed"], sums[side][1]);
      EXPECT_NEAR(s["resumption_rate"].get<double>(),
                  static_cast<double>(sums[side][1]) / sums[side][0], 5e-7);
    }
    sides_shown += shown;
  }
  EXPECT_GT(covered, 80u);
  // 400 enterprises in 90 counties: with min_group_size 2 (set for this suite) enough county x
  // industry groups have figures for both kinds of side, suppressed and shown.
  EXPECT_GT(sides_shown, 40u) << "too few sides with figures to check the sums";
  EXPECT_LT(sides_shown, 2 * covered) << "no suppressed side: the rule is not exercised";
  // One county; bad requests.
  const std::string one = doc["counties"][0]["code"];
  const nlohmann::json single =
      nlohmann::json::parse(Get("/v1/guidance?date=" + date + "&county=" + one).body);
  ASSERT_EQ(single["counties"].size(), 1u);
  EXPECT_EQ(single["counties"][0], doc["counties"][0]);
  EXPECT_EQ(Get("/v1/guidance?date=" + date + "&county=330100").status, 400) << "a city";
  EXPECT_EQ(Get("/v1/guidance").status, 400);
  EXPECT_EQ(Get("/v1/guidance?date=2021-02-20").status, 404);
}

// The gauges of the two lists and of each county's run of days held back, from the records the
// service shows at start (the last week's county records), against the backfill's.
TEST_F(HttpApiTest, HeldBackGaugesCountTheLatestDayAndEachCountysRun) {
  const std::map<std::string, double> samples = Samples(Get("/metrics").body);
  const auto held = [&](const std::string& date, const std::string& code) {
    auto it = records_->find(date + "|county|" + code);
    if (it == records_->end()) return false;
    const nlohmann::json record = nlohmann::json::parse(it->second);
    if (!record.contains("risk") || record["tier"].is_null()) return false;
    const std::string risk = record["risk"], tier = record["tier"];
    return (risk == "low" || risk == "lower") && (tier == "T4" || tier == "T5");
  };
  int held_back = 0, longest = 0;
  for (const std::string& code : config_->regions->counties()) {
    int run = 0;
    for (Day d = DayOf("2020-02-20"); run < 7 && held(FormatDate(d), code); --d) ++run;
    held_back += held("2020-02-20", code);
    longest = std::max(longest, run);
    const auto it = samples.find("fugong_county_held_back_days{code=\"" + code + "\"}");
    if (records_->count("2020-02-20|county|" + code) == 0) continue;
    ASSERT_NE(it, samples.end()) << code;
    EXPECT_EQ(it->second, run) << code;
  }
  EXPECT_GT(held_back, 0) << "the fixture's chart holds no county back on 2020-02-20";
  EXPECT_GE(longest, 3) << "no county is held back long enough for the alert";
  EXPECT_EQ(samples.at("fugong_counties_held_back"), held_back);
  int ahead = 0;
  for (const std::string& line : Expected("2020-02-20", "county")) {
    const nlohmann::json record = nlohmann::json::parse(line);
    if (!record.contains("risk") || record["tier"].is_null()) continue;
    const std::string risk = record["risk"], tier = record["tier"];
    ahead += (risk == "high" || risk == "very_high") && (tier == "T1" || tier == "T2");
  }
  EXPECT_EQ(samples.at("fugong_counties_ahead_of_risk"), ahead);
}

TEST_F(HttpApiTest, MetricsFollowTheConventionsAndShowTheLatestComposites) {
  // Every record of the season, delivered in key order (older days first), as the loop would.
  std::vector<OutboxRecord> delivered;
  for (const auto& [key, line] : *records_) {
    delivered.push_back({OutputKind::kIndex, key, line, ""});
  }
  delivered.push_back({OutputKind::kDeadLetter, "", "{}", ""});
  service_->OnDelivered(delivered);
  // Then an old day's correction: it must not replace the latest day's figure.
  const std::string county = RegionTable::Zhejiang().counties()[0];
  std::string old = records_->at("2020-01-10|county|" + county);
  service_->OnDelivered({{OutputKind::kIndex, "2020-01-10|county|" + county, old, ""}});

  StreamStatus status;
  status.readings.records = 1000;
  status.readings.used = 990;
  status.readings.dead[static_cast<size_t>(DeadLetterReason::kNegativeKwh)] = 10;
  status.watermark = 1581000000;
  status.closed_through = DayOf("2020-02-20");
  status.records_new = 7;
  service_->OnProgress(status, {}, 4096, 0);
  // A later report of lifetime counters adds only the difference.
  status.readings.records = 1500;
  service_->OnProgress(status, {}, 4096, 0);
  service_->OnDaysPublished(0.3);

  HttpResult r = Get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  const std::map<std::string, double> samples = Samples(r.body);
  EXPECT_EQ(samples.at("fugong_records_consumed_total{input=\"readings\"}"), 1500);
  EXPECT_EQ(samples.at("fugong_records_used_total{input=\"readings\"}"), 990);
  EXPECT_EQ(
      samples.at("fugong_records_dead_lettered_total{input=\"readings\",reason=\"negative_kwh\"}"),
      10);
  EXPECT_EQ(samples.at("fugong_watermark_timestamp_seconds"), 1581000000);
  // 2020-02-21T00:00+08:00: the end of the last closed day.
  EXPECT_EQ(samples.at("fugong_closed_through_timestamp_seconds"), 1582214400);
  EXPECT_EQ(samples.at("fugong_index_records_published_total{kind=\"new\"}"), 7);
  EXPECT_EQ(samples.at("fugong_output_messages_acknowledged_total{output=\"deadletter\"}"), 1);
  EXPECT_EQ(samples.at("fugong_day_publish_seconds_count"), 1);
  EXPECT_EQ(samples.at("fugong_state_size_bytes"), 4096);

  // The composite gauges hold the last day's figures; suppressed groups have none.
  size_t composite_series = 0;
  for (const auto& [name, value] : samples) {
    composite_series += name.rfind("fugong_composite_index{", 0) == 0;
  }
  size_t shown = 0;
  for (const std::string level : {"province", "city", "county"}) {
    for (const std::string& line : Expected("2020-02-20", level)) {
      const nlohmann::json record = nlohmann::json::parse(line);
      const std::string labels =
          "{code=\"" + record["code"].get<std::string>() + "\",level=\"" + level + "\"}";
      if (record["suppressed"].get<bool>()) {
        EXPECT_EQ(samples.count("fugong_composite_index" + labels), 0u) << labels;
        continue;
      }
      ++shown;
      EXPECT_DOUBLE_EQ(samples.at("fugong_composite_index" + labels),
                       record["composite"].get<double>())
          << labels;
      EXPECT_EQ(samples.at("fugong_composite_tier" + labels),
                record["tier"].get<std::string>()[1] - '0')
          << labels;
      // The day-shape figures of 15-minute readings: the share of suspects of idle running.
      ASSERT_TRUE(record["suspect_idle"].is_number_integer()) << line;
      EXPECT_DOUBLE_EQ(samples.at("fugong_suspect_idle_share" + labels),
                       record["suspect_idle"].get<double>() / record["eligible"].get<double>())
          << labels;
    }
  }
  EXPECT_EQ(composite_series, shown);
  EXPECT_LE(composite_series, 1u + 11u + 90u);

  // Conventions: every family is fugong_-prefixed; counters end in _total; no label names an
  // enterprise or meter.
  const std::regex type_line(R"(# TYPE (\S+) (\S+))");
  for (auto it = std::sregex_iterator(r.body.begin(), r.body.end(), type_line);
       it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[1], type = (*it)[2];
    EXPECT_EQ(name.rfind("fugong_", 0), 0u) << name;
    if (type == "counter") {
      EXPECT_TRUE(name.ends_with("_total")) << name;
    }
  }
  EXPECT_EQ(r.body.find("enterprise="), std::string::npos);
  EXPECT_EQ(r.body.find("meter="), std::string::npos);
}

TEST_F(HttpApiTest, LiveStreamSendsDeliveredRecordsOfItsLevel) {
  EventStreamClient all(service_->address(), "/v1/stream");
  EventStreamClient province(service_->address(), "/v1/stream?level=province");
  // Both subscribed before anything is delivered.
  for (int i = 0;
       i < 50 &&
       HttpGet(service_->address(), "/metrics").body.find("fugong_live_stream_clients 2") ==
           std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::vector<OutboxRecord> delivered;
  std::vector<std::string> provinces;
  for (const std::string level : {"province", "city", "county"}) {
    for (const std::string& line : Expected("2020-02-20", level)) {
      delivered.push_back({OutputKind::kIndex, IndexKeyOf(line), line, ""});
      if (level == "province") provinces.push_back(line);
    }
  }
  service_->OnDelivered(delivered);
  const auto& got_all = all.WaitForData(delivered.size(), std::chrono::seconds(10));
  ASSERT_EQ(got_all.size(), delivered.size());
  for (size_t i = 0; i < delivered.size(); ++i) EXPECT_EQ(got_all[i], delivered[i].value);
  EXPECT_NE(all.head().find("text/event-stream"), std::string::npos);
  // The province client waits a little longer: nothing of other levels may arrive.
  const auto& got_province = province.WaitForData(provinces.size() + 1, std::chrono::seconds(1));
  EXPECT_EQ(got_province, provinces);
}

}  // namespace
}  // namespace fugong

namespace fugong {
namespace {

// Invalid UTF-8, NUL bytes and overlong encodings, percent-encoded, in every place a request
// carries text: after each route's path, as each parameter's value and as a parameter's name.
// Each must get an answer (never a crash: the server answers the next request), and every JSON
// answer must be valid JSON, which nlohmann's parser checks (it rejects invalid UTF-8).
TEST_F(HttpApiTest, HostileBytesInPathsParametersAndHeadersGetAnAnswerNeverAStop) {
  const std::vector<std::string> hostile = {
      "%FF",           // never valid in UTF-8
      "%C0%AF",        // an overlong '/'
      "%00",           // NUL
      "%ED%A0%80",     // a UTF-16 surrogate encoded as UTF-8
      "%F4%90%80%80",  // past U+10FFFF
      "%E2%82",        // a truncated sequence
      "%1B%5B2J",      // a terminal escape
  };
  const std::vector<std::pair<std::string, std::vector<std::string>>> routes = {
      {"/v1/index", {"date", "level", "code"}},
      {"/v1/index/series", {"level", "code", "from", "to"}},
      {"/v1/dates", {}},
      {"/v1/regions", {}},
      {"/v1/map/2020-02-03.svg", {}},
      {"/v1/stream", {"level"}},
      {"/v1/suspects", {"date", "county"}},
      {"/healthz", {}},
      {"/readyz", {}},
      {"/metrics", {}},
      {"/", {}},
      {"/dashboard.js", {}},
  };
  // Valid values, so that one hostile field at a time is what the route sees.
  const std::map<std::string, std::string> valid = {{"date", "2020-02-03"}, {"level", "county"},
                                                    {"code", "330102"},     {"county", "330102"},
                                                    {"from", "2020-02-01"}, {"to", "2020-02-05"}};
  std::vector<std::string> targets;
  for (const auto& [path, names] : routes) {
    for (const std::string& bad : hostile) {
      targets.push_back(path + bad);
      targets.push_back(path + "/" + bad);
      targets.push_back(path + "?" + bad + "=1");
      for (const std::string& name : names) {
        std::string query;
        for (const std::string& other : names) {
          query +=
              (query.empty() ? "" : "&") + other + "=" + (other == name ? bad : valid.at(other));
        }
        targets.push_back(path + "?" + query);
      }
    }
  }
  for (const std::string& target : targets) {
    HttpResult r = Get(target);
    ASSERT_NE(r.status, 0) << target << ": no answer: " << r.error;
    EXPECT_NE(r.status, 500) << target << ": " << r.body;
    if (r.content_type == "application/json") {
      EXPECT_FALSE(nlohmann::json::parse(r.body, nullptr, false).is_discarded())
          << target << ": not valid JSON: " << r.body;
    }
  }
  // The reported requests, exactly: the one that once stopped the service answers 404, naming
  // the code with U+FFFD for the bytes that are not UTF-8.
  HttpResult overlong = Get("/v1/index?date=2020-02-20&level=county&code=%C0%AF");
  EXPECT_EQ(overlong.status, 404);
  EXPECT_NE(overlong.body.find("\xEF\xBF\xBD"), std::string::npos) << overlong.body;
  EXPECT_EQ(Get("/v1/%FF").status, 404);
  EXPECT_EQ(Get("/v1/stream?level=%FF").status, 400);
  // Raw bytes (not percent-encoded) in the target and in headers.
  for (const std::string& raw : {
           std::string("GET /v1/\xFF\xFE HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
           std::string("GET /v1/dates HTTP/1.1\r\nHost: \xC0\xAF\r\nX-Bad: \xFF\r\n"
                       "Connection: close\r\n\r\n"),
           std::string("GET /v1/dates HTTP/1.1\r\nHost: x\r\nX-Nul: a") + '\0' +
               "b\r\nConnection: close\r\n\r\n",
           std::string("GET /v1/index?date=2020-02-03&level=county&code=\xED\xA0\x80 HTTP/1.1\r\n"
                       "Host: x\r\nConnection: close\r\n\r\n"),
       }) {
    const std::string answer = testing::RawExchange(service_->address(), raw);
    EXPECT_EQ(answer.rfind("HTTP/1.1 ", 0), 0u) << PrintableText(raw) << " -> " << answer;
    EXPECT_EQ(answer.find("HTTP/1.1 500"), std::string::npos) << answer;
  }
  // Still serving, and nothing was answered by the last-resort 500.
  EXPECT_EQ(Get("/v1/dates").status, 200);
  EXPECT_NE(Get("/metrics").body.find("fugong_http_handler_failures_total 0"), std::string::npos);
}

}  // namespace
}  // namespace fugong
