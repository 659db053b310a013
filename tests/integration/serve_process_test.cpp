// The runhub executable as a user runs it: subcommands, --check, signals.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "common/http_client.hpp"
#include "common/process.hpp"

using namespace runhub::test;
using namespace std::chrono_literals;

namespace {
std::string write_temp(const std::string& text) {
    char tmpl[] = "/tmp/runhub-config-XXXXXX";
    int fd = mkstemp(tmpl);
    close(fd);
    std::ofstream(tmpl) << text;
    return tmpl;
}
}  // namespace

TEST(ServeProcess, HelpOnEverySubcommand) {
    for (auto sub : {"serve", "sandbox", "version"}) {
        auto [code, out] = run_process({RUNHUB_BINARY, sub, "--help"});
        EXPECT_EQ(code, 0) << sub;
        EXPECT_NE(out.find("Usage:"), std::string::npos) << out;
    }
    auto [code, out] = run_process({RUNHUB_BINARY, "--help"});
    EXPECT_EQ(code, 0);
    EXPECT_NE(out.find("serve"), std::string::npos);
}

TEST(ServeProcess, VersionPrints) {
    auto [code, out] = run_process({RUNHUB_BINARY, "version"});
    EXPECT_EQ(code, 0);
    EXPECT_EQ(out.rfind("runhub ", 0), 0u) << out;
}

TEST(ServeProcess, UnknownFlagIsAUsageError) {
    auto [code, out] = run_process({RUNHUB_BINARY, "serve", "--no-such-flag"});
    EXPECT_EQ(code, 2);
}

TEST(ServeProcess, CheckAcceptsAGoodConfig) {
    auto path = write_temp(R"({"listen": "127.0.0.1:0", /* ok */ "threads": 1,})");
    auto [code, out] = run_process({RUNHUB_BINARY, "serve", "--config", path, "--check"});
    EXPECT_EQ(code, 0) << out;
    unlink(path.c_str());
}

TEST(ServeProcess, CheckReportsEveryProblemWithItsKeyPath) {
    auto path =
        write_temp(R"({"listen": "nowhere", "server": {"max_body_bytes": -5}, "bogus": 1})");
    auto [code, out] = run_process({RUNHUB_BINARY, "serve", "--config", path, "--check"});
    EXPECT_EQ(code, 2);
    EXPECT_NE(out.find(": listen: "), std::string::npos) << out;
    EXPECT_NE(out.find(": server.max_body_bytes: "), std::string::npos) << out;
    EXPECT_NE(out.find(": bogus: unknown key"), std::string::npos) << out;
    unlink(path.c_str());
}

TEST(ServeProcess, BadListenFlagExits2) {
    auto [code, out] = run_process({RUNHUB_BINARY, "serve", "--listen", "nope", "--check"});
    EXPECT_EQ(code, 2);
    EXPECT_NE(out.find("listen"), std::string::npos);
}

TEST(ServeProcess, ServesAndExitsZeroOnSigterm) {
    for (int sig : {SIGTERM, SIGINT}) {
        child_process p({RUNHUB_BINARY, "serve", "--listen", "127.0.0.1:0", "--threads", "2"});
        auto port_text = p.wait_for_output("listening on 127.0.0.1:", 20s);
        ASSERT_TRUE(port_text) << p.err();
        int port = std::stoi(*port_text);
        {
            http_client c(static_cast<std::uint16_t>(port));
            EXPECT_EQ(c.request("GET", "/healthz").status, 200);
            EXPECT_EQ(c.request("GET", "/readyz").status, 200);
        }
        p.signal(sig);
        auto code = p.wait(15s);
        ASSERT_TRUE(code) << "runhub did not exit on signal " << sig;
        EXPECT_EQ(*code, 0) << p.err();
        EXPECT_NE(p.out().find("\"path\":\"/healthz\""), std::string::npos);  // access log
    }
}

TEST(ServeProcess, PortInUseFailsClearly) {
    child_process first({RUNHUB_BINARY, "serve", "--listen", "127.0.0.1:0"});
    auto port_text = first.wait_for_output("listening on 127.0.0.1:", 20s);
    ASSERT_TRUE(port_text);
    auto port = std::to_string(std::stoi(*port_text));
    auto [code, out] = run_process({RUNHUB_BINARY, "serve", "--listen", "127.0.0.1:" + port});
    EXPECT_EQ(code, 1);
    EXPECT_NE(out.find("cannot listen"), std::string::npos) << out;
    first.signal(SIGTERM);
    EXPECT_EQ(first.wait(15s), 0);
}
