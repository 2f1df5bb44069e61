// The daily bulletin end to end (issue 11): a generated province with its risk chart is
// backfilled; `fugong bulletin` prints a day to PDF in headless Chromium, and the PDF is read
// back with poppler (pdfinfo, pdftotext); the page is the same from the state (opened while a
// service holds it), from the index file, from an index without the chart plus the chart file,
// and from the service's /v1/bulletin route.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "app/backfill_runner.h"
#include "app/bulletin/pdf_printer.h"
#include "app/http/http_service.h"
#include "app/render/bulletin_html.h"
#include "app/run_config.h"
#include "tests/support/files.h"
#include "tests/support/generated_province.h"
#include "tests/support/http_client.h"
#include "tests/support/record_compare.h"
#include "tests/support/shell_command.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;
using testing::BackfillFilesFor;
using testing::GenerateProvinceInto;
using testing::ReadFile;
using testing::RunShellCommand;

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

class BulletinPrintTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("fugong-bulletin-test-" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    // Daily register readings keep the province quick to make; the generator's chart follows
    // the places that resume late, so some days have counties on both lists.
    const std::optional<GenerateSummary> generated =
        GenerateProvinceInto(*dir_, {.seed = 3,
                                     .enterprises = 1500,
                                     .from = "2019-11-25",
                                     .to = "2020-02-29",
                                     .interval_minutes = 1440,
                                     .faults = false,
                                     .register_fraction = 1.0});
    ASSERT_TRUE(generated);
    settings_ = new std::vector<std::string>{
        "min_group_size=2",
        "guidance=" + std::string(FUGONG_SOURCE_DIR) + "/deploy/guidance-2020.example.csv"};
    config_ = new RunConfig(*LoadRunConfig("", *settings_));
    risk_ = new std::string((*dir_ / "input/risk.csv").string());

    BackfillFiles files = BackfillFilesFor(*dir_, generated->readings_files, "index");
    files.state_dir = (*dir_ / "state").string();
    files.risk = *risk_;
    Result<BackfillSummary> summary = RunBackfillFromFiles(*config_, files, nullptr);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    // The same readings without the chart: records with no "risk".
    BackfillFiles plain = BackfillFilesFor(*dir_, generated->readings_files, "plain");
    summary = RunBackfillFromFiles(*config_, plain, nullptr);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    records_ = new std::map<std::string, std::string>(testing::ReadIndexRecords(files.out));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete config_;
    delete settings_;
    delete risk_;
    delete records_;
  }

  // `fugong bulletin` with the suite's settings and `args`; its exit status, output in `out`.
  static int Bulletin(const std::string& args, std::string* out) {
    std::string command = std::string(FUGONG_BINARY) + " bulletin";
    for (const std::string& s : *settings_) command += " --set " + Quoted(s);
    return RunShellCommand(command + " " + args, out);
  }

  // The counties the two lists must name on `date`, found from the records by SPEC's rule.
  static void Lists(const std::string& date, std::vector<std::string>* held_back,
                    std::vector<std::string>* ahead) {
    const std::string prefix = date + "|county|";
    for (auto it = records_->lower_bound(prefix);
         it != records_->end() && it->first.starts_with(prefix); ++it) {
      const nlohmann::json r = nlohmann::json::parse(it->second);
      if (!r.contains("risk") || r["tier"].is_null()) continue;
      const std::string risk = r["risk"], tier = r["tier"];
      if ((risk == "low" || risk == "lower") && (tier == "T4" || tier == "T5")) {
        held_back->push_back(r["code"]);
      }
      if ((risk == "high" || risk == "very_high") && (tier == "T1" || tier == "T2")) {
        ahead->push_back(r["code"]);
      }
    }
  }

  // The page without the line that names its source, which is all that differs by source.
  static std::string WithoutSource(const std::string& html) {
    return std::regex_replace(html, std::regex("Source: [^<]*"), "Source: -");
  }

  static fs::path* dir_;
  static RunConfig* config_;
  static std::vector<std::string>* settings_;
  static std::string* risk_;
  static std::map<std::string, std::string>* records_;
};

fs::path* BulletinPrintTest::dir_ = nullptr;
RunConfig* BulletinPrintTest::config_ = nullptr;
std::vector<std::string>* BulletinPrintTest::settings_ = nullptr;
std::string* BulletinPrintTest::risk_ = nullptr;
std::map<std::string, std::string>* BulletinPrintTest::records_ = nullptr;

