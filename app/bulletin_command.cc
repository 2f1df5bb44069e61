#include "app/bulletin_command.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/bulletin/bulletin_day.h"
#include "app/bulletin/bulletin_files.h"
#include "app/bulletin/index_file_records.h"
#include "app/bulletin/pdf_printer.h"
#include "app/bulletin/risk_chart_file.h"
#include "app/http/published_index.h"
#include "app/render/bulletin_html.h"
#include "app/run_config.h"
#include "engine/state/state_store.h"

namespace fugong {

namespace {

int Usage(const std::string& message) {
  std::fprintf(stderr, "fugong bulletin: %s\n", message.c_str());
  return 2;
}

int Fail(const Status& status) {
  std::fprintf(stderr, "fugong bulletin: %s\n", status.ToString().c_str());
  return 1;
}

}  // namespace

int RunBulletinCommand(int argc, char** argv) {
  CLI::App app{"The daily bulletin of one day: a print-ready HTML page and its PDF (A4).",
               "fugong bulletin"};
  std::string date_text, state_dir, index_path, risk_path, out_dir, config_path, chromium;
  std::vector<std::string> overrides;
  bool no_pdf = false;
  app.add_option("--date", date_text, "the day (YYYY-MM-DD)")->required();
  CLI::Option* state = app.add_option(
      "--state", state_dir, "a state directory (a service's, or a backfill's --state), read only");
  CLI::Option* index = app.add_option("--index", index_path, "index JSONL from `fugong backfill`");
  app.add_option("--risk", risk_path,
                 "with --index: the risk chart CSV (county_code,date,level); its levels replace "
                 "the records' own")
      ->needs(index);
  state->excludes(index);
  app.add_option("--out", out_dir, "directory for bulletin-DATE.html and bulletin-DATE.pdf")
      ->required();
  app.add_option("--config", config_path,
                 "YAML config: region table, guidance table, min_group_size (as the run's)");
  app.add_option("--set", overrides, "override a config key: --set key=value (repeatable)");
  app.add_flag("--no-pdf", no_pdf, "write the HTML page only");
  app.add_option("--chromium", chromium,
                 "Chromium binary for the PDF (default: $FUGONG_CHROMIUM, else /usr/bin/chromium)");
  app.footer(
      "The page is self-contained (inline maps and style, no scripts) and carries no time of\n"
      "making: the same records give the same bytes. A running service serves the same page at\n"
      "/v1/bulletin/DATE.html.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  Day day;
  if (!ParseDate(date_text, &day)) {
    return Usage("--date must be a date YYYY-MM-DD, not '" + date_text + "'");
  }
  if (state_dir.empty() && index_path.empty()) return Usage("give --state DIR or --index FILE");

  Result<RunConfig> config = LoadRunConfig(config_path, overrides);
  if (!config.ok()) return Usage(config.status().ToString());

  std::optional<RiskChartFile> risk;
  if (!risk_path.empty()) {
    Result<RiskChartFile> loaded = LoadRiskChartFile(risk_path, *config->regions);
    if (!loaded.ok()) return Fail(loaded.status());
    for (const std::string& line : loaded->rejected) {
      std::fprintf(stderr, "fugong bulletin: rejected %s\n", line.c_str());
    }
    risk = std::move(loaded).value();
  }

  BulletinInputs inputs;
  inputs.regions = config->regions.get();
  inputs.guidance = config->guidance.get();
  inputs.min_group_size = config->engine.min_group_size;
  inputs.risk = risk ? &risk->chart : nullptr;

  // The day's records and the province's of the day before, from either source.
  std::string source;
  const auto collect = [&]() -> Result<BulletinDay> {
    if (!state_dir.empty()) {
      source = "state " + state_dir;
      StateStoreOptions read_only;
      read_only.read_only = true;
      Result<std::unique_ptr<StateStore>> store = StateStore::Open(state_dir, read_only);
      if (!store.ok()) return store.status();
      return CollectBulletinDay(day, PublishedIndex(store->get()), inputs);
    }
    source = "index " + index_path + (risk_path.empty() ? "" : ", risk chart " + risk_path);
    Result<IndexFileRecords> records = IndexFileRecords::Load(index_path, {day - 1, day});
    if (!records.ok()) return records.status();
    return CollectBulletinDay(day, *records, inputs);
  };
  Result<BulletinDay> bulletin = collect();
  if (!bulletin.ok()) return Fail(bulletin.status());

  const std::string page =
      render::RenderBulletinHtml(*bulletin, *config->regions, *config->industries, {source});
  BulletinFiles written;
  const Status st = WriteBulletinFiles(
      page, day, out_dir,
      no_pdf ? std::nullopt : std::optional(PdfPrintOptions{.chromium = chromium}), &written);
  if (!written.html.empty()) std::printf("wrote %s\n", written.html.c_str());
  if (!st.ok()) return Fail(st);
  if (!written.pdf.empty()) std::printf("wrote %s\n", written.pdf.c_str());
  return 0;
}

}  // namespace fugong
