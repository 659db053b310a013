#pragma once
// A Zof emulator on a real server (127.0.0.1:0) with a fixed sandbox clock and a webhook sender
// that records what it is asked to post. Tests advance the clock instead of sleeping.
#include <boost/json.hpp>
#include <mutex>

#include "common/http_client.hpp"
#include "common/server_harness.hpp"
#include "sandbox/core/emulator.hpp"
#include "sandbox/core/seeded_data.hpp"
#include "sandbox/zof/zof_emulator.hpp"

namespace runhub::test::zof {

inline std::chrono::system_clock::time_point fixed_now() {
    std::chrono::system_clock::time_point t;
    sandbox::parse_rfc3339("2026-11-23T12:00:00Z", t);
    return t;
}

struct posted_webhook {
    std::string url;
    std::vector<http::header_field> headers;
    std::string body;
    std::string header(std::string_view name) const {
        for (const auto& h : headers)
            if (http::iequals(h.name, name)) return h.value;
        return {};
    }
};

class recording_sender : public sandbox::webhook_sender {
  public:
    void post(std::string url, std::vector<http::header_field> headers, std::string body) override {
        std::lock_guard lock(mu_);
        posts_.push_back({std::move(url), std::move(headers), std::move(body)});
    }
    std::vector<posted_webhook> posts() const {
        std::lock_guard lock(mu_);
        return posts_;
    }

  private:
    mutable std::mutex mu_;
    std::vector<posted_webhook> posts_;
};

struct zof_env {
    explicit zof_env(int runs = 300, std::uint64_t seed = 42, std::string webhook_url = "")
        : clock(std::make_shared<sandbox::sandbox_clock>(fixed_now())),
          sender(std::make_shared<recording_sender>()) {
        sandbox::emulator_options o;
        o.seed = seed;
        o.runs = runs;
        o.clock = clock;
        o.base_url = "http://127.0.0.1:0";
        o.webhook_url = std::move(webhook_url);
        o.webhooks = sender;
        o.queued_for = std::chrono::milliseconds(2000);
        o.running_for = std::chrono::milliseconds(8000);
        emu = sandbox::zof::make_zof_emulator(o);
        auto r = std::make_shared<http::router>();
        emu->add_routes(*r);
        http::server_options so;
        so.access_log = false;
        server = std::make_unique<server_harness>(so, r, 2);
    }

    http_client client() const { return http_client(server->port()); }
    std::vector<std::pair<std::string, std::string>> auth() const {
        return {{emu->auth_header(), emu->auth_value()}};
    }
    http_reply get(const std::string& target) const {
        return http_client(server->port()).request("GET", target, auth());
    }
    http_reply post(const std::string& target, const std::string& body,
                    std::vector<std::pair<std::string, std::string>> extra = {}) const {
        auto h = auth();
        h.emplace_back("Content-Type", "application/json");
        for (auto& e : extra) h.push_back(std::move(e));
        return http_client(server->port()).request("POST", target, h, body);
    }
    std::string project_id() const {
        return std::string(emu->scope().at("project_id").as_string());
    }

    std::shared_ptr<sandbox::sandbox_clock> clock;
    std::shared_ptr<recording_sender> sender;
    std::unique_ptr<sandbox::emulator> emu;
    std::unique_ptr<server_harness> server;
};

inline boost::json::value parse(const std::string& body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec) throw std::runtime_error("not JSON: " + body.substr(0, 200));
    return v;
}

}  // namespace runhub::test::zof
