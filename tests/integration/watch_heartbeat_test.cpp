// GET /v1/runs/{id}/events sends a heartbeat comment while the run does not change (issue 6
// point 5), every api.sse_heartbeat_ms (15 s by default; 300 ms here): read off the raw
// stream of a Zof run (2 s queued, 8 s running in the sandbox), the comment lines come between
// the status events, about as often as configured.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/sandboxed_facade.hpp"

using namespace runhub;
using namespace std::chrono_literals;

namespace {

constexpr const char* beat_key = "heartbeat-test-key";

std::size_t count(const std::string& text, const std::string& what, std::size_t from,
                  std::size_t to) {
    std::size_t n = 0;
    for (auto at = text.find(what, from); at != std::string::npos && at < to;
         at = text.find(what, at + what.size()))
        ++n;
    return n;
}

}  // namespace

TEST(Heartbeat, CommentLinesBetweenEventsAtTheConfiguredInterval) {
    test::sandboxed_facade f(beat_key, {}, {}, R"({"api": {"sse_heartbeat_ms": 300}})");
    ASSERT_NE(f.port(), 0) << f.process().err();
    const std::string auth = std::string("Bearer ") + beat_key;
    test::http_client c(f.port());
    test::set_faults(f, "zof", R"({"outcome": "passed"})");
    auto started = c.request("POST", "/v1/runs",
                             {{"Authorization", auth}, {"Content-Type", "application/json"}},
                             R"({"source":"zof","target":{"environment":"staging",)"
                             R"("test_case_ids":["tc_a"]}})",
                             30s);
    ASSERT_EQ(started.status, 201) << started.body;
    const std::string id(boost::json::parse(started.body).at("id").as_string());

    test::http_client sse(f.port());
    sse.send_raw("GET /v1/runs/" + id + "/events HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth +
                 "\r\n\r\n");
    const auto text = sse.read_all_raw(30s);  // ends after the terminal event
    const auto q = text.find("id: queued\nevent: status");
    const auto r = text.find("id: running\nevent: status");
    const auto p = text.find("id: passed\nevent: status");
    ASSERT_NE(q, std::string::npos) << text;
    ASSERT_NE(r, std::string::npos) << text;
    ASSERT_NE(p, std::string::npos) << text;
    // A comment line is ":" at the start of a line, ignored by EventSource clients.
    const std::string beat = "\n: heartbeat\n\n";
    // ~2 s queued, ~8 s running: a beat every 300 ms while nothing changes (the poller's own
    // timing blurs each edge by up to its interval, so the bounds are loose).
    const auto while_queued = count(text, beat, q, r);
    const auto while_running = count(text, beat, r, p);
    EXPECT_GE(while_queued, 2u) << text;
    EXPECT_GE(while_running, 12u) << text;
    EXPECT_LE(while_running, 40u) << text;  // paced by the interval, not sent in a loop
    EXPECT_EQ(count(text, beat, p, text.size()), 0u) << text;
}
