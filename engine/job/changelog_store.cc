#include "engine/job/changelog_store.h"

namespace fugong {

std::string_view ChangelogStoreName(ChangelogStore store) {
  switch (store) {
    case ChangelogStore::kMeterDay:
      return "meter_day";
    case ChangelogStore::kTask:
      return "task";
    case ChangelogStore::kProgress:
      return "progress";
  }
  return "unknown";
}

Store StateStoreOf(ChangelogStore store) {
  switch (store) {
    case ChangelogStore::kMeterDay:
      return Store::kMeterDay;
    case ChangelogStore::kTask:
      return Store::kMeta;
    case ChangelogStore::kProgress:
      return Store::kProgress;
  }
  return Store::kCount;
}

std::string ChangelogTopic(std::string_view group, ChangelogStore store) {
  std::string topic = "fugong.";
  topic += group;
  topic += '.';
  topic += ChangelogStoreName(store);
  topic += "-changelog";
  return topic;
}

}  // namespace fugong
