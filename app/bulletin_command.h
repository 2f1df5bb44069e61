#pragma once

namespace fugong {

// `fugong bulletin`: the daily bulletin of one day as a self-contained HTML page and its PDF
// (headless Chromium), from a state directory or an index JSONL. Exit status: 0 done; 2 bad usage;
// 1 no records for the day, an input that cannot be read, or a print that failed.
int RunBulletinCommand(int argc, char** argv);

}  // namespace fugong
