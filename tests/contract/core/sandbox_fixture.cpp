#include "sandbox_fixture.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <future>
#include <stdexcept>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::test {

std::string recorded_webhook::header(std::string_view name) const {
    for (const auto& h : headers)
        if (http::iequals(h.name, name)) return h.value;
    return {};
}

void recording_webhook_sender::post(std::string url, std::vector<http::header_field> headers,
                                    std::string body) {
    std::lock_guard lock(mutex_);
    posts_.push_back({std::move(url), std::move(headers), std::move(body)});
}

std::vector<recorded_webhook> recording_webhook_sender::posts() const {
    std::lock_guard lock(mutex_);
    return posts_;
}

void recording_webhook_sender::clear() {
    std::lock_guard lock(mutex_);
    posts_.clear();
}

boost::json::value parse_json(const std::string& text) {
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (ec) throw std::runtime_error("not JSON (" + ec.message() + "): " + text.substr(0, 300));
    return v;
}

sandbox_fixture::sandbox_fixture(sandbox::emulator_factory make, sandbox_fixture_options opts)
    : opts_(std::move(opts)) {
    if (!sandbox::parse_rfc3339(opts_.now, start_))
        throw std::invalid_argument("sandbox_fixture: bad now: " + opts_.now);
    clock_ = std::make_shared<sandbox::sandbox_clock>(start_);
    sender_ = opts_.webhooks ? opts_.webhooks : std::make_shared<recording_webhook_sender>();
    sandbox::emulator_options eo;
    eo.seed = opts_.seed;
    eo.runs = opts_.runs;
    eo.clock = clock_;
    eo.queued_for = opts_.queued_for;
    eo.running_for = opts_.running_for;
    eo.webhook_url = opts_.webhook_url;
    eo.webhooks = sender_;
    io_ = std::make_unique<boost::asio::io_context>(opts_.threads);
    server_ = std::make_unique<sandbox::vendor_server>(*io_, std::move(make), eo, opts_.server);
    server_->start();
    for (int i = 0; i < opts_.threads; ++i) threads_.emplace_back([this] { io_->run(); });
}

sandbox_fixture::~sandbox_fixture() {
    auto done = std::make_shared<std::promise<void>>();
    auto fut = done->get_future();
    server_->shutdown([done] { done->set_value(); });
    fut.wait_for(std::chrono::seconds(15));
    io_->stop();
    for (auto& t : threads_) t.join();
    server_.reset();
    io_.reset();
}

std::uint16_t sandbox_fixture::port() const { return server_->port(); }
const std::string& sandbox_fixture::base_url() const { return server_->base_url(); }
http_client sandbox_fixture::client() const { return http_client(port()); }
sandbox::emulator& sandbox_fixture::emulator() { return server_->vendor(); }

recording_webhook_sender& sandbox_fixture::webhooks() {
    auto* r = dynamic_cast<recording_webhook_sender*>(sender_.get());
    if (!r) throw std::logic_error("sandbox_fixture: a custom webhook sender was given");
    return *r;
}

header_list sandbox_fixture::auth() const {
    const auto& emu = server_->vendor();
    return {{emu.auth_header(), emu.auth_value()}};
}

http_reply sandbox_fixture::get(const std::string& target, header_list extra) const {
    auto h = auth();
    for (auto& e : extra) h.push_back(std::move(e));
    return client().request("GET", target, h);
}

http_reply sandbox_fixture::post(const std::string& target, const std::string& body,
                                 header_list extra) const {
    auto h = auth();
    h.emplace_back("Content-Type", "application/json");
    for (auto& e : extra) h.push_back(std::move(e));
    return client().request("POST", target, h, body);
}

namespace {

http_reply control(const sandbox_fixture& fx, const std::string& method, const std::string& target,
                   const std::string& body) {
    header_list h;
    if (!body.empty()) h.emplace_back("Content-Type", "application/json");
    auto r = fx.client().request(method, target, h, body);
    if (r.status != 200)
        throw std::runtime_error(method + " " + target + " answered " + std::to_string(r.status) +
                                 ": " + r.body);
    return r;
}

}  // namespace

void sandbox_fixture::set_faults(const std::string& json_text) {
    control(*this, "POST", "/_sandbox/faults", json_text);
}

void sandbox_fixture::advance(std::chrono::milliseconds by) {
    control(*this, "POST", "/_sandbox/clock",
            "{\"advance_ms\":" + std::to_string(by.count()) + "}");
}

boost::json::value sandbox_fixture::stats() const {
    return parse_json(control(*this, "GET", "/_sandbox/stats", "").body);
}

void sandbox_fixture::reset() { control(*this, "POST", "/_sandbox/reset", ""); }

}  // namespace runhub::test
