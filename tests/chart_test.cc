// `fugong chart` as a user runs it: a small hand-written index in, an SVG out, and the exit
// status for every kind of mistake.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "tests/support/files.h"

namespace fugong {
namespace {

using testing::ReadFile;
using testing::SplitLines;

namespace fs = std::filesystem;

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// One index record as `fugong backfill` writes it; a suppressed record has no figures.
std::string Record(const std::string& date, const std::string& level, const std::string& code,
                   const std::string& name, double rate, double load, bool suppressed = false) {
  std::ostringstream s;
  s << "{\"date\":\"" << date << "\",\"level\":\"" << level << "\",\"code\":\"" << code
    << "\",\"name\":\"" << name << "\",";
  if (suppressed) {
    s << "\"eligible\":null,\"resumed\":null,\"registered\":2,\"resumption_rate\":null,"
         "\"load_recovery\":null,\"composite\":null,\"tier\":null,\"color\":null,"
         "\"coverage\":null,\"suppressed\":true";
  } else {
    s << "\"eligible\":10,\"resumed\":" << static_cast<int>(rate * 10)
      << ",\"registered\":10,\"resumption_rate\":" << rate << ",\"load_recovery\":" << load
      << ",\"composite\":" << 50 * (rate + load)
      << ",\"tier\":\"T3\",\"color\":\"yellow\",\"coverage\":1.0,\"suppressed\":false";
  }
  s << ",\"holiday\":false";
  // The day-shape figures (issue 14): half of the resumed are active.
  if (suppressed) {
    s << ",\"shape_judged\":null,\"active\":null,\"active_rate\":null,\"suspect_idle\":null";
  } else {
    s << ",\"shape_judged\":10,\"active\":" << static_cast<int>(rate * 5)
      << ",\"active_rate\":" << rate / 2 << ",\"suspect_idle\":0";
  }
  s << ",\"revision\":1,\"computed_at\":\"2026-01-01T00:00:00Z\"}\n";
  return s.str();
}

class ChartCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fugong-chart-test-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Three counties over four days; B is suppressed on the second day; a city record that a
    // county chart must leave out.
    std::string index;
    const char* days[] = {"2020-02-10", "2020-02-11", "2020-02-12", "2020-02-13"};
    for (int i = 0; i < 4; ++i) {
      index += Record(days[i], "city", "C1", "City One", 0.9, 0.9);
      index += Record(days[i], "county", "A", "Alpha", 0.2 + 0.1 * i, 0.3 + 0.1 * i);
      index += Record(days[i], "county", "B", "B", 0.5, 0.6, /*suppressed=*/i == 1);
      index += Record(days[i], "county", "C & D", "Gamma <g>", 0.7, 0.8);
    }
    std::ofstream(dir_ / "index.jsonl") << index;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `fugong chart <args>` and returns its exit status; stderr goes to `stderr_`.
  int Chart(const std::string& args) {
    const std::string command = std::string(FUGONG_BINARY) + " chart " + args + " > /dev/null 2> " +
                                (dir_ / "stderr.txt").string();
    const int status = std::system(command.c_str());
    stderr_ = ReadFile(dir_ / "stderr.txt");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string Index() const { return "--index " + (dir_ / "index.jsonl").string(); }
  std::string Out() const { return "--out " + (dir_ / "chart.svg").string(); }
  std::string Svg() const { return ReadFile(dir_ / "chart.svg"); }

  // The `d` attribute of the series-line path of series `i`.
  std::string PathOf(const std::string& svg, int i) const {
    std::smatch m;
    const std::regex re("class=\"series-line\" data-series=\"" + std::to_string(i) +
                        "\" d=\"([^\"]*)\"");
    return std::regex_search(svg, m, re) ? m[1].str() : "<none>";
  }

  fs::path dir_;
  std::string stderr_;
};

TEST_F(ChartCommand, AllCodesOfTheLevelOneSeriesEachWithLegend) {
  ASSERT_EQ(Chart(Index() + " --level county " + Out()), 0) << stderr_;
  const std::string svg = Svg();
  EXPECT_EQ(Count(svg, "class=\"series-line\""), 3u);
  EXPECT_EQ(Count(svg, "class=\"legend-item\""), 3u);
  // Name and code in the legend, escaped; a name equal to its code is shown once.
  EXPECT_NE(svg.find(">Alpha (A)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">B</text>"), std::string::npos);
  EXPECT_NE(svg.find(">Gamma &lt;g&gt; (C &amp; D)</text>"), std::string::npos);
  EXPECT_EQ(svg.find("City One"), std::string::npos);
  // The composite is drawn on its tier bands.
  EXPECT_EQ(Count(svg, "class=\"tier-band\""), 5u);
}

TEST_F(ChartCommand, SuppressedDayIsAGap) {
  ASSERT_EQ(Chart(Index() + " --level county --codes B " + Out()), 0) << stderr_;
  const std::string svg = Svg();
  EXPECT_EQ(Count(svg, "class=\"series-line\""), 1u);
  // Day 1 alone (a dot), gap on day 2, then days 3-4 joined: two subpaths, one line segment.
  const std::string d = PathOf(svg, 0);
  EXPECT_EQ(Count(d, "M"), 2u) << d;
  EXPECT_EQ(Count(d, "L"), 1u) << d;
}

TEST_F(ChartCommand, CodesChooseAndOrderTheSeries) {
  ASSERT_EQ(Chart(Index() + " --level county --codes 'C & D,A' --field load_recovery " + Out()), 0)
      << stderr_;
  const std::string svg = Svg();
  EXPECT_EQ(Count(svg, "class=\"series-line\""), 2u);
  EXPECT_LT(svg.find("Gamma &lt;g&gt; (C &amp; D)</text>"), svg.find("Alpha (A)</text>"));
  EXPECT_EQ(svg.find("class=\"tier-band\""), std::string::npos);  // no bands for a rate
  EXPECT_NE(svg.find("Load recovery (%)"), std::string::npos);
}

TEST_F(ChartCommand, SeveralFieldsShareTheChart) {
  ASSERT_EQ(Chart(Index() + " --level county --codes A --field composite,load_recovery " + Out()),
            0)
      << stderr_;
  const std::string svg = Svg();
  EXPECT_EQ(Count(svg, "class=\"series-line\""), 2u);
  EXPECT_NE(svg.find(">composite</text>"), std::string::npos);
  EXPECT_NE(svg.find(">load recovery</text>"), std::string::npos);
}

TEST_F(ChartCommand, DrawsTheActiveRateBesideTheResumptionRate) {
  ASSERT_EQ(
      Chart(Index() + " --level county --codes A --field resumption_rate,active_rate " + Out()), 0)
      << stderr_;
  const std::string svg = Svg();
  EXPECT_EQ(Count(svg, "class=\"series-line\""), 2u);
  EXPECT_NE(svg.find(">active rate (day shape)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">resumption rate</text>"), std::string::npos);
}

TEST_F(ChartCommand, RangeLimitsTheDays) {
  ASSERT_EQ(Chart(Index() + " --level county --codes A --from 2020-02-12 --to 2020-02-13 " + Out()),
            0)
      << stderr_;
  const std::string d = PathOf(Svg(), 0);
  EXPECT_EQ(Count(d, "M"), 1u) << d;
  EXPECT_EQ(Count(d, "L"), 1u) << d;
}

TEST_F(ChartCommand, MissingIndexFails) {
  const int rc = Chart("--index " + (dir_ / "nope.jsonl").string() + " --level county " + Out());
  EXPECT_NE(rc, 0);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(stderr_.find("nope.jsonl"), std::string::npos) << stderr_;
  EXPECT_FALSE(fs::exists(dir_ / "chart.svg"));
}

TEST_F(ChartCommand, MalformedIndexFails) {
  std::ofstream(dir_ / "index.jsonl", std::ios::app) << "{not json\n";
  EXPECT_EQ(Chart(Index() + " --level county " + Out()), 1);
  EXPECT_NE(stderr_.find("index.jsonl:17"), std::string::npos) << stderr_;
}

TEST_F(ChartCommand, BadArgumentsExitTwo) {
  EXPECT_EQ(Chart(Index() + " --level county"), 2);  // no --out
  EXPECT_EQ(Chart(Index() + " --level county --field speed " + Out()), 2);
  EXPECT_NE(stderr_.find("speed"), std::string::npos) << stderr_;
  EXPECT_EQ(Chart(Index() + " --level village " + Out()), 2);
  EXPECT_NE(stderr_.find("levels: city, county"), std::string::npos) << stderr_;
  EXPECT_EQ(Chart(Index() + " --level county --codes A,Z " + Out()), 2);
  EXPECT_NE(stderr_.find("'Z'"), std::string::npos) << stderr_;
  EXPECT_EQ(Chart(Index() + " --level county --codes A,,B " + Out()), 2);
  EXPECT_EQ(Chart(Index() + " --level county --from 2020-02-30 " + Out()), 2);
  EXPECT_EQ(Chart(Index() + " --level county --from 2020-02-13 --to 2020-02-10 " + Out()), 2);
  EXPECT_EQ(Chart(Index() + " --level county --bogus " + Out()), 2);
  EXPECT_FALSE(fs::exists(dir_ / "chart.svg"));
}

}  // namespace
}  // namespace fugong
