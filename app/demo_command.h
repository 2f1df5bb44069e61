#pragma once

namespace fugong {

// `fugong demo`: generate a small province, backfill it, print the index table, draw the map.
int RunDemoCommand(int argc, char** argv);

}  // namespace fugong
