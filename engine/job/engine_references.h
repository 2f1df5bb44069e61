// The configuration and reference tables every job computes with. They outlive the job.
#pragma once

#include "engine/config/engine_config.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"

namespace fugong {

struct EngineReferences {
  const EngineConfig* config;
  const RegionTable* regions;
  const IndustryTable* industries;
  const HolidayCalendar* calendar;
};

}  // namespace fugong
