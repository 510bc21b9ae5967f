#include "openaml/cli/commands.h"

namespace openaml::cli {
void RegisterServeCommand(CLI::App& app) {}
}  // namespace openaml::cli
