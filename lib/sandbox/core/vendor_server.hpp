#pragma once
// One vendor emulator on one port: its routes wrapped with stats, rate limit and faults
// (fault_middleware.hpp), the /_sandbox control routes (control_routes.hpp) and a 100 ms tick.
//
// Lifetime: construct, start() (throws when the port cannot be bound), run the io_context,
// shutdown(); destroy after the io_context stops running. start() binds first when the port is
// 0 (so base_url names the real port) and builds the routes right after, before the port is
// known to anyone; call it before the io_context runs or from its thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "sandbox/core/emulator.hpp"
#include "sandbox/core/fault_config.hpp"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}
}  // namespace boost::asio

namespace runhub::http {
class server;
class metrics_registry;
}  // namespace runhub::http

namespace runhub::sandbox {

class port_state;

struct vendor_server_options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;                           // 0 = ephemeral
    std::shared_ptr<boost::asio::ssl::context> tls;   // null = plain HTTP
    fault_config faults;                              // initial faults (from flags)
    std::chrono::milliseconds tick_every{100};        // how often emulator::tick() runs
    std::chrono::milliseconds drain_timeout{2000};    // shutdown cuts hung requests after this
    bool access_log = false;                          // one JSON line per request
    std::shared_ptr<http::metrics_registry> metrics;  // null = a private registry
};

using emulator_factory = std::function<std::unique_ptr<emulator>(const emulator_options&)>;

class vendor_server {
  public:
    // `base.clock` and `base.webhooks` must be set; `base.base_url` is filled by start().
    vendor_server(boost::asio::io_context& io, emulator_factory make, emulator_options base,
                  vendor_server_options opts);
    ~vendor_server();
    vendor_server(const vendor_server&) = delete;
    vendor_server& operator=(const vendor_server&) = delete;

    void start();
    std::uint16_t port() const;
    const std::string& base_url() const { return base_url_; }
    emulator& vendor();   // after start()
    port_state& state();  // after start(): faults, stats, reset

    // Stops ticking and shuts the server down; `done` runs on an io thread when no connection
    // is left.
    void shutdown(std::function<void()> done);

  private:
    struct ticker;
    void build(std::string base_url);

    boost::asio::io_context& io_;
    emulator_factory make_;
    emulator_options base_;
    vendor_server_options opts_;
    std::string base_url_;
    std::shared_ptr<port_state> state_;
    std::shared_ptr<http::router> routes_;
    std::unique_ptr<http::server> server_;
    std::shared_ptr<ticker> ticker_;
};

}  // namespace runhub::sandbox
