#pragma once
// `runhub serve --sandbox` as a child process on free loopback ports, with an API key set
// through RUNHUB_API_KEY, and the sandbox's CA and vendor addresses read off its start-up log.
// Also a one-shot request to a sandbox vendor over verified TLS (its control routes, triggers).
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/http_client.hpp"
#include "common/process.hpp"

namespace runhub::test {

// The cache settings that turn caching off (every entry expires at once and is never served
// stale): for suites that test what reaches the vendors.
inline constexpr const char* no_cache_settings =
    R"("cache": {"terminal_run_ttl_ms": 0, "active_run_ttl_ms": 0, "list_page_ttl_ms": 0,
                 "stale_window_ms": 0})";

// Writes `json` to a new temporary file; its path.
std::string write_temp_config(const std::string& json);

class sandboxed_facade {
  public:
    // `args` are added to the command line, `env` to the environment; `config_json`, when set,
    // is written to a temporary file given with --config (removed with the facade).
    explicit sandboxed_facade(std::string api_key, std::vector<std::string> args = {},
                              std::vector<std::string> env = {}, std::string config_json = "");
    ~sandboxed_facade();  // SIGTERM; expects exit 0 (a sanitizer report in the server fails it)
    sandboxed_facade(const sandboxed_facade&) = delete;
    sandboxed_facade& operator=(const sandboxed_facade&) = delete;

    std::uint16_t port() const { return port_; }  // 0 when the server did not come up
    child_process& process() { return p_; }
    const std::string& api_key() const { return key_; }

    std::string ca_file() const;                               // the sandbox's CA (PEM path)
    std::string vendor_base(const std::string& vendor) const;  // "https://127.0.0.1:NNNN"
    std::string vendor_auth(const std::string& vendor) const;  // "Bearer …" as the log gives it

    // GET with the key (or `key` when given); EXPECTs `expect` and returns the parsed body.
    boost::json::value get_json(http_client& c, const std::string& target, int expect,
                                const std::string& key = "\x01");
    // Every page of GET /v1/runs?<query>, EXPECTing 200s with no source in error; the runs in
    // the order they came.
    std::vector<boost::json::object> walk(http_client& c, const std::string& query);

  private:
    std::string key_;
    std::string config_path_;
    child_process p_;
    std::uint16_t port_ = 0;
};

struct sandbox_reply {
    int status = 0;  // 0 when no answer came (the body then says why)
    std::string body;
};

// One request to a sandbox vendor over TLS verified with `ca`; JSON body when `body` is set.
sandbox_reply sandbox_request(const std::string& ca, const std::string& method,
                              const std::string& url, const std::string& body = "",
                              const std::string& auth = "");

// Sets the faults of one vendor (POST /_sandbox/faults); EXPECTs 200.
void set_faults(const sandboxed_facade& f, const std::string& vendor, const std::string& json);

}  // namespace runhub::test
