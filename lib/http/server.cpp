#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/server_impl.hpp"

namespace runhub::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

server::impl::impl(asio::io_context& io_, server_options o, std::shared_ptr<const router> r,
                   std::shared_ptr<metrics_registry> m)
    : io(io_),
      opts(std::move(o)),
      routes(std::move(r)),
      metrics(std::move(m)),
      control(asio::make_strand(io_)),
      acceptor(control),
      drain_timer(control),
      open_connections_gauge(metrics->get_gauge(
          "runhub_http_open_connections", "Open client connections", {{"server", opts.name}})),
      in_flight_gauge(metrics->get_gauge("runhub_http_requests_in_flight", "Requests being handled",
                                         {{"server", opts.name}})) {}

std::uint64_t server::impl::register_connection(std::function<void()> close) {
    std::lock_guard lock(mutex_);
    auto id = next_id_++;
    connections_.emplace(id, connection_entry{std::move(close), false});
    open_connections_gauge.inc();
    return id;
}

void server::impl::set_busy(std::uint64_t id, bool busy) {
    std::lock_guard lock(mutex_);
    if (auto it = connections_.find(id); it != connections_.end()) it->second.busy = busy;
}

void server::impl::unregister_connection(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    if (connections_.erase(id)) open_connections_gauge.dec();
    finish_if_drained();
}

void server::impl::finish_if_drained() {
    if (!stopping_ || !connections_.empty() || !on_done_) return;
    auto done = std::move(on_done_);
    on_done_ = nullptr;
    // The acceptor and drain timer live on the control strand; touch them only there.
    asio::post(control, [self = shared_from_this(), done = std::move(done)] {
        self->drain_timer.cancel();
        done();
    });
}

void server::impl::begin_shutdown(std::function<void()> on_done) {
    asio::post(control, [self = shared_from_this(), on_done = std::move(on_done)]() mutable {
        if (self->stopping_.exchange(true)) return;
        boost::system::error_code ignored;
        self->acceptor.close(ignored);
        std::lock_guard lock(self->mutex_);
        self->on_done_ = std::move(on_done);
        spdlog::info("{}: shutting down, {} connection(s) open", self->opts.name,
                     self->connections_.size());
        for (auto& [id, c] : self->connections_)
            if (!c.busy) c.close();
        self->drain_timer.expires_after(self->opts.drain_timeout);
        self->drain_timer.async_wait([self](boost::system::error_code ec) {
            if (ec) return;
            std::lock_guard lock2(self->mutex_);
            if (!self->connections_.empty())
                spdlog::warn("{}: drain timeout, cutting {} connection(s)", self->opts.name,
                             self->connections_.size());
            for (auto& [id, c] : self->connections_) c.close();
        });
        self->finish_if_drained();
    });
}

namespace {

asio::awaitable<void> accept_loop(std::shared_ptr<server::impl> srv) {
    for (;;) {
        boost::system::error_code ec;
        // One thread runs everything: a connection needs no strand of its own.
        tcp::socket socket(srv->io);
        if (srv->opts.one_thread)
            socket = co_await srv->acceptor.async_accept(
                srv->io.get_executor(), asio::redirect_error(asio::use_awaitable, ec));
        else
            socket = co_await srv->acceptor.async_accept(
                asio::make_strand(srv->io), asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || srv->stopping() || !srv->acceptor.is_open())
            co_return;
        if (ec) {
            // EMFILE and friends: log, breathe, and keep serving the connections we have.
            spdlog::warn("{}: accept failed: {}", srv->opts.name, ec.message());
            asio::steady_timer pause(srv->control, std::chrono::milliseconds(50));
            co_await pause.async_wait(asio::use_awaitable);
            continue;
        }
        start_connection(srv, std::move(socket));
    }
}

}  // namespace

server::server(asio::io_context& io, server_options opts, std::shared_ptr<const router> routes,
               std::shared_ptr<metrics_registry> metrics)
    : impl_(std::make_shared<impl>(io, std::move(opts), std::move(routes), std::move(metrics))) {}

server::~server() {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
}

void server::use_tls(std::shared_ptr<asio::ssl::context> ctx) { impl_->tls = std::move(ctx); }

void server::listen(std::string_view host, std::uint16_t port) {
    tcp::endpoint ep(asio::ip::make_address(std::string(host)), port);
    auto& acc = impl_->acceptor;
    acc.open(ep.protocol());
    acc.set_option(asio::socket_base::reuse_address(true));
    acc.bind(ep);
    acc.listen(asio::socket_base::max_listen_connections);
    asio::co_spawn(impl_->control, accept_loop(impl_), asio::detached);
}

std::uint16_t server::port() const {
    boost::system::error_code ec;
    auto ep = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

void server::shutdown(std::function<void()> on_done) { impl_->begin_shutdown(std::move(on_done)); }

std::size_t server::open_connections() const {
    return static_cast<std::size_t>(impl_->open_connections_gauge.value());
}

}  // namespace runhub::http
