#include "sandbox/core/vendor_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <stdexcept>

#include "http/server.hpp"
#include "sandbox/core/control_routes.hpp"
#include "sandbox/core/fault_middleware.hpp"
#include "sandbox/core/port_state.hpp"

namespace runhub::sandbox {

// Calls emulator::tick() every period until stopped. Handlers hold only a weak reference, so a
// pending wait never keeps the emulator alive or touches it after shutdown.
struct vendor_server::ticker : std::enable_shared_from_this<ticker> {
    ticker(boost::asio::io_context& io, std::shared_ptr<port_state> s,
           std::chrono::milliseconds every)
        : strand(boost::asio::make_strand(io)), timer(strand), state(std::move(s)), period(every) {}

    void arm() {
        timer.expires_after(period);
        timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            auto self = weak.lock();
            if (ec || !self || self->stopped) return;
            try {
                self->state->vendor().tick();
            } catch (const std::exception& e) {
                spdlog::error("sandbox {}: tick failed: {}", self->state->vendor().vendor(),
                              e.what());
            }
            self->arm();
        });
    }

    // The timer is touched from its strand only (arm, tick and stop alike).
    boost::asio::strand<boost::asio::io_context::executor_type> strand;
    boost::asio::steady_timer timer;
    std::shared_ptr<port_state> state;
    std::chrono::milliseconds period;
    bool stopped = false;
};

vendor_server::vendor_server(boost::asio::io_context& io, emulator_factory make,
                             emulator_options base, vendor_server_options opts)
    : io_(io), make_(std::move(make)), base_(std::move(base)), opts_(std::move(opts)) {
    if (!base_.clock) throw std::invalid_argument("vendor_server: emulator_options.clock is null");
    if (!base_.webhooks)
        throw std::invalid_argument("vendor_server: emulator_options.webhooks is null");
}

vendor_server::~vendor_server() = default;

void vendor_server::start() {
    if (server_) throw std::logic_error("vendor_server: started twice");
    http::server_options so;
    so.access_log = opts_.access_log;
    so.drain_timeout = opts_.drain_timeout;
    so.name = "sandbox";
    routes_ = std::make_shared<http::router>();
    auto metrics = opts_.metrics ? opts_.metrics : std::make_shared<http::metrics_registry>();
    server_ = std::make_unique<http::server>(io_, so, routes_, metrics);
    if (opts_.tls) server_->use_tls(opts_.tls);
    const std::string scheme = opts_.tls ? "https://" : "http://";
    if (opts_.port != 0) {
        // The port is known: routes first, so no request can meet a half-built router.
        build(scheme + opts_.host + ":" + std::to_string(opts_.port));
        server_->listen(opts_.host, opts_.port);
    } else {
        // An ephemeral port is known to nobody until listen() returns.
        server_->listen(opts_.host, 0);
        build(scheme + opts_.host + ":" + std::to_string(server_->port()));
    }
    ticker_ = std::make_shared<ticker>(io_, state_, opts_.tick_every);
    auto t = ticker_;
    boost::asio::post(t->strand, [t] { t->arm(); });
}

void vendor_server::build(std::string base_url) {
    base_url_ = std::move(base_url);
    base_.base_url = base_url_;
    auto emu = make_(base_);
    if (!emu) throw std::runtime_error("vendor_server: the emulator factory returned null");
    state_ = std::make_shared<port_state>(std::move(emu), base_.clock, base_.seed, base_url_);
    state_->set_faults(opts_.faults);
    state_->vendor().add_routes(*routes_);
    auto state = state_;
    routes_->wrap(
        [state](const std::string& method, const std::string& pattern, http::handler inner) {
            return guard_route(state, method, pattern, std::move(inner));
        });
    add_control_routes(*routes_, state_);
}

std::uint16_t vendor_server::port() const { return server_ ? server_->port() : 0; }

emulator& vendor_server::vendor() {
    if (!state_) throw std::logic_error("vendor_server: not started");
    return state_->vendor();
}

port_state& vendor_server::state() {
    if (!state_) throw std::logic_error("vendor_server: not started");
    return *state_;
}

void vendor_server::shutdown(std::function<void()> done) {
    if (!server_) {
        if (done) done();
        return;
    }
    if (ticker_) {
        auto t = ticker_;
        boost::asio::post(t->strand, [t] {
            t->stopped = true;
            t->timer.cancel();
        });
    }
    server_->shutdown(std::move(done));
}

}  // namespace runhub::sandbox
