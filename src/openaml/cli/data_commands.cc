#include "openaml/cli/commands.h"

namespace openaml::cli {
void RegisterDataCommands(CLI::App& app) {}
}  // namespace openaml::cli
