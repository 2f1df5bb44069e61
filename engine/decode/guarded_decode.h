// Decoding outside bytes must never throw past the record it is working on: a decoder (or a
// library it calls) that throws turns that one record into an internal_error dead letter, and
// the stream or the backfill goes on with the next. The decoders are written not to throw; this
// is the guarantee that holds even when one of them, or something under them, does.
#pragma once

#include <exception>
#include <string>

#include "engine/decode/reading_csv_decoder.h"

namespace fugong {

// decode() (which returns whether the record is usable and fills *error when not), with any
// exception turned into `false` and an internal_error verdict.
template <typename Decode>
bool GuardedDecode(Decode&& decode, DecodeError* error) {
  try {
    return decode();
  } catch (const std::exception& e) {
    *error = {DeadLetterReason::kInternalError, std::string("decoding failed: ") + e.what()};
  } catch (...) {
    *error = {DeadLetterReason::kInternalError, "decoding failed: unknown exception"};
  }
  return false;
}

}  // namespace fugong
