#include "app/commands.h"

#include <cstdio>

namespace fugong {

int RunCommandLine(int argc, char** argv) {
  std::fprintf(stderr, "usage: fugong <backfill|generate|demo> [options]\n");
  return 2;
}

}  // namespace fugong
