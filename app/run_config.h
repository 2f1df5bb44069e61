// Everything a run takes from its config file and command line: the engine's thresholds and
// the reference tables (the built-in Zhejiang regions and Chinese calendar unless a file is
// named). One YAML file, flat keys; `--set key=value` overrides any key.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/status.h"
#include "engine/config/engine_config.h"
#include "engine/job/stream_settings.h"
#include "engine/publish/resumption_guidance.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"

namespace fugong {

struct RunConfig {
  EngineConfig engine;
  std::string region_table_path;  // empty: built-in Zhejiang, February 2020
  std::string calendar_path;      // empty: built-in China 2015-2030 with Spring Festivals

  // The loaded tables (owned here, or pointing at the built-in ones).
  std::shared_ptr<const RegionTable> regions;
  std::shared_ptr<const HolidayCalendar> calendar;
  const IndustryTable* industries = &IndustryTable::Standard();
  // Guidance by zone, industry and week (`guidance: FILE`); null when none is configured.
  std::string guidance_path;
  std::shared_ptr<const GuidanceTable> guidance;

  // The streaming service (`fugong serve`).
  StreamSettings stream;
  std::string index_topic = "fugong.index.daily";
  std::string deadletter_topic = "fugong.deadletter";
  std::string group_id = "fugong";
  int64_t commit_interval_ms = 1000;
  // The HTTP server (metrics, health, API, dashboard): "HOST:PORT"; empty for none.
  std::string http_listen;
  // Read the index topic whole into state, so that this instance answers for every record,
  // whoever published it (app/index_follower.h; docs/scale-out.md).
  bool follow_index = true;
  // Answer GET /v1/suspects (the enterprises of a county suspected of idle running; it names
  // enterprises, so it is off unless enabled: app/http/suspects_api.h).
  bool suspects_api = false;
  // librdkafka properties (`kafka:` mapping, or `kafka.<property>` keys), in the order given.
  std::vector<std::pair<std::string, std::string>> kafka;
};

// `config_path` may be empty (all defaults). `overrides` are `key=value` pairs whose values are
// read as YAML scalars or flow sequences (`levels=[county,city]`). Relative table paths in the
// file are taken relative to the file's directory.
Result<RunConfig> LoadRunConfig(const std::string& config_path,
                                const std::vector<std::string>& overrides);

}  // namespace fugong
