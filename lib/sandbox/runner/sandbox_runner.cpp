#include "sandbox/runner/sandbox_runner.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <stdexcept>

#include "sandbox/core/http_webhook_sender.hpp"
#include "sandbox/core/tls_material.hpp"
#include "sandbox/core/vendor_server.hpp"
#include "sandbox/runner/vendor_registry.hpp"

namespace runhub::sandbox {

const std::vector<std::string>& sandbox_runner::vendor_names() {
    static const std::vector<std::string> names = {"sofy", "testerarmy", "testmo", "buildkite",
                                                   "zof"};
    return names;
}

bool sandbox_runner::known_vendor(std::string_view name) {
    const auto& n = vendor_names();
    return std::find(n.begin(), n.end(), name) != n.end();
}

sandbox_runner::sandbox_runner(boost::asio::io_context& io, sandbox_runner_options opts)
    : io_(io), opts_(std::move(opts)), clock_(std::make_shared<sandbox_clock>(opts_.now)) {
    for (const auto& [name, f] : opts_.faults)
        if (!known_vendor(name)) throw std::invalid_argument("unknown sandbox vendor: " + name);
    if (opts_.port_base > 65535 - 5)
        throw std::invalid_argument("port base must leave room for five ports");
}

sandbox_runner::~sandbox_runner() = default;

void sandbox_runner::start() {
    std::shared_ptr<boost::asio::ssl::context> tls;
    if (opts_.tls) {
        auto material = generate_tls_material();
        write_text_file(opts_.ca_out, material.ca_cert_pem);
        ca_file_ = opts_.ca_out;
        tls = make_server_tls_context(material);
    }
    sender_ = std::make_shared<http_webhook_sender>(io_);
    const auto& registry = vendor_registry();
    for (std::size_t i = 0; i < registry.size(); ++i) {
        const auto& entry = registry[i];
        if (!entry.make) {
            missing_.push_back(entry.name);
            continue;
        }
        emulator_options eo;
        eo.seed = opts_.seed;
        eo.runs = opts_.runs;
        eo.clock = clock_;
        eo.queued_for = opts_.queued_for;
        eo.running_for = opts_.running_for;
        eo.webhook_url = opts_.webhook_url;
        if (auto at = eo.webhook_url.find("{vendor}"); at != std::string::npos)
            eo.webhook_url.replace(at, 8, entry.name);
        eo.webhook_secret = opts_.webhook_secret;
        eo.webhooks = sender_;
        vendor_server_options so;
        so.host = opts_.host;
        so.port = opts_.port_base == 0 ? 0 : static_cast<std::uint16_t>(opts_.port_base + i + 1);
        so.tls = tls;
        so.access_log = opts_.access_log;
        if (auto f = opts_.faults.find(entry.name); f != opts_.faults.end()) so.faults = f->second;
        auto server = std::make_unique<vendor_server>(io_, entry.make, eo, so);
        server->start();
        if (server->vendor().vendor() != entry.name)
            spdlog::warn("sandbox: the {} slot serves an emulator named {}", entry.name,
                         server->vendor().vendor());
        servers_.push_back(std::move(server));
    }
}

std::vector<sandbox_vendor_info> sandbox_runner::vendors() const {
    std::vector<sandbox_vendor_info> out;
    for (const auto& s : servers_) {
        auto& emu = s->vendor();
        sandbox_vendor_info v;
        v.name = std::string(emu.vendor());
        v.port = s->port();
        v.base_url = s->base_url();
        v.auth_header = emu.auth_header();
        v.auth_value = emu.auth_value();
        v.webhook_secret = opts_.webhook_secret;
        for (const auto& [key, value] : emu.scope()) {
            if (const auto* str = value.if_string())
                v.scope.emplace_back(key, std::string(*str));
            else
                v.scope.emplace_back(key, boost::json::serialize(value));
        }
        out.push_back(std::move(v));
    }
    return out;
}

std::vector<std::string> sandbox_runner::missing() const { return missing_; }

vendor_server* sandbox_runner::find(std::string_view vendor) {
    for (auto& s : servers_)
        if (s->vendor().vendor() == vendor) return s.get();
    return nullptr;
}

void sandbox_runner::shutdown(std::function<void()> done) {
    if (servers_.empty()) {
        if (done) done();
        return;
    }
    auto left = std::make_shared<std::atomic<std::size_t>>(servers_.size());
    auto finish = std::make_shared<std::function<void()>>(std::move(done));
    for (auto& s : servers_) {
        s->shutdown([left, finish] {
            if (left->fetch_sub(1) == 1 && *finish) (*finish)();
        });
    }
}

}  // namespace runhub::sandbox
