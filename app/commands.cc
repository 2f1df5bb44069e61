#include "app/commands.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "app/backfill_command.h"
#include "app/broker_command.h"
#include "app/bulletin_command.h"
#include "app/chart_command.h"
#include "app/demo_command.h"
#include "app/generate_command.h"
#include "app/produce_command.h"
#include "app/serve_command.h"

namespace fugong {

namespace {

void PrintUsage() {
  std::fprintf(
      stderr,
      "usage: fugong <command> [options]\n"
      "\n"
      "commands:\n"
      "  demo       generate a small province, backfill it, print the index, draw the map\n"
      "  serve      the streaming service: Kafka in, the daily index out\n"
      "  backfill   compute the index from readings files\n"
      "  generate   write a synthetic province (enterprises, readings, weather, truth)\n"
      "  chart      draw index records of one level as a line chart (SVG)\n"
      "  bulletin   the daily bulletin of one day: print-ready HTML and PDF\n"
      "  broker     run an embedded Kafka cluster (librdkafka's mock) until stopped\n"
      "  produce    replay CSV files into a Kafka topic (the streaming load generator)\n"
      "\n"
      "`fugong <command> --help` lists a command's options.\n");
}

}  // namespace

int RunCommandLine(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage();
    return 2;
  }
  const std::string command = argv[1];
  if (command == "serve") return RunServeCommand(argc - 1, argv + 1);
  if (command == "backfill") return RunBackfillCommand(argc - 1, argv + 1);
  if (command == "generate") return RunGenerateCommand(argc - 1, argv + 1);
  if (command == "demo") return RunDemoCommand(argc - 1, argv + 1);
  if (command == "chart") return RunChartCommand(argc - 1, argv + 1);
  if (command == "bulletin") return RunBulletinCommand(argc - 1, argv + 1);
  if (command == "broker") return RunBrokerCommand(argc - 1, argv + 1);
  if (command == "produce") return RunProduceCommand(argc - 1, argv + 1);
  if (command == "--help" || command == "-h" || command == "help") {
    PrintUsage();
    return 0;
  }
  std::fprintf(stderr, "fugong: unknown command '%s'\n\n", command.c_str());
  PrintUsage();
  return 2;
}

}  // namespace fugong
