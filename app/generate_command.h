#pragma once

namespace fugong {

// `fugong generate`: write a deterministic synthetic province.
int RunGenerateCommand(int argc, char** argv);

}  // namespace fugong
