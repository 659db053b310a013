// `runhub serve --sandbox`: the facade with the five vendor emulators inside, over real TLS that
// our own HTTP client verifies against the CA the sandbox generated.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include "common/http_client.hpp"
#include "common/process.hpp"
#include "http/client.hpp"

using namespace runhub;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {
http::client_result get(const std::string& url, http::client_options opts) {
    asio::io_context io;
    http::client c(io.get_executor(), std::move(opts));
    http::client_request req{"GET", url, {}, {}};
    auto fut = asio::co_spawn(
        io,
        [&]() -> asio::awaitable<http::client_result> {
            co_return co_await c.send(req, http::client::clock::now() + 10s);
        },
        asio::use_future);
    io.run();
    return fut.get();
}
}  // namespace

TEST(ServeSandbox, AllFiveVendorsAnswerOverVerifiedTls) {
    test::child_process p({RUNHUB_BINARY, "serve", "--sandbox", "--sandbox-port-base", "0",
                           "--listen", "127.0.0.1:0", "--threads", "2"});
    auto port_text = p.wait_for_output("listening on 127.0.0.1:", 30s);
    ASSERT_TRUE(port_text) << p.err();
    auto ca = p.wait_for_output("sandbox TLS CA: ", 1s);
    ASSERT_TRUE(ca) << p.err();

    for (std::string vendor : {"sofy", "testerarmy", "testmo", "buildkite", "zof"}) {
        auto at = p.wait_for_output("sandbox vendor " + vendor + " at ", 1s);
        ASSERT_TRUE(at) << vendor << "\n" << p.err();
        std::string base = at->substr(0, at->find(' '));
        ASSERT_EQ(base.rfind("https://127.0.0.1:", 0), 0u) << base;

        auto ok = get(base + "/_sandbox/info", {.ca_file = *ca});
        ASSERT_TRUE(ok.ok()) << vendor << ": " << ok.detail;
        auto info = boost::json::parse(ok.response->body);
        EXPECT_EQ(info.at("vendor").as_string(), vendor);
        EXPECT_EQ(info.at("base_url").as_string(), base);

        // Without the sandbox's CA the certificate must not verify.
        auto refused = get(base + "/_sandbox/info", {});
        EXPECT_EQ(refused.error, http::upstream_error_kind::tls)
            << vendor << ": " << refused.detail;
    }

    // A TLS answer cut off mid-body (no close_notify) is a malformed answer, not a TLS failure.
    {
        auto zof = p.wait_for_output("sandbox vendor zof at ", 1s);
        std::string base = zof->substr(0, zof->find(' '));
        asio::io_context io;
        http::client c(io.get_executor(), {.ca_file = *ca});
        http::client_request set{"POST", base + "/_sandbox/faults", {}, R"({"truncate_rate":1})"};
        set.headers.add("Content-Type", "application/json");
        http::client_request list{"GET", base + "/v1/runs?limit=50", {}, {}};
        auto fut = asio::co_spawn(
            io,
            [&]() -> asio::awaitable<http::client_result> {
                auto first = co_await c.send(set, http::client::clock::now() + 10s);
                if (!first.ok()) co_return first;
                co_return co_await c.send(list, http::client::clock::now() + 10s);
            },
            asio::use_future);
        io.run();
        auto r = fut.get();
        EXPECT_EQ(r.error, http::upstream_error_kind::malformed) << r.detail;
    }

    test::http_client facade(static_cast<std::uint16_t>(std::stoi(*port_text)));
    EXPECT_EQ(facade.request("GET", "/readyz").status, 200);
    p.signal(SIGTERM);
    auto code = p.wait(20s);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 0) << p.err();
}

TEST(ServeSandbox, BadPortBaseIsAUsageError) {
    auto [code, out] = test::run_process(
        {RUNHUB_BINARY, "serve", "--sandbox", "--sandbox-port-base", "70000", "--check"});
    EXPECT_EQ(code, 2) << out;
}
