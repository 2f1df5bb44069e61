#pragma once

namespace fugong {

// `fugong chart`: index records (the JSONL a backfill writes) of one level drawn as a line chart
// SVG, one line per group code and field. Exit status: 0 done; 2 bad usage (including a level or
// code the index does not have); 1 an index that cannot be read or an SVG that cannot be written.
int RunChartCommand(int argc, char** argv);

}  // namespace fugong
