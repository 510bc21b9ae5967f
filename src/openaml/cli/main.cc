// The openaml executable: only parses the command line and hands over to the domains (see README.md).
#include <cstdio>
#include <exception>

#include "CLI/CLI.hpp"
#include "openaml/cli/commands.h"
#include "openaml/common/logging.h"

int main(int argc, char** argv) {
  CLI::App app{"openaml: a self-hosted machine learning service compatible with Amazon Machine Learning"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "openaml 0.1.0");
  openaml::cli::RegisterDataCommands(app);
  openaml::cli::RegisterEngineCommands(app);
  openaml::cli::RegisterServeCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    // Commands report errors as values; this is the last line of defence against a crash.
    std::fprintf(stderr, "openaml: internal error: %s\n", e.what());
    return 70;
  }
  return openaml::cli::ExitCode();
}
