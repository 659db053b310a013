#include "http/request_limits.hpp"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

using namespace runhub::http;
namespace bhttp = boost::beast::http;

TEST(RequestLimits, HeadSizes) {
    server_options o;  // 4 KiB target, 8 KiB headers
    EXPECT_EQ(check_head(4096, 8192, o).status, 0);
    EXPECT_EQ(check_head(4097, 10, o).status, 414);
    EXPECT_EQ(check_head(10, 8193, o).status, 431);
    EXPECT_EQ(check_head(5000, 9000, o).status, 414);  // the target is judged first
    o.max_target_bytes = 100;
    EXPECT_EQ(check_head(101, 0, o).code, "uri_too_long");
}

TEST(RequestLimits, ParserHeadLimitLeavesRoomForBothParts) {
    server_options o;
    EXPECT_GT(parser_head_limit(o), o.max_header_bytes + o.max_target_bytes);
}

struct read_error_case {
    boost::system::error_code ec;
    std::string raw;
    int status;
};

TEST(RequestLimits, ReadErrors) {
    server_options o;
    const std::vector<read_error_case> cases = {
        {bhttp::error::header_limit, "GET /" + std::string(5000, 'a') + " HTTP/1.1\r\n", 414},
        {bhttp::error::header_limit, "GET /" + std::string(9000, 'a'), 414},  // no CRLF yet
        {bhttp::error::header_limit, "GET / HTTP/1.1\r\nX: " + std::string(9000, 'a'), 431},
        {bhttp::error::body_limit, "", 413},
        {bhttp::error::bad_method, "", 400},
        {bhttp::error::bad_version, "", 400},
        {bhttp::error::bad_field, "", 400},
        {bhttp::error::bad_content_length, "", 400},
        {bhttp::error::bad_chunk, "", 400},
        {bhttp::error::end_of_stream, "", 0},
        {bhttp::error::partial_message, "", 0},
        {boost::beast::error::timeout, "", 0},
        {boost::asio::error::connection_reset, "", 0},
        {boost::asio::error::eof, "", 0},
    };
    for (const auto& c : cases) {
        auto v = classify_read_error(c.ec, c.raw, o);
        EXPECT_EQ(v.status, c.status) << c.ec.message();
        if (v.status) {
            EXPECT_FALSE(v.code.empty());
            EXPECT_FALSE(v.message.empty());
        }
    }
}
