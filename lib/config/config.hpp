#pragma once
// runhub's configuration: plain structs with their defaults, read once at start-up from one JSON
// file (comments and trailing commas allowed). Every key is documented, with its default, in
// deploy/runhub.example.json.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/json_reader.hpp"
#include "config/secret.hpp"
#include "http/circuit_breaker.hpp"
#include "http/rate_budget.hpp"
#include "http/server.hpp"

namespace runhub::config {

// Cache lifetimes (key "cache" at the top, in a source, and in "sandbox"); unset = the level above.
struct ttl_settings {
    std::optional<std::chrono::milliseconds> terminal_run;  // terminal_run_ttl_ms
    std::optional<std::chrono::milliseconds> active_run;    // active_run_ttl_ms
    std::optional<std::chrono::milliseconds> list_page;     // list_page_ttl_ms
    std::optional<std::chrono::milliseconds> stale_window;  // stale_window_ms
};

// The run-state cache (key "cache").
struct cache_settings {
    std::string backend = "memory";  // memory | redis
    std::string redis_url;           // redis://host:port[/db] when backend is redis
    std::size_t max_bytes = std::size_t(64) * 1024 * 1024;  // the memory store's bound
    // The bound of the finished list answers kept in this process (api/list_answers.hpp);
    // 0 turns that off.
    std::size_t answer_max_bytes = std::size_t(16) * 1024 * 1024;
    ttl_settings ttl;  // defaults: terminal 1 h, active 2 s, list page 5 s, stale window 10 min
};

// One vendor account or project runhub reads (key "sources"); several may share a vendor.
struct source_entry {
    std::string name;      // [a-z0-9][a-z0-9_-]*, unique; the prefix of its run ids
    std::string vendor;    // sofy | testerarmy | testmo | buildkite | zof (checked by the service)
    std::string base_url;  // http(s) URL of the vendor API root; plain http only to loopback
    secret credential;     // {"env"} or {"file"}
    std::map<std::string, std::string> scope;   // the vendor's scope ids (checked by the service)
    std::chrono::milliseconds timeout{10'000};  // per upstream call
    std::string ca_file;                        // PEM bundle to verify the vendor; "" = system
    http::breaker_options circuit;              // key "circuit": failure_threshold, open_ms
    // Key "budget": per_minute, burst. Absent = the vendor's documented quota (see the README).
    std::optional<http::budget_options> budget;
    ttl_settings cache;  // key "cache": this source's lifetimes
    // Key "webhook_secret" ({"env"} or {"file"}): the secret the vendor signs (Zof) or sends
    // (TesterArmy; Sofy as a bearer token) its webhooks with; absent = POST
    // /v1/webhooks/{name} answers 404.
    std::optional<secret> webhook_secret;
};

// A caller's key (key "api_keys"). Stored hashed once the service starts.
struct api_key_entry {
    std::string name;                 // who it is, for logs; never the key
    secret key;                       // {"env"} or {"file"}; at least 8 characters
    std::vector<std::string> scopes;  // runs:read, runs:write
    // The sources it may see; nullopt (key absent) = every source.
    std::optional<std::vector<std::string>> sources;
};

// The read API (key "api").
struct api_options {
    std::chrono::milliseconds request_timeout{15'000};  // the whole answer's deadline
    // HMAC key of list cursors; absent = random per process (cursors then die with it and
    // differ between replicas).
    std::optional<secret> cursor_key;
    // GET /v1/runs/{id}/events: a comment line this often while the run does not change, so
    // that proxies and clients see the stream is alive (key "sse_heartbeat_ms").
    std::chrono::milliseconds sse_heartbeat{15'000};
};

// The sources `serve --sandbox` adds, one per emulated vendor (key "sandbox").
struct sandbox_sources {
    std::chrono::milliseconds timeout{10'000};  // per upstream call (capped by the request's)
    http::breaker_options circuit;
    http::budget_options budget;  // none by default: the emulators limit nothing unless told
    ttl_settings cache;
};

struct runhub_config {
    std::string listen = "127.0.0.1:8080";  // HOST:PORT of the facade
    int threads = 0;                        // io threads; 0 = the machine's cores
    std::string log_level = "info";         // trace, debug, info, warn, error, off
    http::server_options server;            // limits, timeouts, access log (key "server")
    api_options api;
    std::vector<source_entry> sources;
    std::vector<api_key_entry> api_keys;
    sandbox_sources sandbox;
    cache_settings cache;
};

struct load_result {
    runhub_config config;
    std::vector<problem> problems;  // empty when the configuration is usable
};

// Parses and validates a configuration text and resolves its secrets; every problem is reported
// with its key path.
load_result parse_config(std::string_view text, const env_lookup& env = process_env());
// Reads a file and parses it; an unreadable file is one problem with path "".
load_result load_config_file(const std::string& path, const env_lookup& env = process_env());

// Valid source names: [a-z0-9][a-z0-9_-]*, at most 64 characters.
bool valid_source_name(std::string_view name);

inline constexpr std::string_view scope_runs_read = "runs:read";
inline constexpr std::string_view scope_runs_write = "runs:write";

bool valid_log_level(std::string_view level);

}  // namespace runhub::config
