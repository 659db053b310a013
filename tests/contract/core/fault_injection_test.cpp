// Each injected fault as a client sees it on the wire, and latency that waits without blocking
// other requests.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>

#include "fake_emulator.hpp"
#include "sandbox_fixture.hpp"

namespace runhub::test {
namespace {

TEST(FaultInjection, ErrorRateAnswersTheVendorsServerError) {
    sandbox_fixture fx(make_fake_emulator);
    fx.set_faults(R"({"error_rate": 1})");
    auto r = fx.get("/fake/runs");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(parse_json(r.body).at("message").as_string(), "fake is down");
    fx.clear_faults();
    EXPECT_EQ(fx.get("/fake/runs").status, 200);
}

TEST(FaultInjection, Rate429AnswersTheVendors429) {
    sandbox_fixture fx(make_fake_emulator);
    fx.set_faults(R"({"rate_429": 1})");
    auto r = fx.get("/fake/runs/3");
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.header("x-limit"), "100");  // no budget configured: the assumed default
    EXPECT_FALSE(r.header("x-reset-unix").empty());
}

TEST(FaultInjection, ResetRateDropsTheConnection) {
    sandbox_fixture fx(make_fake_emulator);
    fx.set_faults(R"({"reset_rate": 1})");
    auto c = fx.client();
    EXPECT_THROW(c.request("GET", "/fake/runs", fx.auth(), "", std::chrono::seconds(5)),
                 std::runtime_error);
    auto s = fx.stats();
    EXPECT_EQ(s.at("recent").as_array()[0].at("status").to_number<int>(), 0);
}

TEST(FaultInjection, MalformedKeepsStatusAndHeadersButBreaksTheJson) {
    sandbox_fixture fx(make_fake_emulator);
    auto good = fx.get("/fake/runs");
    ASSERT_NO_THROW(parse_json(good.body));
    fx.set_faults(R"({"malformed_rate": 1})");
    auto r = fx.get("/fake/runs");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("x-fake"), "yes");
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_THROW(parse_json(r.body), std::runtime_error);
    EXPECT_EQ(r.body.substr(0, 20), good.body.substr(0, 20));
}

TEST(FaultInjection, TruncateSendsHalfTheBodyThenCloses) {
    sandbox_fixture fx(make_fake_emulator);
    auto full = fx.get("/fake/runs").body;
    fx.set_faults(R"({"truncate_rate": 1})");
    auto c = fx.client();
    c.send_raw("GET /fake/runs HTTP/1.1\r\nHost: x\r\nx-fake-key: k1\r\n\r\n");
    auto raw = c.read_all_raw(std::chrono::seconds(5));
    ASSERT_EQ(raw.rfind("HTTP/1.1 200", 0), 0u) << raw;
    EXPECT_NE(raw.find("Content-Length: " + std::to_string(full.size())), std::string::npos);
    auto body = raw.substr(raw.find("\r\n\r\n") + 4);
    EXPECT_LT(body.size(), full.size());
    EXPECT_GT(body.size(), full.size() / 3);
    EXPECT_EQ(body, full.substr(0, body.size()));
}

TEST(FaultInjection, HangNeverAnswersWhileOtherConnectionsAreServed) {
    sandbox_fixture fx(make_fake_emulator);
    fx.set_faults(R"({"hang_rate": 1})");
    auto c = fx.client();
    c.send_raw("GET /fake/runs HTTP/1.1\r\nHost: x\r\nx-fake-key: k1\r\n\r\n");
    EXPECT_FALSE(c.read_reply(std::chrono::milliseconds(300)).has_value());
    EXPECT_EQ(fx.client().request("GET", "/_sandbox/info").status, 200);
    fx.clear_faults();
    EXPECT_EQ(fx.get("/fake/runs").status, 200);
}

TEST(FaultInjection, FractionalRateHitsSomeRequests) {
    sandbox_fixture fx(make_fake_emulator);
    fx.set_faults(R"({"error_rate": 0.5})");
    int errors = 0;
    for (int i = 0; i < 60; ++i) errors += fx.get("/fake/runs").status == 503 ? 1 : 0;
    EXPECT_GT(errors, 10);
    EXPECT_LT(errors, 50);
}

TEST(FaultInjection, LatencyDelaysWithoutBlockingOtherRequests) {
    sandbox_fixture_options o;
    o.threads = 1;  // one io thread: a blocking delay would serialize the requests
    sandbox_fixture fx(make_fake_emulator, o);
    fx.set_faults(R"({"latency_ms": 500})");
    const auto t0 = std::chrono::steady_clock::now();
    auto one = [&fx] { return fx.get("/fake/runs").status; };
    auto a = std::async(std::launch::async, one);
    auto b = std::async(std::launch::async, one);
    EXPECT_EQ(a.get(), 200);
    EXPECT_EQ(b.get(), 200);
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_GE(took, std::chrono::milliseconds(500));
    EXPECT_LT(took, std::chrono::milliseconds(990));
    // The stats show both requests in flight at once.
    const auto stats = fx.stats();
    const auto& recent = stats.at("recent").as_array();
    ASSERT_EQ(recent.size(), 2u);
    auto start = [&](int i) { return recent[i].at("start_ms").to_number<std::int64_t>(); };
    auto end = [&](int i) { return recent[i].at("end_ms").to_number<std::int64_t>(); };
    EXPECT_GE(end(0) - start(0), 500);
    EXPECT_LT(start(1), end(0));
    EXPECT_LT(start(0), end(1));
}

TEST(FaultInjection, ControlRoutesAreNeverFaulted) {
    sandbox_fixture fx(make_fake_emulator);
    fx.set_faults(R"({"reset_rate": 1, "latency_ms": 0})");
    for (int i = 0; i < 5; ++i) EXPECT_EQ(fx.client().request("GET", "/_sandbox/info").status, 200);
    fx.set_faults(R"({"hang_rate": 1})");
    EXPECT_EQ(fx.stats().at("total").to_number<int>(), 0);
}

}  // namespace
}  // namespace runhub::test
