#pragma once
// `runhub sandbox`: its flags (bound by main.cpp's CLI11 block) and its entry point.
#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace runhub::service {

struct sandbox_flags {
    int port_base = 9100;     // --port-base: vendors on N+1..N+5; 0 = ephemeral ports
    std::uint64_t seed = 42;  // --seed
    int runs = 300;           // --runs, per vendor
    std::string now;          // --now RFC 3339: fixed start of the sandbox clock
    bool tls = false;         // --tls
    std::string ca_out = "runhub-sandbox-ca.pem";  // --ca-out
    std::string webhook_url;                       // --webhook-url
    std::vector<std::string> faults;               // --fault VENDOR:key=value (repeatable)
    int queued_ms = 2000;                          // --queued-ms
    int running_ms = 8000;                         // --running-ms
    std::string log_level = "info";                // --log-level
    bool access_log = false;                       // --access-log
};

// Declares the sandbox's flags on its subcommand, bound to `flags`.
void add_sandbox_options(CLI::App& cmd, sandbox_flags& flags);

// Runs until SIGINT/SIGTERM. Exit codes: 0 after a signal, 1 when a port cannot be bound or TLS
// fails, 2 on a bad flag value.
int run_sandbox(const sandbox_flags& flags);

}  // namespace runhub::service
