#include "sandbox_env.hpp"

#include <unistd.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <future>
#include <stdexcept>

namespace runhub::test {
namespace asio = boost::asio;

sandbox_env::sandbox_env() {
    static std::atomic<int> counter{0};
    ca_path_ =
        (std::filesystem::temp_directory_path() / ("runhub-conn-ca-" + std::to_string(::getpid()) +
                                                   "-" + std::to_string(counter++) + ".pem"))
            .string();
    sandbox::sandbox_runner_options opts;
    opts.port_base = 0;
    opts.tls = true;
    opts.ca_out = ca_path_;
    opts.runs = runs_per_vendor;
    runner_ = std::make_unique<sandbox::sandbox_runner>(io_, opts);
    runner_->start();
    vendors_ = runner_->vendors();
    http::client_options copts;
    copts.ca_file = runner_->ca_file();
    client_ = std::make_shared<http::client>(io_.get_executor(), copts);
    work_ = std::make_unique<decltype(work_)::element_type>(io_.get_executor());
    thread_ = std::thread([this] { io_.run(); });
}

sandbox_env::~sandbox_env() {
    std::promise<void> down;
    asio::post(io_, [&] {
        client_.reset();
        runner_->shutdown([&] { down.set_value(); });
    });
    down.get_future().wait();
    work_.reset();
    io_.stop();
    thread_.join();
    runner_.reset();
    std::error_code ec;
    std::filesystem::remove(ca_path_, ec);
}

const sandbox::sandbox_vendor_info& sandbox_env::info(const std::string& vendor) const {
    for (const auto& v : vendors_)
        if (v.name == vendor) return v;
    throw std::runtime_error("no sandbox vendor " + vendor);
}

connectors::source_config sandbox_env::source(const std::string& vendor, std::string name) const {
    const auto& v = info(vendor);
    connectors::source_config s;
    s.name = name.empty() ? vendor : std::move(name);
    s.vendor = vendor;
    s.base_url = v.base_url;
    s.credential = v.auth_value.starts_with("Bearer ") ? v.auth_value.substr(7) : v.auth_value;
    for (const auto& [k, val] : v.scope) s.scope[k] = val;
    s.timeout = std::chrono::seconds(10);
    return s;
}

connectors::connector_deps sandbox_env::deps() const {
    connectors::connector_deps d;
    d.client = client_;
    d.retry = http::retry_policy{3, std::chrono::milliseconds(1), std::chrono::milliseconds(5)};
    return d;
}

http::client_response sandbox_env::call(const std::string& vendor, std::string method,
                                        const std::string& target, std::string body, bool auth) {
    const auto& v = info(vendor);
    http::client_request req;
    req.method = std::move(method);
    req.url = connectors::join_url(v.base_url, target);
    if (auth) req.headers.set(v.auth_header, v.auth_value);
    if (!body.empty()) req.headers.set("Content-Type", "application/json");
    req.body = std::move(body);
    auto c = client_;
    auto d = deadline(std::chrono::seconds(10));
    auto send = [c, req, d]() -> asio::awaitable<http::client_result> {
        http::client_request copy = req;
        co_return co_await c->send(std::move(copy), d);
    };
    http::client_result r = run(send());
    if (!r.response) throw std::runtime_error(req.url + ": " + r.detail);
    return *r.response;
}

void sandbox_env::set_faults(const std::string& vendor, const std::string& json_text) {
    auto r = call(vendor, "POST", "/_sandbox/faults", json_text, false);
    if (r.status != 200) throw std::runtime_error("faults: " + r.body);
}

boost::json::value sandbox_env::stats(const std::string& vendor) {
    auto r = call(vendor, "GET", "/_sandbox/stats", "", false);
    if (r.status != 200) throw std::runtime_error("stats: " + r.body);
    return boost::json::parse(r.body);
}

boost::json::value sandbox_env::vendor_get(const std::string& vendor, const std::string& target) {
    auto r = call(vendor, "GET", target, "", true);
    if (r.status != 200) throw std::runtime_error(target + ": " + r.body);
    return boost::json::parse(r.body);
}

boost::json::value sandbox_env::vendor_post(const std::string& vendor, const std::string& target,
                                            const std::string& body) {
    auto r = call(vendor, "POST", target, body, true);
    if (r.status / 100 != 2) throw std::runtime_error(target + ": " + r.body);
    return boost::json::parse(r.body);
}

void sandbox_env::reset(const std::string& vendor) {
    auto r = call(vendor, "POST", "/_sandbox/reset", "", false);
    if (r.status != 200) throw std::runtime_error("reset: " + r.body);
}

std::int64_t sandbox_env::requests(const std::string& vendor, const std::string& route) {
    auto s = stats(vendor);
    auto* n = s.at("by_route").as_object().if_contains(route);
    return n ? n->to_number<std::int64_t>() : 0;
}

}  // namespace runhub::test
