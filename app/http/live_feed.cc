#include "app/http/live_feed.h"

#include <algorithm>
#include <map>

namespace fugong {

std::string LiveFeed::FormatEvent(const LiveRecord& record) {
  // The key as the event id lets a client tell which record a repeat (after a restart) is of.
  return "event: index\nid: " + record.key + "\ndata: " + record.json + "\n\n";
}

void LiveFeed::Subscribe(std::weak_ptr<EventSink> sink, std::string level) {
  std::lock_guard<std::mutex> lock(mutex_);
  subscribers_.push_back({std::move(sink), std::move(level)});
}

size_t LiveFeed::Clients() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::erase_if(subscribers_, [](const Subscriber& s) { return s.sink.expired(); });
  return subscribers_.size();
}

void LiveFeed::Publish(const std::vector<LiveRecord>& records) {
  if (records.empty()) return;
  std::vector<Subscriber> subscribers;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase_if(subscribers_, [](const Subscriber& s) { return s.sink.expired(); });
    subscribers = subscribers_;
  }
  // One text per filter, shared by the clients that asked for it.
  std::map<std::string, std::shared_ptr<const std::string>> batches;
  for (const Subscriber& s : subscribers) {
    std::shared_ptr<EventSink> sink = s.sink.lock();
    if (!sink) continue;
    auto& batch = batches[s.level];
    if (!batch) {
      std::string text;
      for (const LiveRecord& r : records) {
        if (s.level.empty() || r.level == s.level) text += FormatEvent(r);
      }
      batch = std::make_shared<const std::string>(std::move(text));
    }
    if (!batch->empty()) sink->Send(batch);
  }
}

}  // namespace fugong
