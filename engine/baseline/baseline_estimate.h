// What scoring needs to know of an enterprise's baseline on one day.
#pragma once

#include "engine/config/engine_config.h"

namespace fugong {

struct BaselineEstimate {
  bool valid = false;       // Bbar(e) >= min_baseline_kwh
  double expected_kwh = 0;  // B(e,d): the normal consumption on the scored day
  double mean_kwh = 0;      // Bbar(e): mean E over the window's valid days
  BaselineMethod method = BaselineMethod::kMean;  // the method actually used
};

}  // namespace fugong
