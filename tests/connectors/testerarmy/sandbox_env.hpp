#pragma once
// The whole sandbox (sandbox_runner: five emulators on ephemeral loopback ports, over TLS with a
// CA generated at start) on one io thread, and a runhub::http::client that verifies the
// sandbox's certificates against that CA. Connector tests of every vendor use it as a black
// box: connectors and control routes (/_sandbox/faults, /_sandbox/stats) both go over HTTPS.
//
//   sandbox_env env;
//   auto c = make_x_connector(env.source("x"), env.deps());
//   auto page = env.run(c->list(q, "", 50, env.deadline(2s)));
//   env.set_faults("x", R"({"error_rate":1})");
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "connectors/common/connector.hpp"
#include "sandbox/runner/sandbox_runner.hpp"

namespace runhub::test {

class sandbox_env {
  public:
    static constexpr int runs_per_vendor = 300;

    sandbox_env();
    ~sandbox_env();
    sandbox_env(const sandbox_env&) = delete;
    sandbox_env& operator=(const sandbox_env&) = delete;

    // A source for the vendor: its base_url, credential (without "Bearer ") and scope.
    connectors::source_config source(const std::string& vendor, std::string name = "") const;
    // Deps with the shared verifying client and a fast retry policy (3 attempts, 1..5 ms).
    connectors::connector_deps deps() const;
    std::shared_ptr<http::client> client() const { return client_; }
    const std::string& ca_file() const { return runner_->ca_file(); }

    static connectors::clock::time_point deadline(std::chrono::milliseconds in) {
        return connectors::clock::now() + in;
    }

    // Runs a coroutine on the io thread and waits for its value (exceptions rethrown).
    template <class T>
    T run(boost::asio::awaitable<T> a) {
        return boost::asio::co_spawn(io_, std::move(a), boost::asio::use_future).get();
    }

    // Control routes of the vendor's port; throw std::runtime_error unless answered 200.
    void set_faults(const std::string& vendor, const std::string& json_text);
    boost::json::value stats(const std::string& vendor);
    // GET with the vendor's credential, for expectations from the vendor's own answers.
    boost::json::value vendor_get(const std::string& vendor, const std::string& target);
    // POST with the vendor's credential; throws unless 2xx.
    boost::json::value vendor_post(const std::string& vendor, const std::string& target,
                                   const std::string& body);
    // POST /_sandbox/reset: the seed's data again.
    void reset(const std::string& vendor);
    // How many requests the vendor's port counted on one route ("GET /api/v1/runs").
    std::int64_t requests(const std::string& vendor, const std::string& route);

  private:
    http::client_response call(const std::string& vendor, std::string method,
                               const std::string& target, std::string body, bool auth);
    const sandbox::sandbox_vendor_info& info(const std::string& vendor) const;

    boost::asio::io_context io_;
    std::unique_ptr<sandbox::sandbox_runner> runner_;
    std::vector<sandbox::sandbox_vendor_info> vendors_;
    std::shared_ptr<http::client> client_;
    std::string ca_path_;
    std::thread thread_;
    std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
};

}  // namespace runhub::test
