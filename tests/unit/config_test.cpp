#include "config/config.hpp"

#include <gtest/gtest.h>

#include "config/listen_address.hpp"

using namespace runhub::config;

namespace {
std::vector<std::string> paths(const load_result& r) {
    std::vector<std::string> out;
    for (const auto& p : r.problems) out.push_back(p.path);
    return out;
}
}  // namespace

TEST(Config, EmptyObjectGivesDefaults) {
    auto r = parse_config("{}");
    EXPECT_TRUE(r.problems.empty());
    EXPECT_EQ(r.config.listen, "127.0.0.1:8080");
    EXPECT_EQ(r.config.server.max_body_bytes, 1024u * 1024u);
    EXPECT_EQ(r.config.server.header_timeout, std::chrono::seconds(10));
    EXPECT_EQ(r.config.server.idle_timeout, std::chrono::seconds(60));
    EXPECT_EQ(r.config.server.drain_timeout, std::chrono::seconds(10));
}

TEST(Config, CommentsAndTrailingCommasAreAllowed) {
    auto r = parse_config(R"({
        // the facade
        "listen": "0.0.0.0:9000", /* all interfaces */
        "server": {"max_body_bytes": 2048, "idle_timeout_ms": 5000,},
    })");
    ASSERT_TRUE(r.problems.empty()) << r.problems[0].path << ": " << r.problems[0].message;
    EXPECT_EQ(r.config.listen, "0.0.0.0:9000");
    EXPECT_EQ(r.config.server.max_body_bytes, 2048u);
    EXPECT_EQ(r.config.server.idle_timeout, std::chrono::seconds(5));
}

TEST(Config, EveryProblemIsReportedWithItsKeyPath) {
    auto r = parse_config(R"({
        "listen": "localhost",
        "threads": -1,
        "log_level": "loud",
        "lisen": "typo",
        "server": {"max_body_bytes": "big", "idle_timeout_ms": 0, "access_log": 1, "extra": 1}
    })");
    auto p = paths(r);
    for (const char* expected : {"listen", "threads", "log_level", "lisen", "server.max_body_bytes",
                                 "server.idle_timeout_ms", "server.access_log", "server.extra"}) {
        EXPECT_NE(std::find(p.begin(), p.end(), expected), p.end()) << "missing " << expected;
    }
    EXPECT_EQ(p.size(), 8u);
}

TEST(Config, WrongShapes) {
    EXPECT_EQ(paths(parse_config("[1,2]")), std::vector<std::string>{""});
    EXPECT_EQ(paths(parse_config("{not json")), std::vector<std::string>{""});
    EXPECT_EQ(paths(parse_config(R"({"server": 5})")), std::vector<std::string>{"server"});
    EXPECT_EQ(paths(parse_config(R"({"threads": 1.5})")), std::vector<std::string>{"threads"});
    EXPECT_EQ(paths(parse_config(R"({"threads": 99999999999999999999})")),
              std::vector<std::string>{"threads"});
}

TEST(Config, MissingFileIsOneProblem) {
    auto r = load_config_file("/nonexistent/runhub.json");
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_NE(r.problems[0].message.find("cannot read"), std::string::npos);
}

TEST(ListenAddress, Parses) {
    auto a = parse_listen_address("127.0.0.1:8080");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 8080);
    auto b = parse_listen_address("[::1]:0");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->host, "::1");
    EXPECT_EQ(b->port, 0);
    for (const char* bad : {"", ":80", "localhost:80", "1.2.3.4", "1.2.3.4:", "1.2.3.4:65536",
                            "1.2.3.4:8o", "[::1:80", "::1:80x"}) {
        EXPECT_FALSE(parse_listen_address(bad)) << bad;
    }
}
