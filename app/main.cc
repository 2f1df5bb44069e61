// fugong: the command-line entry point. Each subcommand lives in app/<name>_command.cc.
#include <cstdio>
#include <exception>

#include "app/commands.h"
#include "engine/common/json_writer.h"

int main(int argc, char** argv) {
  // The commands return errors as Status; an exception here is a bug. It still ends the process
  // with a message and exit status 1 (a supervisor restarts a service), not with an abort.
  try {
    return fugong::RunCommandLine(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fugong: internal error: %s\n", fugong::PrintableText(e.what()).c_str());
  } catch (...) {
    std::fprintf(stderr, "fugong: internal error: unknown exception\n");
  }
  return 1;
}
