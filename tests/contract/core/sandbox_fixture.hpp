#pragma once
// One vendor emulator behind a real sandbox vendor_server on 127.0.0.1:<ephemeral>, with its own
// io threads, a clock fixed at a known instant (2026-11-23T12:00:00Z unless told) and a webhook
// sender that records what it is asked to post. For contract tests of every vendor.
//
//   #include "sandbox_fixture.hpp"
//   runhub::test::sandbox_fixture fx(runhub::sandbox::zof::make_zof_emulator);
//   auto r = fx.get("/v1/runs?limit=5");               // with the vendor's auth header
//   fx.set_faults(R"({"rate_limit_per_min": 2})");    // POST /_sandbox/faults (throws unless 200)
//   fx.advance(std::chrono::seconds(10));              // POST /_sandbox/clock: never sleep
//   auto s = fx.stats();                               // GET /_sandbox/stats, parsed
//   fx.reset();                                        // POST /_sandbox/reset
//   fx.webhooks().posts();                             // webhooks the emulator sent
// CMake: target_link_libraries(<tests> PRIVATE runhub_sandbox_fixture runhub::sandbox_<vendor>)
#include <boost/json/fwd.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/http_client.hpp"
#include "sandbox/core/emulator.hpp"
#include "sandbox/core/vendor_server.hpp"

namespace boost::asio {
class io_context;
}

namespace runhub::test {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct recorded_webhook {
    std::string url;
    std::vector<http::header_field> headers;
    std::string body;
    std::string header(std::string_view name) const;  // "" when absent; case-insensitive
};

// Records instead of posting. Thread-safe.
class recording_webhook_sender : public sandbox::webhook_sender {
  public:
    void post(std::string url, std::vector<http::header_field> headers, std::string body) override;
    std::vector<recorded_webhook> posts() const;
    void clear();

  private:
    mutable std::mutex mutex_;
    std::vector<recorded_webhook> posts_;
};

struct sandbox_fixture_options {
    std::uint64_t seed = 42;
    int runs = 300;
    std::string now = "2026-11-23T12:00:00Z";  // the sandbox clock's start
    std::chrono::milliseconds queued_for{2000};
    std::chrono::milliseconds running_for{8000};
    std::string webhook_url;                            // emulator_options.webhook_url
    std::shared_ptr<sandbox::webhook_sender> webhooks;  // null = a recording_webhook_sender
    sandbox::vendor_server_options server;              // port 0, no TLS, no faults by default
    int threads = 2;
};

class sandbox_fixture {
  public:
    explicit sandbox_fixture(sandbox::emulator_factory make, sandbox_fixture_options opts = {});
    ~sandbox_fixture();
    sandbox_fixture(const sandbox_fixture&) = delete;
    sandbox_fixture& operator=(const sandbox_fixture&) = delete;

    std::uint16_t port() const;
    const std::string& base_url() const;
    http_client client() const;  // a new connection
    sandbox::emulator& emulator();
    sandbox::vendor_server& server() { return *server_; }
    std::shared_ptr<sandbox::sandbox_clock> clock() const { return clock_; }
    std::chrono::system_clock::time_point start_time() const { return start_; }
    recording_webhook_sender& webhooks();  // throws when a custom sender was given

    // The vendor's credential, and requests that carry it (each on a new connection).
    header_list auth() const;
    http_reply get(const std::string& target, header_list extra = {}) const;
    http_reply post(const std::string& target, const std::string& body,
                    header_list extra = {}) const;

    // Control routes; each throws std::runtime_error unless the answer is 200.
    void set_faults(const std::string& json_text);
    void clear_faults() { set_faults("{}"); }
    void advance(std::chrono::milliseconds by);
    boost::json::value stats() const;
    void reset();

  private:
    sandbox_fixture_options opts_;
    std::chrono::system_clock::time_point start_;
    std::shared_ptr<sandbox::sandbox_clock> clock_;
    std::shared_ptr<sandbox::webhook_sender> sender_;
    std::unique_ptr<boost::asio::io_context> io_;
    std::unique_ptr<sandbox::vendor_server> server_;
    std::vector<std::thread> threads_;
};

// Parses JSON or throws std::runtime_error naming the text.
boost::json::value parse_json(const std::string& text);

}  // namespace runhub::test
