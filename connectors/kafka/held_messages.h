// Messages taken from librdkafka and not yet given back. A message's key and value stay in the
// fetch buffer librdkafka received them into for as long as the message is held, so a batch
// can be read where it lies instead of being copied out (the copy and the page faults of a
// fresh copy cost the service more than its JSON decoding).
//
// Release gives them back (rd_kafka_message_destroy), from any thread. Everything held must be
// released before the consumer that polled it closes: librdkafka waits for its messages when a
// handle is destroyed, and the views into them die with them.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstddef>
#include <vector>

namespace fugong {

class HeldMessages {
 public:
  HeldMessages() = default;
  ~HeldMessages() { Release(); }
  HeldMessages(HeldMessages&& other) noexcept : messages_(std::move(other.messages_)) {
    other.messages_.clear();
  }
  HeldMessages& operator=(HeldMessages&& other) noexcept {
    if (this != &other) {
      Release();
      messages_.swap(other.messages_);
    }
    return *this;
  }
  HeldMessages(const HeldMessages&) = delete;
  HeldMessages& operator=(const HeldMessages&) = delete;

  // Takes ownership of `message`.
  void Add(rd_kafka_message_t* message) { messages_.push_back(message); }

  // Gives every message back; the capacity stays for the next batch.
  void Release() {
    for (rd_kafka_message_t* m : messages_) rd_kafka_message_destroy(m);
    messages_.clear();
  }

  size_t size() const { return messages_.size(); }

 private:
  std::vector<rd_kafka_message_t*> messages_;
};

}  // namespace fugong
