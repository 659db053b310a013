// One client connection: read a request under the limits, route it, write the answer, repeat
// while keep-alive holds. Plain TCP and TLS share this code through the Stream parameter.
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <array>
#include <optional>

#include "http/access_log.hpp"
#include "http/request_id.hpp"
#include "http/request_limits.hpp"
#include "http/response_head.hpp"
#include "http/server_impl.hpp"

namespace runhub::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::size_t header_section_bytes(const bhttp::request<bhttp::string_body>& req) {
    std::size_t n = 0;
    for (const auto& f : req) n += f.name_string().size() + f.value().size() + 4;
    return n;
}

auto& lowest(beast::tcp_stream& s) { return s; }
auto& lowest(beast::ssl_stream<beast::tcp_stream>& s) { return beast::get_lowest_layer(s); }

template <class Stream>
class connection : public std::enable_shared_from_this<connection<Stream>> {
  public:
    connection(std::shared_ptr<server::impl> srv, Stream stream, std::string remote)
        : srv_(std::move(srv)), stream_(std::move(stream)), remote_(std::move(remote)) {}

    Stream& stream() { return stream_; }

    asio::awaitable<void> run() {
        std::weak_ptr<connection> weak = this->shared_from_this();
        auto exec = lowest(stream_).get_executor();
        id_ = srv_->register_connection([weak, exec] {
            asio::post(exec, [weak] {
                if (auto self = weak.lock()) self->cut();
            });
        });
        try {
            co_await serve();
        } catch (const std::exception& e) {
            spdlog::error("{}: connection {} failed: {}", srv_->opts.name, remote_, e.what());
        }
        cut();
        srv_->unregister_connection(id_);
    }

