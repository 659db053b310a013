// Sources from the configuration file (no --sandbox): a `runhub sandbox` process plays the
// vendors over TLS, and `runhub serve --config` reads them with credentials from an environment
// variable and from a file, two sources of one vendor side by side, and certificate checks on
// unless the source names the CA.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "common/http_client.hpp"
#include "common/process.hpp"

using namespace runhub;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view key = "config-sources-key";

std::string temp_path(const std::string& name) {
    return ::testing::TempDir() + "/runhub-" + name + "-" + std::to_string(::getpid());
}

// The value after `label` on the sandbox's listing for `vendor` ("  zof  https://…").
struct vendor_listing {
    std::string base_url, token, project_id;
};

vendor_listing read_listing(const std::string& out, const std::string& vendor) {
    vendor_listing v;
    std::istringstream in(out);
    std::string line;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line.rfind("  " + vendor + "  ", 0) == 0) {
            inside = true;
            v.base_url = line.substr(vendor.size() + 4);
        } else if (inside && line.find("credential: Authorization: Bearer ") != std::string::npos) {
            v.token = line.substr(line.find("Bearer ") + 7);
        } else if (inside && line.find("scope:") != std::string::npos) {
            auto at = line.find("project_id=");
            if (at != std::string::npos) {
                v.project_id = line.substr(at + 11);
                v.project_id = v.project_id.substr(0, v.project_id.find(' '));
            }
            inside = false;
        }
    }
    return v;
}

}  // namespace

TEST(ConfigSources, TwoSourcesOfOneVendorWithSecretsFromEnvAndFileAndVerifiedTls) {
    const std::string ca = temp_path("cfg-ca.pem");
    test::child_process sandbox({RUNHUB_BINARY, "sandbox", "--port-base", "0", "--tls", "--ca-out",
                                 ca, "--log-level", "warn"});
    ASSERT_TRUE(sandbox.wait_for_output("ready", 30s)) << sandbox.err();
    auto zof = read_listing(sandbox.out(), "zof");
    ASSERT_FALSE(zof.base_url.empty() || zof.token.empty() || zof.project_id.empty())
        << sandbox.out();

    const std::string token_file = temp_path("zof-token");
    { std::ofstream(token_file) << zof.token << "\n"; }
    const std::string config = temp_path("cfg.json");
    {
        std::ofstream out(config);
        out << R"({
          "api_keys": [{"name": "t", "key": {"env": "T_KEY"}, "scopes": ["runs:read"]}],
          "sources": [
            {"name": "zof-one", "vendor": "zof", "base_url": ")"
            << zof.base_url << R"(", "credential": {"env": "T_ZOF_TOKEN"},
             "scope": {"project_id": ")"
            << zof.project_id << R"("}, "ca_file": ")" << ca << R"("},
            {"name": "zof-all", "vendor": "zof", "base_url": ")"
            << zof.base_url << R"(", "credential": {"file": ")" << token_file << R"("},
             "ca_file": ")"
            << ca << R"("},
            {"name": "zof-badkey", "vendor": "zof", "base_url": ")"
            << zof.base_url << R"(", "credential": {"env": "T_WRONG"}, "ca_file": ")" << ca
            << R"("},
            {"name": "zof-untrusted", "vendor": "zof", "base_url": ")"
            << zof.base_url << R"(", "credential": {"env": "T_ZOF_TOKEN"}}
          ]})";
    }
    test::child_process serve(
        {RUNHUB_BINARY, "serve", "--config", config, "--listen", "127.0.0.1:0", "--threads", "2"},
        {"T_KEY=" + std::string(key), "T_ZOF_TOKEN=" + zof.token, "T_WRONG=not-the-token"});
    auto port_text = serve.wait_for_output("listening on 127.0.0.1:", 30s);
    ASSERT_TRUE(port_text) << serve.err();
    test::http_client c(static_cast<std::uint16_t>(std::stoi(*port_text)));
    auto get = [&](const std::string& target) {
        auto r =
            c.request("GET", target, {{"Authorization", "Bearer " + std::string(key)}}, "", 30s);
        EXPECT_EQ(r.status, 200) << target << " " << r.body;
        return boost::json::parse(r.body);
    };

    auto sources = get("/v1/sources").at("data").as_array();
    ASSERT_EQ(sources.size(), 4u);
    for (const auto& s : sources) EXPECT_EQ(s.at("vendor"), "zof");

    auto page = get("/v1/runs?limit=200");
    std::map<std::string, std::string> status;
    for (const auto& s : page.at("sources").as_array())
        status[std::string(s.at("name").as_string())] =
            std::string(s.at("status").as_string()) +
            (s.as_object().contains("error")
                 ? "/" + std::string(s.at("error").at("kind").as_string())
                 : "");
    EXPECT_EQ(status["zof-one"], "ok");
    EXPECT_EQ(status["zof-all"], "ok");
    EXPECT_EQ(status["zof-badkey"], "error/client");  // the vendor refused the token
    EXPECT_EQ(status["zof-untrusted"], "error/tls");  // no CA given: the system's do not know it

    // Each run once per source, under that source's name; the project-scoped one sees fewer.
    std::map<std::string, int> count;
    for (const auto& r : page.at("data").as_array()) {
        std::string src(r.at("source").as_string());
        ++count[src];
        EXPECT_EQ(std::string(r.at("id").as_string()).rfind(src + ":", 0), 0u);
    }
    EXPECT_GT(count["zof-one"], 0);
    EXPECT_GT(count["zof-all"], 0);
    auto walk = [&](const std::string& source) {
        std::size_t n = 0;
        std::string cursor;
        for (int i = 0; i < 50; ++i) {
            auto body = get("/v1/runs?limit=200&source=" + source +
                            (cursor.empty() ? "" : "&cursor=" + cursor));
            n += body.at("data").as_array().size();
            if (body.at("next_cursor").is_null()) break;
            cursor = std::string(body.at("next_cursor").as_string());
        }
        return n;
    };
    EXPECT_LT(walk("zof-one"), walk("zof-all"));

    // No secret reaches the logs; where each came from does.
    for (const auto& text : {serve.out(), serve.err()}) {
        EXPECT_EQ(text.find(zof.token), std::string::npos);
        EXPECT_EQ(text.find(key), std::string::npos);
    }
    EXPECT_NE(serve.err().find("credential from file " + token_file), std::string::npos)
        << serve.err();

    serve.signal(SIGTERM);
    EXPECT_EQ(serve.wait(20s), 0) << serve.err();
    sandbox.signal(SIGTERM);
    EXPECT_EQ(sandbox.wait(20s), 0) << sandbox.err();
    for (const auto& f : {ca, token_file, config}) std::remove(f.c_str());
}

