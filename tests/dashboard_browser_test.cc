// The dashboard (web/) in a real browser: headless Chromium, driven over the DevTools Protocol,
// opens the page that `fugong serve --http` serves while the service streams a generated province
// from the embedded cluster. The page must show the latest published day (every county tile in
// the tier the service published, every city and county in the table, the industries), and must
// switch to the next day by itself when the service publishes it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "app/render/bulletin_html.h"
#include "app/render/risk_legend.h"
#include "app/render/tier_palette.h"
#include "connectors/kafka/embedded_cluster.h"
#include "engine/reference/region_table.h"
#include "tests/support/child_process.h"
#include "tests/support/command_lines.h"
#include "tests/support/devtools_client.h"
#include "tests/support/files.h"
#include "tests/support/generated_province.h"
#include "tests/support/http_client.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;
using testing::ChildProcess;
using testing::DevToolsPage;
using testing::GenerateProvinceInto;
using testing::HeadlessChromium;
using testing::HttpGet;
using testing::HttpResult;
using testing::ProduceCommand;
using testing::ReadFile;
using testing::ServeCommand;
using testing::SplitLines;
using Clock = std::chrono::steady_clock;

// The tier number a record is drawn in: 1..5, 0 for suppressed or no tier.
int TierOf(const nlohmann::json& record) {
  if (!record.contains("tier") || !record["tier"].is_string()) return 0;
  const std::string tier = record["tier"];
  return tier.size() == 2 && tier[0] == 'T' && tier[1] >= '1' && tier[1] <= '5' ? tier[1] - '0' : 0;
}

