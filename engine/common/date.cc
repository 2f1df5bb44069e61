#include "engine/common/date.h"

#include <cstdio>

namespace fugong {

// Howard Hinnant's days_from_civil / civil_from_days.
Day DayFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

CivilDate CivilFromDay(Day z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), static_cast<int>(m), static_cast<int>(d)};
}

int WeekdayOf(Day day) {
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  return static_cast<int>((static_cast<int64_t>(day) % 7 + 7 + 3) % 7);
}

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2) return ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : 28;
  return kDays[m - 1];
}

}  // namespace

bool ParseDate(std::string_view s, Day* out) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d)) return false;
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return false;
  *out = DayFromCivil(y, m, d);
  return true;
}

void FormatDateTo(Day day, char* out) {
  const CivilDate c = CivilFromDay(day);
  int y = c.year;
  out[0] = static_cast<char>('0' + (y / 1000) % 10);
  out[1] = static_cast<char>('0' + (y / 100) % 10);
  out[2] = static_cast<char>('0' + (y / 10) % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[4] = '-';
  out[5] = static_cast<char>('0' + c.month / 10);
  out[6] = static_cast<char>('0' + c.month % 10);
  out[7] = '-';
  out[8] = static_cast<char>('0' + c.day / 10);
  out[9] = static_cast<char>('0' + c.day % 10);
}

std::string FormatDate(Day day) {
  std::string s(10, '0');
  FormatDateTo(day, s.data());
  return s;
}

bool ParseInstant(std::string_view s, EpochSeconds* out) {
  if (s.empty()) return false;
  // Integer epoch seconds.
  if (s.size() <= 12 && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))) {
    size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size()) return false;
    int64_t v = 0;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') break;
      v = v * 10 + (s[i] - '0');
    }
    if (i == s.size()) {
      *out = s[0] == '-' ? -v : v;
      return true;
    }
  }
  // YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)
  Day day;
  if (s.size() < 20 || !ParseDate(s.substr(0, 10), &day)) return false;
  if (s[10] != 'T' && s[10] != ' ') return false;
  int hh, mm, ss;
  if (!Digits(s, 11, 2, &hh) || s[13] != ':' || !Digits(s, 14, 2, &mm) || s[16] != ':' ||
      !Digits(s, 17, 2, &ss)) {
    return false;
  }
  if (hh > 24 || mm > 59 || ss > 59 || (hh == 24 && (mm != 0 || ss != 0))) return false;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (s[pos] != '0') return false;  // sub-second instants are not meter timestamps
      ++pos;
    }
    if (pos == start) return false;
  }
  if (pos >= s.size()) return false;
  int offset_seconds = 0;
  if (s[pos] == 'Z') {
    if (pos + 1 != s.size()) return false;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (s.size() != pos + 6 || !Digits(s, pos + 1, 2, &oh) || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om) || oh > 18 || om > 59) {
      return false;
    }
    offset_seconds = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
  } else {
    return false;
  }
  *out = static_cast<int64_t>(day) * 86400 + hh * 3600 + mm * 60 + ss - offset_seconds;
  return true;
}

}  // namespace fugong
