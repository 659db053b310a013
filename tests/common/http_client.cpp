#include "common/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

namespace runhub::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

std::string http_reply::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

struct http_client::impl {
    asio::io_context io;
    asio::ip::tcp::socket socket{io};
    beast::flat_buffer buffer;

    // Runs the io_context until `done` or the timeout; on timeout cancels and returns false.
    bool run_until(bool& done, std::chrono::milliseconds timeout) {
        io.restart();
        io.run_for(timeout);
        if (!done) {
            boost::system::error_code ignored;
            socket.cancel(ignored);
            io.restart();
            io.run();
        }
        return done;
    }
};

http_client::http_client(std::uint16_t port, std::string host) : impl_(std::make_unique<impl>()) {
    impl_->socket.connect({asio::ip::make_address(host), port});
    impl_->socket.set_option(asio::ip::tcp::no_delay(true));
}

http_client::~http_client() = default;

void http_client::send_raw(const std::string& bytes) {
    asio::write(impl_->socket, asio::buffer(bytes));
}

std::optional<http_reply> http_client::read_reply(std::chrono::milliseconds timeout) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    bool done = false;
    boost::system::error_code result;
    bhttp::async_read(impl_->socket, impl_->buffer, parser,
                      [&](boost::system::error_code ec, std::size_t) {
                          result = ec;
                          done = true;
                      });
    if (!impl_->run_until(done, timeout) || result) return std::nullopt;
    auto msg = parser.release();
    http_reply r;
    r.status = static_cast<int>(msg.result_int());
    for (const auto& f : msg) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers.emplace(name, std::string(f.value()));
    }
    r.body = std::move(msg.body());
    r.keep_alive = msg.keep_alive();
    return r;
}

http_reply http_client::request(const std::string& method, const std::string& target,
                                const std::vector<std::pair<std::string, std::string>>& headers,
                                const std::string& body, std::chrono::milliseconds timeout) {
    std::string raw = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [k, v] : headers) raw += k + ": " + v + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT")
        raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    raw += "\r\n" + body;
    send_raw(raw);
    auto reply = read_reply(timeout);
    if (!reply) throw std::runtime_error("no reply to " + method + " " + target);
    return *reply;
}

std::string http_client::read_all_raw(std::chrono::milliseconds timeout) {
    auto data = impl_->buffer.cdata();
    std::string out(static_cast<const char*>(data.data()), data.size());
    impl_->buffer.consume(impl_->buffer.size());
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return out;
        bool done = false;
        boost::system::error_code result;
        std::size_t got = 0;
        char scratch[4096];
        impl_->socket.async_read_some(asio::buffer(scratch),
                                      [&](boost::system::error_code ec, std::size_t n) {
                                          result = ec;
                                          got = n;
                                          done = true;
                                      });
        if (!impl_->run_until(done, left)) return out;
        out.append(scratch, got);
        if (result) return out;
    }
}

bool http_client::closed_by_peer(std::chrono::milliseconds timeout) {
    // Drain whatever is buffered; the connection is closed when a read ends in EOF or reset.
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        bool done = false;
        boost::system::error_code result;
        char scratch[4096];
        impl_->socket.async_read_some(asio::buffer(scratch),
                                      [&](boost::system::error_code ec, std::size_t) {
                                          result = ec;
                                          done = true;
                                      });
        if (!impl_->run_until(done, left)) return false;
        if (result) return result != asio::error::operation_aborted;
    }
}

}  // namespace runhub::test