// One decimal, as the page prints a figure (JavaScript's toFixed(1)): the nearest tenth of the
// double's exact value, a tie rounded up, where printf would round a tie to even (6.25 is "6.3"
// on the page, "6.2" from printf). For x >= 0.
std::string OneDecimal(double x) {
  char exact[64];
  std::snprintf(exact, sizeof exact, "%.30f", x);  // glibc prints the exact binary value
  const std::string text = exact;
  const size_t point = text.find('.');
  const int64_t tenths = std::stoll(text.substr(0, point)) * 10 + (text[point + 1] - '0') +
                         (text[point + 2] >= '5' ? 1 : 0);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

// A share as the page prints it: "42.5 %".
std::string Percent(double x) { return OneDecimal(100 * x) + " %"; }

// The readings of the generated files with `after < ts <= through` (ISO-8601 texts of one
// offset, so they compare as strings), in file order, as one CSV file: the service is fed a
// province day by day, as a live one would be.
void WriteReadingsBetween(const std::vector<std::string>& files, const std::string& after,
                          const std::string& through, const fs::path& out) {
  std::ofstream csv(out);
  bool header_written = false;
  for (const std::string& file : files) {
    const std::vector<std::string> lines = SplitLines(ReadFile(file));
    ASSERT_FALSE(lines.empty()) << file;
    if (!header_written) csv << lines[0] << "\n";
    header_written = true;
    ASSERT_EQ(lines[0].substr(0, 27), "meter_id,enterprise_id,ts,k") << "columns moved: " << file;
    for (size_t i = 1; i < lines.size(); ++i) {
      const size_t a = lines[i].find(','), b = lines[i].find(',', a + 1);
      const std::string ts = lines[i].substr(b + 1, 19);
      if (ts > after && ts <= through) csv << lines[i] << "\n";
    }
  }
}

class DashboardBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fugong-dashboard-test-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    log_ = (dir_ / "serve.log").string();
    // Days of the 2020 shutdown, so that some counties have many enterprises suspected of idle
    // running (idle runners and high standbys: docs/day-shape.md) and others few.
    const std::optional<GenerateSummary> generated =
        GenerateProvinceInto(dir_, {.seed = 4,
                                    .enterprises = 500,
                                    .from = "2020-01-02",
                                    .to = "2020-02-12",
                                    .faults = false,
                                    .high_standby_fraction = 0.10,
                                    .idle_runner_fraction = 0.10});
    ASSERT_TRUE(generated);
    // The first batch closes 2020-02-10 (it ends at 2020-02-11T00:00; a day closes 2 h after its
    // end in event time), the second 2020-02-11.
    WriteReadingsBetween(generated->readings_files, "", "2020-02-11T03:00:00",
                         dir_ / "readings-1.csv");
    if (HasFatalFailure()) return;
    WriteReadingsBetween(generated->readings_files, "2020-02-11T03:00:00", "2020-02-12T03:00:00",
                         dir_ / "readings-2.csv");
    if (HasFatalFailure()) return;
    // A short explicit baseline window (instead of the season's 42 days) keeps the province
    // small; the days in it are published together once it closes.
    std::ofstream(dir_ / "config.yaml") << "interval_minutes: 60\n"
                                        << "commit_interval_ms: 200\n"
                                        << "idle_partition_seconds: 5\n"
                                        << "baseline_from: 2020-01-02\n"
                                        << "baseline_to: 2020-01-15\n"
                                        << "levels: [province, city, county, industry]\n"
                                        << "kafka:\n  session.timeout.ms: 6000\n";

    Result<std::unique_ptr<EmbeddedCluster>> cluster = EmbeddedCluster::Start(3);
    ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
    cluster_ = std::move(cluster).value();
    for (const auto& [topic, partitions] :
         std::vector<std::pair<std::string, int>>{{"fugong.readings", 12},
                                                  {"fugong.enterprises", 2},
                                                  {"fugong.weather", 1},
                                                  {"fugong.risk", 1},
                                                  {"fugong.index.daily", 6},
                                                  {"fugong.deadletter", 1}}) {
      ASSERT_TRUE(cluster_->CreateTopic(topic, partitions).ok());
    }
  }

  void TearDown() override {
    if (HasFailure() && fs::exists(log_)) std::cerr << "serve log:\n" << ReadFile(log_) << "\n";
    browser_.reset();
    serve_.reset();
    cluster_.reset();
    fs::remove_all(dir_);
  }

  // `fugong produce` of files into a topic, to completion; readings are paced on the service's
  // lag so that the mock broker never drops what was not yet read.
  void Produce(const std::string& topic, const std::string& kind, const std::string& file) {
    ChildProcess p(ProduceCommand(cluster_->bootstrap_servers(), topic, kind, {file}), log_,
                   "/dev/null");
    ASSERT_EQ(p.Wait(std::chrono::seconds(120)), 0) << "produce " << file;
  }

  // Starts `fugong serve --http 127.0.0.1:0` and returns the address it listens on.
  std::string StartServe() {
    serve_ = std::make_unique<ChildProcess>(
        ServeCommand((dir_ / "config.yaml").string(), (dir_ / "state").string(),
                     cluster_->bootstrap_servers(), {"--http", "127.0.0.1:0"}),
        log_, (dir_ / "serve.out").string());
    const std::string marker = "fugong serve: http: listening on http://";
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < deadline && !serve_->Exited()) {
      const std::string log = ReadFile(log_);
      const size_t at = log.find(marker);
      if (at != std::string::npos) {
        const size_t begin = at + marker.size(), end = log.find('/', begin);
        if (end != std::string::npos) return log.substr(begin, end - begin);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "fugong serve did not say where it listens";
    return "";
  }

  nlohmann::json GetJson(const std::string& target) {
    const HttpResult r = HttpGet(address_, target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body << r.error;
    return r.status == 200 ? nlohmann::json::parse(r.body, nullptr, false) : nlohmann::json();
  }

  // Polls /v1/dates until `date` is in it.
  bool WaitForPublishedDay(const std::string& date, std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      const HttpResult r = HttpGet(address_, "/v1/dates");
      if (r.status == 200) {
        const nlohmann::json dates = nlohmann::json::parse(r.body, nullptr, false);
        if (dates.is_object() && dates.contains("dates")) {
          for (const nlohmann::json& d : dates["dates"]) {
            if (d == date) return true;
          }
        }
      }
      if (serve_->Exited()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return false;
  }

  nlohmann::json Evaluate(const std::string& expression) {
    Result<nlohmann::json> v = browser_->page().Evaluate(expression);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : nlohmann::json();
  }

  // Each county tile of the page is in the tier the service published for `date`, drawn in that
  // tier's palette colour; each city and county has its row with the published figure.
  void ExpectPageShowsDay(const std::string& date) {
    SCOPED_TRACE("day " + date);
    const RegionTable& regions = RegionTable::Zhejiang();
    // Records by code; the answer is held in a variable, since a range-for over a member of a
    // temporary would read a destroyed object.
    auto by_code = [&](const std::string& level) {
      const nlohmann::json answer = GetJson("/v1/index?date=" + date + "&level=" + level);
      std::map<std::string, nlohmann::json> records;
      if (answer.contains("records")) {
        for (const nlohmann::json& r : answer["records"]) records[r["code"].get<std::string>()] = r;
      }
      return records;
    };
    const std::map<std::string, nlohmann::json> counties = by_code("county");
    ASSERT_FALSE(counties.empty());

    const nlohmann::json tiles = Evaluate(
        "Array.from(document.querySelectorAll('#map rect.tile')).map(t => "
        "[t.getAttribute('data-code'), t.getAttribute('data-tier'), t.getAttribute('fill')])");
    ASSERT_TRUE(tiles.is_array());
    EXPECT_EQ(tiles.size(), regions.counties().size()) << "one tile per county of the table";
    std::set<std::string> seen;
    int coloured = 0;
    for (const nlohmann::json& tile : tiles) {
      const std::string code = tile[0].is_string() ? tile[0].get<std::string>() : "";
      const std::string tier_text = tile[1].is_string() ? tile[1].get<std::string>() : "";
      const std::string fill = tile[2].is_string() ? tile[2].get<std::string>() : "";
      SCOPED_TRACE("tile " + code);
      EXPECT_TRUE(regions.IsCounty(code));
      EXPECT_TRUE(seen.insert(code).second) << "two tiles";
      ASSERT_EQ(tier_text.size(), 1u);
      const int tier = tier_text[0] - '0';
      ASSERT_TRUE(tier >= 0 && tier <= 5) << tier_text;
      EXPECT_EQ(fill, render::TierFill(tier)) << "the palette colour of tier " << tier;
      auto record = counties.find(code);
      const int published = record == counties.end() ? 0 : TierOf(record->second);
      EXPECT_EQ(tier, published);
      if (record != counties.end() && !record->second["suppressed"].get<bool>()) {
        EXPECT_GE(tier, 1) << "a county with figures has a tier";
      }
      coloured += tier > 0;
    }
    EXPECT_GT(coloured, 45) << "most counties have figures";

    // The table: every city and county of the region table, in the published tier.
    std::map<std::string, nlohmann::json> published = counties;
    published.merge(by_code("city"));
    const nlohmann::json rows = Evaluate(
        "Array.from(document.querySelectorAll('#regions tbody tr')).map(r => "
        "[r.dataset.code, r.dataset.level, r.querySelector('td.composite').textContent, "
        "r.querySelector('.tier').textContent])");
    ASSERT_TRUE(rows.is_array());
    EXPECT_EQ(rows.size(), regions.cities().size() + regions.counties().size());
    for (const nlohmann::json& row : rows) {
      const std::string code = row[0];
      SCOPED_TRACE("row " + code);
      auto record = published.find(code);
      if (record == published.end()) {
        EXPECT_EQ(row[2], "no data");
        continue;
      }
      const nlohmann::json& r = record->second;
      EXPECT_EQ(row[1], r["level"]);
      if (r["suppressed"].get<bool>()) {
        EXPECT_EQ(row[2], "suppressed");
        EXPECT_EQ(row[3], "suppressed");
      } else {
        EXPECT_EQ(row[2], OneDecimal(r["composite"].get<double>()));
        EXPECT_EQ(row[3].get<std::string>().substr(0, 2), r["tier"].get<std::string>());
      }
    }

    // The day shape (issue 14): each row's active rate and count of suspected idle runners as
    // published, and the counties with more than a tenth of their eligible enterprises suspected
    // marked, in the table and by a badge on their tile.
    const nlohmann::json shape_rows = Evaluate(
        "Array.from(document.querySelectorAll('#regions tbody tr')).map(r => [r.dataset.code, "
        "r.querySelector('td.active-rate').textContent, "
        "r.querySelector('td.suspects').textContent, "
        "r.dataset.suspects])");
    ASSERT_TRUE(shape_rows.is_array());
    std::set<std::string> many;  // the counties that must be marked
    int judged_rows = 0;
    for (const nlohmann::json& row : shape_rows) {
      const std::string code = row[0];
      SCOPED_TRACE("shape of row " + code);
      auto record = published.find(code);
      if (record == published.end() || record->second["suppressed"].get<bool>()) {
        EXPECT_EQ(row[1], "–");
        EXPECT_EQ(row[2], "–");
        EXPECT_EQ(row[3], "");
        continue;
      }
      const nlohmann::json& r = record->second;
      ASSERT_TRUE(r.contains("active_rate") && r["suspect_idle"].is_number()) << r;
      EXPECT_EQ(row[1],
                r["active_rate"].is_number() ? Percent(r["active_rate"].get<double>()) : "–");
      judged_rows += r["active_rate"].is_number();
      EXPECT_EQ(row[2], std::to_string(r["suspect_idle"].get<int>()));
      const bool marked = r["suspect_idle"].get<double>() / r["eligible"].get<double>() > 0.1;
      EXPECT_EQ(row[3], marked ? "many" : "");
      if (marked && r["level"] == "county") many.insert(code);
    }
    EXPECT_GT(judged_rows, 45);
    EXPECT_GE(many.size(), 1u) << "no county has many suspects: nothing was tested";
    EXPECT_LT(many.size(), static_cast<size_t>(coloured)) << "every county marked: nothing tested";
    const nlohmann::json marks = Evaluate(
        "[Array.from(document.querySelectorAll('#map rect.tile[data-suspects=\"many\"]'))"
        ".map(t => t.getAttribute('data-code')), "
        "Array.from(document.querySelectorAll('#map g.suspect-mark')).map(g => g.dataset.code), "
        "document.getElementById('suspects-legend').hidden]");
    ASSERT_TRUE(marks.is_array() && marks.size() == 3u) << marks;
    EXPECT_EQ(std::set<std::string>(marks[0].begin(), marks[0].end()), many);
    EXPECT_EQ(std::set<std::string>(marks[1].begin(), marks[1].end()), many);
    EXPECT_EQ(marks[2], false) << "the legend explains the badge";

    // The second map: each county tile in the level its record carries, in the colour of the
    // health commission's name for it.
    const nlohmann::json risk_tiles = Evaluate(
        "Array.from(document.querySelectorAll('#risk-map rect.tile')).map(t => "
        "[t.getAttribute('data-code'), t.getAttribute('data-risk'), t.getAttribute('fill')])");
    ASSERT_TRUE(risk_tiles.is_array());
    EXPECT_EQ(risk_tiles.size(), regions.counties().size());
    int with_level = 0;
    for (const nlohmann::json& tile : risk_tiles) {
      const std::string code = tile[0].is_string() ? tile[0].get<std::string>() : "";
      const std::string level = tile[1].is_string() ? tile[1].get<std::string>() : "?";
      SCOPED_TRACE("risk tile " + code);
      auto record = counties.find(code);
      const std::string published = record != counties.end() && record->second.contains("risk")
                                        ? record->second["risk"].get<std::string>()
                                        : "";
      EXPECT_EQ(level, published);
      const int colour = level.empty() ? 0 : render::RiskColourClass(*ParseRiskLevel(level));
      EXPECT_EQ(tile[2], render::TierFill(colour));
      with_level += !level.empty();
    }
    EXPECT_GT(with_level, 45);
    EXPECT_EQ(Evaluate("document.getElementById('risk-note').hidden"), true);

    // The matrix: each cell's count is the service's, and the two lists name its counties.
    const nlohmann::json matrix = GetJson("/v1/matrix?date=" + date);
    const nlohmann::json cells = Evaluate(
        "Array.from(document.querySelectorAll('#matrix tbody tr')).map(r => "
        "[r.dataset.risk, Array.from(r.querySelectorAll('td')).map(td => "
        "[td.dataset.tier, Number(td.dataset.count)])])");
    ASSERT_TRUE(cells.is_array());
    ASSERT_EQ(cells.size(), 5u);
    for (size_t row = 0; row < 5; ++row) {
      EXPECT_EQ(cells[row][0], matrix["matrix"][row]["risk"]);
      for (const nlohmann::json& cell : cells[row][1]) {
        EXPECT_EQ(cell[1], matrix["matrix"][row]["tiers"][cell[0].get<std::string>()].size())
            << cells[row][0] << " " << cell[0];
      }
    }
    const auto page_list = [&](const std::string& id) {
      return Evaluate("Array.from(document.querySelectorAll('#" + id +
                      " li[data-code]')).map(li => li.dataset.code)");
    };
    const auto api_list = [&](const char* name) {
      nlohmann::json codes = nlohmann::json::array();
      for (const nlohmann::json& c : matrix[name]) codes.push_back(c["code"]);
      return codes;
    };
    EXPECT_EQ(page_list("held-back"), api_list("held_back"));
    EXPECT_EQ(page_list("ahead-of-risk"), api_list("ahead_of_risk"));

    const nlohmann::json industries =
        GetJson("/v1/index?date=" + date + "&level=industry")["records"];
    EXPECT_FALSE(industries.empty());
    EXPECT_EQ(Evaluate("document.querySelectorAll('#industries .bars li').length"),
              industries.size());
    const nlohmann::json province =
        GetJson("/v1/index?date=" + date + "&level=province")["records"][0];
    EXPECT_EQ(Evaluate("document.querySelector('#province .big').textContent"),
              OneDecimal(province["composite"].get<double>()));
    // The province's active rate beside its resumption rate.
    const nlohmann::json facts = Evaluate(
        "Object.fromEntries(Array.from(document.querySelectorAll('#province dl.facts > div'))"
        ".map(d => [d.querySelector('dt').textContent, d.querySelector('dd').textContent]))");
    EXPECT_EQ(facts["Resumption rate"], Percent(province["resumption_rate"].get<double>()));
    EXPECT_EQ(facts["Active rate (day shape)"], Percent(province["active_rate"].get<double>()));
    EXPECT_EQ(facts["Suspected idle running"],
              std::to_string(province["suspect_idle"].get<int>()) + " of " +
                  std::to_string(province["eligible"].get<int>()) + " eligible");
    EXPECT_EQ(Evaluate("document.getElementById('banner').hidden"), true)
        << Evaluate("document.getElementById('banner').textContent");

    // The link to the day's bulletin, and the page it opens.
    const nlohmann::json href =
        Evaluate("document.getElementById('bulletin').getAttribute('href')");
    ASSERT_EQ(href, "/v1/bulletin/" + date + ".html");
    EXPECT_EQ(Evaluate("document.getElementById('bulletin').hidden"), false);
    const HttpResult bulletin = HttpGet(address_, href.get<std::string>());
    EXPECT_EQ(bulletin.status, 200);
    EXPECT_NE(bulletin.body.find("id=\"province-composite\">" +
                                 render::FormatComposite(province["composite"].get<double>())),
              std::string::npos);
  }

  fs::path dir_;
  std::string log_, address_;
  std::unique_ptr<EmbeddedCluster> cluster_;
  std::unique_ptr<ChildProcess> serve_;
  std::unique_ptr<HeadlessChromium> browser_;
};

TEST_F(DashboardBrowserTest, ShowsTheLatestDayAndSwitchesToANewOneLive) {
  // The browser first: without it there is nothing to test, and it must say so, not skip.
  Result<std::unique_ptr<HeadlessChromium>> browser = HeadlessChromium::Launch({});
  ASSERT_TRUE(browser.ok()) << browser.status().ToString();
  browser_ = std::move(browser).value();
  DevToolsPage& page = browser_->page();

  Produce("fugong.enterprises", "enterprises", (dir_ / "input/enterprises.csv").string());
  Produce("fugong.weather", "weather", (dir_ / "input/weather.csv").string());
  // An epidemic risk chart for the days shown: every county a level from 2020-01-01, the five in
  // turn, and every fourth one another from 2020-02-11, so that the second map changes with the
  // day.
  {
    std::ofstream chart(dir_ / "risk.csv");
    chart << "county_code,date,level\n";
    const std::vector<std::string>& counties = RegionTable::Zhejiang().counties();
    for (size_t i = 0; i < counties.size(); ++i) {
      chart << counties[i] << ",2020-01-01," << RiskLevelName(kRiskLevels[i % 5]) << "\n";
      if (i % 4 == 0) {
        chart << counties[i] << ",2020-02-11," << RiskLevelName(kRiskLevels[(i + 3) % 5]) << "\n";
      }
    }
  }
  Produce("fugong.risk", "risk", (dir_ / "risk.csv").string());
  address_ = StartServe();
  ASSERT_FALSE(address_.empty());
  Produce("fugong.readings", "readings", (dir_ / "readings-1.csv").string());
  ASSERT_TRUE(WaitForPublishedDay("2020-02-10", std::chrono::seconds(60)))
      << "2020-02-10 was not published; /v1/dates: " << HttpGet(address_, "/v1/dates").body;

  ASSERT_TRUE(page.Navigate("http://" + address_ + "/").ok());
  const Status ready = page.WaitFor(
      "document.body.dataset.ready === '1' && document.body.dataset.date === '2020-02-10'",
      std::chrono::seconds(20));
  ASSERT_TRUE(ready.ok()) << ready.ToString() << "\nbanner: "
                          << Evaluate("document.getElementById('banner').textContent");
  ExpectPageShowsDay("2020-02-10");

  // The screenshot is kept in the test's working directory (build/tests) to look at.
  Result<std::string> png = page.ScreenshotPng();
  ASSERT_TRUE(png.ok()) << png.status().ToString();
  const std::string signature = "\x89PNG\r\n\x1a\n";
  ASSERT_GT(png->size(), 24u);
  EXPECT_EQ(png->substr(0, 8), signature);
  auto be32 = [&](size_t at) {
    const auto* b = reinterpret_cast<const unsigned char*>(png->data() + at);
    return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
  };
  EXPECT_EQ(be32(16), 1400u) << "width";
  EXPECT_EQ(be32(20), 1000u) << "height";
  // A blank or unstyled page compresses to a few kB; the map, chart and table do not.
  EXPECT_GT(png->size(), 60000u);
  std::ofstream(fs::current_path() / "dashboard.png", std::ios::binary) << *png;

  // A new day while the page is open: it must follow without being reloaded (a reload would
  // drop the marker).
  ASSERT_EQ(Evaluate("window.fugongTestMarker = 1"), 1);
  // A live record of the day shown may still come (the API has a day before the brokers have
  // acknowledged all of it); what counts is a reload after this point.
  const nlohmann::json updates = Evaluate("window.fugongUpdates");
  ASSERT_TRUE(updates.is_number()) << updates;
  Produce("fugong.readings", "readings", (dir_ / "readings-2.csv").string());
  const Status switched = page.WaitFor(
      "document.body.dataset.date === '2020-02-11' && document.body.dataset.ready === '1' && "
      "window.fugongUpdates > " +
          updates.dump() + " && window.fugongTestMarker === 1",
      std::chrono::seconds(60));
  ASSERT_TRUE(switched.ok()) << switched.ToString()
                             << "\n/v1/dates: " << HttpGet(address_, "/v1/dates").body << "\npage: "
                             << Evaluate(
                                    "[document.body.dataset.date, window.fugongUpdates, "
                                    "document.getElementById('banner').textContent]");
  EXPECT_EQ(Evaluate("document.getElementById('day').value"), "2020-02-11");
  ExpectPageShowsDay("2020-02-11");

  std::string exceptions;
  for (const std::string& e : page.errors()) {
    if (e.starts_with("exception:")) exceptions += e + "\n";
  }
  EXPECT_EQ(exceptions, "") << "the page threw";
}

}  // namespace
}  // namespace fugong
