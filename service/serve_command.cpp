// `runhub serve`: load the configuration, build the facade, run until SIGTERM/SIGINT, drain.
#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "aggregate/cursor_codec.hpp"
#include "api/ops_routes.hpp"
#include "api/runs_routes.hpp"
#include "commands.hpp"
#include "config/config.hpp"
#include "config/listen_address.hpp"
#include "connectors/registry.hpp"
#include "http/server.hpp"
#include "sandbox/runner/sandbox_runner.hpp"

namespace runhub::service {

namespace {

// The cursor key: random per process until the configuration can hold one (issue 4).
std::string random_key() {
    std::string key(32, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1)
        throw std::runtime_error("no randomness for the cursor key");
    return key;
}

std::string default_ca_path() {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/runhub-sandbox-ca-" +
           std::to_string(::getpid()) + ".pem";
}

int report(const std::vector<config::problem>& problems, const std::string& file) {
    for (const auto& p : problems)
        std::cerr << (file.empty() ? "flags" : file) << ": " << (p.path.empty() ? "(root)" : p.path)
                  << ": " << p.message << "\n";
    return 2;
}

}  // namespace

int run_serve(const serve_flags& flags) {
    config::load_result loaded;
    if (!flags.config_file.empty()) loaded = config::load_config_file(flags.config_file);
    auto& cfg = loaded.config;
    auto problems = loaded.problems;
    if (!flags.listen.empty()) cfg.listen = flags.listen;
    if (flags.threads >= 0) cfg.threads = flags.threads;
    if (!flags.log_level.empty()) cfg.log_level = flags.log_level;
    auto listen = config::parse_listen_address(cfg.listen);
    if (!listen) problems.push_back({"listen", "must be IP:PORT, got '" + cfg.listen + "'"});
    if (!config::valid_log_level(cfg.log_level))
        problems.push_back({"log_level", "must be one of trace, debug, info, warn, error, off"});
    if (flags.sandbox && (flags.sandbox_port_base < 0 || flags.sandbox_port_base > 65530))
        problems.push_back({"--sandbox-port-base", "must be 0..65530"});
    if (!problems.empty()) return report(problems, flags.config_file);
    if (flags.check) {
        std::cout << "configuration ok\n";
        return 0;
    }

    setup_logging(cfg.log_level);
    const int threads =
        cfg.threads > 0 ? cfg.threads : std::max(1u, std::thread::hardware_concurrency());
    boost::asio::io_context io(threads);

    auto metrics = std::make_shared<http::metrics_registry>();
    auto ready = std::make_shared<api::readiness>();
    auto routes = std::make_shared<http::router>();
    api::add_ops_routes(*routes, ready, metrics);

    cfg.server.name = "facade";
    http::server srv(io, cfg.server, routes, metrics);
    try {
        srv.listen(listen->host, listen->port);
    } catch (const std::exception& e) {
        spdlog::error("cannot listen on {}: {}", cfg.listen, e.what());
        return 1;
    }
    // --sandbox: the five vendor emulators in this process, over TLS with a CA generated now,
    // so that a new user sees every vendor with no account.
    std::unique_ptr<sandbox::sandbox_runner> sandbox_runner;
    if (flags.sandbox) {
        sandbox::sandbox_runner_options so;
        so.port_base = static_cast<std::uint16_t>(flags.sandbox_port_base);
        so.tls = true;
        so.ca_out = flags.sandbox_ca_out.empty() ? default_ca_path() : flags.sandbox_ca_out;
        sandbox_runner = std::make_unique<sandbox::sandbox_runner>(io, so);
        try {
            sandbox_runner->start();
        } catch (const std::exception& e) {
            spdlog::error("cannot start the sandbox: {}", e.what());
            return 1;
        }
        for (const auto& v : sandbox_runner->vendors())
            spdlog::info("sandbox vendor {} at {} ({}: {})", v.name, v.base_url, v.auth_header,
                         v.auth_value);
        spdlog::info("sandbox TLS CA: {}", sandbox_runner->ca_file());
    }
    // The read API. Sources come from --sandbox for now (the `sources` configuration key is
    // not built yet): one per vendor, verified against the sandbox's generated CA.
    auto sources = std::make_shared<api::source_set>();
    if (sandbox_runner) {
        http::client_options co;
        co.ca_file = sandbox_runner->ca_file();
        connectors::connector_deps deps;
        deps.client = std::make_shared<http::client>(io.get_executor(), co);
        for (const auto& v : sandbox_runner->vendors()) {
            connectors::source_config sc;
            sc.name = v.name;
            sc.vendor = v.name;
            sc.base_url = v.base_url;
            sc.credential =
                v.auth_value.rfind("Bearer ", 0) == 0 ? v.auth_value.substr(7) : v.auth_value;
            for (const auto& [k, val] : v.scope) sc.scope[k] = val;
            if (auto c = connectors::make_connector(sc, deps)) sources->all.push_back(std::move(c));
        }
    }
    api::add_runs_routes(*routes, sources, std::make_shared<aggregate::cursor_codec>(random_key()),
                         {});
    ready->set_listening(true);
    ready->set_sources_ready(true);
    spdlog::info("runhub {} listening on {}:{} with {} thread(s)", RUNHUB_VERSION, listen->host,
                 srv.port(), threads);

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int sig) {
        if (ec) return;
        spdlog::info("signal {} received, draining", sig);
        ready->set_draining(true);
        srv.shutdown([&io, &sandbox_runner] {
            if (!sandbox_runner) return io.stop();
            sandbox_runner->shutdown([&io] { io.stop(); });
        });
    });

    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : pool) t.join();
    // A CA we wrote to a temporary path goes with the process that made it.
    if (sandbox_runner && flags.sandbox_ca_out.empty())
        std::remove(sandbox_runner->ca_file().c_str());
    spdlog::info("stopped");
    return 0;
}

}  // namespace runhub::service
