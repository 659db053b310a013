#include "config/config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "config/listen_address.hpp"

using namespace runhub::config;

namespace {
std::vector<std::string> paths(const load_result& r) {
    std::vector<std::string> out;
    for (const auto& p : r.problems) out.push_back(p.path);
    return out;
}
}  // namespace

TEST(Config, EmptyObjectGivesDefaults) {
    auto r = parse_config("{}");
    EXPECT_TRUE(r.problems.empty());
    EXPECT_EQ(r.config.listen, "127.0.0.1:8080");
    EXPECT_EQ(r.config.server.max_body_bytes, 1024u * 1024u);
    EXPECT_EQ(r.config.server.header_timeout, std::chrono::seconds(10));
    EXPECT_EQ(r.config.server.idle_timeout, std::chrono::seconds(60));
    EXPECT_EQ(r.config.server.drain_timeout, std::chrono::seconds(10));
}

TEST(Config, CommentsAndTrailingCommasAreAllowed) {
    auto r = parse_config(R"({
        // the facade
        "listen": "0.0.0.0:9000", /* all interfaces */
        "server": {"max_body_bytes": 2048, "idle_timeout_ms": 5000,},
    })");
    ASSERT_TRUE(r.problems.empty()) << r.problems[0].path << ": " << r.problems[0].message;
    EXPECT_EQ(r.config.listen, "0.0.0.0:9000");
    EXPECT_EQ(r.config.server.max_body_bytes, 2048u);
    EXPECT_EQ(r.config.server.idle_timeout, std::chrono::seconds(5));
}

TEST(Config, EveryProblemIsReportedWithItsKeyPath) {
    auto r = parse_config(R"({
        "listen": "localhost",
        "threads": -1,
        "log_level": "loud",
        "lisen": "typo",
        "server": {"max_body_bytes": "big", "idle_timeout_ms": 0, "access_log": 1, "extra": 1}
    })");
    auto p = paths(r);
    for (const char* expected : {"listen", "threads", "log_level", "lisen", "server.max_body_bytes",
                                 "server.idle_timeout_ms", "server.access_log", "server.extra"}) {
        EXPECT_NE(std::find(p.begin(), p.end(), expected), p.end()) << "missing " << expected;
    }
    EXPECT_EQ(p.size(), 8u);
}

TEST(Config, WrongShapes) {
    EXPECT_EQ(paths(parse_config("[1,2]")), std::vector<std::string>{""});
    EXPECT_EQ(paths(parse_config("{not json")), std::vector<std::string>{""});
    EXPECT_EQ(paths(parse_config(R"({"server": 5})")), std::vector<std::string>{"server"});
    EXPECT_EQ(paths(parse_config(R"({"threads": 1.5})")), std::vector<std::string>{"threads"});
    EXPECT_EQ(paths(parse_config(R"({"threads": 99999999999999999999})")),
              std::vector<std::string>{"threads"});
}

TEST(Config, MissingFileIsOneProblem) {
    auto r = load_config_file("/nonexistent/runhub.json");
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_NE(r.problems[0].message.find("cannot read"), std::string::npos);
}

TEST(ListenAddress, Parses) {
    auto a = parse_listen_address("127.0.0.1:8080");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 8080);
    auto b = parse_listen_address("[::1]:0");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->host, "::1");
    EXPECT_EQ(b->port, 0);
    for (const char* bad : {"", ":80", "localhost:80", "1.2.3.4", "1.2.3.4:", "1.2.3.4:65536",
                            "1.2.3.4:8o", "[::1:80", "::1:80x"}) {
        EXPECT_FALSE(parse_listen_address(bad)) << bad;
    }
}

namespace {
std::optional<std::string> fake_env(std::string_view name) {
    if (name == "ZOF_TOKEN") return "zof-secret-token";
    if (name == "DASH_KEY") return "dashboard-key-123";
    if (name == "EMPTY") return "";
    return std::nullopt;
}
std::string messages(const load_result& r) {
    std::string out;
    for (const auto& p : r.problems) out += p.path + ": " + p.message + "\n";
    return out;
}
}  // namespace

