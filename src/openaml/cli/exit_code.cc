#include "openaml/cli/commands.h"

namespace openaml::cli {
namespace {
int exit_code = 0;
}
void SetExitCode(int code) { exit_code = code; }
int ExitCode() { return exit_code; }
}  // namespace openaml::cli
