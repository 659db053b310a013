// `runhub sandbox` as a user runs it: five ports from --port-base, /_sandbox/info on each, the
// credentials printed, --tls with the CA file, bad flags, and SIGTERM -> exit 0.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <csignal>
#include <filesystem>

#include "common/http_client.hpp"
#include "common/process.hpp"
#include "free_ports.hpp"
#include "https_get.hpp"
#include "sandbox_fixture.hpp"

namespace runhub::test {
namespace {

const std::vector<std::string> names = {"sofy", "testerarmy", "testmo", "buildkite", "zof"};

TEST(SandboxCommand, ServesEveryBuiltVendorAndStopsOnSigterm) {
    const int base = free_port_base();
    child_process p({RUNHUB_BINARY, "sandbox", "--port-base", std::to_string(base), "--seed", "7",
                     "--runs", "50", "--now", "2026-11-23T12:00:00Z", "--fault", "zof:latency_ms=1",
                     "--log-level", "warn"});
    ASSERT_TRUE(p.wait_for_output("ready", std::chrono::seconds(60))) << p.out() << p.err();
    const auto out = p.out();
    int served = 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto port = static_cast<std::uint16_t>(base + i + 1);
        const std::string url = "http://127.0.0.1:" + std::to_string(port);
        if (out.find(names[i] + "  (not built") != std::string::npos) continue;
        ++served;
        auto r = http_client(port).request("GET", "/_sandbox/info");
        ASSERT_EQ(r.status, 200) << names[i];
        auto info = parse_json(r.body);
        EXPECT_EQ(info.at("vendor").as_string(), names[i]);
        EXPECT_EQ(info.at("base_url").as_string(), url);
        EXPECT_NE(out.find(url), std::string::npos) << out;
        std::string value(info.at("auth").at("value").as_string());
        EXPECT_NE(out.find(value), std::string::npos) << "credential not printed: " << out;
        if (names[i] == "zof") {
            auto f = parse_json(http_client(port).request("GET", "/_sandbox/faults").body);
            EXPECT_EQ(f.at("latency_ms").to_number<int>(), 1);
        }
    }
    EXPECT_GE(served, 1) << out;
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait(std::chrono::seconds(20)), 0) << p.err();
}

TEST(SandboxCommand, TlsWritesACaThatVerifies) {
    const int base = free_port_base();
    auto ca = (std::filesystem::temp_directory_path() /
               ("runhub-cmd-ca-" + std::to_string(::getpid()) + ".pem"))
                  .string();
    child_process p({RUNHUB_BINARY, "sandbox", "--port-base", std::to_string(base), "--runs", "20",
                     "--tls", "--ca-out", ca, "--log-level", "warn"});
    ASSERT_TRUE(p.wait_for_output("ready", std::chrono::seconds(60))) << p.out() << p.err();
    EXPECT_TRUE(std::filesystem::exists(ca));
    EXPECT_NE(p.out().find("https://127.0.0.1:"), std::string::npos) << p.out();
    int checked = 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (p.out().find(names[i] + "  (not built") != std::string::npos) continue;
        auto r = https_get(
            {static_cast<std::uint16_t>(base + i + 1), "/_sandbox/info", ca, "127.0.0.1"});
        EXPECT_EQ(r.status, 200);
        ++checked;
    }
    EXPECT_GE(checked, 1);
    p.signal(SIGINT);
    EXPECT_EQ(p.wait(std::chrono::seconds(20)), 0) << p.err();
    std::filesystem::remove(ca);
}

TEST(SandboxCommand, PortInUseExitsOne) {
    const int base = free_port_base();
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor taken(
        io, {boost::asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(base + 5)});
    auto [code, text] =
        run_process({RUNHUB_BINARY, "sandbox", "--port-base", std::to_string(base), "--runs", "10"},
                    std::chrono::seconds(60));
    EXPECT_EQ(code, 1) << text;
    EXPECT_NE(text.find("cannot start"), std::string::npos) << text;
}

TEST(SandboxCommand, BadFlagsExitTwo) {
    const std::vector<std::vector<std::string>> cases = {
        {"--fault", "nobody:latency_ms=1"},
        {"--fault", "zof:error_rate=3"},
        {"--fault", "zof"},
        {"--now", "yesterday"},
        {"--port-base", "65534"},
        {"--webhook-url", "ftp://x"},
    };
    for (const auto& extra : cases) {
        std::vector<std::string> argv = {RUNHUB_BINARY, "sandbox"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        auto [code, text] = run_process(argv, std::chrono::seconds(30));
        EXPECT_EQ(code, 2) << extra[0] << " " << extra[1] << ": " << text;
    }
}

}  // namespace
}  // namespace runhub::test