  private:
    void cut() {
        boost::system::error_code ignored;
        lowest(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest(stream_).socket().close(ignored);
    }

    void reset() {
        boost::system::error_code ignored;
        lowest(stream_).socket().set_option(asio::socket_base::linger(true, 0), ignored);
        lowest(stream_).socket().close(ignored);
    }

    asio::awaitable<void> serve() {
        if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
            lowest(stream_).expires_after(srv_->opts.header_timeout);
            auto [ec, hs_bytes] = co_await stream_.async_handshake(asio::ssl::stream_base::server,
                                                                   buffer_.data(), use_tuple);
            if (ec) co_return;
        }
        bool first = true;
        for (;;) {
            if (srv_->stopping()) co_return;
            if (buffer_.size() == 0) {
                // Waiting for a request to begin: idle. The first request of a connection gets
                // the header timeout, later ones the keep-alive idle timeout.
                lowest(stream_).expires_after(first ? srv_->opts.header_timeout
                                                    : srv_->opts.idle_timeout);
                auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(4096), use_tuple);
                if (ec) co_return;
                buffer_.commit(n);
            }
            first = false;
            srv_->set_busy(id_, true);
            bool keep = co_await one_exchange();
            srv_->set_busy(id_, false);
            if (!keep) co_return;
        }
    }

    // Reads, handles and answers one request. Returns whether the connection stays open.
    asio::awaitable<bool> one_exchange() {
        const auto started = clock::now();
        const auto& o = srv_->opts;
        bhttp::request_parser<bhttp::string_body> parser;
        // Leave room for the target in the head limit; each part is checked on its own below.
        parser.header_limit(static_cast<std::uint32_t>(parser_head_limit(o)));
        parser.body_limit(o.max_body_bytes);

        // Every local lives at function scope and no temporary object crosses a co_await:
        // GCC 12 miscompiles destructors of block-scoped locals in coroutines (double free).
        limit_violation failure;
        std::string method = "-";
        std::string target = "-";
        lowest(stream_).expires_after(o.header_timeout);
        auto [ec, head_bytes] =
            co_await bhttp::async_read_header(stream_, buffer_, parser, use_tuple);
        if (ec) {
            failure = classify_read_error(ec, buffered(), o);
        } else {
            method = std::string(parser.get().method_string());
            target = std::string(parser.get().target());
            failure = check_head(target.size(), header_section_bytes(parser.get()), o);
            if (target.size() > 64) target.resize(64);
        }
        if (!ec && failure.status == 0 && !parser.is_done()) {
            auto [ec2, body_bytes_read] =
                co_await bhttp::async_read(stream_, buffer_, parser, use_tuple);
            if (ec2) {
                ec = ec2;
                failure = classify_read_error(ec2, {}, o);
            }
        }
        if (ec || failure.status != 0) {
            if (failure.status != 0) co_await answer_failure(failure, started, method, target);
            co_return false;
        }

        request req = to_request(parser.release());
        const bool keep_alive_requested = keep_alive_;
        response res = co_await dispatch(req);

        bool keep = keep_alive_requested && !srv_->stopping() && res.how == delivery::normal;
        std::size_t body_bytes = res.body_view().size();
        bool written = co_await deliver(req, res, keep);
        log_and_count(req.method, req.path, req.route.empty() ? "unmatched" : req.route, res.status,
                      body_bytes, started, req.request_id);
        co_return written&& keep;
    }

    std::string_view buffered() const {
        auto data = buffer_.cdata();
        return {static_cast<const char*>(data.data()), data.size()};
    }

    request to_request(bhttp::request<bhttp::string_body> msg) {
        request req;
        req.method = std::string(msg.method_string());
        req.target = std::string(msg.target());
        auto q = req.target.find('?');
        req.path = req.target.substr(0, q);
        if (q != std::string::npos) req.query = req.target.substr(q + 1);
        for (const auto& f : msg)
            req.headers.add(std::string(f.name_string()), std::string(f.value()));
        req.body = std::move(msg.body());
        req.remote_addr = remote_;
        auto incoming = req.headers.get("X-Request-Id");
        req.request_id = incoming && acceptable_request_id(*incoming) ? std::string(*incoming)
                                                                      : generate_request_id();
        keep_alive_ = msg.keep_alive();
        version_ = msg.version();
        return req;
    }

    asio::awaitable<response> dispatch(request& req) {
        auto m = srv_->routes->match(req.method, req.path);
        if (m.outcome == router::match_result::kind::not_found) {
            co_return response::error(404, "not_found", "no such route: " + req.path,
                                      req.request_id);
        }
        req.route = m.route;
        if (m.outcome == router::match_result::kind::method_not_allowed) {
            auto res = response::error(405, "method_not_allowed",
                                       "method " + req.method + " is not allowed on " + m.route,
                                       req.request_id);
            res.headers.set("Allow", m.allow);
            co_return res;
        }
        for (auto& [k, v] : m.params) req.params.emplace(std::move(k), std::move(v));
        srv_->in_flight_gauge.inc();
        std::optional<response> res;
        try {
            res = co_await (*m.target)(req);
        } catch (const std::exception& e) {
            spdlog::error("{} request_id={} handler {} threw: {}", srv_->opts.name, req.request_id,
                          m.route, e.what());
        }
        srv_->in_flight_gauge.dec();
        if (!res) co_return response::error(500, "internal", "internal error", req.request_id);
        co_return std::move(*res);
    }

    // The head of `res` for this request (HEAD: the length the body would have, no body).
    std::string head_of(const request& req, const response& res, bool keep,
                        std::optional<std::size_t> length) const {
        std::string head;
        head.reserve(256);
        append_response_head(head, {.version = version_,
                                    .status = res.status,
                                    .content_type = res.content_type,
                                    .headers = &res.headers,
                                    .request_id = req.request_id,
                                    .keep_alive = keep,
                                    .content_length = length});
        return head;
    }

    asio::awaitable<bool> deliver(const request& req, response& res, bool keep) {
        // Locals at function scope only (see one_exchange on GCC 12).
        boost::system::error_code ec;
        std::size_t n = 0;
        std::string head;
        std::string_view body_sent;
        std::array<asio::const_buffer, 2> wire;
        if (res.how == delivery::reset) {
            reset();
            co_return false;
        }
        if (res.how == delivery::hang) {
            // Never answer: hold the connection until the peer leaves or we shut down.
            lowest(stream_).expires_never();
            while (!ec) {
                std::tie(ec, n) =
                    co_await stream_.async_read_some(buffer_.prepare(4096), use_tuple);
                buffer_.consume(buffer_.size());
            }
            co_return false;
        }
        if (res.stream) {
            co_await deliver_stream(req, res);
            co_return false;
        }
        head = head_of(req, res, keep && res.how == delivery::normal, res.body_view().size());
        body_sent = req.method == "HEAD" ? std::string_view{} : res.body_view();
        lowest(stream_).expires_after(srv_->opts.write_timeout);
        if (res.how == delivery::truncate) {
            // The head and the first half of the body (less one byte), then the connection ends.
            wire[0] = asio::buffer(head);
            wire[1] = asio::buffer(body_sent.data(),
                                  body_sent.empty() ? 0 : body_sent.size() - body_sent.size() / 2 - 1);
            std::tie(ec, n) = co_await asio::async_write(stream_, wire, use_tuple);
            cut();
            co_return false;
        }
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            wire[0] = asio::buffer(head);
            wire[1] = asio::buffer(body_sent.data(), body_sent.size());
            std::tie(ec, n) = co_await asio::async_write(stream_, wire, use_tuple);
        } else {
            // TLS: one contiguous buffer (the stream encrypts it in records anyway).
            head.append(body_sent);
            std::tie(ec, n) = co_await asio::async_write(stream_, asio::buffer(head), use_tuple);
        }
        if (ec) co_return false;
        if (!keep || res.how != delivery::normal) {
            co_await close_gracefully();
            co_return false;
        }
        co_return true;
    }

    // Writes each piece of a streamed body as it comes, under the write timeout.
    class stream_writer final : public body_writer {
      public:
        explicit stream_writer(connection& c) : c_(c) {}
        asio::awaitable<bool> write(std::string data) override {
            boost::system::error_code ec;
            std::size_t n = 0;
            if (failed_) co_return false;
            lowest(c_.stream_).expires_after(c_.srv_->opts.write_timeout);
            std::tie(ec, n) = co_await asio::async_write(c_.stream_, asio::buffer(data), use_tuple);
            failed_ = static_cast<bool>(ec);
            co_return !failed_;
        }

      private:
        connection& c_;
        bool failed_ = false;
    };

    // A streamed answer: the head (no Content-Length, Connection: close), then the producer.
    asio::awaitable<void> deliver_stream(const request& req, response& res) {
        boost::system::error_code ec;
        std::size_t n = 0;
        std::string head = head_of(req, res, false, std::nullopt);
        stream_writer writer(*this);
        lowest(stream_).expires_after(srv_->opts.write_timeout);
        std::tie(ec, n) = co_await asio::async_write(stream_, asio::buffer(head), use_tuple);
        if (ec) co_return;
        if (req.method != "HEAD") co_await res.stream(writer);
        co_await close_gracefully();
    }

    asio::awaitable<void> answer_failure(const limit_violation& f, clock::time_point started,
                                         std::string_view method, std::string_view target) {
        request req;
        req.method = method;
        req.path = target;
        req.request_id = generate_request_id();
        response res = response::error(f.status, f.code, f.message, req.request_id);
        std::size_t bytes = res.body_view().size();
        co_await deliver(req, res, false);
        log_and_count(method, target, "rejected", f.status, bytes, started, req.request_id);
    }

    asio::awaitable<void> close_gracefully() {
        if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
            lowest(stream_).expires_after(std::chrono::seconds(1));
            co_await stream_.async_shutdown(use_tuple);
        } else {
            boost::system::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        }
    }

    void log_and_count(std::string_view method, std::string_view path, std::string_view route,
                       int status, std::size_t bytes, clock::time_point started,
                       std::string_view request_id) {
        auto elapsed = std::chrono::duration<double>(clock::now() - started).count();
        // The series of the last (route, status) are kept: a keep-alive connection mostly asks
        // the same again, and the registry's series live as long as it does.
        if (!counted_ || counted_route_ != route || counted_status_ != status) {
            auto& m = *srv_->metrics;
            counted_ =
                &m.get_counter("runhub_http_requests_total", "HTTP requests by route and status",
                               {{"server", srv_->opts.name},
                                {"route", std::string(route)},
                                {"status", std::to_string(status)}});
            timed_ = &m.get_histogram("runhub_http_request_duration_seconds",
                                      "HTTP request latency by route",
                                      {{"server", srv_->opts.name}, {"route", std::string(route)}});
            counted_route_ = std::string(route);
            counted_status_ = status;
        }
        counted_->inc();
        timed_->observe(elapsed);
        if (srv_->opts.access_log)
            log_access({srv_->opts.name, request_id, method, path, route, status, bytes,
                        elapsed * 1000.0, remote_});
    }

    std::shared_ptr<server::impl> srv_;
    Stream stream_;
    std::string remote_;
    beast::flat_buffer buffer_;
    std::uint64_t id_ = 0;
    bool keep_alive_ = true;
    unsigned version_ = 11;
    counter* counted_ = nullptr;  // runhub_http_requests_total{route=counted_route_, status=...}
    histogram* timed_ = nullptr;
    std::string counted_route_;
    int counted_status_ = 0;
};

template <class Stream>
void spawn(std::shared_ptr<server::impl> srv, Stream stream, std::string remote) {
    auto conn = std::make_shared<connection<Stream>>(srv, std::move(stream), std::move(remote));
    auto exec = lowest(conn->stream()).get_executor();
    auto body = [conn]() -> asio::awaitable<void> { co_await conn->run(); };
    asio::co_spawn(exec, body, asio::detached);
}

}  // namespace

void start_connection(std::shared_ptr<server::impl> srv, tcp::socket socket) {
    boost::system::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    std::string remote = ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
    socket.set_option(tcp::no_delay(true), ec);
    beast::tcp_stream tcp_stream(std::move(socket));
    if (srv->tls) {
        beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(tcp_stream), *srv->tls);
        spawn(srv, std::move(tls_stream), std::move(remote));
    } else {
        spawn(srv, std::move(tcp_stream), std::move(remote));
    }
}

}  // namespace runhub::http
