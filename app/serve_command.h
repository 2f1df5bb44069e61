#pragma once

namespace fugong {

// `fugong serve`: the streaming service (see app/stream_service.h).
int RunServeCommand(int argc, char** argv);

}  // namespace fugong
