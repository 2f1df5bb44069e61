// `fugong backfill` on damaged gzip input, as a user runs it: a readings file cut short (an
// interrupted copy), with a bad CRC or with garbage after a member fails the run (exit 1) with a
// message naming the file and the byte offset, and writes no index; with --state what was read
// before the failure is committed, so a rerun with the repaired file gives exactly the index and
// dead letters of a run on the good file. The generator's multi-member gzip files read fully.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/files.h"
#include "tests/support/generated_province.h"
#include "tests/support/record_compare.h"
#include "tests/support/shell_command.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::SplitLines;

// The index file with computed_at removed from every record, in file order.
std::string Comparable(const fs::path& index) {
  std::string out;
  for (const std::string& line : SplitLines(ReadFile(index))) {
    out += testing::WithoutComputedAt(line) + "\n";
  }
  return out;
}

// Runs the fugong binary; returns its exit status, and its stdout and stderr in `output`.
int RunFugong(const std::string& args, std::string* output) {
  return testing::RunShellCommand(std::string(FUGONG_BINARY) + " " + args, output);
}

void WriteBytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

class DamagedGzipBackfill : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("fugong-damaged-test-" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    testing::ProvinceSpec spec;
    spec.seed = 23;
    spec.enterprises = 300;
    spec.from = "2019-11-25";
    spec.to = "2020-03-10";
    std::optional<GenerateSummary> plain = testing::GenerateProvinceInto(*dir_ / "plain", spec);
    ASSERT_TRUE(plain.has_value());
    plain_ = new std::vector<std::string>(plain->readings_files);
    // The same province with its readings as concatenated gzip members, as `generate --gzip`.
    GenerateOptions options;
    options.seed = spec.seed;
    options.enterprises = spec.enterprises;
    options.from = testing::DayOf(spec.from);
    options.to = testing::DayOf(spec.to);
    options.interval_minutes = spec.interval_minutes;
    options.gzip = true;
    options.out_dir = (*dir_ / "gzip/input").string();
    Result<GenerateSummary> gz = GenerateProvince(options, nullptr);
    ASSERT_TRUE(gz.ok()) << gz.status().ToString();
    gzip_ = new std::vector<std::string>(gz->readings_files);
    std::ofstream(*dir_ / "config.yaml") << "interval_minutes: 60\n";
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete plain_;
    delete gzip_;
  }

  // The backfill command line (without its exit) on the province's registry and weather.
  static std::string Command(const std::string& name, const std::vector<std::string>& readings,
                             const std::string& extra = "") {
    const fs::path out = *dir_ / name;
    fs::create_directories(out);
    std::string args =
        "backfill --enterprises " + (*dir_ / "plain/input/enterprises.csv").string() +
        " --weather " + (*dir_ / "plain/input/weather.csv").string() + " --config " +
        (*dir_ / "config.yaml").string() + " --out " + (out / "index.jsonl").string() +
        " --deadletter " + (out / "dead.jsonl").string() + " --summary " +
        (out / "summary.json").string() + " --readings";
    for (const std::string& f : readings) args += " " + f;
    return args + extra;
  }
  // A backfill that must succeed; returns its comparable index.
  static std::string Backfill(const std::string& name, const std::vector<std::string>& readings) {
    std::string output;
    EXPECT_EQ(RunFugong(Command(name, readings), &output), 0) << output;
    return Comparable(*dir_ / name / "index.jsonl");
  }
  // The good backfill of the gzip files, computed once.
  static const std::string& Reference() {
    static const std::string* reference = new std::string(Backfill("reference", *gzip_));
    return *reference;
  }
  // Copies of the gzip readings files into `name`/, the one at `damaged` replaced by `bytes`.
  static std::vector<std::string> CopiesWith(const std::string& name, size_t damaged,
                                             const std::string& bytes) {
    const fs::path in = *dir_ / name / "readings";
    fs::create_directories(in);
    std::vector<std::string> files;
    for (size_t i = 0; i < gzip_->size(); ++i) {
      const fs::path copy = in / fs::path((*gzip_)[i]).filename();
      if (i == damaged) {
        WriteBytes(copy, bytes);
      } else {
        fs::copy_file((*gzip_)[i], copy, fs::copy_options::overwrite_existing);
      }
      files.push_back(copy.string());
    }
    return files;
  }
  // The file to damage: the second, so the first is read whole and committed before it.
  static size_t Damaged() { return gzip_->size() > 1 ? 1 : 0; }

  static fs::path* dir_;
  static std::vector<std::string>* plain_;
  static std::vector<std::string>* gzip_;
};

fs::path* DamagedGzipBackfill::dir_ = nullptr;
std::vector<std::string>* DamagedGzipBackfill::plain_ = nullptr;
std::vector<std::string>* DamagedGzipBackfill::gzip_ = nullptr;

