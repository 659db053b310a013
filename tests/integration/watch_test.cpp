// Waiting on runs through `runhub serve --sandbox`: GET /v1/runs/{id}?wait= answers on the
// change, however many wait, with one poll of the vendor per interval; /events streams every
// transition in order and ends after the terminal one; Last-Event-ID resumes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>
#include <thread>

#include "common/sandboxed_facade.hpp"

using namespace runhub;
using namespace std::chrono_literals;

namespace {

constexpr const char* watch_key = "watch-test-key";

struct facade : test::sandboxed_facade {
    facade() : test::sandboxed_facade(watch_key) {}

    std::string auth() const { return std::string("Bearer ") + watch_key; }
    // A new Zof run (queued for 2 s, running for 8 s in the sandbox); its facade id.
    std::string start_zof_run(test::http_client& c) {
        test::set_faults(*this, "zof", R"({"outcome": "passed"})");  // it ends passed
        auto r = c.request("POST", "/v1/runs",
                           {{"Authorization", auth()}, {"Content-Type", "application/json"}},
                           R"({"source":"zof","target":{"environment":"staging",)"
                           R"("test_case_ids":["tc_a"]}})",
                           30s);
        EXPECT_EQ(r.status, 201) << r.body;
        return std::string(boost::json::parse(r.body).at("id").as_string());
    }
    std::uint64_t zof_gets() {
        auto stats = boost::json::parse(
            test::sandbox_request(ca_file(), "GET", vendor_base("zof") + "/_sandbox/stats").body);
        const auto* n = stats.at("by_route").as_object().if_contains("GET /v1/runs/{id}");
        return n ? n->to_number<std::uint64_t>() : 0;
    }
};

}  // namespace

TEST(Watch, WaitersWakeOnTheChangeAndShareOnePoller) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    const std::string id = f.start_zof_run(c);
    const auto gets_before = f.zof_gets();

    // Twenty callers wait for it to leave `queued`, then for it to end.
    std::mutex mu;
    std::vector<std::string> firsts, lasts;
    std::vector<std::thread> callers;
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::chrono::milliseconds> woke;
    for (int i = 0; i < 20; ++i)
        callers.emplace_back([&] {
            test::http_client mine(f.port());
            auto a = mine.request("GET", "/v1/runs/" + id + "?wait=30s&status=queued",
                                  {{"Authorization", f.auth()}}, "", 40s);
            auto t = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - t0);
            auto b = mine.request("GET", "/v1/runs/" + id + "?wait=30s&status=running",
                                  {{"Authorization", f.auth()}}, "", 40s);
            std::lock_guard lock(mu);
            firsts.emplace_back(boost::json::parse(a.body).at("status").as_string());
            lasts.emplace_back(boost::json::parse(b.body).at("status").as_string());
            woke.push_back(t);
        });
    for (auto& t : callers) t.join();
    const auto took = std::chrono::steady_clock::now() - t0;
    for (const auto& s : firsts) EXPECT_EQ(s, "running");
    for (const auto& s : lasts) EXPECT_EQ(s, "passed");
    for (auto t : woke) {
        EXPECT_GE(t, 1000ms);  // it was queued for 2 s from its start
        EXPECT_LT(t, 6000ms);
    }
    EXPECT_LT(took, 20s);
    // 20 callers for ~10 s, yet the vendor was asked about once per interval (backoff from 1 s,
    // through the cache's 2 s for a running run), not once per caller.
    EXPECT_LE(f.zof_gets() - gets_before, 8u);

    // A wait with nothing to wait for answers at once; a wait that sees no change ends on time.
    auto done = std::chrono::steady_clock::now();
    f.get_json(c, "/v1/runs/" + id + "?wait=20s&status=passed", 200);  // terminal: at once
    EXPECT_LT(std::chrono::steady_clock::now() - done, 1500ms);
    for (std::string bad :
         {"wait=500s", "wait=abc", "wait=5h", "status=running", "wait=5s&status=x"})
        f.get_json(c, "/v1/runs/" + id + "?" + bad, 400);
}

TEST(Watch, EventsStreamEveryTransitionInOrderAndEndAfterTheTerminalOne) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::http_client c(f.port());
    const std::string id = f.start_zof_run(c);
    test::http_client sse(f.port());
    sse.send_raw("GET /v1/runs/" + id + "/events HTTP/1.1\r\nHost: x\r\nAuthorization: " +
                 f.auth() + "\r\nAccept: text/event-stream\r\n\r\n");
    auto text = sse.read_all_raw(20s);  // the server ends the stream after the terminal event
    EXPECT_NE(text.find("Content-Type: text/event-stream"), std::string::npos) << text;
    auto q = text.find("id: queued\nevent: status\ndata: {");
    auto r = text.find("id: running\nevent: status\ndata: {");
    auto p = text.find("id: passed\nevent: status\ndata: {");
    ASSERT_NE(q, std::string::npos) << text;
    ASSERT_NE(r, std::string::npos) << text;
    ASSERT_NE(p, std::string::npos) << text;
    EXPECT_LT(q, r);
    EXPECT_LT(r, p);
    EXPECT_EQ(text.find("id: passed", p + 1), std::string::npos);  // each change once

    // Resuming after the terminal event: nothing more to say, the stream just ends.
    test::http_client again(f.port());
    again.send_raw("GET /v1/runs/" + id + "/events HTTP/1.1\r\nHost: x\r\nAuthorization: " +
                   f.auth() + "\r\nLast-Event-ID: passed\r\n\r\n");
    auto rest = again.read_all_raw(10s);
    EXPECT_NE(rest.find("200 OK"), std::string::npos) << rest;
    EXPECT_EQ(rest.find("event: status"), std::string::npos) << rest;
    // Resuming from `running` gets only the terminal event.
    test::http_client later(f.port());
    later.send_raw("GET /v1/runs/" + id + "/events HTTP/1.1\r\nHost: x\r\nAuthorization: " +
                   f.auth() + "\r\nLast-Event-ID: running\r\n\r\n");
    auto tail = later.read_all_raw(10s);
    EXPECT_NE(tail.find("id: passed"), std::string::npos) << tail;
    EXPECT_EQ(tail.find("id: running"), std::string::npos) << tail;
    EXPECT_EQ(
        c.request("GET", "/v1/runs/zof:run_nosuch/events", {{"Authorization", f.auth()}}).status,
        404);
}
