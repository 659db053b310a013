// Graceful shutdown: stop accepting, finish in-flight requests, close idle connections.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <future>

#include "common/http_client.hpp"
#include "common/server_harness.hpp"
#include "common/test_routes.hpp"

using namespace runhub;
using test::http_client;
using namespace std::chrono_literals;

TEST(ServerShutdown, InFlightRequestFinishesIdleConnectionsClose) {
    test::server_harness h({}, test::test_router());
    http_client idle(h.port());
    ASSERT_EQ(idle.request("GET", "/hello").status, 200);

    http_client busy(h.port());
    busy.send_raw("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    std::this_thread::sleep_for(100ms);  // let /slow start (it takes 400 ms)

    auto stopped = std::async(std::launch::async, [&] { return h.shutdown_and_wait(5s); });
    auto reply = busy.read_reply(5s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->body, "slow done");
    EXPECT_FALSE(reply->keep_alive);  // draining: the connection closes after the answer
    EXPECT_TRUE(idle.closed_by_peer(2s));
    EXPECT_TRUE(stopped.get());

    boost::asio::io_context io;
    boost::asio::ip::tcp::socket s(io);
    boost::system::error_code ec;
    s.connect({boost::asio::ip::make_address("127.0.0.1"), h.port()}, ec);
    EXPECT_TRUE(ec) << "the listener must be closed";
}

TEST(ServerShutdown, DrainTimeoutCutsStragglers) {
    http::server_options o;
    o.drain_timeout = 200ms;
    test::server_harness h(o, test::test_router());
    http_client slow_client(h.port());
    slow_client.send_raw("GET /hello HTTP/1.1\r\n");  // a head that never completes: busy
    std::this_thread::sleep_for(50ms);
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(h.shutdown_and_wait(5s));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_TRUE(slow_client.closed_by_peer(1s));
}
