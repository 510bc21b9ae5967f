// openaml-engine: the engine's commands (train, evaluate, predict) alone, for benchmarks. Same code as
// `openaml train|evaluate|predict` (cli/engine_commands.cc) without linking the service.
#include "CLI/CLI.hpp"
#include "openaml/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"openaml-engine: train, evaluate, predict on local files"};
  app.require_subcommand(1);
  openaml::cli::RegisterEngineCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return openaml::cli::ExitCode();
}
