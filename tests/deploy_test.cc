// The deployment files in deploy/: Prometheus rules and their promtool unit tests, the
// Prometheus config, yamllint, and that the dashboard and the alerts name only metrics the
// service exports (docs/deploy.md). promtool and yamllint come from scripts/setup.sh; a machine
// without them fails these tests rather than skipping them, so CI cannot pass by accident.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/http/service_metrics.h"
#include "app/run_config.h"
#include "connectors/kafka/topic_spec.h"

namespace fugong {
namespace {

const std::string kSourceDir = FUGONG_SOURCE_DIR;
const std::string kDeployDir = kSourceDir + "/deploy";
const std::string kPrometheusDir = kDeployDir + "/prometheus";

// The metrics of `fugong serve` (docs/api.md, app/http/service_metrics.cc), histograms with
// their series, plus Prometheus' own `up`. A metric renamed in the service must be renamed here
// and in deploy/ together.
const std::set<std::string>& KnownMetrics() {
  static const std::set<std::string> names = [] {
    std::set<std::string> n = {
        "fugong_records_consumed_total",
        "fugong_records_used_total",
        "fugong_records_dead_lettered_total",
        "fugong_partition_gaps_total",
        "fugong_days_closed_total",
        "fugong_index_records_published_total",
        "fugong_output_messages_acknowledged_total",
        "fugong_http_requests_total",
        "fugong_http_handler_failures_total",
        "fugong_consumer_lag_messages",
        "fugong_watermark_timestamp_seconds",
        "fugong_closed_through_timestamp_seconds",
        "fugong_last_input_timestamp_seconds",
        "fugong_state_size_bytes",
        "fugong_ready",
        "fugong_composite_index",
        "fugong_composite_tier",
        "fugong_live_stream_clients",
        "fugong_counties_held_back",
        "fugong_counties_ahead_of_risk",
        "fugong_county_held_back_days",
        "fugong_suspect_idle_share",
        "fugong_index_followed_records_total",
        "fugong_index_follow_caught_up",
        "fugong_closes_held",
        "fugong_restored_records_total",
        "fugong_restore_remaining_records",
        "up",
    };
    for (const char* histogram :
         {"fugong_day_publish_seconds", "fugong_http_request_duration_seconds"}) {
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        n.insert(std::string(histogram) + suffix);
      }
    }
    return n;
  }();
  return names;
}

// The metric names a PromQL expression selects. Strings, label matchers, ranges, Grafana
// variables and label lists (`by (...)`, `on (...)`) are removed first; what remains are
// identifiers that are functions (followed by `(`), keywords, or metric names.
std::set<std::string> MetricNames(std::string expr) {
  static const std::regex kStrings(R"("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)");
  static const std::regex kGrafanaVariables(R"(\$\{[^}]*\}|\$\w+)");
  static const std::regex kMatchers(R"(\{[^}]*\})");
  static const std::regex kRanges(R"(\[[^\]]*\])");
  static const std::regex kLabelLists(
      R"(\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\))");
  static const std::regex kIdentifier(R"(([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?)");
  // Compared in lower case: `Inf` and `NaN` are numbers in any case.
  static const std::set<std::string> kKeywords = {
      "and", "or",       "unless",     "offset",      "bool", "by", "without",
      "on",  "ignoring", "group_left", "group_right", "inf",  "nan"};
  for (const std::regex* strip :
       {&kStrings, &kGrafanaVariables, &kMatchers, &kRanges, &kLabelLists}) {
    expr = std::regex_replace(expr, *strip, " ");
  }
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(expr.begin(), expr.end(), kIdentifier);
       it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    const size_t at = static_cast<size_t>(m.position(0));
    // The unit of a duration or the exponent of a number (5m, 1d, 1e6) is not a name.
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(expr[at - 1])) || expr[at - 1] == '.' ||
                   expr[at - 1] == '_')) {
      continue;
    }
    if (m[2].matched) continue;  // a function or an aggregation
    std::string lower = m[1].str();
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (kKeywords.count(lower)) continue;
    names.insert(m[1].str());
  }
  return names;
}

