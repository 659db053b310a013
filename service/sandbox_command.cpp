// `runhub sandbox`: the five vendor emulators on loopback until SIGINT/SIGTERM.
#include "sandbox_command.hpp"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>

#include "commands.hpp"
#include "sandbox/core/seeded_data.hpp"
#include "sandbox/runner/sandbox_runner.hpp"

namespace runhub::service {

namespace {

// Fills `o` from the flags; returns the problems (empty when all is well).
std::vector<std::string> to_options(const sandbox_flags& f, sandbox::sandbox_runner_options& o) {
    std::vector<std::string> problems;
    if (f.port_base < 0 || f.port_base > 65535 - 5)
        problems.push_back("--port-base must be 0..65530");
    else
        o.port_base = static_cast<std::uint16_t>(f.port_base);
    o.seed = f.seed;
    if (f.runs < 0 || f.runs > 100000) problems.push_back("--runs must be 0..100000");
    o.runs = f.runs;
    if (!f.now.empty()) {
        std::chrono::system_clock::time_point t;
        if (!sandbox::parse_rfc3339(f.now, t))
            problems.push_back("--now must be RFC 3339, like 2026-11-23T12:00:00Z");
        else
            o.now = t;
    }
    o.tls = f.tls;
    o.ca_out = f.ca_out;
    if (!f.webhook_url.empty() && f.webhook_url.rfind("http://", 0) != 0)
        problems.push_back("--webhook-url must be an http:// URL");
    o.webhook_url = f.webhook_url;
    if (f.queued_ms < 0 || f.running_ms < 0)
        problems.push_back("--queued-ms and --running-ms must be >= 0");
    o.queued_for = std::chrono::milliseconds(f.queued_ms);
    o.running_for = std::chrono::milliseconds(f.running_ms);
    o.access_log = f.access_log;
    static const char* levels[] = {"trace", "debug", "info", "warn", "error", "off"};
    if (std::find(std::begin(levels), std::end(levels), f.log_level) == std::end(levels))
        problems.push_back("--log-level must be one of trace, debug, info, warn, error, off");
    for (const auto& spec : f.faults) {
        auto colon = spec.find(':');
        std::string vendor = spec.substr(0, colon);
        if (colon == std::string::npos || !sandbox::sandbox_runner::known_vendor(vendor)) {
            problems.push_back("--fault " + spec +
                               ": expected VENDOR:key=value with VENDOR one of "
                               "sofy, testerarmy, testmo, buildkite, zof");
            continue;
        }
        auto err = sandbox::apply_fault_assignment(std::string_view(spec).substr(colon + 1),
                                                   o.faults[vendor]);
        if (!err.empty()) problems.push_back("--fault " + spec + ": " + err);
    }
    return problems;
}

void print_vendors(const sandbox::sandbox_runner& runner) {
    std::cout << "runhub sandbox: " << runner.vendors().size() << " vendor(s) on loopback\n";
    for (const auto& v : runner.vendors()) {
        std::cout << "  " << v.name << "  " << v.base_url << "\n"
                  << "    credential: " << v.auth_header << ": " << v.auth_value << "\n";
        if (!v.scope.empty()) {
            std::cout << "    scope:";
            for (const auto& [k, val] : v.scope) std::cout << " " << k << "=" << val;
            std::cout << "\n";
        }
    }
    for (const auto& m : runner.missing())
        std::cout << "  " << m << "  (not built into this binary)\n";
    if (!runner.ca_file().empty())
        std::cout << "TLS CA certificate: " << runner.ca_file() << " (curl --cacert "
                  << runner.ca_file() << ")\n";
    std::cout << "control routes on every port: /_sandbox/info, /_sandbox/stats, "
                 "/_sandbox/faults, /_sandbox/reset, /_sandbox/clock\n"
              << "ready" << std::endl;
}

}  // namespace

void add_sandbox_options(CLI::App& cmd, sandbox_flags& f) {
    cmd.add_option("--port-base", f.port_base,
                   "Vendors listen on N+1..N+5: sofy, testerarmy, testmo, buildkite, zof "
                   "(default 9100; 0 = ephemeral ports)");
    cmd.add_option("--seed", f.seed, "Seed of the generated runs (default 42)");
    cmd.add_option("--runs", f.runs,
                   "Generated runs per vendor over the last 30 days (default 300)");
    cmd.add_option("--now", f.now, "Start the sandbox clock at this RFC 3339 instant");
    cmd.add_flag("--tls", f.tls, "Serve HTTPS with a CA and certificate generated at start");
    cmd.add_option("--ca-out", f.ca_out,
                   "With --tls, write the CA certificate here (default ./runhub-sandbox-ca.pem)");
    cmd.add_option("--webhook-url", f.webhook_url, "Send completion webhooks to this http:// URL");
    cmd.add_option("--fault", f.faults,
                   "VENDOR:key=value, repeatable; keys as POST /_sandbox/faults "
                   "(latency_ms, jitter_ms, error_rate, rate_429, reset_rate, malformed_rate, "
                   "truncate_rate, hang_rate, outcome, rate_limit_per_min)");
    cmd.add_option("--queued-ms", f.queued_ms,
                   "Triggered runs stay queued this long (default 2000)");
    cmd.add_option("--running-ms", f.running_ms,
                   "Triggered runs then run this long before their outcome (default 8000)");
    cmd.add_option("--log-level", f.log_level,
                   "trace, debug, info, warn, error or off (default info)");
    cmd.add_flag("--access-log", f.access_log, "Log one JSON line per request");
}

int run_sandbox(const sandbox_flags& flags) {
    sandbox::sandbox_runner_options opts;
    auto problems = to_options(flags, opts);
    for (const auto& p : problems) std::cerr << "runhub sandbox: " << p << "\n";
    if (!problems.empty()) return 2;
    setup_logging(flags.log_level);

    // One io thread: the emulators are light and the machine may be shared.
    boost::asio::io_context io(1);
    sandbox::sandbox_runner runner(io, opts);
    try {
        runner.start();
    } catch (const std::exception& e) {
        spdlog::error("runhub sandbox cannot start: {}", e.what());
        return 1;
    }
    print_vendors(runner);

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int sig) {
        if (ec) return;
        spdlog::info("signal {} received, stopping the sandbox", sig);
        runner.shutdown([&io] { io.stop(); });
    });
    io.run();
    return 0;
}

}  // namespace runhub::service
