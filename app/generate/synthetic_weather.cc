#include "app/generate/synthetic_weather.h"

#include <cmath>
#include <map>

#include "app/generate/prng.h"

namespace fugong::synth {

namespace {

// Anomalies are filtered innovations: a(d) = sum_k phi^k e(d - k) over kMemory days. This is an
// AR(1) process truncated after kMemory terms, computed from hashes of the date, so a day's
// temperature does not depend on where the generated range starts.
constexpr int kMemory = 24;

// How much warmer than Hangzhou a city is, on average (C). The south-east coast is mildest.
double CityOffset(const std::string& city) {
  static const std::map<std::string, double> kOffsets = {
      {"330100", 0.0},  {"330200", 0.4}, {"330300", 2.2}, {"330400", -0.2},
      {"330500", -0.4}, {"330600", 0.1}, {"330700", 0.8}, {"330800", 0.6},
      {"330900", 1.0},  {"331000", 1.5}, {"331100", 1.0}};
  auto it = kOffsets.find(city);
  return it == kOffsets.end() ? 0.0 : it->second;
}

// A fixed offset per county (hills are cooler than valleys), from its code, not from the seed:
// geography does not change with the seed.
double CountyOffset(const std::string& county) {
  uint64_t h = 0;
  for (char c : county) h = SplitMix64(h ^ static_cast<unsigned char>(c));
  return -0.6 + 1.0 * UnitFromBits(h);
}

double Innovation(uint64_t key, Day day, double sigma) {
  return sigma * ApproxNormal(SplitMix64(key ^ static_cast<uint64_t>(static_cast<int64_t>(day))));
}

double Filtered(uint64_t key, Day day, double phi, double sigma) {
  double sum = 0.0;
  double weight = 1.0;
  for (int k = 0; k < kMemory; ++k) {
    sum += weight * Innovation(key, day - k, sigma);
    weight *= phi;
  }
  return sum;
}

// Hangzhou's seasonal mean: 17 - 11 cos(2 pi (day of year - 18) / 365.2425).
double Climatology(Day day) {
  const CivilDate c = CivilFromDay(day);
  const int day_of_year = day - DayFromCivil(c.year, 1, 1);
  return 17.0 - 11.0 * std::cos(6.283185307179586 * (day_of_year - 18) / 365.2425);
}

}  // namespace

SyntheticWeather::SyntheticWeather(uint64_t seed, const RegionTable& regions,
                                   const std::vector<std::string>& counties, Day from, Day to)
    : counties_(counties), from_(from), days_(static_cast<size_t>(to - from + 1)) {
  tenths_.resize(counties.size() * days_);
  const uint64_t province_key = StreamKey(seed, Stream::kWeatherProvince);
  std::vector<double> province(days_), climate(days_);
  for (size_t i = 0; i < days_; ++i) {
    const Day d = from + static_cast<Day>(i);
    province[i] = Filtered(province_key, d, 0.75, 1.2);
    climate[i] = Climatology(d);
  }
  std::map<std::string, std::vector<double>> city_anomaly;
  for (size_t c = 0; c < counties.size(); ++c) {
    const std::string& city = regions.CityOf(counties[c]);
    auto [it, inserted] = city_anomaly.try_emplace(city);
    if (inserted) {
      uint64_t city_hash = 0;
      for (char ch : city) city_hash = SplitMix64(city_hash ^ static_cast<unsigned char>(ch));
      const uint64_t key = StreamKey(seed, Stream::kWeatherCity, city_hash);
      it->second.resize(days_);
      for (size_t i = 0; i < days_; ++i) {
        it->second[i] = Filtered(key, from + static_cast<Day>(i), 0.6, 0.5);
      }
    }
    const double offset = CityOffset(city) + CountyOffset(counties[c]);
    const uint64_t county_key = StreamKey(seed, Stream::kWeatherCounty, c);
    for (size_t i = 0; i < days_; ++i) {
      const Day d = from + static_cast<Day>(i);
      const double t =
          climate[i] + offset + province[i] + it->second[i] + Innovation(county_key, d, 0.3);
      tenths_[c * days_ + i] = static_cast<int>(std::lround(t * 10.0));
    }
  }
}

std::string SyntheticWeather::ToCsv() const {
  std::string out = "county_code,date,temp_mean_c\n";
  out.reserve(out.size() + counties_.size() * days_ * 24);
  char date[10];
  for (size_t c = 0; c < counties_.size(); ++c) {
    for (size_t i = 0; i < days_; ++i) {
      out += counties_[c];
      out += ',';
      FormatDateTo(from_ + static_cast<Day>(i), date);
      out.append(date, 10);
      out += ',';
      const int t = tenths_[c * days_ + i];
      if (t < 0) out += '-';
      const int a = t < 0 ? -t : t;
      out += std::to_string(a / 10);
      out += '.';
      out += static_cast<char>('0' + a % 10);
      out += '\n';
    }
  }
  return out;
}

}  // namespace fugong::synth