// Every metric `expr` names is known, and it names at least one.
::testing::AssertionResult SelectsOnlyKnownMetrics(const std::string& where,
                                                   const std::string& expr) {
  const std::set<std::string> names = MetricNames(expr);
  if (names.empty()) {
    return ::testing::AssertionFailure() << where << ": no metric found in `" << expr << "`";
  }
  for (const std::string& name : names) {
    if (!KnownMetrics().count(name)) {
      return ::testing::AssertionFailure()
             << where << ": `" << expr << "` names " << name
             << ", which is not a metric of fugong serve (tests/deploy_test.cc KnownMetrics)";
    }
  }
  return ::testing::AssertionSuccess();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool OnPath(const std::string& tool) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && access((dir + "/" + tool).c_str(), X_OK) == 0) return true;
  }
  return false;
}

struct CommandResult {
  int status = -1;  // the exit status, or 128 + the signal that ended it
  std::string output;
};

// Runs `args` (args[0] looked up on PATH) in `dir`, stdout and stderr captured together.
CommandResult Run(const std::vector<std::string>& args, const std::string& dir) {
  CommandResult result;
  int out[2];
  if (pipe(out) != 0) return result;
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    // Other tests of this binary may hold an embedded cluster's sockets: the tool must not keep
    // them open.
    for (int fd = 3; fd < 4096; ++fd) close(fd);
    if (chdir(dir.c_str()) != 0) _exit(126);
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  char buffer[4096];
  ssize_t n;
  while ((n = read(out[0], buffer, sizeof buffer)) > 0) result.output.append(buffer, n);
  close(out[0]);
  int status = 0;
  if (pid > 0 && waitpid(pid, &status, 0) == pid) {
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  return result;
}

// Runs a tool that scripts/setup.sh installs, failing the test with the tool's output if the
// tool is missing or exits with an error.
void ExpectToolSucceeds(const std::string& dir, const std::vector<std::string>& args) {
  ASSERT_TRUE(OnPath(args[0])) << args[0]
                               << " is not installed: run ./scripts/setup.sh (it installs the "
                                  "Debian packages prometheus and yamllint)";
  const CommandResult r = Run(args, dir);
  std::string command;
  for (const std::string& a : args) command += a + " ";
  ASSERT_EQ(r.status, 0) << "in " << dir << ": " << command << "\n" << r.output;
}

// Every "expr" in a JSON document (panel targets and annotation queries).
void CollectExprs(const nlohmann::json& node, const std::string& where,
                  std::vector<std::pair<std::string, std::string>>* exprs) {
  if (node.is_object()) {
    const std::string title = node.contains("title") && node["title"].is_string()
                                  ? where + " / " + node["title"].get<std::string>()
                                  : where;
    for (const auto& [key, value] : node.items()) {
      if (key == "expr" && value.is_string()) {
        exprs->emplace_back(title, value.get<std::string>());
      } else {
        CollectExprs(value, title, exprs);
      }
    }
  } else if (node.is_array()) {
    for (const nlohmann::json& item : node) CollectExprs(item, where, exprs);
  }
}

nlohmann::json LoadDashboard() {
  return nlohmann::json::parse(ReadFile(kDeployDir + "/grafana/fugong-dashboard.json"), nullptr,
                               /*allow_exceptions=*/false);
}

YAML::Node LoadYaml(const std::string& path) { return YAML::Load(ReadFile(path)); }

// A fresh empty directory for one test's files, removed with it.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::path(::testing::TempDir()) /
              ("fugong-deploy-" + name + "-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(Deploy, MetricNameExtraction) {
  EXPECT_EQ(MetricNames(R"(sum by (input) (rate(fugong_records_consumed_total{input="a"}[5m])))"),
            std::set<std::string>{"fugong_records_consumed_total"});
  EXPECT_EQ(MetricNames("time() - fugong_watermark_timestamp_seconds > 32 * 3600 + 1e3"),
            std::set<std::string>{"fugong_watermark_timestamp_seconds"});
  EXPECT_EQ(MetricNames(R"(a > last_over_time(b{l="x"}[1d] offset 18h) and ignoring (input) c)"),
            (std::set<std::string>{"a", "b", "c"}));
  EXPECT_EQ(MetricNames("histogram_quantile(0.5, sum by (le) (rate(h_bucket[$__rate_interval])))"),
            std::set<std::string>{"h_bucket"});
  EXPECT_EQ(MetricNames(R"(count_values("tier", t{level="county"}) * on() group_left x)"),
            (std::set<std::string>{"t", "x"}));
  EXPECT_TRUE(SelectsOnlyKnownMetrics("known", "up{job=\"fugong\"} == 0"));
  // A metric renamed in the service (or misspelt here) is caught.
  EXPECT_FALSE(SelectsOnlyKnownMetrics("renamed", "rate(fugong_records_consumed[5m])"));
  EXPECT_FALSE(SelectsOnlyKnownMetrics("foreign", "node_load1 > 1"));
  EXPECT_FALSE(SelectsOnlyKnownMetrics("empty", "vector(1)"));
}

// The list is the service's own: every metric family `fugong serve` registers (each given a
// series, since a family without one may not be written), histograms with their three series.
TEST(Deploy, KnownMetricsAreTheServiceMetrics) {
  Result<RunConfig> config = LoadRunConfig("", {});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ServiceMetrics metrics(config->regions.get());
  PartitionStatus partition;
  partition.topic = "fugong.readings";
  partition.position = 1;
  partition.high_watermark = 2;
  metrics.SetPartitions({partition});
  metrics.ObserveHttp("/metrics", 200, 0.001);
  metrics.SetStatus(StreamStatus(), std::nullopt);  // the state's counters, once it is read
  metrics.ShowIndexRecord(
      R"({"date":"2020-02-10","level":"province","code":"330000","composite":50.5,"tier":"T3"})");
  metrics.ShowIndexRecord(
      R"({"date":"2020-02-10","level":"county","code":"330102","composite":10.5,"tier":"T5",)"
      R"("eligible":8,"risk":"low","suspect_idle":2})");
  std::set<std::string> exported = {"up"};
  std::istringstream text(metrics.Scrape());
  for (std::string line; std::getline(text, line);) {
    std::istringstream words(line);
    std::string hash, keyword, name, type;
    words >> hash >> keyword >> name >> type;
    if (hash != "#" || keyword != "TYPE") continue;
    if (type == "histogram") {
      for (const char* suffix : {"_bucket", "_sum", "_count"}) exported.insert(name + suffix);
    } else {
      exported.insert(name);
    }
  }
  EXPECT_EQ(exported, KnownMetrics());
}

TEST(Deploy, PrometheusRulesPass) {
  ExpectToolSucceeds(kPrometheusDir, {"promtool", "check", "rules", "fugong.rules.yml"});
  ExpectToolSucceeds(kPrometheusDir, {"promtool", "test", "rules", "fugong.rules.test.yml"});
}

TEST(Deploy, PrometheusConfigIsValid) {
  ExpectToolSucceeds(kPrometheusDir, {"promtool", "check", "config", "prometheus.yml"});
}

TEST(Deploy, YamlFilesLint) {
  ExpectToolSucceeds(kSourceDir, {"yamllint", "--strict", "-f", "parsable", "-c",
                                  "deploy/.yamllint.yml", "deploy/"});
}

TEST(Deploy, AlertRulesUseKnownMetrics) {
  const YAML::Node rules = LoadYaml(kPrometheusDir + "/fugong.rules.yml");
  ASSERT_TRUE(rules["groups"].IsSequence());
  ASSERT_EQ(rules["groups"].size(), 1u);
  EXPECT_EQ(rules["groups"][0]["name"].as<std::string>(), "fugong");
  std::set<std::string> alerts;
  static const std::regex kMetricInText(R"(\bfugong_[a-z_]+)");
  for (const YAML::Node& rule : rules["groups"][0]["rules"]) {
    const std::string alert = rule["alert"].as<std::string>();
    alerts.insert(alert);
    EXPECT_TRUE(SelectsOnlyKnownMetrics(alert, rule["expr"].as<std::string>()));
    EXPECT_TRUE(rule["labels"]["severity"].IsDefined()) << alert;
    EXPECT_TRUE(rule["annotations"]["summary"].IsDefined()) << alert;
    // Annotations query metrics in templates too.
    for (const auto& annotation : rule["annotations"]) {
      const std::string text = annotation.second.as<std::string>();
      for (auto it = std::sregex_iterator(text.begin(), text.end(), kMetricInText);
           it != std::sregex_iterator(); ++it) {
        EXPECT_TRUE(KnownMetrics().count(it->str()))
            << alert << " annotation " << annotation.first.as<std::string>() << " names "
            << it->str();
      }
    }
  }
  for (const char* expected :
       {"FugongCountyRedTier", "FugongProvinceTierDrop", "FugongConsumerLagHigh",
        "FugongWatermarkStalled", "FugongDeadLetterRate", "FugongDayNotPublished", "FugongNotReady",
        "FugongDown", "FugongPartitionGap", "FugongHttpHandlerFailures"}) {
    EXPECT_TRUE(alerts.count(expected)) << expected << " is missing";
  }
}

// promtool does not check coverage: every alert must have a case where it fires and one where it
// must stay silent.
TEST(Deploy, EveryAlertIsUnitTested) {
  const YAML::Node rules = LoadYaml(kPrometheusDir + "/fugong.rules.yml");
  const YAML::Node tests = LoadYaml(kPrometheusDir + "/fugong.rules.test.yml");
  std::map<std::string, std::pair<int, int>> cases;  // alert -> (firing, silent)
  for (const YAML::Node& test : tests["tests"]) {
    for (const YAML::Node& check : test["alert_rule_test"]) {
      auto& [firing, silent] = cases[check["alertname"].as<std::string>()];
      ++(check["exp_alerts"].size() > 0 ? firing : silent);
    }
  }
  for (const YAML::Node& rule : rules["groups"][0]["rules"]) {
    const std::string alert = rule["alert"].as<std::string>();
    EXPECT_GT(cases[alert].first, 0) << alert << " has no test in which it fires";
    EXPECT_GT(cases[alert].second, 0) << alert << " has no test in which it stays silent";
  }
}

TEST(Deploy, GrafanaDashboardUsesKnownMetrics) {
  const nlohmann::json dashboard = LoadDashboard();
  ASSERT_FALSE(dashboard.is_discarded()) << "deploy/grafana/fugong-dashboard.json is not JSON";
  std::vector<std::pair<std::string, std::string>> exprs;
  CollectExprs(dashboard, "dashboard", &exprs);
  ASSERT_GE(exprs.size(), 20u);
  std::set<std::string> used;
  for (const auto& [where, expr] : exprs) {
    EXPECT_TRUE(SelectsOnlyKnownMetrics(where, expr));
    for (const std::string& name : MetricNames(expr)) used.insert(name);
  }
  // The panels the deployment promises (docs/deploy.md).
  for (const char* metric :
       {"fugong_composite_index", "fugong_composite_tier", "fugong_records_consumed_total",
        "fugong_records_used_total", "fugong_records_dead_lettered_total",
        "fugong_consumer_lag_messages", "fugong_watermark_timestamp_seconds",
        "fugong_day_publish_seconds_bucket", "fugong_state_size_bytes",
        "fugong_http_requests_total", "fugong_http_request_duration_seconds_bucket"}) {
    EXPECT_TRUE(used.count(metric)) << "no panel shows " << metric;
  }
}

TEST(Deploy, GrafanaDashboardDatasourceAndTierColours) {
  const nlohmann::json dashboard = LoadDashboard();
  ASSERT_FALSE(dashboard.is_discarded());
  // Every Prometheus query goes through the DS_PROMETHEUS variable, whose default is the uid
  // of the provisioned datasource.
  const YAML::Node provisioned =
      LoadYaml(kDeployDir + "/grafana/provisioning/datasources/prometheus.yml");
  const std::string uid = provisioned["datasources"][0]["uid"].as<std::string>();
  bool variable = false;
  for (const nlohmann::json& v : dashboard["templating"]["list"]) {
    if (v["name"] == "DS_PROMETHEUS") {
      variable = true;
      EXPECT_EQ(v["type"], "datasource");
      EXPECT_EQ(v["current"]["value"], uid);
    }
  }
  EXPECT_TRUE(variable) << "no DS_PROMETHEUS variable";
  int tier_mappings = 0;
  const std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& node) {
    if (node.is_object()) {
      if (node.contains("datasource") && node["datasource"].is_object() &&
          node["datasource"].value("type", "") == "prometheus") {
        EXPECT_EQ(node["datasource"]["uid"], "${DS_PROMETHEUS}") << node.value("title", "");
      }
      // A value mapping of tiers 1..5 shows the five colours of SPEC.
      if (node.value("type", "") == "value" && node.contains("options") &&
          node["options"].contains("5")) {
        ++tier_mappings;
        const char* colours[] = {"green", "blue", "yellow", "orange", "red"};
        for (int tier = 1; tier <= 5; ++tier) {
          const nlohmann::json& option = node["options"][std::to_string(tier)];
          EXPECT_EQ(option["text"], "T" + std::to_string(tier));
          EXPECT_EQ(option["color"], colours[tier - 1]);
        }
      }
    }
    if (node.is_structured()) {
      for (const nlohmann::json& child : node) walk(child);
    }
  };
  walk(dashboard);
  EXPECT_GE(tier_mappings, 1) << "no panel maps tiers 1..5 to their colours";
}

