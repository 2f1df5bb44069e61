#include "app/http/published_index.h"

#include "engine/publish/index_publisher.h"
#include "engine/publish/index_record.h"

namespace fugong {

namespace {

constexpr size_t kDateLength = 10;  // YYYY-MM-DD

Status ToRecord(std::string_view key, std::string_view stored, std::string* out) {
  PublishedRecord record;
  if (!record.Decode(stored)) return Status::Corruption("group_day record " + std::string(key));
  *out = FinishIndexRecord(record.content, record.revision, record.computed_at);
  return Status::OK();
}

}  // namespace

std::vector<Day> PublishedIndex::Dates() const {
  // One seek per date: jump past every key of a date to the first key of the next.
  std::vector<Day> dates;
  std::unique_ptr<rocksdb::Iterator> it = state_->NewIterator(Store::kGroupDay);
  for (it->SeekToFirst(); it->Valid();) {
    const std::string date = it->key().ToString().substr(0, kDateLength);
    Day day;
    if (ParseDate(date, &day)) dates.push_back(day);
    it->Seek(date + "}");  // '}' sorts right after the '|' that follows every date
  }
  return dates;
}

bool PublishedIndex::LatestDate(Day* day) const {
  std::unique_ptr<rocksdb::Iterator> it = state_->NewIterator(Store::kGroupDay);
  it->SeekToLast();
  return it->Valid() && ParseDate(it->key().ToString().substr(0, kDateLength), day);
}

Status PublishedIndex::DayRecords(Day day, std::string_view level,
                                  std::vector<std::string>* out) const {
  out->clear();
  const std::string prefix = FormatDate(day) + "|" + std::string(level) + "|";
  std::unique_ptr<rocksdb::Iterator> it = state_->NewIterator(Store::kGroupDay);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string record;
    FUGONG_RETURN_IF_ERROR(ToRecord(it->key().ToStringView(), it->value().ToStringView(), &record));
    out->push_back(std::move(record));
  }
  if (!it->status().ok()) return Status::IOError(it->status().ToString());
  return Status::OK();
}

Status PublishedIndex::Record(Day day, std::string_view level, std::string_view code,
                              std::string* out) const {
  const std::string key = FormatDate(day) + "|" + std::string(level) + "|" + std::string(code);
  std::string stored;
  FUGONG_RETURN_IF_ERROR(state_->Get(Store::kGroupDay, key, &stored));
  return ToRecord(key, stored, out);
}

Status PublishedIndex::Series(std::string_view level, std::string_view code, Day from, Day to,
                              std::vector<std::string>* out) const {
  out->clear();
  for (Day day : Dates()) {
    if (day < from || day > to) continue;
    std::string record;
    Status st = Record(day, level, code, &record);
    if (st.code() == Status::Code::kNotFound) continue;
    FUGONG_RETURN_IF_ERROR(st);
    out->push_back(std::move(record));
  }
  return Status::OK();
}

}  // namespace fugong
