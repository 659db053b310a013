// The head the server writes itself: the exact bytes, and that Beast's own parser reads them
// back to the same status, fields and framing.
#include "http/response_head.hpp"

#include <gtest/gtest.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

using namespace runhub;

namespace {
std::string head(http::response_head_parts p) {
    std::string out;
    http::append_response_head(out, p);
    return out;
}
}  // namespace

TEST(ResponseHead, KeepAliveHttp11HasLengthAndNoConnectionField) {
    http::header_fields h;
    h.add("ETag", "\"abc\"");
    h.add("Cache-Status", "runhub; hit");
    EXPECT_EQ(head({.version = 11, .status = 200, .content_type = "application/json",
                    .headers = &h, .request_id = "r1", .keep_alive = true, .content_length = 42}),
              "HTTP/1.1 200 OK\r\nServer: runhub\r\nContent-Type: application/json\r\n"
              "ETag: \"abc\"\r\nCache-Status: runhub; hit\r\nX-Request-Id: r1\r\n"
              "Content-Length: 42\r\n\r\n");
}

TEST(ResponseHead, ConnectionFieldOnlyWhereTheVersionDefaultDiffers) {
    auto h11close = head({.version = 11, .status = 404, .content_type = "application/json",
                          .request_id = "r", .keep_alive = false, .content_length = 0});
    EXPECT_NE(h11close.find("\r\nConnection: close\r\n"), std::string::npos);
    EXPECT_EQ(h11close.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
    auto h10keep = head({.version = 10, .status = 200, .content_type = "text/plain",
                         .request_id = "r", .keep_alive = true, .content_length = 3});
    EXPECT_EQ(h10keep.rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
    EXPECT_NE(h10keep.find("\r\nConnection: keep-alive\r\n"), std::string::npos);
    auto h10close = head({.version = 10, .status = 200, .content_type = "text/plain",
                          .request_id = "r", .keep_alive = false, .content_length = 3});
    EXPECT_EQ(h10close.find("Connection"), std::string::npos);
}

TEST(ResponseHead, NoLengthOn304And204OrAStream) {
    for (int status : {204, 304}) {
        auto h = head({.status = status, .content_type = "application/json", .request_id = "r",
                       .content_length = 0});
        EXPECT_EQ(h.find("Content-Length"), std::string::npos) << status;
    }
    auto streamed = head({.status = 200, .content_type = "text/event-stream", .request_id = "r",
                          .keep_alive = false, .content_length = std::nullopt});
    EXPECT_EQ(streamed.find("Content-Length"), std::string::npos);
}

TEST(ResponseHead, BeastParsesItBackWithTheBody) {
    http::header_fields h;
    h.add("Retry-After", "3");
    std::string body = R"({"error":{"code":"rate_limited"}})";
    std::string wire = head({.version = 11, .status = 429, .content_type = "application/json",
                             .headers = &h, .request_id = "abc", .keep_alive = true,
                             .content_length = body.size()}) +
                       body;
    boost::beast::http::response_parser<boost::beast::http::string_body> parser;
    boost::system::error_code ec;
    std::size_t used = parser.put(boost::asio::buffer(wire), ec);
    ASSERT_FALSE(ec) << ec.message();
    if (!parser.is_done()) {
        used += parser.put(boost::asio::buffer(wire.data() + used, wire.size() - used), ec);
        ASSERT_FALSE(ec) << ec.message();
    }
    ASSERT_TRUE(parser.is_done());
    EXPECT_EQ(used, wire.size());
    auto msg = parser.release();
    EXPECT_EQ(msg.result_int(), 429u);
    EXPECT_EQ(msg.reason(), "Too Many Requests");
    EXPECT_EQ(msg["Retry-After"], "3");
    EXPECT_EQ(msg["X-Request-Id"], "abc");
    EXPECT_EQ(msg["Server"], "runhub");
    EXPECT_TRUE(msg.keep_alive());
    EXPECT_EQ(msg.body(), body);
}