// Grafana does not check PromQL before a panel is opened: promtool parses each query as a
// recording rule, with Grafana's interval variables replaced by a duration.
TEST(Deploy, GrafanaQueriesParse) {
  const nlohmann::json dashboard = LoadDashboard();
  ASSERT_FALSE(dashboard.is_discarded());
  std::vector<std::pair<std::string, std::string>> exprs;
  CollectExprs(dashboard, "dashboard", &exprs);
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "groups" << YAML::Value << YAML::BeginSeq;
  out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << "dashboard";
  out << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq;
  static const std::regex kIntervalVariable(R"(\$__\w+)");
  for (size_t i = 0; i < exprs.size(); ++i) {
    out << YAML::BeginMap << YAML::Key << "record" << YAML::Value
        << "dashboard:query_" + std::to_string(i) << YAML::Key << "expr" << YAML::Value
        << std::regex_replace(exprs[i].second, kIntervalVariable, "5m") << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
  const ScratchDir dir("queries");
  std::ofstream(dir.path() + "/dashboard.rules.yml") << out.c_str() << "\n";
  ExpectToolSucceeds(dir.path(), {"promtool", "check", "rules", "dashboard.rules.yml"});
}

// The configs the container and the pod run with load like any other, and point at the
// deployment's Kafka and listen where the probes and scrapes look.
TEST(Deploy, ContainerConfigsLoad) {
  Result<RunConfig> compose = LoadRunConfig(kDeployDir + "/fugong.compose.yaml", {});
  ASSERT_TRUE(compose.ok()) << compose.status().ToString();
  EXPECT_EQ(compose->http_listen, "0.0.0.0:8080");
  bool bootstrap = false;
  for (const auto& [key, value] : compose->kafka) {
    if (key == "bootstrap.servers") bootstrap = value == "kafka:9092";
  }
  EXPECT_TRUE(bootstrap) << "the compose config must use the compose broker kafka:9092";

  const YAML::Node configmap = LoadYaml(kDeployDir + "/k8s/configmap.yaml");
  const ScratchDir dir("configmap");
  std::ofstream(dir.path() + "/fugong.yaml") << configmap["data"]["fugong.yaml"].as<std::string>();
  Result<RunConfig> k8s = LoadRunConfig(dir.path() + "/fugong.yaml", {});
  ASSERT_TRUE(k8s.ok()) << k8s.status().ToString();
  EXPECT_EQ(k8s->http_listen, "0.0.0.0:8080");
}

// The compose topics service creates the topics `fugong broker` and the embedded cluster create
// (connectors/kafka/topic_spec.cc), with as many partitions.
TEST(Deploy, ComposeCreatesTheDefaultTopics) {
  const YAML::Node compose = LoadYaml(kDeployDir + "/docker-compose.yml");
  const std::string script = compose["services"]["topics"]["command"][0].as<std::string>();
  static const std::regex kCreate(R"(create ([A-Za-z0-9._-]+) --partitions (\d+))");
  std::map<std::string, int> created;
  for (auto it = std::sregex_iterator(script.begin(), script.end(), kCreate);
       it != std::sregex_iterator(); ++it) {
    created[(*it)[1].str()] = std::stoi((*it)[2].str());
  }
  Result<std::vector<TopicSpec>> defaults = ParseTopicSpecs(DefaultTopicSpecs());
  ASSERT_TRUE(defaults.ok());
  std::map<std::string, int> expected;
  for (const TopicSpec& spec : *defaults) expected[spec.name] = spec.partitions;
  EXPECT_EQ(created, expected);
}

}  // namespace
}  // namespace fugong
