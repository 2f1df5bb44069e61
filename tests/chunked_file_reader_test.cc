// ChunkedFileReader and CsvFileSource on plain, gzip and damaged gzip files: whole lines only,
// multi-member gzip read to its end, and a file cut short, with a bad CRC or with garbage after a
// member an error naming the file and the byte offset on disk, after the whole lines before it
// (never the partial line at the failure). A checkpoint taken at the failure resumes on the
// repaired file.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "connectors/file/chunked_file_reader.h"
#include "connectors/file/csv_file_source.h"
#include "tests/support/files.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;

// One gzip member of `data` (header, deflate data, CRC-32 and length).
std::string GzipMemberOf(std::string_view data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// `count` CSV lines of varying length after a header, about 40 bytes each.
std::string CsvLines(int count, int seed = 0) {
  std::string text = "meter_id,enterprise_id,ts,kwh,kind\n";
  for (int i = 0; i < count; ++i) {
    text += "M" + std::to_string(i % 977) + ",E" + std::to_string((i + seed) % 311) + "," +
            std::to_string(1581782400 + 900 * i) + "," + std::to_string(i % 1000) + "." +
            std::to_string(i % 7) + ",interval\n";
  }
  return text;
}

struct ReadResult {
  std::string text;  // the chunks, concatenated
  Status status;     // the first failure, or OK at the end of the file
  int chunks = 0;
};

ReadResult ReadAll(ChunkedFileReader* reader) {
  ReadResult r;
  std::string_view chunk;
  while (true) {
    r.status = reader->NextChunk(&chunk);
    if (!r.status.ok() || chunk.empty()) return r;
    // Only the last chunk of a file may end without '\n' (its last line lacks one).
    EXPECT_TRUE(r.text.empty() || r.text.back() == '\n') << "a chunk ended inside a line";
    r.text.append(chunk);
    ++r.chunks;
  }
}

class ChunkedFileReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fugong-reader-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& bytes) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
  }
  ReadResult Read(const std::string& path) {
    Result<std::unique_ptr<ChunkedFileReader>> reader = ChunkedFileReader::Open(path);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return {};
    return ReadAll(reader->get());
  }

  fs::path dir_;
};

// The text up to and including its last '\n' before `size` bytes.
std::string WholeLinesOf(const std::string& text, size_t size) {
  const size_t nl = text.rfind('\n', size - 1);
  return nl == std::string::npos ? "" : text.substr(0, nl + 1);
}

TEST_F(ChunkedFileReaderTest, PlainAndGzipGiveTheSameBytesInWholeLines) {
  // Over 4 MiB (several chunks), with one line longer than a chunk.
  std::string text = CsvLines(150000);
  text += std::string(5 << 20, 'x') + "\n";
  text += CsvLines(1000, 3).substr(35);  // lines after the long one; the last lacks its '\n'
  text.pop_back();
  const ReadResult plain = Read(Write("r.csv", text));
  ASSERT_TRUE(plain.status.ok()) << plain.status.ToString();
  EXPECT_EQ(plain.text, text);
  EXPECT_GT(plain.chunks, 2);
  const ReadResult gz = Read(Write("r.csv.gz", GzipMemberOf(text)));
  ASSERT_TRUE(gz.status.ok()) << gz.status.ToString();
  EXPECT_EQ(gz.text, text);
}

TEST_F(ChunkedFileReaderTest, MultiMemberGzipIsReadToItsEnd) {
  const std::string a = CsvLines(50000), b = CsvLines(70000, 1).substr(35), c = "M1,E1,1,2,x\n";
  const std::string path = Write("r.csv.gz", GzipMemberOf(a) + GzipMemberOf(b) + GzipMemberOf(c));
  Result<std::unique_ptr<ChunkedFileReader>> reader = ChunkedFileReader::Open(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_TRUE((*reader)->gzip());
  const ReadResult r = ReadAll(reader->get());
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.text, a + b + c);
  EXPECT_EQ((*reader)->disk_bytes_read(), (*reader)->disk_size());
}

TEST_F(ChunkedFileReaderTest, TruncatedGzipFailsAfterItsWholeLinesNamingFileAndOffset) {
  const std::string text = CsvLines(200000);  // ~8 MB: the cut is chunks in
  const std::string gz = GzipMemberOf(text);
  const size_t cut = gz.size() * 2 / 3;
  const std::string path = Write("cut.csv.gz", gz.substr(0, cut));
  Result<std::unique_ptr<ChunkedFileReader>> reader = ChunkedFileReader::Open(path);
  ASSERT_TRUE(reader.ok());
  const ReadResult r = ReadAll(reader->get());
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.code(), Status::Code::kCorruption);
  EXPECT_NE(r.status.message().find(path), std::string::npos) << r.status.message();
  EXPECT_NE(r.status.message().find("truncated at byte " + std::to_string(cut)), std::string::npos)
      << r.status.message();
  // Whole lines, a prefix of the file's text, and most of what the cut file holds.
  ASSERT_FALSE(r.text.empty());
  EXPECT_EQ(r.text.back(), '\n');
  EXPECT_EQ(text.compare(0, r.text.size(), r.text), 0);
  EXPECT_GT(r.text.size(), text.size() / 2);
  EXPECT_EQ((*reader)->position(), r.text.size());
  // The failure stays.
  std::string_view chunk;
  EXPECT_EQ((*reader)->NextChunk(&chunk).message(), r.status.message());
  EXPECT_TRUE(chunk.empty());
}

