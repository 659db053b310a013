// /healthz, /readyz and /metrics over a real socket.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/ops_routes.hpp"
#include "common/http_client.hpp"
#include "common/server_harness.hpp"

using namespace runhub;
using test::http_client;

namespace {
struct ops_server {
    std::shared_ptr<api::readiness> ready = std::make_shared<api::readiness>();
    std::shared_ptr<http::metrics_registry> metrics = std::make_shared<http::metrics_registry>();
    std::shared_ptr<http::router> routes = [this] {
        auto r = std::make_shared<http::router>();
        api::add_ops_routes(*r, ready, metrics);
        return r;
    }();
    test::server_harness harness{{}, routes, 2, metrics};
};
}  // namespace

TEST(OpsEndpoints, HealthzIs200WhileServing) {
    ops_server s;
    http_client c(s.harness.port());
    auto r = c.request("GET", "/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(boost::json::parse(r.body).at("status"), "ok");
}

TEST(OpsEndpoints, ReadyzFollowsListenersSourcesAndDrain) {
    ops_server s;
    http_client c(s.harness.port());
    auto not_ready = c.request("GET", "/readyz");
    EXPECT_EQ(not_ready.status, 503);
    EXPECT_EQ(boost::json::parse(not_ready.body).at("status"), "not_ready");
    s.ready->set_listening(true);
    EXPECT_EQ(c.request("GET", "/readyz").status, 503);  // sources not up yet
    s.ready->set_sources_ready(true);
    EXPECT_EQ(c.request("GET", "/readyz").status, 200);
    s.ready->set_draining(true);
    EXPECT_EQ(c.request("GET", "/readyz").status, 503);
}

TEST(OpsEndpoints, MetricsInPrometheusFormat) {
    ops_server s;
    http_client c(s.harness.port());
    c.request("GET", "/nope");
    c.request("GET", "/nope");
    c.request("GET", "/healthz");
    auto r = c.request("GET", "/metrics");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    const auto& text = r.body;
    EXPECT_NE(text.find("# TYPE runhub_http_requests_total counter"), std::string::npos) << text;
    EXPECT_NE(text.find("runhub_http_requests_total{server=\"runhub\",route=\"unmatched\","
                        "status=\"404\"} 2"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("runhub_http_requests_total{server=\"runhub\",route=\"/healthz\","
                        "status=\"200\"} 1"),
              std::string::npos);
    EXPECT_NE(text.find("# TYPE runhub_http_request_duration_seconds histogram"),
              std::string::npos);
    EXPECT_NE(text.find("runhub_http_request_duration_seconds_count{server=\"runhub\","
                        "route=\"/healthz\"} 1"),
              std::string::npos);
    EXPECT_NE(text.find("runhub_http_open_connections{server=\"runhub\"} 1"), std::string::npos);
    // The /metrics request itself is in flight while it renders.
    EXPECT_NE(text.find("runhub_http_requests_in_flight{server=\"runhub\"} 1"), std::string::npos);
}
