#include "openaml/cli/commands.h"

namespace openaml::cli {
void RegisterEngineCommands(CLI::App& app) {}
}  // namespace openaml::cli
