#pragma once
// Internal to lib/http: the state a server shares with its connections. Includes Asio, not Beast.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <mutex>
#include <unordered_map>

#include "http/server.hpp"

namespace runhub::http {

struct server::impl : std::enable_shared_from_this<server::impl> {
    impl(boost::asio::io_context& io, server_options o, std::shared_ptr<const router> r,
         std::shared_ptr<metrics_registry> m);

    // A live connection as the server sees it; `close` cuts it from any thread.
    struct connection_entry {
        std::function<void()> close;
        bool busy = false;  // between the first byte of a request and the end of its response
    };

    std::uint64_t register_connection(std::function<void()> close);
    void set_busy(std::uint64_t id, bool busy);
    void unregister_connection(std::uint64_t id);
    bool stopping() const { return stopping_.load(); }
    void begin_shutdown(std::function<void()> on_done);

    boost::asio::io_context& io;
    server_options opts;
    std::shared_ptr<const router> routes;
    std::shared_ptr<metrics_registry> metrics;
    std::shared_ptr<boost::asio::ssl::context> tls;
    // Serializes the acceptor, the drain timer and shutdown; connections have strands of their own.
    boost::asio::strand<boost::asio::io_context::executor_type> control;
    boost::asio::ip::tcp::acceptor acceptor;
    boost::asio::steady_timer drain_timer;

    gauge& open_connections_gauge;
    gauge& in_flight_gauge;

  private:
    void finish_if_drained();  // with mutex_ held

    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, connection_entry> connections_;
    std::function<void()> on_done_;
};

// Runs one accepted connection to its end (defined in connection.cpp).
void start_connection(std::shared_ptr<server::impl> srv, boost::asio::ip::tcp::socket socket);

}  // namespace runhub::http