TEST_F(DamagedGzipBackfill, GeneratedMultiMemberGzipIsReadFully) {
  // The generator writes each file as many gzip members.
  const std::string gz = ReadFile(gzip_->front());
  size_t members = 0;
  for (size_t at = gz.find("\x1f\x8b\x08"); at != std::string::npos;
       at = gz.find("\x1f\x8b\x08", at + 1)) {
    ++members;
  }
  EXPECT_GT(members, 1u);
  const std::string reference = Reference();
  ASSERT_GT(reference.size(), 1000u);
  EXPECT_EQ(Backfill("plain", *plain_), reference);
}

TEST_F(DamagedGzipBackfill, TruncatedFileFailsThenTheRepairedFileResumesToTheSameResult) {
  const std::string good = ReadFile((*gzip_)[Damaged()]);
  const size_t cut = good.size() * 3 / 5;
  const std::vector<std::string> files = CopiesWith("cut", Damaged(), good.substr(0, cut));
  const fs::path out = *dir_ / "cut";
  const std::string command = Command("cut", files, " --state " + (out / "state").string());

  std::string output;
  EXPECT_EQ(RunFugong(command, &output), 1) << output;
  EXPECT_NE(output.find(files[Damaged()] + ": gzip data truncated at byte " + std::to_string(cut)),
            std::string::npos)
      << output;
  EXPECT_EQ(output.find("done"), std::string::npos) << output;
  // No index as if complete, and nothing half-written left behind.
  EXPECT_FALSE(fs::exists(out / "index.jsonl"));
  EXPECT_FALSE(fs::exists(out / "index.jsonl.tmp"));
  EXPECT_FALSE(fs::exists(out / "dead.jsonl"));

  // The copy is repaired; the same command goes on from what the failed run committed.
  WriteBytes(files[Damaged()], good);
  output.clear();
  ASSERT_EQ(RunFugong(command, &output), 0) << output;
  EXPECT_EQ(Comparable(out / "index.jsonl"), Reference());
  // Same dead letters: no bogus parse_error for the line cut in two, none written twice.
  // (The reference read the files where they were generated: its dead letters name them there.)
  std::string want_dead = ReadFile(*dir_ / "reference/dead.jsonl");
  const std::string from = (*dir_ / "gzip/input/").string(), to = (out / "readings/").string();
  for (size_t at = want_dead.find(from); at != std::string::npos;
       at = want_dead.find(from, at + to.size())) {
    want_dead.replace(at, from.size(), to);
  }
  EXPECT_EQ(ReadFile(out / "dead.jsonl"), want_dead);
  // Every record counted once over the two runs, and the second run read only the rest.
  const auto want = nlohmann::json::parse(ReadFile(*dir_ / "reference/summary.json"));
  const auto got = nlohmann::json::parse(ReadFile(out / "summary.json"));
  EXPECT_EQ(got["readings"], want["readings"]);
  EXPECT_GT(got["readings_this_run"].get<uint64_t>(), 0u);
  EXPECT_LT(got["readings_this_run"], want["readings_this_run"]);
}

TEST_F(DamagedGzipBackfill, WithoutStateATruncatedFileFailsAndWritesNoIndex) {
  const std::string good = ReadFile((*gzip_)[Damaged()]);
  const std::vector<std::string> files =
      CopiesWith("cut-stateless", Damaged(), good.substr(0, good.size() / 2));
  const fs::path out = *dir_ / "cut-stateless";
  WriteBytes(out / "index.jsonl", "an earlier run's index\n");
  std::string output;
  EXPECT_EQ(RunFugong(Command("cut-stateless", files), &output), 1) << output;
  EXPECT_NE(output.find(files[Damaged()] + ": gzip data truncated at byte "), std::string::npos)
      << output;
  EXPECT_EQ(ReadFile(out / "index.jsonl"), "an earlier run's index\n");  // left as it was
  EXPECT_FALSE(fs::exists(out / "index.jsonl.tmp"));
}

TEST_F(DamagedGzipBackfill, GarbageAfterTheLastMemberFailsTheRun) {
  const std::string good = ReadFile((*gzip_)[Damaged()]);
  const std::vector<std::string> files =
      CopiesWith("garbage", Damaged(), good + "PK\x03\x04 not a gzip member");
  std::string output;
  EXPECT_EQ(RunFugong(Command("garbage", files), &output), 1) << output;
  EXPECT_NE(output.find(files[Damaged()] + ": garbage after gzip member at byte " +
                        std::to_string(good.size())),
            std::string::npos)
      << output;
  EXPECT_FALSE(fs::exists(*dir_ / "garbage/index.jsonl"));
}

TEST_F(DamagedGzipBackfill, BadCrcFailsTheRun) {
  std::string bad = ReadFile((*gzip_)[Damaged()]);
  bad[bad.size() - 8] ^= 0x01;  // the last member's CRC-32
  const std::vector<std::string> files = CopiesWith("crc", Damaged(), bad);
  std::string output;
  EXPECT_EQ(RunFugong(Command("crc", files), &output), 1) << output;
  EXPECT_NE(output.find(files[Damaged()] + ": gzip data corrupt (incorrect data check) at byte "),
            std::string::npos)
      << output;
  EXPECT_FALSE(fs::exists(*dir_ / "crc/index.jsonl"));
}

}  // namespace
}  // namespace fugong
