// runhub: one REST API over five test-automation vendors. This file only parses the command line
// and hands over to a subcommand.
#include <openssl/opensslv.h>

#include <CLI/CLI.hpp>
#include <boost/version.hpp>
#include <iostream>

#include "commands.hpp"
#include "gate_command.hpp"
#include "sandbox_command.hpp"

int main(int argc, char** argv) {
    CLI::App app{"runhub: one REST API over the test-run APIs of five test-automation vendors"};
    app.require_subcommand(1);

    runhub::service::serve_flags serve;
    auto* serve_cmd = app.add_subcommand("serve", "Run the HTTP facade");
    serve_cmd->add_option("--config", serve.config_file, "JSON configuration file")
        ->check(CLI::ExistingFile);
    serve_cmd->add_option("--listen", serve.listen,
                          "HOST:PORT to listen on (default 127.0.0.1:8080)");
    serve_cmd->add_option("--threads", serve.threads, "I/O threads (default: the machine's cores)")
        ->check(CLI::Range(1, 256));
    serve_cmd->add_option("--log-level", serve.log_level,
                          "trace, debug, info, warn, error or off (default info)");
    serve_cmd->add_flag("--check", serve.check,
                        "Validate the configuration, print every problem, and exit (0 ok, 2 bad)");
    serve_cmd->add_flag("--sandbox", serve.sandbox,
                        "Also run the five vendor emulators in this process (HTTPS, own CA)");
    serve_cmd->add_option("--sandbox-port-base", serve.sandbox_port_base,
                          "Emulators on N+1..N+5 (default 9100; 0 = free ports)");
    serve_cmd->add_option("--sandbox-ca-out", serve.sandbox_ca_out,
                          "Where to write the sandbox's CA certificate (default: a temp file)");

    runhub::service::sandbox_flags sandbox;
    auto* sandbox_cmd =
        app.add_subcommand("sandbox", "Serve emulators of the five vendor APIs on loopback");
    runhub::service::add_sandbox_options(*sandbox_cmd, sandbox);
    runhub::service::gate_flags gate;
    auto* gate_cmd = app.add_subcommand(
        "gate", "CI: start a run through runhub (or watch one), wait, exit with its outcome");
    runhub::service::add_gate_options(*gate_cmd, gate);
    auto* version_cmd = app.add_subcommand("version", "Print the version and exit");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // CLI11 exits 0 for --help; usage errors exit 2 like --check's problems (4 for gate).
        int code = app.exit(e);
        const bool gating = *gate_cmd || (argc > 1 && std::string_view(argv[1]) == "gate");
        return code == 0 ? 0 : gating ? runhub::service::gate_usage : 2;
    }

    if (*version_cmd) {
        std::cout << "runhub " << RUNHUB_VERSION << " (Boost " << BOOST_VERSION / 100000 << "."
                  << BOOST_VERSION / 100 % 1000 << ", " << OPENSSL_VERSION_TEXT << ")\n";
        return 0;
    }
    if (*sandbox_cmd) return runhub::service::run_sandbox(sandbox);
    if (*gate_cmd) return runhub::service::run_gate(gate);
    return runhub::service::run_serve(serve);
}