TEST(ConfigSources, CheckReportsVendorScopeAndKeyProblems) {
    const std::string config = temp_path("cfg-bad.json");
    {
        std::ofstream(config) << R"({
          "sources": [
            {"name": "bk", "vendor": "buildkite", "base_url": "https://api.buildkite.com",
             "credential": {"env": "T_TOKEN"}, "scope": {"org": "acme", "project_id": "x"}},
            {"name": "q", "vendor": "qwerty", "base_url": "https://q.example.com",
             "credential": {"env": "T_TOKEN"}}
          ],
          "api_keys": [{"name": "k", "key": {"env": "T_TOKEN"}, "scopes": ["runs:read"],
                        "sources": ["bk", "nosuch"]}]
        })";
    }
    auto [code, out] = test::run_process({"/usr/bin/env", "T_TOKEN=some-secret-token",
                                          RUNHUB_BINARY, "serve", "--config", config, "--check"});
    EXPECT_EQ(code, 2) << out;
    for (const char* expected : {"sources[0].scope.suite: is required for buildkite",
                                 "sources[0].scope.project_id: is not a buildkite scope id",
                                 "sources[1].vendor: unknown vendor 'qwerty'",
                                 "api_keys[0].sources: no source is named "
                                 "'nosuch'"})
        EXPECT_NE(out.find(expected), std::string::npos) << expected << "\n" << out;
    EXPECT_EQ(out.find("some-secret-token"), std::string::npos);
    std::remove(config.c_str());
}

// --sandbox adds its own key named "sandbox" (every source): a configured key of that name
// would share its identity (cursors, kept list answers), so it is refused.
TEST(ConfigSources, CheckRefusesAKeyNamedSandboxWithSandbox) {
    const std::string config = temp_path("cfg-sandbox-key.json");
    {
        std::ofstream(config) << R"({"api_keys": [{"name": "sandbox", "key": {"env": "T_TOKEN"},
                                     "scopes": ["runs:read"], "sources": ["zof"]}]})";
    }
    auto [code, out] =
        test::run_process({"/usr/bin/env", "T_TOKEN=some-secret-token", RUNHUB_BINARY, "serve",
                           "--config", config, "--sandbox", "--check"});
    EXPECT_EQ(code, 2) << out;
    EXPECT_NE(out.find("api_keys[0].name"), std::string::npos) << out;
    auto [plain_code, plain_out] =
        test::run_process({"/usr/bin/env", "T_TOKEN=some-secret-token", RUNHUB_BINARY, "serve",
                           "--config", config, "--check"});
    EXPECT_EQ(plain_code, 2) << "without --sandbox the key's source zof does not exist\n"
                             << plain_out;
    EXPECT_EQ(plain_out.find("api_keys[0].name"), std::string::npos) << plain_out;
    std::remove(config.c_str());
}
