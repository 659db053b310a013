#pragma once
// A blocking HTTP/1.1 test client over one TCP connection, with a timeout on every step. It runs
// its own private io_context, so tests never block a server thread.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runhub::test {

struct http_reply {
    int status = 0;
    std::multimap<std::string, std::string> headers;  // names lower-cased
    std::string body;
    bool keep_alive = false;
    std::string header(const std::string& lower_name) const;  // "" when absent
};

class http_client {
  public:
    explicit http_client(std::uint16_t port, std::string host = "127.0.0.1");
    ~http_client();

    // Sends a request and reads the reply. Throws std::runtime_error on timeout or a closed
    // connection.
    http_reply request(const std::string& method, const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers = {},
                       const std::string& body = "",
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

    // Raw bytes, for malformed and slow requests.
    void send_raw(const std::string& bytes);
    // Reads one reply; nullopt if the peer closed or nothing complete arrived in time.
    std::optional<http_reply> read_reply(
        std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Every byte received until the peer closes or the timeout passes.
    std::string read_all_raw(std::chrono::milliseconds timeout);
    // True when the server closes the connection (EOF or reset) within the timeout.
    bool closed_by_peer(std::chrono::milliseconds timeout);

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace runhub::test
