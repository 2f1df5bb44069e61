// A fresh state store (FreshStateFixture) and reads of its meter_day rows.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "engine/meter_day/meter_day_record.h"
#include "engine/state/key_codec.h"
#include "engine/state/state_store.h"
#include "tests/support/fresh_state.h"

namespace fugong::testing {

class MeterDayStateFixture : public FreshStateFixture {
 protected:
  // The stored bytes of a meter-day (empty, and a failed expectation, when there is none).
  std::string ReadValue(std::string_view enterprise, std::string_view meter, Day day) {
    std::string value;
    EXPECT_TRUE(store_->Get(Store::kMeterDay, MeterDayKey(enterprise, meter, day), &value).ok());
    return value;
  }
  MeterDayRecord Read(std::string_view enterprise, std::string_view meter, Day day) {
    MeterDayRecord r;
    EXPECT_TRUE(r.Decode(ReadValue(enterprise, meter, day)));
    return r;
  }
};

}  // namespace fugong::testing
