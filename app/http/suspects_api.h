// GET /v1/suspects?date=D&county=C: the enterprises of county C whose day D the index counts as
// suspect_idle (resumed by energy, not active by the shape of the day; docs/day-shape.md), for
// inspectors to visit. It names enterprises, so it answers only when the config enables it
// (`suspects_api: true`); otherwise a 403 says how.
//
// The list is read from this instance's state: the enterprise_day store (each scored day's
// DayScore, whose suspect_idle flag the count sums) and the registry (the county and the active
// span of each enterprise, as the close that counted it used them). The county record's own
// count comes with it, so a client sees whether the list is whole: with several instances each
// keeps the scores of its own readings partitions only (docs/scale-out.md), and retention drops
// the scores of old days.
#pragma once

#include <string_view>

#include "app/http/http_message.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"
#include "engine/state/state_store.h"

namespace fugong {

class SuspectsApi {
 public:
  // The tables must outlive the object; `enabled` is the config's `suspects_api`.
  SuspectsApi(const RegionTable* regions, const IndustryTable* industries, bool enabled,
              size_t max_message_bytes)
      : regions_(regions),
        industries_(industries),
        enabled_(enabled),
        max_message_bytes_(max_message_bytes) {}

  static bool Serves(std::string_view path) { return path == "/v1/suspects"; }
  // Reads `state` (open for the whole call).
  HttpResponse Handle(const HttpRequest& request, const StateStore& state) const;

 private:
  const RegionTable* regions_;
  const IndustryTable* industries_;
  bool enabled_;
  size_t max_message_bytes_;
};

}  // namespace fugong
