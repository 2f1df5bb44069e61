// The subcommands of `fugong`.
#pragma once

namespace fugong {

// Dispatches `fugong <command> [options]`; returns the process exit code.
int RunCommandLine(int argc, char** argv);

}  // namespace fugong