TEST_F(ChunkedFileReaderTest, TruncatedInsideItsFirstLineFailsAtOnce) {
  const std::string gz = GzipMemberOf("a header line without its end, cut");
  const ReadResult r = Read(Write("cut.csv.gz", gz.substr(0, gz.size() - 4)));
  EXPECT_EQ(r.status.code(), Status::Code::kCorruption) << r.status.ToString();
  EXPECT_EQ(r.text, "");
  EXPECT_EQ(r.chunks, 0);
}

TEST_F(ChunkedFileReaderTest, BadCrcIsCorruptData) {
  const std::string text = CsvLines(1000);
  std::string gz = GzipMemberOf(text);
  gz[gz.size() - 8] ^= 0x55;  // the CRC-32 in the trailer
  const std::string path = Write("crc.csv.gz", gz);
  const ReadResult r = Read(path);
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.code(), Status::Code::kCorruption);
  EXPECT_NE(r.status.message().find(path), std::string::npos) << r.status.message();
  EXPECT_NE(r.status.message().find("corrupt (incorrect data check) at byte "), std::string::npos)
      << r.status.message();
  // The lines were all inflated before the check failed; only whole ones were handed out.
  EXPECT_EQ(r.text, WholeLinesOf(text, text.size()));
}

TEST_F(ChunkedFileReaderTest, CorruptDeflateDataFailsWithZlibsMessage) {
  const std::string text = CsvLines(20000);
  std::string gz = GzipMemberOf(text);
  for (size_t i = gz.size() / 2; i < gz.size() / 2 + 64; ++i) gz[i] = static_cast<char>(0xff);
  const ReadResult r = Read(Write("bad.csv.gz", gz));
  EXPECT_EQ(r.status.code(), Status::Code::kCorruption) << r.status.ToString();
  EXPECT_NE(r.status.message().find("corrupt ("), std::string::npos) << r.status.message();
  EXPECT_EQ(text.compare(0, r.text.size(), r.text), 0);
  EXPECT_LT(r.text.size(), text.size());
}

TEST_F(ChunkedFileReaderTest, GarbageAfterAMemberFailsAtItsOffset) {
  const std::string a = CsvLines(3000), b = CsvLines(10, 1).substr(35);
  const std::string members = GzipMemberOf(a) + GzipMemberOf(b);
  const std::string path = Write("garbage.csv.gz", members + "not gzip\n");
  const ReadResult r = Read(path);
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.code(), Status::Code::kCorruption);
  EXPECT_NE(r.status.message().find(path + ": garbage after gzip member at byte " +
                                    std::to_string(members.size())),
            std::string::npos)
      << r.status.message();
  EXPECT_EQ(r.text, a + b);  // both members, to their last line
  // A lone byte after a member is garbage too, unless it could begin another member.
  EXPECT_NE(Read(Write("z.csv.gz", members + "\n")).status.message().find("garbage"),
            std::string::npos);
  EXPECT_NE(Read(Write("h.csv.gz", members + "\x1f")).status.message().find("truncated"),
            std::string::npos);
}

TEST_F(ChunkedFileReaderTest, SkipThenFailureStillHandsOutTheLinesBeforeIt) {
  const std::string text = CsvLines(2000);
  const std::string gz = GzipMemberOf(text);
  Result<std::unique_ptr<ChunkedFileReader>> reader =
      ChunkedFileReader::Open(Write("cut.csv.gz", gz.substr(0, gz.size() - 10)));
  ASSERT_TRUE(reader.ok());
  const size_t skip = text.find('\n', 1000) + 1;
  ASSERT_TRUE((*reader)->Skip(skip).ok());
  const ReadResult r = ReadAll(reader->get());
  EXPECT_EQ(r.status.code(), Status::Code::kCorruption);
  EXPECT_EQ(r.text, WholeLinesOf(text, text.size()).substr(skip).substr(0, r.text.size()));
  EXPECT_GT(r.text.size(), 0u);
}

// A small file cut short (its whole lines fewer than the 64 KiB of the file's fingerprint): the
// checkpoint at the failure fits the repaired file, which goes on with the rest of its lines.
TEST_F(ChunkedFileReaderTest, CheckpointAtTheFailureResumesOnTheRepairedFile) {
  const std::string text = CsvLines(1000);  // ~40 KB
  const std::string gz = GzipMemberOf(text);
  const std::string path = Write("r.csv.gz", gz.substr(0, gz.size() / 2));
  Result<std::unique_ptr<CsvFileSource>> source = CsvFileSource::Open(path);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  std::string got = std::string((*source)->header()) + "\n";
  SourceBatch batch;
  Status st;
  while ((st = (*source)->Next(&batch)).ok() && !batch.records.empty()) {
    for (std::string_view line : batch.records) got += std::string(line) + "\n";
  }
  ASSERT_EQ(st.code(), Status::Code::kCorruption);
  EXPECT_NE(st.message().find("; read through line "), std::string::npos) << st.message();
  const std::string checkpoint = (*source)->Checkpoint();
  ASSERT_GT(got.size(), 100u);
  ASSERT_LT(got.size(), text.size());

  Write("r.csv.gz", gz);  // repaired
  Result<std::unique_ptr<CsvFileSource>> repaired = CsvFileSource::Open(path);
  ASSERT_TRUE(repaired.ok());
  ASSERT_TRUE((*repaired)->Resume(checkpoint).ok());
  while (true) {
    ASSERT_TRUE((*repaired)->Next(&batch).ok());
    if (batch.records.empty()) break;
    for (std::string_view line : batch.records) got += std::string(line) + "\n";
  }
  EXPECT_EQ(got, text);
}

}  // namespace
}  // namespace fugong
