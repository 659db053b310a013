// Every limit of issue 2 point 6, over a real socket, each answered in the error envelope.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>

#include "common/http_client.hpp"
#include "common/server_harness.hpp"
#include "common/test_routes.hpp"

using namespace runhub;
using test::http_client;
using namespace std::chrono_literals;

namespace {
std::string error_code_of(const test::http_reply& r) {
    return std::string(boost::json::parse(r.body).at("error").at("code").as_string());
}
}  // namespace

TEST(ServerLimits, HeadersOver8KiBAre431AndClose) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    c.send_raw("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9 * 1024, 'a') +
               "\r\n\r\n");
    auto r = c.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
    EXPECT_EQ(error_code_of(*r), "headers_too_large");
    EXPECT_TRUE(c.closed_by_peer(2s));
}

TEST(ServerLimits, ManySmallHeadersOverTheLimitAre431) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    std::string raw = "GET /hello HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 200; ++i)
        raw += "X-H" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
    c.send_raw(raw + "\r\n");
    auto r = c.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
}

TEST(ServerLimits, HeadersJustUnderTheLimitPass) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    auto r = c.request("GET", "/hello", {{"X-Big", std::string(7 * 1024, 'a')}});
    EXPECT_EQ(r.status, 200);
}

TEST(ServerLimits, BodyOver1MiBIs413) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    // Declared length over the limit: refused before the body is read.
    c.send_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " +
               std::to_string(1024 * 1024 + 1) + "\r\n\r\n");
    auto r = c.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_EQ(error_code_of(*r), "body_too_large");
}

TEST(ServerLimits, ChunkedBodyOverTheLimitIs413) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    std::string chunk(64 * 1024, 'z');
    std::string raw = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    char size_line[32];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
    for (int i = 0; i < 17; ++i) raw += size_line + chunk + "\r\n";
    raw += "0\r\n\r\n";
    try {
        c.send_raw(raw);
    } catch (const std::exception&) {
        // The server may close while we still write; the answer is already on its way.
    }
    auto r = c.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
}

TEST(ServerLimits, BodyOfExactly1MiBIsAccepted) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    std::string body(1024 * 1024, 'b');
    auto r = c.request("POST", "/echo", {}, body);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body.size(), body.size());
}

TEST(ServerLimits, TargetOver4KiBIs414) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    c.send_raw("GET /hello?q=" + std::string(5000, 'q') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 414);
    EXPECT_EQ(error_code_of(*r), "uri_too_long");
}

TEST(ServerLimits, HugeTargetIs414NotHeaderError) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    c.send_raw("GET /hello?q=" + std::string(64 * 1024, 'q') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 414);
}

class MalformedRequest : public ::testing::TestWithParam<std::string> {};

TEST_P(MalformedRequest, Is400AndTheConnectionIsClosed) {
    test::server_harness h({}, test::test_router());
    http_client c(h.port());
    c.send_raw(GetParam());
    auto r = c.read_reply(5s);
    ASSERT_TRUE(r) << "no reply to " << GetParam();
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(error_code_of(*r), "malformed_request");
    EXPECT_TRUE(c.closed_by_peer(2s));
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, MalformedRequest,
    ::testing::Values("GARBAGE\r\n\r\n", "GET /hello HTTP/9.9\r\n\r\n",
                      "GET /hello HTTP/1.1\r\nBad Header\r\n\r\n",
                      "GET /hello HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
                      "GET /hello HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                      "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                      std::string("GET /he\0llo HTTP/1.1\r\n\r\n", 24)));

TEST(ServerLimits, SlowHeadersAreCutOff) {
    http::server_options o;
    o.header_timeout = 300ms;
    test::server_harness h(o, test::test_router());
    http_client c(h.port());
    c.send_raw("GET /hello HTTP/1.1\r\nHost: x\r\n");  // never finishes the head
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.closed_by_peer(5s));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(ServerLimits, SilentNewConnectionIsCutOffAfterTheHeaderTimeout) {
    http::server_options o;
    o.header_timeout = 300ms;
    test::server_harness h(o, test::test_router());
    http_client c(h.port());
    EXPECT_TRUE(c.closed_by_peer(5s));
}

TEST(ServerLimits, IdleKeepAliveConnectionIsClosed) {
    http::server_options o;
    o.idle_timeout = 300ms;
    o.header_timeout = 10s;
    test::server_harness h(o, test::test_router());
    http_client c(h.port());
    EXPECT_EQ(c.request("GET", "/hello").status, 200);
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.closed_by_peer(5s));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
}

TEST(ServerLimits, GarbageFloodNeverCrashesTheServer) {
    test::server_harness h({}, test::test_router());
    std::mt19937 rng(7);
    for (int i = 0; i < 200; ++i) {
        http_client c(h.port());
        std::string junk(1 + rng() % 2048, '\0');
        for (auto& ch : junk) ch = static_cast<char>(rng());
        try {
            c.send_raw(junk + "\r\n\r\n");
            c.read_reply(200ms);
        } catch (const std::exception&) {
        }
    }
    http_client ok(h.port());
    EXPECT_EQ(ok.request("GET", "/hello").status, 200);
}
