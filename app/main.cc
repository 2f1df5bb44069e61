// fugong: the command-line entry point. Each subcommand lives in app/<name>_command.cc.
#include "app/commands.h"

int main(int argc, char** argv) { return fugong::RunCommandLine(argc, argv); }
