#include "engine/state/key_codec.h"

namespace fugong {

void AppendDay(Day day, std::string* key) {
  const uint32_t v = static_cast<uint32_t>(day) ^ 0x80000000u;
  key->push_back(static_cast<char>(v >> 24));
  key->push_back(static_cast<char>(v >> 16));
  key->push_back(static_cast<char>(v >> 8));
  key->push_back(static_cast<char>(v));
}

Day ReadDay(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  const uint32_t v = (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
  return static_cast<Day>(v ^ 0x80000000u);
}

void AppendFixed64(uint64_t v, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

void AppendFixed32(uint32_t v, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

uint32_t ReadFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

uint64_t ReadFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::string MeterDayKey(std::string_view enterprise, std::string_view meter, Day day) {
  std::string key;
  key.reserve(enterprise.size() + meter.size() + 5);
  AppendDay(day, &key);
  key.append(enterprise);
  key.push_back('\0');
  key.append(meter);
  return key;
}

std::string MeterDayPrefix(Day day, std::string_view enterprise) {
  std::string key;
  AppendDay(day, &key);
  key.append(enterprise);
  return key;
}

bool ParseMeterDayKey(std::string_view key, MeterDayKeyParts* parts) {
  if (key.size() < 6) return false;
  const size_t zero = key.find('\0', 4);
  if (zero == std::string_view::npos || zero == 4) return false;
  parts->day = ReadDay(key.data());
  parts->enterprise = key.substr(4, zero - 4);
  parts->meter = key.substr(zero + 1);
  return !parts->meter.empty();
}

std::string EnterpriseDayKey(std::string_view enterprise, Day day) {
  std::string key;
  AppendDay(day, &key);
  key.append(enterprise);
  return key;
}

std::string BaselineKey(std::string_view enterprise, Day window_from, Day window_to) {
  std::string key;
  AppendDay(window_from, &key);
  AppendDay(window_to, &key);
  key.append(enterprise);
  return key;
}

std::string RescoreKey(std::string_view enterprise, Day day) {
  return EnterpriseDayKey(enterprise, day);  // the same layout: day, enterprise
}

std::string DeadLetterKey(std::string_view source, int32_t partition, int64_t position) {
  std::string key(source);
  key.push_back('\0');
  AppendDay(partition, &key);  // same sign-flipped big-endian encoding
  AppendFixed64(static_cast<uint64_t>(position) ^ 0x8000000000000000ull, &key);
  return key;
}

std::string ProgressKey(std::string_view topic, int32_t partition) {
  std::string key(topic);
  key.push_back('\0');
  AppendFixed32(static_cast<uint32_t>(partition), &key);
  return key;
}

bool ParseProgressKey(std::string_view key, std::string_view* topic, int32_t* partition) {
  const size_t zero = key.find('\0');
  if (zero == std::string_view::npos || key.size() != zero + 5) return false;
  *topic = key.substr(0, zero);
  *partition = static_cast<int32_t>(ReadFixed32(key.data() + zero + 1));
  return true;
}

}  // namespace fugong
