// `runhub serve`: load the configuration, build the facade, run until SIGTERM/SIGINT, drain.
#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "aggregate/cursor_codec.hpp"
#include "api/events_route.hpp"
#include "api/list_answers.hpp"
#include "api/openapi_routes.hpp"
#include "api/ops_routes.hpp"
#include "api/runs_routes.hpp"
#include "api/source_metrics.hpp"
#include "api/webhook_route.hpp"
#include "api/write_routes.hpp"
#include "cache/cache.hpp"
#include "cache/cached_connector.hpp"
#include "cache/store_factory.hpp"
#include "commands.hpp"
#include "config/config.hpp"
#include "config/listen_address.hpp"
#include "connectors/registry.hpp"
#include "http/server.hpp"
#include "sandbox/runner/sandbox_runner.hpp"

namespace runhub::service {

namespace {

std::string random_bytes(std::size_t n) {
    std::string key(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1)
        throw std::runtime_error("no randomness");
    return key;
}

// A key a person can copy: 32 random bytes as URL-safe base64 without padding.
std::string random_api_key() {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out = "rh_";
    for (unsigned char c : random_bytes(32)) out += alphabet[c & 63];
    return out;
}

constexpr std::size_t min_api_key_chars = 8;

// Cross-checks of the configuration that need the connectors: each source's vendor and scope,
// the sources an API key names, names the sandbox would take.
void check_sources(const config::runhub_config& cfg, bool sandbox,
                   std::vector<config::problem>& problems) {
    std::set<std::string, std::less<>> names;
    if (sandbox)
        for (auto v : connectors::known_vendors()) names.emplace(v);
    for (std::size_t i = 0; i < cfg.sources.size(); ++i) {
        const auto& s = cfg.sources[i];
        const std::string at = "sources[" + std::to_string(i) + "].";
        connectors::source_config sc;
        sc.vendor = s.vendor;
        sc.scope = s.scope;
        if (!s.vendor.empty())
            for (auto& [key, message] : connectors::check_source(sc))
                problems.push_back({at + key, message});
        if (sandbox && names.contains(s.name))
            problems.push_back({at + "name", "'" + s.name +
                                                 "' is the name of a --sandbox source; choose "
                                                 "another"});
    }
    for (const auto& s : cfg.sources) names.insert(s.name);
    for (std::size_t i = 0; i < cfg.api_keys.size(); ++i)
        if (cfg.api_keys[i].sources)
            for (const auto& name : *cfg.api_keys[i].sources)
                if (!names.contains(name))
                    problems.push_back({"api_keys[" + std::to_string(i) + "].sources",
                                        "no source is named '" + name + "'"});
}

cache::ttl_overrides ttl_overrides_of(const config::ttl_settings& t) {
    return {t.terminal_run, t.active_run, t.list_page, t.stale_window};
}

cache::ttl_options ttl_defaults_of(const config::ttl_settings& t) {
    cache::ttl_options o;
    if (t.terminal_run) o.terminal_run = *t.terminal_run;
    if (t.active_run) o.active_run = *t.active_run;
    if (t.list_page) o.list_page = *t.list_page;
    if (t.stale_window) o.stale_window = *t.stale_window;
    return o;
}

// A source: its own HTTP client (pool, CA, outbound budget), its connector, its breaker.
std::shared_ptr<connectors::monitored_connector> build_source(boost::asio::io_context& io,
                                                              connectors::source_config sc,
                                                              std::string ca_file,
                                                              http::breaker_options breaker,
                                                              http::budget_options budget) {
    http::client_options co;
    co.ca_file = std::move(ca_file);
    co.budget = std::make_shared<http::rate_budget>(budget);
    connectors::connector_deps deps;
    deps.client = std::make_shared<http::client>(io.get_executor(), co);
    std::shared_ptr<connectors::connector> c = connectors::make_connector(std::move(sc), deps);
    if (!c) return nullptr;
    return std::make_shared<connectors::monitored_connector>(std::move(c), breaker, co.budget);
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
    check_sources(cfg, flags.sandbox, problems);
    if (auto why = cache::check_store_settings(cfg.cache))
        problems.push_back({"cache.redis_url", *why});
    std::string sandbox_key;
    if (flags.sandbox) {
        // The sandbox's own key is named "sandbox": a key's name is who it is (its cursors and
        // kept list answers are bound to it), so no configured key may share it.
        for (std::size_t i = 0; i < cfg.api_keys.size(); ++i)
            if (cfg.api_keys[i].name == "sandbox")
                problems.push_back({"api_keys[" + std::to_string(i) + "].name",
                                    "\"sandbox\" is the name of --sandbox's own key"});
        if (const char* env = std::getenv("RUNHUB_API_KEY"); env && *env) {
            sandbox_key = env;
            if (sandbox_key.size() < min_api_key_chars)
                problems.push_back({"RUNHUB_API_KEY", "must be at least 8 characters"});
        }
    }
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
    api::add_openapi_route(*routes);

    cfg.server.name = "facade";
    cfg.server.one_thread = threads == 1;
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
        // The emulators' completion webhooks come back to this facade (listening already).
        so.webhook_url = "http://127.0.0.1:" + std::to_string(srv.port()) + "/v1/webhooks/{vendor}";
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
    // The read API: the configured sources, then (--sandbox) one per emulated vendor, verified
    // against the sandbox's generated CA. Each source behind its own circuit breaker.
    // The run-state cache in front of every source, with each source's lifetimes.
    std::map<std::string, cache::ttl_overrides, std::less<>> ttl_by_source;
    for (const auto& s : cfg.sources) ttl_by_source[s.name] = ttl_overrides_of(s.cache);
    if (flags.sandbox)
        for (auto v : connectors::known_vendors())
            ttl_by_source[std::string(v)] = ttl_overrides_of(cfg.sandbox.cache);
    cache::cache_options cache_opts;
    cache_opts.ttl = cache::ttl_policy(ttl_defaults_of(cfg.cache.ttl), std::move(ttl_by_source));
    auto run_cache =
        std::make_shared<cache::cache>(cache::make_store(cfg.cache, io), std::move(cache_opts));
    auto sources = std::make_shared<api::source_set>();
    auto add_source = [&](std::shared_ptr<connectors::monitored_connector> c) {
        if (!c) return;
        api::source_set::source s;
        s.call = std::make_shared<cache::cached_connector>(c, run_cache);
        s.health = std::move(c);
        sources->all.push_back(std::move(s));
    };
    for (const auto& s : cfg.sources) {
        connectors::source_config sc;
        sc.name = s.name;
        sc.vendor = s.vendor;
        sc.base_url = s.base_url;
        sc.credential = s.credential.value;
        sc.scope = s.scope;
        sc.timeout = s.timeout;
        auto budget = s.budget.value_or(connectors::default_budget(s.vendor));
        add_source(build_source(io, std::move(sc), s.ca_file, s.circuit, budget));
        spdlog::info("source {} ({}) at {}, credential from {}", s.name, s.vendor, s.base_url,
                     s.credential.origin);
    }
    if (sandbox_runner) {
        for (const auto& v : sandbox_runner->vendors()) {
            connectors::source_config sc;
            sc.name = v.name;
            sc.vendor = v.name;
            sc.base_url = v.base_url;
            sc.credential =
                v.auth_value.rfind("Bearer ", 0) == 0 ? v.auth_value.substr(7) : v.auth_value;
            for (const auto& [k, val] : v.scope) sc.scope[k] = val;
            sc.timeout = std::min(cfg.sandbox.timeout, cfg.api.request_timeout);
            add_source(build_source(io, std::move(sc), sandbox_runner->ca_file(),
                                    cfg.sandbox.circuit, cfg.sandbox.budget));
        }
    }
    auto keys = std::make_shared<api::key_store>();
    for (const auto& k : cfg.api_keys) {
        keys->add(k.name, k.key.value, k.scopes, k.sources);
        spdlog::info("API key {} from {}", k.name, k.key.origin);
    }
    if (flags.sandbox) {
        // A new user needs a key to try the API: RUNHUB_API_KEY, or one made up and shown.
        if (sandbox_key.empty()) {
            sandbox_key = random_api_key();
            spdlog::info("sandbox API key (runs:read, runs:write, every source): {}", sandbox_key);
        } else {
            spdlog::info(
                "sandbox API key from RUNHUB_API_KEY (runs:read, runs:write, every source)");
        }
        keys->add("sandbox", sandbox_key, {"runs:read", "runs:write"}, std::nullopt);
    }
    if (keys->size() == 0)
        spdlog::warn("no api_keys configured: every /v1 request will be refused with 401");
    const std::string cursor_key =
        cfg.api.cursor_key ? cfg.api.cursor_key->value : random_bytes(32);
    api::runs_api_options api_opts;
    api_opts.request_timeout = cfg.api.request_timeout;
    if (cfg.cache.answer_max_bytes > 0) {
        api_opts.answers = std::make_shared<api::list_answers>(cfg.cache.answer_max_bytes);
        api::add_answer_metrics(*metrics, api_opts.answers);
    }
    api::add_source_metrics(*metrics, sources, run_cache);
    api::write_api_options write_opts;
    write_opts.request_timeout = cfg.api.request_timeout;
    api::add_write_routes(*routes, sources, keys, run_cache, write_opts);
    auto watch = std::make_shared<api::run_watch>();
    api::add_runs_routes(*routes, sources, std::make_shared<aggregate::cursor_codec>(cursor_key),
                         keys, watch, api_opts);
    api::events_options events_opts;
    events_opts.heartbeat = cfg.api.sse_heartbeat;
    api::add_events_route(*routes, sources, keys, watch, events_opts);
    api::webhook_options hooks;
    for (const auto& s : cfg.sources)
        if (s.webhook_secret) hooks.secrets[s.name] = s.webhook_secret->value;
    if (sandbox_runner)
        for (const auto& v : sandbox_runner->vendors())
            if (v.name == "zof" || v.name == "testerarmy" || v.name == "sofy")
                hooks.secrets[v.name] = v.webhook_secret;
    api::add_webhook_route(*routes, sources, run_cache, watch, std::move(hooks));
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
