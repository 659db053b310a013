#pragma once
// `runhub gate`: the CI client. Starts a run through a runhub facade (or watches one), waits for
// it with long-polls, prints a line per status change, writes JUnit XML of its failures, applies
// the --max-failures / --min-tests gates and turns the outcome into an exit code.
#include <string>

namespace CLI {
class App;
}

namespace runhub::service {

// The exit codes of `runhub gate` (README, "runhub gate").
enum gate_exit : int {
    gate_passed = 0,       // the run passed (and every gate held)
    gate_failed = 1,       // the run failed or errored, or a gate tripped
    gate_canceled = 2,     // the run was canceled
    gate_timed_out = 3,    // --timeout passed while the run was still going
    gate_usage = 4,        // bad flags, no/refused API key, a target or source runhub rejects
    gate_unreachable = 5,  // runhub (or the vendor behind it) did not answer in time
};

struct gate_flags {
    static constexpr const char* unset = "\x01(unset)";  // a flag's value when not given
    std::string url;           // --url: the runhub facade, http(s)://host[:port][/prefix]
    std::string source;        // --source: the source to start a run on
    std::string target;        // --target: the vendor's target, a JSON object
    std::string run_id;        // --run: watch this run instead of starting one
    std::string api_key_file;  // --api-key-file: wins over RUNHUB_API_KEY
    std::string idempotency_key = unset;  // --idempotency-key ("" = send none)
    std::string timeout = "30m";          // --timeout
    std::string poll = "2s";              // --poll: the shortest time between two looks at the run
    std::string retry_for = "2m";    // --retry-for: how long runhub may stay unreachable at start
    std::string junit;               // --junit FILE
    long long max_failures = -1;     // --max-failures N (-1: not given)
    long long min_tests = -1;        // --min-tests N (-1: not given)
    bool cancel_on_timeout = false;  // --cancel-on-timeout
    std::string ca_file;             // --ca-file: PEM bundle to trust for an https --url
};

// Declares the gate's flags on its subcommand, bound to `flags`.
void add_gate_options(CLI::App& cmd, gate_flags& flags);

// Runs the gate; returns one of gate_exit.
int run_gate(gate_flags flags);

}  // namespace runhub::service
