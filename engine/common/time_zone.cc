#include "engine/common/time_zone.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

namespace fugong {
namespace {

constexpr int64_t kDay = 86400;
constexpr EpochSeconds kMinInstant = std::numeric_limits<EpochSeconds>::min();
constexpr EpochSeconds kMaxInstant = std::numeric_limits<EpochSeconds>::max();
// The instants the arithmetic supports (see the header). Transitions further out than this in a
// file are not real history: zic writes -2^59 as a "big bang" marker, which we fold into the
// initial offset.
constexpr EpochSeconds kInstantLimit = int64_t{1} << 46;
// RFC 8536 section 3.2: utoff SHOULD lie in [-89999, 93599]; anything beyond is a broken file.
constexpr int32_t kMinUtcOffset = -89999;
constexpr int32_t kMaxUtcOffset = 93599;
// Zone files are a few kilobytes; refuse to slurp something huge that only looks like one.
constexpr std::uintmax_t kMaxZoneFileBytes = 1 << 20;

// The table of periods covers explicit transitions and the footer rule through this year, so the
// years the engine actually sees take the fast path; the bucket index covers from kIndexFirstYear.
constexpr int kTableLastYear = 2100;
constexpr int kIndexFirstYear = 1900;
// Each bucket of the index spans 2^22 s (48.5 days): DST zones change twice a year, so an instant's
// bucket points at its period or at most a step or two before it.
constexpr int kBucketShift = 22;

EpochSeconds StartOfYear(int year) {
  return static_cast<EpochSeconds>(DayFromCivil(year, 1, 1)) * kDay;
}

int YearOf(EpochSeconds t) {
  t = std::clamp(t, -kInstantLimit, kInstantLimit);
  return CivilFromDay(static_cast<Day>(FloorDiv(t, kDay))).year;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// One change of offset: from `at` on, `offset` is in force.
struct Change {
  EpochSeconds at;
  int32_t offset;
};

// --- POSIX TZ strings (the TZif footer) ---

// The day of a DST rule: `Jn` (1..365, February 29 never counted), `n` (0..365, counted), or
// `Mm.w.d` (weekday d, 0 = Sunday, of week w, 5 = last, of month m).
struct RuleDate {
  enum class Kind { kJulianNoLeap, kZeroBased, kMonthWeekDay };
  Kind kind = Kind::kMonthWeekDay;
  int n = 0;  // for the two day-number kinds
  int month = 1, week = 1, weekday = 0;
};

struct PosixTz {
  int32_t std_offset = 0;  // seconds east of UTC (POSIX writes them west, we flip the sign)
  bool has_dst = false;
  int32_t dst_offset = 0;
  RuleDate start, end;
  // Local time of day of each change, in the offset in force before it; RFC 8536 allows -167..167
  // hours so that rules like "the Saturday before the last Sunday, 24:00" can be written.
  int32_t start_time = 7200, end_time = 7200;
};

Day RuleDay(const RuleDate& r, int year) {
  const Day jan1 = DayFromCivil(year, 1, 1);
  switch (r.kind) {
    case RuleDate::Kind::kJulianNoLeap:
      return jan1 + r.n - 1 + (IsLeapYear(year) && r.n >= 60 ? 1 : 0);
    case RuleDate::Kind::kZeroBased:
      return jan1 + r.n;
    case RuleDate::Kind::kMonthWeekDay: {
      const Day first = DayFromCivil(year, r.month, 1);
      const int first_weekday = (WeekdayOf(first) + 1) % 7;  // WeekdayOf counts from Monday
      Day d = first + (r.weekday - first_weekday + 7) % 7 + 7 * (r.week - 1);
      // Week 5 means the last such weekday, which may be in the fourth week.
      while (d >= first + DaysInMonth(year, r.month)) d -= 7;
      return d;
    }
  }
  return jan1;
}

// The two changes a DST rule makes in `year`, in rule order (not necessarily time order: southern
// hemisphere rules end DST before they start it).
std::array<Change, 2> RuleChanges(const PosixTz& tz, int year) {
  const EpochSeconds start =
      static_cast<EpochSeconds>(RuleDay(tz.start, year)) * kDay + tz.start_time - tz.std_offset;
  const EpochSeconds end =
      static_cast<EpochSeconds>(RuleDay(tz.end, year)) * kDay + tz.end_time - tz.dst_offset;
  return {Change{start, tz.dst_offset}, Change{end, tz.std_offset}};
}

// The changes of years [first, last], sorted by instant. The sort is stable, so when two changes
// share an instant (year-round DST is written as "end Dec 31 25:00, start Jan 1 00:00") the later
// year's one wins, as it should.
std::vector<Change> RuleChangesOfYears(const PosixTz& tz, int first, int last) {
  std::vector<Change> changes;
  for (int y = first; y <= last; ++y) {
    const auto two = RuleChanges(tz, y);
    changes.insert(changes.end(), two.begin(), two.end());
  }
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Change& a, const Change& b) { return a.at < b.at; });
  return changes;
}

// The offset the footer gives at `t`, and an instant until which it stays in force (the next real
// change, or a conservative bound a few years out; callers only need progress).
void FooterSpan(const PosixTz& tz, EpochSeconds t, int32_t* offset, EpochSeconds* until) {
  if (!tz.has_dst) {
    *offset = tz.std_offset;
    *until = kMaxInstant;
    return;
  }
  const int year = YearOf(t);
  // Two years either side: rule times of up to +-167 h can push a change across a year boundary.
  std::array<Change, 10> c;
  size_t n = 0;
  for (int y = year - 2; y <= year + 2; ++y) {
    for (const Change& ch : RuleChanges(tz, y)) c[n++] = ch;
  }
  std::stable_sort(c.begin(), c.begin() + n,
                   [](const Change& a, const Change& b) { return a.at < b.at; });
  int32_t off = tz.std_offset;
  size_t k = 0;
  for (; k < n && c[k].at <= t; ++k) off = c[k].offset;
  *offset = off;
  *until = StartOfYear(year + 3);
  while (k < n) {
    const EpochSeconds at = c[k].at;
    int32_t after = off;
    while (k < n && c[k].at == at) after = c[k++].offset;
    if (after != off) {
      *until = at;
      return;
    }
  }
}

class PosixTzParser {
 public:
  explicit PosixTzParser(std::string_view s) : s_(s) {}

