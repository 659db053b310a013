#pragma once
// A Testmo emulator on a real server (127.0.0.1:0) with a fixed sandbox clock. Tests advance the
// clock instead of sleeping.
#include <boost/json.hpp>

#include "common/http_client.hpp"
#include "common/server_harness.hpp"
#include "sandbox/core/emulator.hpp"
#include "sandbox/core/seeded_data.hpp"
#include "sandbox/testmo/testmo_emulator.hpp"

namespace runhub::test::testmo {

inline std::chrono::system_clock::time_point fixed_now() {
    std::chrono::system_clock::time_point t;
    sandbox::parse_rfc3339("2026-11-23T12:00:00Z", t);
    return t;
}

class null_sender : public sandbox::webhook_sender {
  public:
    void post(std::string, std::vector<http::header_field>, std::string) override {}
};

struct testmo_env {
    explicit testmo_env(int runs = 300, std::uint64_t seed = 42)
        : clock(std::make_shared<sandbox::sandbox_clock>(fixed_now())) {
        sandbox::emulator_options o;
        o.seed = seed;
        o.runs = runs;
        o.clock = clock;
        o.webhooks = std::make_shared<null_sender>();
        emu = sandbox::testmo::make_testmo_emulator(o);
        auto r = std::make_shared<http::router>();
        emu->add_routes(*r);
        http::server_options so;
        so.access_log = false;
        server = std::make_unique<server_harness>(so, r, 2);
    }

    std::vector<std::pair<std::string, std::string>> auth() const {
        return {{emu->auth_header(), emu->auth_value()}};
    }
    http_reply get(const std::string& target) const {
        return http_client(server->port()).request("GET", target, auth());
    }
    http_reply post(const std::string& target, const std::string& body) const {
        auto h = auth();
        h.emplace_back("Content-Type", "application/json");
        return http_client(server->port()).request("POST", target, h, body);
    }
    std::int64_t project_id() const { return emu->scope().at("project_id").as_int64(); }
    std::string runs_path() const {
        return "/api/v1/projects/" + std::to_string(project_id()) + "/automation/runs";
    }

    std::shared_ptr<sandbox::sandbox_clock> clock;
    std::unique_ptr<sandbox::emulator> emu;
    std::unique_ptr<server_harness> server;
};

inline boost::json::value parse(const std::string& body) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec) throw std::runtime_error("not JSON: " + body.substr(0, 200));
    return v;
}

}  // namespace runhub::test::testmo