TEST_F(BulletinPrintTest, PdfHasOneOrTwoPagesAndNamesTheProvinceFigureAndBothLists) {
  // The day of the season with the most counties on the two lists, both lists named if any day
  // has both.
  std::string date;
  std::vector<std::string> held_back, ahead;
  const auto score = [](const std::vector<std::string>& h, const std::vector<std::string>& a) {
    return (!h.empty() && !a.empty() ? 1000 : 0) + h.size() + a.size();
  };
  for (int d = 10; d <= 29; ++d) {
    const std::string day = "2020-02-" + std::to_string(d);
    std::vector<std::string> h, a;
    Lists(day, &h, &a);
    if (score(h, a) > score(held_back, ahead)) date = day, held_back = h, ahead = a;
  }
  ASSERT_FALSE(date.empty()) << "no county on either list on any day: nothing to check";
  std::printf("%s: %zu held back, %zu ahead of their risk\n", date.c_str(), held_back.size(),
              ahead.size());

  // A directory name with characters a URL gives a meaning ('#' a fragment, '%' an escape):
  // the page is still found and printed.
  const fs::path out = *dir_ / "print #1 100%";
  EXPECT_EQ(FileUrlOf("/a b/#1/100%/\xe6\x9d\xad.html"),
            "file:///a%20b/%231/100%25/%E6%9D%AD.html");
  std::string output;
  ASSERT_EQ(Bulletin("--date " + date + " --index " + Quoted((*dir_ / "index.jsonl").string()) +
                         " --out " + Quoted(out.string()),
                     &output),
            0)
      << output;
  const fs::path pdf = out / ("bulletin-" + date + ".pdf");
  ASSERT_TRUE(fs::exists(pdf)) << output;

  std::string info;
  ASSERT_EQ(RunShellCommand("pdfinfo " + Quoted(pdf.string()), &info), 0)
      << "pdfinfo (Debian's poppler-utils, installed by ./scripts/setup.sh): " << info;
  std::smatch pages;
  ASSERT_TRUE(std::regex_search(info, pages, std::regex("Pages:\\s+(\\d+)"))) << info;
  EXPECT_GE(std::stoi(pages[1]), 1);
  EXPECT_LE(std::stoi(pages[1]), 2) << "the bulletin must print on at most two A4 pages";
  EXPECT_NE(info.find("(A4)"), std::string::npos) << info;

  std::string text;
  ASSERT_EQ(RunShellCommand("pdftotext -enc UTF-8 " + Quoted(pdf.string()) + " -", &text), 0)
      << text;
  const nlohmann::json province = nlohmann::json::parse(
      records_->at(date + "|province|" + config_->regions->provinces().front()));
  const std::string figure = render::FormatComposite(province["composite"].get<double>());
  EXPECT_NE(text.find(figure), std::string::npos) << "province composite " << figure;
  // The two lists, as printed: from "Held back" to page 2's first heading (map tiles carry
  // short names, the lists and tables the full ones).
  const size_t from = text.find("Held back (" + std::to_string(held_back.size()) + ")");
  const size_t to = text.find("Ahead of their risk (" + std::to_string(ahead.size()) + ")");
  const size_t end = text.find("Ten highest counties");
  ASSERT_NE(from, std::string::npos) << text;
  ASSERT_NE(to, std::string::npos) << text;
  ASSERT_NE(end, std::string::npos) << text;
  ASSERT_TRUE(from < to && to < end) << text;
  const std::string held_back_text = text.substr(from, to - from);
  const std::string ahead_text = text.substr(to, end - to);
  for (const auto& [list, printed] :
       {std::pair(&held_back, &held_back_text), std::pair(&ahead, &ahead_text)}) {
    for (const std::string& code : *list) {
      const std::string& name = config_->regions->Find(code)->name;
      EXPECT_NE(printed->find(name), std::string::npos)
          << code << " " << name << " not in its list: " << *printed;
    }
  }
}

TEST_F(BulletinPrintTest, TheSamePageFromStateIndexChartFileAndService) {
  const std::string date = "2020-02-18";
  // The state held open read-write, as a running service holds it.
  Result<std::unique_ptr<StateStore>> state = StateStore::Open((*dir_ / "state").string());
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  Result<std::unique_ptr<HttpService>> service = HttpService::Start(config_, "127.0.0.1:0");
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  (*service)->OnStateOpened(**state);
  const testing::HttpResult served =
      testing::HttpGet((*service)->address(), "/v1/bulletin/" + date + ".html");
  ASSERT_EQ(served.status, 200) << served.body;
  EXPECT_EQ(served.content_type, "text/html; charset=utf-8");

  const fs::path out = *dir_ / "same";
  const std::map<std::string, std::string> sources = {
      {"state", "--state " + Quoted((*dir_ / "state").string())},
      {"index", "--index " + Quoted((*dir_ / "index.jsonl").string())},
      {"plain+chart",
       "--index " + Quoted((*dir_ / "plain.jsonl").string()) + " --risk " + Quoted(*risk_)}};
  for (const auto& [name, args] : sources) {
    SCOPED_TRACE(name);
    std::string output;
    ASSERT_EQ(
        Bulletin("--no-pdf --date " + date + " " + args + " --out " + Quoted((out / name).string()),
                 &output),
        0)
        << output;
    const std::string html = ReadFile(out / name / ("bulletin-" + date + ".html"));
    EXPECT_EQ(WithoutSource(html), WithoutSource(served.body));
    EXPECT_FALSE(fs::exists(out / name / ("bulletin-" + date + ".pdf"))) << "--no-pdf";
  }
  // Without the chart the page has no matrix: the chart is what makes the pages equal above.
  std::string output;
  ASSERT_EQ(
      Bulletin("--no-pdf --date " + date + " --index " + Quoted((*dir_ / "plain.jsonl").string()) +
                   " --out " + Quoted((out / "plain").string()),
               &output),
      0);
  EXPECT_NE(ReadFile(out / "plain" / ("bulletin-" + date + ".html"))
                .find("No epidemic risk chart covers this day."),
            std::string::npos);
  (*service)->OnStateClosing();
}

