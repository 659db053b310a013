// `runhub serve`: load the configuration, build the facade, run until SIGTERM/SIGINT, drain.
#include "api/ops_routes.hpp"
#include "commands.hpp"
#include "config/config.hpp"
#include "config/listen_address.hpp"
#include "http/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>

namespace runhub::service {

namespace {

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
    if (!problems.empty()) return report(problems, flags.config_file);
    if (flags.check) {
        std::cout << "configuration ok\n";
        return 0;
    }

    setup_logging(cfg.log_level);
    const int threads = cfg.threads > 0 ? cfg.threads
                                        : std::max(1u, std::thread::hardware_concurrency());
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
    ready->set_listening(true);
    ready->set_sources_ready(true);  // no vendor sources are configured yet
    spdlog::info("runhub {} listening on {}:{} with {} thread(s)", RUNHUB_VERSION, listen->host,
                 srv.port(), threads);

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int sig) {
        if (ec) return;
        spdlog::info("signal {} received, draining", sig);
        ready->set_draining(true);
        srv.shutdown([&io] { io.stop(); });
    });

    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : pool) t.join();
    spdlog::info("stopped");
    return 0;
}

}  // namespace runhub::service
