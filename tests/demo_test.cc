// `fugong demo` as the README runs it, on a smaller province: the streaming path (embedded
// cluster, produce, serve) prints the table and writes the map, and publishes exactly the records
// that the batch path (`--backfill`) computes from the same files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"
#include "tests/support/files.h"
#include "tests/support/memory_io.h"
#include "tests/support/record_compare.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;
using testing::ChildProcess;
using testing::ExpectSameRecords;
using testing::IndexKeyOf;
using testing::ReadFile;
using testing::SplitLines;
using testing::WithoutComputedAt;

std::map<std::string, std::string> Records(const fs::path& index) {
  std::map<std::string, std::string> out;
  for (const std::string& line : SplitLines(ReadFile(index))) {
    out[IndexKeyOf(line)] = WithoutComputedAt(line);
  }
  return out;
}

TEST(Demo, StreamsThroughKafkaAndPublishesWhatTheBackfillComputes) {
  const fs::path dir = fs::temp_directory_path() / ("fugong-demo-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  ChildProcess stream(
      {FUGONG_BINARY, "demo", "--enterprises", "200", "--dir", (dir / "stream").string()},
      (dir / "stream.err").string(), (dir / "stream.out").string());
  ASSERT_EQ(stream.Wait(), 0) << ReadFile(dir / "stream.err");
  const std::string out = ReadFile(dir / "stream.out");
  EXPECT_NE(out.find("embedded Kafka cluster"), std::string::npos) << out;
  EXPECT_NE(out.find("2020-02-16 Su"), std::string::npos) << out;  // a row of the table
  const std::string map = ReadFile(dir / "stream/map.svg");
  EXPECT_NE(map.find("<svg"), std::string::npos);

  ChildProcess batch({FUGONG_BINARY, "demo", "--backfill", "--enterprises", "200", "--dir",
                      (dir / "batch").string()},
                     (dir / "batch.err").string(), (dir / "batch.out").string());
  ASSERT_EQ(batch.Wait(), 0) << ReadFile(dir / "batch.err");
  const auto streamed = Records(dir / "stream/index.jsonl");
  EXPECT_GT(streamed.size(), 10000u);
  ExpectSameRecords(streamed, Records(dir / "batch/index.jsonl"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fugong
