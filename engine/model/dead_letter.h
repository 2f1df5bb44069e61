// Why a record could not be used. Every input record ends up counted, stored or dead-lettered.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fugong {

// The reason codes of schemas/dead_letter.schema.json. Keep the two lists in step.
enum class DeadLetterReason : uint8_t {
  kParseError,
  kBadTimestamp,
  kTsNotAligned,
  kFutureTimestamp,
  kBadKwh,
  kNegativeKwh,
  kNonFiniteKwh,
  kKwhAboveMax,
  kBadKind,
  kRegisterNotMidnight,
  kUnknownEnterprise,
  kBadEnterprise,
  kUnknownCounty,
  kUnknownIndustry,
  kBadWeather,
  // Message-level reasons of the streaming service (JSON values, Kafka keys and offsets).
  kWrongType,
  kUnknownField,
  kMissingField,
  kDuplicateField,
  kMessageTooLarge,
  kMissingKey,
  kKeyMismatch,
  kPartitionGap,
  // The engine failed on this record (an exception in its per-record work): kept with the
  // failure, never a crash of the service.
  kInternalError,
  // An enterprise listed again in a registry file with other fields: the earlier line.
  kConflictingRegistryLine,
  // A reading of a day older than the state keeps (retention_days behind the newest day).
  kTooOld,
  // A risk chart entry whose level is not one of the five (engine/model/risk_level.h).
  kBadRiskLevel,
  // A date field that is not a date (risk chart entries; weather keeps bad_weather).
  kBadDate,
  kCount,  // not a reason: the number of reasons
};

constexpr size_t kDeadLetterReasonCount = static_cast<size_t>(DeadLetterReason::kCount);

std::string_view ReasonCode(DeadLetterReason reason);

// Where a record came from: a file and line, or a topic, partition and offset.
struct RecordOrigin {
  std::string source;      // file path or topic
  int32_t partition = -1;  // -1 for files
  int64_t position = 0;    // 1-based line number, or offset
};

// The later line of the same file that replaced a dead-lettered one (conflicting_registry_line).
struct SupersedingLine {
  int64_t line = 0;  // 1-based
  std::string raw;   // its original bytes
};

struct DeadLetter {
  DeadLetterReason reason;
  std::string detail;
  RecordOrigin origin;
  std::string raw;  // the original bytes
  std::optional<SupersedingLine> superseded_by = std::nullopt;
};

// One JSON line (no trailing newline) per schemas/dead_letter.schema.json.
std::string DeadLetterToJson(const DeadLetter& letter);

}  // namespace fugong
