// A test fixture with a fresh state store of its own (a temporary directory per test and
// process), and reads of its meter_day rows.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "engine/meter_day/meter_day_record.h"
#include "engine/state/key_codec.h"
#include "engine/state/state_store.h"

namespace fugong::testing {

class MeterDayStateFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fugong-state-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto store = StateStore::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

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

  std::filesystem::path dir_;
  std::unique_ptr<StateStore> store_;
};

}  // namespace fugong::testing
