#include "app/bulletin/risk_chart_file.h"

#include <fstream>

#include "engine/decode/risk_csv_decoder.h"
#include "engine/model/dead_letter.h"

namespace fugong {

Result<RiskChartFile> LoadRiskChartFile(const std::string& path, const RegionTable& regions) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot open " + path);
  std::string line;
  if (!std::getline(in, line)) return Status::InvalidArgument(path + ": empty, no header line");
  if (line.ends_with('\r')) line.pop_back();
  Result<RiskCsvDecoder> decoder = RiskCsvDecoder::FromHeader(line, &regions);
  if (!decoder.ok()) return Status::InvalidArgument(path + ": " + decoder.status().message());
  RiskChartFile out;
  RiskRow row;
  DecodeError error;
  for (int64_t number = 2; std::getline(in, line); ++number) {
    if (line.ends_with('\r')) line.pop_back();
    if (line.empty()) continue;
    if (!decoder->Decode(line, &row, &error)) {
      out.rejected.push_back(path + " line " + std::to_string(number) + ": " +
                             std::string(ReasonCode(error.reason)) +
                             (error.detail.empty() ? "" : " (" + error.detail + ")"));
      continue;
    }
    out.chart.Set(row.county, row.day, row.level);
    ++out.used;
  }
  if (in.bad()) return Status::IOError("cannot read " + path);
  return out;
}

}  // namespace fugong
