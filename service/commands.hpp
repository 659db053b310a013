#pragma once
// The runhub subcommands. Each returns the process exit code.
#include <string>

namespace runhub::service {

struct serve_flags {
    std::string config_file;       // --config
    std::string listen;            // --listen, overrides the config
    int threads = -1;              // --threads, overrides the config when >= 0
    std::string log_level;         // --log-level, overrides the config
    bool check = false;            // --check: validate and exit
    bool sandbox = false;          // --sandbox: run the vendor emulators in-process too
    int sandbox_port_base = 9100;  // --sandbox-port-base: emulators on N+1..N+5 (0 = ephemeral)
    std::string sandbox_ca_out;    // --sandbox-ca-out: where the sandbox's CA is written
};

int run_serve(const serve_flags& flags);

// Sets up the default logger: one line per event on stderr with time, level and message.
void setup_logging(const std::string& level);

}  // namespace runhub::service
