#pragma once
// One connection to a Redis server: RESP over an Asio TCP socket. hiredis is the codec only
// (redisFormatCommandArgv encodes, redisReader decodes); the socket, the timers and every wait
// are Asio's, driven by coroutines on one strand. No call blocks a thread.
//
// Commands are pipelined: each is appended to the write buffer and waits for its reply in the
// order sent. A caller waits at most until its deadline (then: timeout; the reply, when it
// comes, is dropped). The connection is kept up in the background: connect (with a timeout),
// SELECT the database, PING; on any failure it is torn down and tried again after a backoff that
// doubles from backoff_min to backoff_max. A server that stops answering (the oldest command
// waits longer than stall_timeout, or max_consecutive_timeouts commands in a row time out) is
// treated as down the same way. While down, commands fail at once (no wait).
//
// One warning is logged when an outage starts, one line when it ends ("recovered").
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runhub::cache {

// redis://HOST[:PORT][/DB]
struct redis_endpoint {
    std::string host;
    std::uint16_t port = 6379;
    int db = 0;
    std::string text() const;  // "HOST:PORT/DB"
};
// nullopt (and `why`) when `url` is not redis://HOST[:PORT][/DB] (DB a decimal number).
std::optional<redis_endpoint> parse_redis_url(std::string_view url, std::string* why = nullptr);

// A decoded reply (a copy of hiredis's redisReply, owned).
struct resp_reply {
    enum class kind { string, array, integer, nil, status, error };
    kind type = kind::nil;
    std::string str;  // string, status, error
    long long integer = 0;
    std::vector<resp_reply> elements;
};

enum class resp_failure {
    none,
    down,        // not connected: failed at once
    timeout,     // no reply before the caller's deadline
    overloaded,  // too many commands waiting for replies
    lost,        // the connection broke while the command waited
};
std::string_view to_string(resp_failure f);

struct resp_result {
    resp_failure failure = resp_failure::none;
    resp_reply reply;  // when failure == none (may itself be an error reply)
    bool ok() const { return failure == resp_failure::none; }
};

struct resp_options {
    redis_endpoint endpoint;
    std::chrono::milliseconds connect_timeout{500};  // TCP connect + SELECT + PING
    std::chrono::milliseconds backoff_min{100};
    std::chrono::milliseconds backoff_max{5000};
    std::chrono::milliseconds stall_timeout{500};  // oldest reply awaited this long: down
    int max_consecutive_timeouts = 8;              // commands in a row past their deadline: down
    std::size_t max_pending = 4096;                // commands awaiting replies at once
};

class resp_connection {
  public:
    // Starts connecting at once (in the background, on a strand of `io`).
    resp_connection(boost::asio::io_context& io, resp_options options);
    ~resp_connection();  // stop()
    resp_connection(const resp_connection&) = delete;
    resp_connection& operator=(const resp_connection&) = delete;

    // Sends one command (binary-safe arguments) and waits for its reply until `deadline`.
    // Never throws for the server's or the network's problems; throws
    // system_error(operation_aborted) when the calling coroutine is cancelled.
    boost::asio::awaitable<resp_result> command(std::vector<std::string> args,
                                                std::chrono::steady_clock::time_point deadline);

    // Closes the connection and stops reconnecting; pending commands fail (lost).
    void stop();

    bool up() const;                 // connected and answering
    std::uint64_t connects() const;  // successful handshakes
    std::uint64_t outages() const;   // outages begun (warnings logged)
    const redis_endpoint& endpoint() const;

    // The RESP bytes of one command (hiredis's redisFormatCommandArgv).
    static std::string encode(const std::vector<std::string>& args);

    struct impl;

  private:
    std::shared_ptr<impl> impl_;
};

}  // namespace runhub::cache
