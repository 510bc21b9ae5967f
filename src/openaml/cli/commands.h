// Subcommand registration. Each Register* adds its subcommands to `app`; the callback of the chosen
// subcommand runs during app.parse() and records the process exit code with SetExitCode().
#pragma once

#include "CLI/CLI.hpp"

namespace openaml::cli {

/// `schema infer`, `stats`: the data layer on local files (data_commands.cc).
void RegisterDataCommands(CLI::App& app);
/// `train`, `evaluate`, `predict`: the learning engine on local files (engine_commands.cc).
void RegisterEngineCommands(CLI::App& app);
/// `serve`: the HTTP service (serve_command.cc).
void RegisterServeCommand(CLI::App& app);

void SetExitCode(int code);
int ExitCode();

}  // namespace openaml::cli
