#include "common/sandboxed_facade.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <fstream>

#include "http/client.hpp"

namespace runhub::test {

using namespace std::chrono_literals;

namespace {

std::vector<std::string> command(std::vector<std::string> args) {
    std::vector<std::string> argv{RUNHUB_BINARY_FOR_TESTS, "serve",     "--sandbox",
                                  "--sandbox-port-base",   "0",         "--listen",
                                  "127.0.0.1:0",           "--threads", "2"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

std::vector<std::string> with_config(std::vector<std::string> args, const std::string& path) {
    if (!path.empty()) {
        args.push_back("--config");
        args.push_back(path);
    }
    return args;
}

std::vector<std::string> with_key(std::vector<std::string> env, const std::string& key) {
    env.push_back("RUNHUB_API_KEY=" + key);
    return env;
}

}  // namespace

std::string write_temp_config(const std::string& json) {
    static std::atomic<int> serial{0};
    std::string path = ::testing::TempDir() + "/runhub-test-config-" + std::to_string(::getpid()) +
                       "-" + std::to_string(++serial) + ".json";
    std::ofstream(path) << json;
    return path;
}

sandboxed_facade::sandboxed_facade(std::string api_key, std::vector<std::string> args,
                                   std::vector<std::string> env, std::string config_json)
    : key_(std::move(api_key)),
      config_path_(config_json.empty() ? "" : write_temp_config(config_json)),
      p_(command(with_config(std::move(args), config_path_)), with_key(std::move(env), key_)) {
    auto text = p_.wait_for_output("listening on 127.0.0.1:", 30s);
    if (text) port_ = static_cast<std::uint16_t>(std::stoi(*text));
}

sandboxed_facade::~sandboxed_facade() {
    p_.signal(SIGTERM);
    auto code = p_.wait(20s);
    EXPECT_EQ(code, 0) << p_.err();
    if (!config_path_.empty()) std::remove(config_path_.c_str());
}

std::string sandboxed_facade::ca_file() const {
    return p_.wait_for_output("sandbox TLS CA: ", 1s).value_or("");
}

std::string sandboxed_facade::vendor_base(const std::string& vendor) const {
    auto line = p_.wait_for_output("sandbox vendor " + vendor + " at ", 1s).value_or("");
    return line.substr(0, line.find(' '));
}

std::string sandboxed_facade::vendor_auth(const std::string& vendor) const {
    // "… at URL (Authorization: Bearer xyz)"
    auto line = p_.wait_for_output("sandbox vendor " + vendor + " at ", 1s).value_or("");
    auto at = line.find(": ");
    if (at == std::string::npos) return "";
    auto value = line.substr(at + 2);
    return value.substr(0, value.rfind(')'));
}

boost::json::value sandboxed_facade::get_json(http_client& c, const std::string& target, int expect,
                                              const std::string& key) {
    const std::string& k = key == "\x01" ? key_ : key;
    std::vector<std::pair<std::string, std::string>> headers;
    if (!k.empty()) headers.emplace_back("Authorization", "Bearer " + k);
    auto r = c.request("GET", target, headers, "", 30s);
    EXPECT_EQ(r.status, expect) << target << " " << r.body;
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    EXPECT_FALSE(ec) << target << " answered no JSON: " << r.body;
    return v;
}

std::vector<boost::json::object> sandboxed_facade::walk(http_client& c, const std::string& query) {
    std::vector<boost::json::object> runs;
    std::string cursor;
    for (int page = 0; page < 100; ++page) {
        auto body =
            get_json(c, "/v1/runs?" + query + (cursor.empty() ? "" : "&cursor=" + cursor), 200);
        if (!body.is_object()) break;
        for (const auto& s : body.at("sources").as_array())
            EXPECT_NE(s.at("status").as_string(), "error") << boost::json::serialize(s);
        for (const auto& r : body.at("data").as_array()) runs.push_back(r.as_object());
        if (body.at("next_cursor").is_null()) return runs;
        cursor = std::string(body.at("next_cursor").as_string());
    }
    ADD_FAILURE() << "walk did not end";
    return runs;
}

sandbox_reply sandbox_request(const std::string& ca, const std::string& method,
                              const std::string& url, const std::string& body,
                              const std::string& auth) {
    boost::asio::io_context io;
    http::client client(io.get_executor(), {.ca_file = ca});
    http::client_request req{method, url, {}, body};
    if (!body.empty()) req.headers.add("Content-Type", "application/json");
    if (!auth.empty()) req.headers.add("Authorization", auth);
    auto fut = boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<http::client_result> {
            co_return co_await client.send(req, http::client::clock::now() + 10s);
        },
        boost::asio::use_future);
    io.run();
    auto r = fut.get();
    if (!r.response) return {0, r.detail};
    return {r.response->status, r.response->body};
}

void set_faults(const sandboxed_facade& f, const std::string& vendor, const std::string& json) {
    auto r = sandbox_request(f.ca_file(), "POST", f.vendor_base(vendor) + "/_sandbox/faults", json);
    EXPECT_EQ(r.status, 200) << vendor << ": " << r.body;
}

}  // namespace runhub::test
