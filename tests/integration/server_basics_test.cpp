// The server over real loopback sockets: routing, keep-alive, request ids, errors, access log.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <sstream>

#include "common/http_client.hpp"
#include "common/server_harness.hpp"
#include "common/test_routes.hpp"
#include "http/access_log.hpp"

using namespace runhub;
using test::http_client;

TEST(ServerBasics, KeepAliveServesManyRequestsOnOneConnection) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    for (int i = 0; i < 20; ++i) {
        auto r = c.request("GET", "/hello?i=" + std::to_string(i));
        ASSERT_EQ(r.status, 200);
        EXPECT_TRUE(r.keep_alive);
        EXPECT_EQ(boost::json::parse(r.body).at("query").as_string(), "i=" + std::to_string(i));
    }
    EXPECT_EQ(h.server().open_connections(), 1u);
}

TEST(ServerBasics, PathParametersAreDecoded) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    auto r = c.request("GET", "/items/zof%3Arun%201");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "zof:run 1");
}

TEST(ServerBasics, RequestIdIsEchoedOrGenerated) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    auto given = c.request("GET", "/hello", {{"X-Request-Id", "trace-42"}});
    EXPECT_EQ(given.header("x-request-id"), "trace-42");
    auto made = c.request("GET", "/hello");
    EXPECT_EQ(made.header("x-request-id").size(), 32u);
    auto forged = c.request("GET", "/hello", {{"X-Request-Id", "bad id\"}"}});
    EXPECT_NE(forged.header("x-request-id"), "bad id\"}");
    auto missing = c.request("GET", "/missing", {{"X-Request-Id", "rid-404"}});
    EXPECT_EQ(boost::json::parse(missing.body).at("error").at("request_id"), "rid-404");
}

TEST(ServerBasics, UnknownRouteIs404InTheEnvelope) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    auto r = c.request("GET", "/nothing/here");
    EXPECT_EQ(r.status, 404);
    auto e = boost::json::parse(r.body).at("error");
    EXPECT_EQ(e.at("code"), "not_found");
    EXPECT_TRUE(e.at("message").is_string());
    EXPECT_TRUE(e.at("request_id").is_string());
    EXPECT_TRUE(r.keep_alive);
}

TEST(ServerBasics, WrongMethodIs405WithAllow) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    auto r = c.request("DELETE", "/echo");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.header("allow"), "POST");
    EXPECT_EQ(boost::json::parse(r.body).at("error").at("code"), "method_not_allowed");
}

TEST(ServerBasics, HeadAnswersLikeGetWithoutBody) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    // Pipelined: if HEAD wrongly carried a body, it would appear before the second status line.
    c.send_raw(
        "HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n"
        "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto raw = c.read_all_raw(std::chrono::seconds(5));
    auto second = raw.find("HTTP/1.1 200", 1);
    ASSERT_EQ(raw.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << raw;
    ASSERT_NE(second, std::string::npos) << raw;
    auto head_part = raw.substr(0, second);
    EXPECT_NE(head_part.find("Content-Length: "), std::string::npos);
    EXPECT_EQ(head_part.find("{\"hello\""), std::string::npos);
    EXPECT_NE(raw.find("{\"hello\"", second), std::string::npos);
}

TEST(ServerBasics, HandlerExceptionIs500WithoutInternals) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    auto r = c.request("GET", "/throws");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body.find("secret"), std::string::npos);
    EXPECT_EQ(boost::json::parse(r.body).at("error").at("code"), "internal");
    EXPECT_EQ(c.request("GET", "/hello").status, 200);  // the connection survives
}

TEST(ServerBasics, ConnectionCloseIsHonoured) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    auto r = c.request("GET", "/hello", {{"Connection", "close"}});
    EXPECT_EQ(r.status, 200);
    EXPECT_FALSE(r.keep_alive);
    EXPECT_TRUE(c.closed_by_peer(std::chrono::seconds(2)));
}

TEST(ServerBasics, OneJsonAccessLogLinePerRequest) {
    std::ostringstream captured;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
    auto logger = std::make_shared<spdlog::logger>("access-test", sink);
    logger->set_pattern("%v");
    http::set_access_logger(logger);
    {
        test::server_harness h({}, test::test_router());
        http_client c(h.port());
        c.request("GET", "/hello?token=secret", {{"X-Request-Id", "log-me"}});
        c.request("POST", "/echo", {}, "12345");
    }
    logger->flush();
    http::set_access_logger(nullptr);
    std::istringstream lines(captured.str());
    std::string line;
    std::vector<boost::json::value> entries;
    while (std::getline(lines, line)) entries.push_back(boost::json::parse(line));
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].at("method"), "GET");
    EXPECT_EQ(entries[0].at("path"), "/hello");  // no query string: it may hold secrets
    EXPECT_EQ(entries[0].at("status"), 200);
    EXPECT_EQ(entries[0].at("request_id"), "log-me");
    EXPECT_TRUE(entries[0].at("latency_us").is_int64());
    EXPECT_EQ(entries[1].at("bytes"), 5);
    EXPECT_EQ(captured.str().find("secret"), std::string::npos);
}