TEST_F(BulletinPrintTest, ServiceRouteChecksItsPath) {
  Result<std::unique_ptr<StateStore>> state = StateStore::Open((*dir_ / "state").string());
  ASSERT_TRUE(state.ok());
  Result<std::unique_ptr<HttpService>> service = HttpService::Start(config_, "127.0.0.1:0");
  ASSERT_TRUE(service.ok());
  (*service)->OnStateOpened(**state);
  const auto get = [&](const std::string& target) {
    return testing::HttpGet((*service)->address(), target);
  };
  for (const std::string bad :
       {"/v1/bulletin/2020-02-30.html", "/v1/bulletin/2020-02-18", "/v1/bulletin/2020-02-18.pdf",
        "/v1/bulletin/", "/v1/bulletin/2020-02-18.html?date=2020-02-18"}) {
    const testing::HttpResult r = get(bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_TRUE(nlohmann::json::parse(r.body, nullptr, false).contains("error")) << r.body;
  }
  const testing::HttpResult missing = get("/v1/bulletin/2021-02-18.html");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("no province record published for 2021-02-18"), std::string::npos);
  EXPECT_EQ(get("/v1/bulletin/2020-02-18.html").status, 200) << "the server goes on";
  (*service)->OnStateClosing();
}

TEST_F(BulletinPrintTest, BadUsageMissingInputsAndBadChartLinesGetClearMessages) {
  const std::string index = " --index " + Quoted((*dir_ / "index.jsonl").string());
  const std::string out = " --out " + Quoted((*dir_ / "errors").string());
  std::string output;
  EXPECT_EQ(Bulletin("--date 2020-02-18" + out, &output), 2);
  EXPECT_NE(output.find("give --state DIR or --index FILE"), std::string::npos) << output;
  output.clear();
  EXPECT_EQ(Bulletin("--date 2020-02-30" + index + out, &output), 2);
  EXPECT_NE(output.find("--date must be a date"), std::string::npos) << output;
  output.clear();
  EXPECT_EQ(Bulletin("--date 2020-02-18 --state x" + index + out, &output), 2) << output;
  output.clear();
  EXPECT_EQ(Bulletin("--date 2020-02-18 --risk " + Quoted(*risk_) + " --state x" + out, &output), 2)
      << "--risk goes with --index: " << output;

  // No records that day; no state there (and none is made by looking).
  output.clear();
  EXPECT_EQ(Bulletin("--no-pdf --date 2021-02-18" + index + out, &output), 1);
  EXPECT_NE(output.find("no province record published for 2021-02-18"), std::string::npos);
  const fs::path nowhere = *dir_ / "no-state-here";
  output.clear();
  EXPECT_EQ(
      Bulletin("--no-pdf --date 2020-02-18 --state " + Quoted(nowhere.string()) + out, &output), 1);
  EXPECT_NE(output.find("no state to read in " + nowhere.string()), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(nowhere));

  // A damaged index line of the day is an error with its line number.
  const fs::path damaged = *dir_ / "damaged.jsonl";
  {
    std::ofstream f(damaged);
    f << records_->begin()->second << "\n";
    f << "{\"date\":\"2020-02-18\",\"level\":\"county\"}\n";
  }
  output.clear();
  EXPECT_EQ(
      Bulletin("--no-pdf --date 2020-02-18 --index " + Quoted(damaged.string()) + out, &output), 1);
  EXPECT_NE(output.find(damaged.string() + " line 2: not an index record"), std::string::npos)
      << output;

  // Bad chart lines are reported with their reasons; the rest of the chart is used.
  const fs::path chart = *dir_ / "bad-chart.csv";
  {
    std::ofstream f(chart);
    f << ReadFile(*risk_)
      << "999999,2020-02-18,low\n330102,2020-02-31,low\n330102,2020-02-18,pink\n";
  }
  output.clear();
  EXPECT_EQ(
      Bulletin("--no-pdf --date 2020-02-18 --index " + Quoted((*dir_ / "plain.jsonl").string()) +
                   " --risk " + Quoted(chart.string()) + out,
               &output),
      0)
      << output;
  EXPECT_NE(output.find("unknown_county"), std::string::npos) << output;
  EXPECT_NE(output.find("bad_date"), std::string::npos) << output;
  EXPECT_NE(output.find("bad_risk_level"), std::string::npos) << output;

  // A Chromium that is not there: the HTML is written, the PDF is an error that says why.
  output.clear();
  EXPECT_EQ(Bulletin("--date 2020-02-18 --chromium /nonexistent/chromium" + index + out, &output),
            1);
  EXPECT_NE(output.find("/nonexistent/chromium is not installed"), std::string::npos) << output;
  EXPECT_TRUE(fs::exists(*dir_ / "errors/bulletin-2020-02-18.html"));
}

}  // namespace
}  // namespace fugong