  // std offset [dst [offset] ,start[/time],end[/time]]
  bool Parse(PosixTz* out) {
    int v;
    if (!Name() || !Hms(24, &v)) return false;
    out->std_offset = -v;
    if (AtEnd()) return true;
    if (!Name()) return false;
    out->has_dst = true;
    out->dst_offset = out->std_offset + 3600;
    if (!AtEnd() && s_[i_] != ',') {
      if (!Hms(24, &v)) return false;
      out->dst_offset = -v;
    }
    // POSIX leaves a DST zone without a rule to the implementation; RFC 8536 footers always carry
    // one, so its absence means the file is not what it claims to be.
    if (!Eat(',') || !Date(&out->start)) return false;
    if (Eat('/') && !Hms(167, &out->start_time)) return false;
    if (!Eat(',') || !Date(&out->end)) return false;
    if (Eat('/') && !Hms(167, &out->end_time)) return false;
    return AtEnd();
  }

 private:
  bool AtEnd() const { return i_ == s_.size(); }
  bool Eat(char c) {
    if (AtEnd() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  static bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

  // `ABC` (letters) or `<-03>` (letters, digits, signs); at least three characters either way.
  bool Name() {
    if (Eat('<')) {
      const size_t begin = i_;
      while (!AtEnd() && (IsAlpha(s_[i_]) || IsDigit(s_[i_]) || s_[i_] == '+' || s_[i_] == '-')) {
        ++i_;
      }
      return i_ - begin >= 3 && Eat('>');
    }
    const size_t begin = i_;
    while (!AtEnd() && IsAlpha(s_[i_])) ++i_;
    return i_ - begin >= 3;
  }

  bool Number(int max_digits, int max_value, int* out) {
    int v = 0, digits = 0;
    while (!AtEnd() && IsDigit(s_[i_]) && digits < max_digits) {
      v = v * 10 + (s_[i_++] - '0');
      ++digits;
    }
    if (digits == 0 || v > max_value) return false;
    *out = v;
    return true;
  }

  // [+-]hh[:mm[:ss]] in seconds.
  bool Hms(int max_hours, int* seconds) {
    int sign = 1;
    if (Eat('-')) {
      sign = -1;
    } else {
      Eat('+');
    }
    int h, m = 0, s = 0;
    if (!Number(3, max_hours, &h)) return false;
    if (Eat(':')) {
      if (!Number(2, 59, &m)) return false;
      if (Eat(':') && !Number(2, 59, &s)) return false;
    }
    *seconds = sign * (h * 3600 + m * 60 + s);
    return true;
  }

  bool Date(RuleDate* d) {
    if (Eat('J')) {
      d->kind = RuleDate::Kind::kJulianNoLeap;
      return Number(3, 365, &d->n) && d->n >= 1;
    }
    if (Eat('M')) {
      d->kind = RuleDate::Kind::kMonthWeekDay;
      return Number(2, 12, &d->month) && d->month >= 1 && Eat('.') && Number(1, 5, &d->week) &&
             d->week >= 1 && Eat('.') && Number(1, 6, &d->weekday);
    }
    d->kind = RuleDate::Kind::kZeroBased;
    return Number(3, 365, &d->n);
  }

  std::string_view s_;
  size_t i_ = 0;
};

// --- TZif ---

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : b_(bytes) {}
  size_t pos() const { return pos_; }
  size_t remaining() const { return b_.size() - pos_; }
  // Callers check remaining() first; these never read past the end.
  uint8_t U8() { return static_cast<uint8_t>(b_[pos_++]); }
  uint32_t U32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | U8();
    return v;
  }
  int64_t I64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | U8();
    return static_cast<int64_t>(v);
  }
  void Skip(size_t n) { pos_ += n; }
  std::string_view Take(size_t n) {
    std::string_view v = b_.substr(pos_, n);
    pos_ += n;
    return v;
  }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

struct TzifHeader {
  char version;  // 0 for version 1, else '2', '3', '4'
  uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;

