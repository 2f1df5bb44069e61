// The live stream of published index records: the service loop publishes what the brokers
// acknowledged, and every connected client (a Server-Sent Events connection) gets it. Clients
// are held weakly: one that disconnects simply drops out. Publishing never waits for a client:
// each client queues what it has not sent yet and is cut off if it falls too far behind.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace fugong {

// One client's end of the feed.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Queues bytes of the event stream for sending; must not block.
  virtual void Send(std::shared_ptr<const std::string> events) = 0;
};

struct LiveRecord {
  std::string level;  // the record's index level
  std::string key;    // DATE|LEVEL|CODE
  std::string json;   // the record, one line
};

class LiveFeed {
 public:
  // `level` filters records by level ("" for all).
  void Subscribe(std::weak_ptr<EventSink> sink, std::string level);
  // Sends the records as `event: index` events, one batch per client.
  void Publish(const std::vector<LiveRecord>& records);
  // Clients still connected.
  size_t Clients();

  // The text of one record's event.
  static std::string FormatEvent(const LiveRecord& record);

 private:
  struct Subscriber {
    std::weak_ptr<EventSink> sink;
    std::string level;
  };
  std::mutex mutex_;
  std::vector<Subscriber> subscribers_;
};

}  // namespace fugong
