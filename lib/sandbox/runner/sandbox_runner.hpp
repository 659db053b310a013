#pragma once
// The whole sandbox in-process: the five vendor emulators, each on its own port (base+1 ...
// base+5 in the order sofy, testerarmy, testmo, buildkite, zof), one shared sandbox clock, one
// webhook sender, optional TLS with a CA generated at start. Used by `runhub sandbox` and by
// `runhub serve --sandbox`.
//
// Lifetime: construct, start() (throws when a port cannot be bound or TLS cannot be set up),
// run the io_context, shutdown(), destroy after the io_context stops running.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sandbox/core/emulator.hpp"
#include "sandbox/core/fault_config.hpp"

namespace boost::asio {
class io_context;
}

namespace runhub::sandbox {

class vendor_server;

struct sandbox_runner_options {
    std::string host = "127.0.0.1";
    std::uint16_t port_base = 9100;  // vendors on base+1..base+5; 0 = every port ephemeral
    std::uint64_t seed = 42;         // same seed, same runs
    int runs = 300;                  // generated runs per vendor
    std::optional<std::chrono::system_clock::time_point> now;  // fixed start of the clock
    bool tls = false;                                          // HTTPS with a CA generated at start
    std::string ca_out = "runhub-sandbox-ca.pem";  // where the CA certificate is written
    // Completion webhooks of every vendor go here ("" = none); "{vendor}" in it becomes each
    // vendor's name (serve --sandbox: "http://127.0.0.1:PORT/v1/webhooks/{vendor}").
    std::string webhook_url;
    std::string webhook_secret = "sandbox-webhook-secret";  // what every emulator signs/sends
    std::map<std::string, fault_config> faults;             // initial faults by vendor name
    std::chrono::milliseconds queued_for{2000};             // triggered runs: queued this long,
    std::chrono::milliseconds running_for{8000};            // then running this long
    bool access_log = false;
};

struct sandbox_vendor_info {
    std::string name;  // sofy | testerarmy | testmo | buildkite | zof
    std::uint16_t port = 0;
    std::string base_url;  // the sandbox's root; the vendor's own path prefix follows it
    std::string auth_header;
    std::string auth_value;
    std::string webhook_secret;  // its webhooks' HMAC key (Zof) or shared secret (TesterArmy)
    std::vector<std::pair<std::string, std::string>> scope;  // ids a client needs (JSON text
                                                             // for non-strings)
};

class sandbox_runner {
  public:
    sandbox_runner(boost::asio::io_context& io, sandbox_runner_options opts);
    ~sandbox_runner();
    sandbox_runner(const sandbox_runner&) = delete;
    sandbox_runner& operator=(const sandbox_runner&) = delete;

    void start();
    // Every built-in vendor, in port order, after start().
    std::vector<sandbox_vendor_info> vendors() const;
    // Vendors whose emulator is not built into this binary (their ports stay closed).
    std::vector<std::string> missing() const;
    vendor_server* find(std::string_view vendor);  // null when missing
    std::shared_ptr<sandbox_clock> clock() const { return clock_; }
    const std::string& ca_file() const { return ca_file_; }  // "" without TLS

    // Shuts every vendor down; `done` runs once, on an io thread, when all are down.
    void shutdown(std::function<void()> done);

    // The five names in port order, and whether a name is one of them.
    static const std::vector<std::string>& vendor_names();
    static bool known_vendor(std::string_view name);

  private:
    boost::asio::io_context& io_;
    sandbox_runner_options opts_;
    std::shared_ptr<sandbox_clock> clock_;
    std::shared_ptr<webhook_sender> sender_;
    std::string ca_file_;
    std::vector<std::unique_ptr<vendor_server>> servers_;
    std::vector<std::string> missing_;
};

}  // namespace runhub::sandbox