  // Bytes of the data block that follows, with `time_size`-byte transition times.
  uint64_t BlockSize(uint64_t time_size) const {
    return uint64_t{timecnt} * time_size + timecnt + uint64_t{typecnt} * 6 + charcnt +
           uint64_t{leapcnt} * (time_size + 4) + isstdcnt + isutcnt;
  }
};

struct TzifContents {
  int32_t initial_offset = 0;
  std::vector<Change> transitions;  // ascending
  std::optional<PosixTz> footer;
};

Status Corrupt(const std::string& name, const std::string& what) {
  return Status::Corruption("time zone '" + name + "': corrupt zone file: " + what);
}

bool ReadHeader(ByteReader* r, TzifHeader* h) {
  if (r->remaining() < 44) return false;
  const std::string_view magic = r->Take(4);
  if (magic != "TZif") return false;
  h->version = static_cast<char>(r->U8());
  r->Skip(15);
  h->isutcnt = r->U32();
  h->isstdcnt = r->U32();
  h->leapcnt = r->U32();
  h->timecnt = r->U32();
  h->typecnt = r->U32();
  h->charcnt = r->U32();
  return true;
}

Status ReadBlock(ByteReader* r, const TzifHeader& h, int time_size, const std::string& name,
                 TzifContents* out) {
  if (h.typecnt == 0 || h.charcnt == 0) return Corrupt(name, "no local time types");
  if ((h.isutcnt != 0 && h.isutcnt != h.typecnt) || (h.isstdcnt != 0 && h.isstdcnt != h.typecnt)) {
    return Corrupt(name, "indicator counts do not match the type count");
  }
  if (h.leapcnt != 0) {
    // Such files ("right/...") count leap seconds in their timestamps; the engine's instants are
    // POSIX seconds, so the offsets would be off by up to 27 s.
    return Status::InvalidArgument(
        "time zone '" + name + "' counts leap seconds; use the zone without the 'right/' prefix");
  }
  if (r->remaining() < h.BlockSize(time_size)) return Corrupt(name, "truncated data block");

  std::vector<EpochSeconds> times(h.timecnt);
  for (EpochSeconds& t : times) {
    t = time_size == 8 ? r->I64() : static_cast<int32_t>(r->U32());
  }
  std::vector<uint8_t> type_of(h.timecnt);
  for (uint8_t& idx : type_of) {
    idx = r->U8();
    if (idx >= h.typecnt) return Corrupt(name, "transition to an undefined time type");
  }
  std::vector<int32_t> utoff(h.typecnt);
  for (int32_t& off : utoff) {
    off = static_cast<int32_t>(r->U32());
    const uint8_t isdst = r->U8();
    const uint8_t desigidx = r->U8();
    if (off < kMinUtcOffset || off > kMaxUtcOffset) return Corrupt(name, "UTC offset out of range");
    if (isdst > 1 || desigidx >= h.charcnt) return Corrupt(name, "bad time type");
  }
  r->Skip(h.charcnt + h.isstdcnt + h.isutcnt);  // abbreviations and indicators: not needed

  // RFC 8536: local time before the first transition is that of time type 0.
  out->initial_offset = utoff[0];
  out->transitions.clear();
  for (size_t i = 0; i < times.size(); ++i) {
    if (i > 0 && times[i] <= times[i - 1]) return Corrupt(name, "transitions out of order");
    if (times[i] > kInstantLimit) return Corrupt(name, "transition time out of range");
    if (times[i] < -kInstantLimit) {
      out->initial_offset = utoff[type_of[i]];  // a "big bang" marker, not history
      continue;
    }
    out->transitions.push_back({times[i], utoff[type_of[i]]});
  }
  return Status::OK();
}

Result<TzifContents> ParseTzif(std::string_view bytes, const std::string& name) {
  ByteReader r(bytes);
  TzifHeader h1;
  if (!ReadHeader(&r, &h1)) {
    return Status::InvalidArgument("time zone '" + name + "' is not a compiled zone (TZif) file");
  }
  TzifContents contents;
  if (h1.version == 0) {
    FUGONG_RETURN_IF_ERROR(ReadBlock(&r, h1, 4, name, &contents));
    return contents;  // version 1 has no footer: the last type stays in force
  }
  if (h1.version < '2' || h1.version > '9') return Corrupt(name, "unknown TZif version");
  // Version 2+ repeats everything with 64-bit times; the 32-bit block is only for old readers.
  if (r.remaining() < h1.BlockSize(4)) return Corrupt(name, "truncated version 1 data block");
  r.Skip(h1.BlockSize(4));
  TzifHeader h2;
  if (!ReadHeader(&r, &h2)) return Corrupt(name, "missing or truncated 64-bit header");
  FUGONG_RETURN_IF_ERROR(ReadBlock(&r, h2, 8, name, &contents));

  // The footer: newline, POSIX TZ string (may be empty), newline.
  if (r.remaining() < 2 || r.U8() != '\n') return Corrupt(name, "missing TZ footer");
  const std::string_view rest = r.Take(r.remaining());
  const size_t nl = rest.find('\n');
  if (nl == std::string_view::npos) return Corrupt(name, "unterminated TZ footer");
  const std::string_view footer = rest.substr(0, nl);
  if (!footer.empty()) {
    PosixTz tz;
    if (!PosixTzParser(footer).Parse(&tz)) {
      return Corrupt(name, "bad TZ footer '" + std::string(footer) + "'");
    }
    contents.footer = tz;
  }
  return contents;
}

bool IsValidZoneName(const std::string& name) {
  if (name.empty() || name.size() > 255 || name.front() == '/' || name.back() == '/') return false;
  // No `..` (escaping the directory), and no component starting with a dot at all: zone names
  // never have one, and `./x` would be a second spelling of `x`.
  if (name.find("..") != std::string::npos || name.find("//") != std::string::npos ||
      name.front() == '.' || name.find("/.") != std::string::npos) {
    return false;
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '-' || c == '+' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// `+08:00` / `-05:30`, with the bounds ParseUtcOffset uses.
bool ParseFixedOffset(const std::string& text, int* offset_seconds) {
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') return false;
  auto digit = [&](int i) { return text[i] >= '0' && text[i] <= '9'; };
  if (!digit(1) || !digit(2) || !digit(4) || !digit(5)) return false;
  const int hours = (text[1] - '0') * 10 + (text[2] - '0');
  const int minutes = (text[4] - '0') * 10 + (text[5] - '0');
  if (hours > 14 || minutes > 59) return false;
  *offset_seconds = (hours * 3600 + minutes * 60) * (text[0] == '-' ? -1 : 1);
  return true;
}

}  // namespace

// The precomputed table. `periods` is sorted by start; periods[0] starts at the minimum instant and
// the last element is a sentinel starting at `table_end`, so a forward scan never needs a bounds
// check. From `table_end` on, the footer rule is evaluated directly.
struct TimeZone::Data {
  struct Period {
    EpochSeconds start;
    // From here until the next period, the local day of an instant began at wall 00:00 inside this
    // period, so the day and the seconds into it follow from this offset alone. Before it (the
    // day of the transition itself) the general computation runs.
    EpochSeconds fast_from;
    int32_t offset;
  };
  std::vector<Period> periods;
  std::vector<uint32_t> bucket_first;  // index of the period in force at each bucket's start
  EpochSeconds bucket_base = 0;
  EpochSeconds bucket_limit = 0;
  EpochSeconds table_end = kMaxInstant;
  std::optional<PosixTz> footer;  // set iff table_end is finite
  int32_t max_offset = 0;

  // The period of `t`; requires t < table_end.
  size_t PeriodIndex(EpochSeconds t) const {
    size_t i;
    if (t >= bucket_base && t < bucket_limit) {
      i = bucket_first[static_cast<uint64_t>(t - bucket_base) >> kBucketShift];
    } else {
      i = static_cast<size_t>(
              std::upper_bound(periods.begin(), periods.end() - 1, t,
                               [](EpochSeconds v, const Period& p) { return v < p.start; }) -
              periods.begin()) -
          1;
    }
    while (periods[i + 1].start <= t) ++i;
    return i;
  }

  // The offset at `t` and an instant (> t) until which it stays in force.
  void OffsetSpan(EpochSeconds t, int32_t* offset, EpochSeconds* until) const {
    if (t < table_end) {
      const size_t i = PeriodIndex(t);
      *offset = periods[i].offset;
      *until = periods[i + 1].start;
    } else if (footer.has_value()) {
      FooterSpan(*footer, t, offset, until);
    } else {  // only t == kMaxInstant gets here
      *offset = periods.back().offset;
      *until = kMaxInstant;
    }
  }
};

TimeZone TimeZone::Fixed(int offset_seconds, std::string name) {
  return TimeZone(std::move(name), offset_seconds, nullptr);
}

Result<TimeZone> TimeZone::Parse(const std::string& text, const std::string& zoneinfo_dir) {
  if (text == "UTC" || text == "Z") return Fixed(0, "UTC");
  int offset;
  if (ParseFixedOffset(text, &offset)) return Fixed(offset, text);
  if (!IsValidZoneName(text)) {
    return Status::InvalidArgument(
        "time zone '" + text +
        "' is neither an offset like +08:00 nor an IANA name like Europe/London (names use "
        "letters, digits and _-+/ and may not contain '..' or start with '/')");
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path path = fs::path(zoneinfo_dir) / text;
  if (!fs::is_regular_file(path, ec)) {
    if (!fs::is_directory(zoneinfo_dir, ec)) {
      return Status::InvalidArgument("unknown time zone '" + text + "': no zone directory " +
                                     zoneinfo_dir + " (is the tzdata package installed?)");
    }
    return Status::InvalidArgument("unknown time zone '" + text + "': no such zone in " +
                                   zoneinfo_dir);
  }
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) return Status::IOError("time zone '" + text + "': " + ec.message());
  if (size > kMaxZoneFileBytes) {
    return Status::InvalidArgument("time zone '" + text + "': " + path.string() +
                                   " is too large to be a zone file");
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad() || !in.is_open()) {
    return Status::IOError("time zone '" + text + "': cannot read " + path.string());
  }
  return FromTzif(bytes, text);
}

Result<TimeZone> TimeZone::FromTzif(std::string_view bytes, std::string name) {
  Result<TzifContents> parsed = ParseTzif(bytes, name);
  if (!parsed.ok()) return parsed.status();
  TzifContents& tzif = *parsed;

  // The changes of offset, merged: transitions that only rename a type or flip isdst without
  // moving the clock disappear, and two changes at one instant keep the later.
  std::vector<Change> changes;
  auto append = [&changes](EpochSeconds at, int32_t offset) {
    if (changes.back().at == at) {
      changes.back().offset = offset;
      if (changes.size() >= 2 && changes[changes.size() - 2].offset == offset) changes.pop_back();
    } else if (changes.back().offset != offset) {
      changes.push_back({at, offset});
    }
  };
  // RFC 8536: with no transitions at all, the footer (when present) governs every instant.
  const bool footer_only = tzif.transitions.empty() && tzif.footer.has_value();
  changes.push_back({kMinInstant, footer_only ? tzif.footer->std_offset : tzif.initial_offset});
  for (const Change& c : tzif.transitions) append(c.at, c.offset);

  auto data = std::make_shared<Data>();
  if (tzif.footer.has_value() && tzif.footer->has_dst) {
    // Unroll the footer rule after the last explicit transition, through kTableLastYear (or a
    // year past the last transition, for a file that lists transitions beyond it).
    const EpochSeconds last_at =
        tzif.transitions.empty() ? kMinInstant : tzif.transitions.back().at;
    // The years are clamped so that a file with absurd transition times cannot make us unroll
    // millions of years; the footer then still governs everything after the table.
    const int last_explicit_year = tzif.transitions.empty() ? kIndexFirstYear : YearOf(last_at);
    const int first_year = std::max(last_explicit_year - 1, kIndexFirstYear - 1);
    const int last_year =
        std::max(kTableLastYear, std::min(last_explicit_year + 1, kTableLastYear + 100));
    data->table_end = std::max(StartOfYear(last_year + 1), last_at + 1);
    for (const Change& c : RuleChangesOfYears(*tzif.footer, first_year, last_year + 1)) {
      if (c.at > last_at && c.at < data->table_end) append(c.at, c.offset);
    }
    data->footer = tzif.footer;
  }
  // A zone that never changed its offset needs no table.
  if (changes.size() == 1 && !data->footer.has_value()) {
    return Fixed(changes[0].offset, std::move(name));
  }

  // Periods, with the instant from which each one's days are plain (see Period::fast_from). A day
  // d is plain in period i when it began inside period i at wall 00:00 and no earlier period
  // reached day d (a fall-back across midnight can revisit the previous day).
  std::optional<int64_t> max_day_before;  // the latest local day any earlier period reached
  data->periods.reserve(changes.size() + 1);
  int32_t max_offset = changes[0].offset;
  for (size_t i = 0; i < changes.size(); ++i) {
    const EpochSeconds start = changes[i].at;
    const int32_t offset = changes[i].offset;
    const EpochSeconds end = i + 1 < changes.size() ? changes[i + 1].at : data->table_end;
    EpochSeconds fast_from = kMinInstant;
    if (i > 0) {
      int64_t last_impure = FloorDiv(start + offset, kDay);
      if (max_day_before.has_value()) last_impure = std::max(last_impure, *max_day_before);
      fast_from = (last_impure + 1) * kDay - offset;
    }
    if (end != kMaxInstant) {
      const int64_t last_day = FloorDiv(end - 1 + offset, kDay);
      max_day_before = std::max(max_day_before.value_or(last_day), last_day);
    }
    data->periods.push_back({start, fast_from, offset});
    max_offset = std::max(max_offset, offset);
  }
  data->periods.push_back({data->table_end, kMaxInstant, changes.back().offset});
  if (data->footer.has_value()) {
    max_offset = std::max({max_offset, data->footer->std_offset, data->footer->dst_offset});
  }
  data->max_offset = max_offset;

  data->bucket_base = StartOfYear(kIndexFirstYear);
  data->bucket_limit = std::min(data->table_end, StartOfYear(kTableLastYear + 1));
  const EpochSeconds bucket_span = EpochSeconds{1} << kBucketShift;
  for (EpochSeconds at = data->bucket_base; at < data->bucket_limit; at += bucket_span) {
    const auto it =
        std::upper_bound(data->periods.begin(), data->periods.end() - 1, at,
                         [](EpochSeconds v, const Data::Period& p) { return v < p.start; });
    data->bucket_first.push_back(static_cast<uint32_t>(it - data->periods.begin() - 1));
  }
  return TimeZone(std::move(name), 0, std::move(data));
}

int TimeZone::ZoneOffsetAt(EpochSeconds instant) const {
  int32_t offset;
  EpochSeconds until;
  data_->OffsetSpan(instant, &offset, &until);
  return offset;
}

TimeZone::LocalTime TimeZone::ZoneLocalize(EpochSeconds instant) const {
  const Data& z = *data_;
  if (instant < z.table_end) {
    const Data::Period& p = z.periods[z.PeriodIndex(instant)];
    if (instant >= p.fast_from) {
      const int64_t wall = instant + p.offset;
      const Day day = static_cast<Day>(FloorDiv(wall, kDay));
      return {day, wall - static_cast<int64_t>(day) * kDay};
    }
  }
  // The day of a transition, or beyond the table.
  const Day day = static_cast<Day>(FloorDiv(instant + ZoneOffsetAt(instant), kDay));
  return {day, instant - StartOfLocalDay(day)};
}

EpochSeconds TimeZone::StartOfLocalDay(Day day) const {
  const EpochSeconds midnight = static_cast<EpochSeconds>(day) * kDay;
  if (data_ == nullptr) return midnight - fixed_offset_;
  // The first instant t with t + offset(t) >= midnight. No instant before midnight - max_offset
  // can qualify; walk the periods from there. Within a period of offset o the first qualifying
  // instant is max(period start, midnight - o).
  EpochSeconds t = midnight - data_->max_offset;
  for (;;) {
    int32_t offset;
    EpochSeconds until;
    data_->OffsetSpan(t, &offset, &until);
    const EpochSeconds candidate = std::max(t, midnight - offset);
    // `until <= t` only for instants outside the supported range; stop rather than spin.
    if (candidate < until || until <= t) return candidate;
    t = until;
  }
}

int64_t TimeZone::LocalDayLengthSeconds(Day day) const {
  if (data_ == nullptr) return kDay;
  return StartOfLocalDay(day + 1) - StartOfLocalDay(day);
}

}  // namespace fugong
