// Shared by the Zof, Testmo and Buildkite connector tests: the whole sandbox over verified TLS.
#pragma once
// The sandbox (all five emulators, TLS with a generated CA, ephemeral ports) on its own thread,
// and a verifying http::client on the test's io_context. Used as a black box over HTTP.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "connectors/common/connector.hpp"
#include "http/client.hpp"
#include "sandbox/runner/sandbox_runner.hpp"

namespace runhub::test {

class sandbox_env {
  public:
    explicit sandbox_env(std::string vendor) {
        static std::atomic<int> n{0};
        sandbox::sandbox_runner_options o;
        o.port_base = 0;
        o.tls = true;
        o.ca_out = ca_path_ = ::testing::TempDir() + "runhub-" + vendor + "-ca-" +
                              std::to_string(::getpid()) + "-" + std::to_string(n++) + ".pem";
        runner_ = std::make_unique<sandbox::sandbox_runner>(sb_io_, o);
        runner_->start();
        for (auto& v : runner_->vendors())
            if (v.name == vendor) info = v;
        thread_ = std::thread([this] { sb_io_.run(); });
        http::client_options co;
        co.ca_file = runner_->ca_file();
        client = std::make_shared<http::client>(io.get_executor(), co);
    }
    ~sandbox_env() {
        client.reset();
        boost::asio::post(sb_io_, [this] { runner_->shutdown([this] { sb_io_.stop(); }); });
        thread_.join();
        runner_.reset();
        std::remove(ca_path_.c_str());
    }

    std::string scope(const std::string& key) const {
        for (const auto& [k, v] : info.scope)
            if (k == key) return v;
        return {};
    }

    // Runs a coroutine on the test's io_context to completion.
    template <class F>
    auto run(F f) {
        auto fut = boost::asio::co_spawn(io, std::move(f), boost::asio::use_future);
        io.restart();
        io.run();
        return fut.get();
    }

    // One request to the vendor's port (control routes, or the vendor API walked directly).
    http::client_result call(std::string method, std::string path, std::string body = {},
                             bool auth = false) {
        return auth ? call_as(std::move(method), std::move(path), std::move(body), info.auth_header,
                              info.auth_value)
                    : call_as(std::move(method), std::move(path), std::move(body), {}, {});
    }
    // The same with one credential header of the caller's choice ("" = none).
    http::client_result call_as(std::string method, std::string path, std::string body,
                                std::string header, std::string value) {
        http::client_request req;
        req.method = std::move(method);
        req.url = info.base_url + path;
        req.body = std::move(body);
        if (!req.body.empty()) req.headers.set("Content-Type", "application/json");
        if (!header.empty()) req.headers.set(header, std::move(value));
        auto c = client;
        return run([c, req]() -> boost::asio::awaitable<http::client_result> {
            auto r = co_await c->send(req, http::client::clock::now() + std::chrono::seconds(10));
            co_return r;
        });
    }
    void fault(const std::string& json) {
        auto r = call("POST", "/_sandbox/faults", json);
        ASSERT_TRUE(r.ok()) << r.detail;
    }
    boost::json::value stats() {
        auto r = call("GET", "/_sandbox/stats");
        return boost::json::parse(r.response->body);
    }

    connectors::connector_deps deps() const {
        connectors::connector_deps d;
        d.client = client;
        d.retry.max_attempts = 3;
        d.retry.base = std::chrono::milliseconds(5);
        d.retry.cap = std::chrono::milliseconds(20);
        return d;
    }

    boost::asio::io_context io;
    std::shared_ptr<http::client> client;
    sandbox::sandbox_vendor_info info;

  private:
    boost::asio::io_context sb_io_;
    std::unique_ptr<sandbox::sandbox_runner> runner_;
    std::thread thread_;
    std::string ca_path_;
};

}  // namespace runhub::test