TEST(ConfigSources, ReadWithSecretsFromEnvAndFile) {
    std::string file = ::testing::TempDir() + "/runhub-secret-test";
    {
        std::ofstream out(file);
        out << "file-secret-value\n";
    }
    auto r = parse_config(R"({
        "api": {"request_timeout_ms": 1500, "cursor_key": {"file": ")" +
                              file + R"("}},
        "sources": [
          {"name": "zof", "vendor": "zof", "base_url": "https://api.zof.ai/",
           "credential": {"env": "ZOF_TOKEN"}, "scope": {"project_id": "p1"},
           "timeout_ms": 900, "ca_file": "/etc/ca.pem",
           "circuit": {"failure_threshold": 3, "open_ms": 2000}},
          {"name": "zof-local", "vendor": "zof", "base_url": "http://127.0.0.1:9000",
           "credential": {"file": ")" +
                              file + R"("}}
        ],
        "api_keys": [{"name": "dash", "key": {"env": "DASH_KEY"}, "scopes": ["runs:read"],
                      "sources": ["zof"]},
                     {"name": "bot", "key": {"env": "ZOF_TOKEN"},
                      "scopes": ["runs:read", "runs:write"]}]
    })",
                          fake_env);
    ASSERT_TRUE(r.problems.empty()) << messages(r);
    const auto& c = r.config;
    EXPECT_EQ(c.api.request_timeout, std::chrono::milliseconds(1500));
    ASSERT_TRUE(c.api.cursor_key);
    EXPECT_EQ(c.api.cursor_key->value, "file-secret-value");  // trailing newline dropped
    ASSERT_EQ(c.sources.size(), 2u);
    EXPECT_EQ(c.sources[0].base_url, "https://api.zof.ai");  // trailing slash dropped
    EXPECT_EQ(c.sources[0].credential.value, "zof-secret-token");
    EXPECT_EQ(c.sources[0].credential.origin, "env ZOF_TOKEN");
    EXPECT_EQ(c.sources[0].scope.at("project_id"), "p1");
    EXPECT_EQ(c.sources[0].timeout, std::chrono::milliseconds(900));
    EXPECT_EQ(c.sources[0].circuit.failure_threshold, 3);
    EXPECT_EQ(c.sources[0].circuit.open_for, std::chrono::milliseconds(2000));
    EXPECT_EQ(c.sources[1].credential.value, "file-secret-value");
    EXPECT_EQ(c.sources[1].timeout, std::chrono::milliseconds(10'000));
    ASSERT_EQ(c.api_keys.size(), 2u);
    ASSERT_TRUE(c.api_keys[0].sources);
    EXPECT_EQ(*c.api_keys[0].sources, std::vector<std::string>{"zof"});
    EXPECT_FALSE(c.api_keys[1].sources);
    EXPECT_EQ(c.api_keys[1].scopes.size(), 2u);
    std::remove(file.c_str());
}

TEST(ConfigSources, EveryProblemHasItsPathAndNoSecretIsPrinted) {
    auto r = parse_config(R"({
        "api": {"cursor_key": "inline-cursor-key-value", "request_timeout_ms": 5},
        "sources": [
          {"name": "Zof!", "vendor": "zof", "base_url": "ftp://x", "credential": "inline-token"},
          {"name": "a", "base_url": "http://vendor.example.com", "credential": {"env": "NOPE"}},
          {"name": "a", "vendor": "zof", "base_url": "https://x", "credential": {"env": "EMPTY"},
           "scope": {"project_id": 5}, "extra": 1},
          {"name": "b", "vendor": "zof", "base_url": "https://x",
           "credential": {"file": "/nonexistent/secret"}},
          7
        ],
        "api_keys": [{"name": "k", "key": {"env": "ZOF_TOKEN"}, "scopes": ["runs:admin"]},
                     {"key": {"env": "DASH_KEY"}}]
    })",
                          fake_env);
    auto text = messages(r);
    for (const char* expected :
         {"api.cursor_key: secrets are never written inline", "api.request_timeout_ms:",
          "sources[0].name:", "sources[0].base_url:", "sources[0].credential: secrets are never",
          "sources[1].vendor: is required", "sources[1].base_url: plain http is allowed only",
          "sources[1].credential: environment variable NOPE is not set",
          "sources[2].credential: environment variable EMPTY is empty",
          "sources[2].scope:", "sources[2].extra: unknown key",
          "sources[3].credential: cannot read /nonexistent", "sources[4]: must be an object",
          "sources[2].name: 'a' is used twice", "api_keys[0].scopes: unknown scope 'runs:admin'",
          "api_keys[1].name: is required", "api_keys[1].scopes: is required"})
        EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n"
                                                          << text;
    // Secret values never appear in problems, even the inline ones.
    for (const char* secret : {"inline-token", "inline-cursor-key-value", "zof-secret-token"})
        EXPECT_EQ(text.find(secret), std::string::npos) << secret;
}
