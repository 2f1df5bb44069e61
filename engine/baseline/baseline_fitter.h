// Fits SPEC's baseline model to one enterprise's valid window days:
//
//   E = b0 + sum of 6 day-of-week dummies (Monday is the base) [+ bh*HDD] [+ bc*CDD]
//
// by ordinary least squares with a column-pivoting (rank-revealing) QR, falling back to `mean`
// when the window has too few valid days, a day type has too few, or the system is rank-deficient.
#pragma once

#include "engine/baseline/baseline_model.h"
#include "engine/baseline/baseline_samples.h"
#include "engine/config/engine_config.h"

namespace fugong {

// A pivot of the QR factor at most this fraction of the largest one counts as zero. The columns
// are 0/1 dummies and degree-days of at most a few tens, so a genuinely independent column keeps a
// pivot many orders of magnitude above this, while an exactly collinear one (e.g. an HDD that is
// the same on every valid day) leaves only rounding noise (~1e-16).
inline constexpr double kBaselineRankThreshold = 1e-10;

// Fits with exactly the weather `columns` given (normally samples.ColumnsFor(...)). Deterministic:
// the same samples give bit-identical coefficients. Windows of up to 64 valid days are solved
// without heap allocation.
BaselineModel FitBaselineModel(const BaselineSamples& samples, WeatherColumns columns,
                               const EngineConfig& config);

}  // namespace fugong
