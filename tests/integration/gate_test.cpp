// `runhub gate` run as a process, as a CI job runs it, against `runhub serve --sandbox` (Zof runs
// whose lifecycle the sandbox clock moves along): one test per exit code, the JUnit file, the
// gates, the default Idempotency-Key of a CI job, and a facade restarting while the gate waits.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "common/sandboxed_facade.hpp"
#include "common/server_harness.hpp"
#include "http/router.hpp"

using namespace runhub;
using namespace std::chrono_literals;

namespace {

constexpr const char* gate_key = "gate-test-key-0123456789";

struct facade : test::sandboxed_facade {
    facade()
        : test::sandboxed_facade(gate_key, {}, {},
                                 std::string("{") + test::no_cache_settings + "}") {}

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
    std::string zof_target() const {
        auto info = boost::json::parse(
            test::sandbox_request(ca_file(), "GET", vendor_base("zof") + "/_sandbox/info").body);
        return R"({"project_id":")" + std::string(info.at("scope").at("project_id").as_string()) +
               R"(","environment":"staging","test_case_ids":["tc_a"]})";
    }
    // Moves the sandbox clock on, so triggered runs end now instead of in 10 s.
    void advance_clock() const {
        auto r = test::sandbox_request(ca_file(), "POST", vendor_base("zof") + "/_sandbox/clock",
                                       R"({"advance_ms": 60000})");
        EXPECT_EQ(r.status, 200) << r.body;
    }
    // POST with the key; the parsed answer.
    boost::json::value post(const std::string& target, const std::string& body, int expect) {
        test::http_client c(port());
        auto r = c.request("POST", target,
                           {{"Authorization", std::string("Bearer ") + gate_key},
                            {"Content-Type", "application/json"}},
                           body, 30s);
        EXPECT_EQ(r.status, expect) << target << " " << r.body;
        return boost::json::parse(r.body);
    }
    // A seeded Zof run that stays running until canceled.
    std::string running_run() {
        auto page = get("/v1/runs?source=zof&status=running&limit=1");
        return std::string(page.at("data").at(0).at("id").as_string());
    }
    boost::json::value get(const std::string& target) {
        test::http_client c(port());
        return get_json(c, target, 200);
    }
};

std::vector<std::string> gate_argv(std::vector<std::string> args) {
    std::vector<std::string> argv{RUNHUB_BINARY, "gate"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

struct gate_result {
    int code = -1;
    std::string out, err;
};

// Runs `runhub gate ARGS` to its end with RUNHUB_API_KEY=`key` (none when empty).
gate_result gate(std::vector<std::string> args, std::string key = gate_key,
                 std::vector<std::string> env = {}, std::chrono::milliseconds timeout = 90s) {
    if (!key.empty()) env.push_back("RUNHUB_API_KEY=" + key);
    test::child_process p(gate_argv(std::move(args)), std::move(env));
    auto code = p.wait(timeout);
    return {code.value_or(-1), p.out(), p.err()};
}

// The run id of a gate's "started zof:… on zof" line.
std::string started_id(const test::child_process& p) {
    auto line = p.wait_for_output(" started ", 60s);
    if (!line) return "";
    return line->substr(0, line->find(' '));
}

std::string temp_path(const std::string& name) {
    return ::testing::TempDir() + "/runhub-gate-" + name + "-" + std::to_string(::getpid());
}

// The JUnit file as Python's XML parser reads it (so it is well-formed XML):
// {"tag", "attrib", "cases": [{"name", "failure", "error"}]}.
boost::json::value read_junit(const std::string& path) {
    const std::string script = R"(
import sys, json, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
def msg(c, t):
    e = c.find(t)
    return None if e is None else e.get("message")
print(json.dumps({"tag": r.tag, "attrib": r.attrib, "cases": [
    {"name": c.get("name"), "failure": msg(c, "failure"), "error": msg(c, "error")}
    for c in r.iter("testcase")]}))
)";
    const std::string python =
        std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    auto [code, out] = test::run_process({python, "-c", script, path});
    EXPECT_EQ(code, 0) << out;
    boost::system::error_code ec;
    auto v = boost::json::parse(out, ec);
    EXPECT_FALSE(ec) << out;
    return v;
}

long long attr(const boost::json::value& junit, const char* name) {
    return std::stoll(std::string(junit.at("attrib").at(name).as_string()));
}

std::uint16_t unused_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

}  // namespace

// Exit 0: the gate starts the run, prints its status changes, and on its passing end writes a
// well-formed JUnit file; --min-tests fails a passing run with too few tests.
TEST(Gate, PassedRunExitsZeroWithJUnitAndMinTests) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::set_faults(f, "zof", R"({"outcome": "passed"})");
    const std::string junit = temp_path("passed.xml");
    test::child_process p(
        gate_argv({"--url", f.url(), "--source", "zof", "--target", f.zof_target(), "--junit",
                   junit, "--min-tests", "1", "--poll", "200ms", "--timeout", "2m",
                   "--idempotency-key", "gate-test-passed"}),
        {std::string("RUNHUB_API_KEY=") + gate_key});
    const std::string id = started_id(p);
    ASSERT_FALSE(id.empty()) << p.out() << p.err();
    ASSERT_TRUE(p.wait_for_output(id + " queued", 30s)) << p.out();
    f.advance_clock();
    ASSERT_EQ(p.wait(60s), 0) << p.out() << p.err();
    EXPECT_NE(p.out().find(id + " passed (1/1 passed)"), std::string::npos) << p.out();
    // One line per status change, not one per poll.
    std::istringstream lines(p.out());
    int queued_lines = 0;
    for (std::string l; std::getline(lines, l);)
        if (l.find(id + " queued") != std::string::npos) ++queued_lines;
    EXPECT_EQ(queued_lines, 1) << p.out();

    auto x = read_junit(junit);
    EXPECT_EQ(x.at("tag"), "testsuite");
    EXPECT_EQ(x.at("attrib").at("name"), boost::json::value(id));
    EXPECT_EQ(attr(x, "tests"), 1);
    EXPECT_EQ(attr(x, "failures"), 0);
    EXPECT_EQ(attr(x, "errors"), 0);
    EXPECT_TRUE(x.at("cases").as_array().empty());
    std::remove(junit.c_str());

    // The same run watched with --run: --min-tests above what ran trips the gate.
    auto tripped = gate({"--url", f.url(), "--run", id, "--min-tests", "2"});
    EXPECT_EQ(tripped.code, 1) << tripped.out << tripped.err;
    EXPECT_NE(tripped.err.find("--min-tests 2: only 1 tests ran"), std::string::npos)
        << tripped.err;
    auto held = gate({"--url", f.url(), "--run", id, "--min-tests", "1"});
    EXPECT_EQ(held.code, 0) << held.out << held.err;
}

// Exit 1: a failed run; the JUnit file lists its failure with the vendor's message (escaped and
// read back intact); --max-failures tolerates up to N failed tests and fails above.
TEST(Gate, FailedRunExitsOneWithFailuresInJUnitAndMaxFailures) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    test::set_faults(f, "zof", R"({"outcome": "failed"})");
    const std::string junit = temp_path("failed.xml");
    test::child_process p(
        gate_argv({"--url", f.url(), "--source", "zof", "--target", f.zof_target(), "--junit",
                   junit, "--poll", "200ms", "--idempotency-key", "gate-test-failed"}),
        {std::string("RUNHUB_API_KEY=") + gate_key});
    const std::string id = started_id(p);
    ASSERT_FALSE(id.empty()) << p.out() << p.err();
    ASSERT_TRUE(p.wait_for_output(id + " queued", 30s)) << p.out();
    f.advance_clock();
    ASSERT_EQ(p.wait(60s), 1) << p.out() << p.err();
    EXPECT_NE(p.out().find(id + " failed"), std::string::npos) << p.out();

    auto failures = f.get("/v1/runs/" + id + "/failures").at("data").as_array();
    ASSERT_EQ(failures.size(), 1u);
    const std::string message(failures[0].at("message").as_string());
    EXPECT_NE(p.out().find("FAILED " + std::string(failures[0].at("name").as_string())),
              std::string::npos)
        << p.out();

    auto x = read_junit(junit);
    EXPECT_EQ(attr(x, "tests"), 1);
    EXPECT_EQ(attr(x, "failures"), 1);
    ASSERT_EQ(x.at("cases").as_array().size(), 1u);
    EXPECT_EQ(x.at("cases").at(0).at("name"), failures[0].at("name"));
    EXPECT_EQ(x.at("cases").at(0).at("failure"), boost::json::value(message));
    std::remove(junit.c_str());

    auto strict = gate({"--url", f.url(), "--run", id, "--max-failures", "0"});
    EXPECT_EQ(strict.code, 1) << strict.out << strict.err;
    EXPECT_NE(strict.err.find("--max-failures 0: 1 tests failed"), std::string::npos) << strict.err;
    auto tolerant = gate({"--url", f.url(), "--run", id, "--max-failures", "1"});
    EXPECT_EQ(tolerant.code, 0) << tolerant.out << tolerant.err;
}

// Exit 2: the run is canceled through the API while the gate waits on it.
TEST(Gate, RunCanceledWhileWaitingExitsTwo) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    const std::string id = f.running_run();
    const std::string junit = temp_path("canceled.xml");
    test::child_process p(
        gate_argv({"--url", f.url(), "--run", id, "--poll", "200ms", "--junit", junit}),
        {std::string("RUNHUB_API_KEY=") + gate_key});
    ASSERT_TRUE(p.wait_for_output(id + " running", 30s)) << p.out() << p.err();
    EXPECT_EQ(p.wait(1s), std::nullopt) << "the gate ended before the run did: " << p.out();
    f.post("/v1/runs/" + id + "/cancel", "", 200);
    ASSERT_EQ(p.wait(30s), 2) << p.out() << p.err();
    EXPECT_NE(p.out().find(id + " canceled"), std::string::npos) << p.out();
    auto x = read_junit(junit);
    EXPECT_EQ(attr(x, "errors"), 1);  // a canceled run is no green report
    std::remove(junit.c_str());
}

// Exit 3: --timeout passes while the run still goes; it is left running, unless
// --cancel-on-timeout, which cancels it.
TEST(Gate, TimeoutExitsThreeAndCancelsOnlyWhenAsked) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    const std::string id = f.running_run();
    auto left = gate({"--url", f.url(), "--run", id, "--timeout", "2s", "--poll", "200ms"});
    EXPECT_EQ(left.code, 3) << left.out << left.err;
    EXPECT_NE(left.err.find("left running"), std::string::npos) << left.err;
    EXPECT_FALSE(f.get("/v1/runs/" + id).at("terminal").as_bool());

    auto canceled = gate({"--url", f.url(), "--run", id, "--timeout", "2s", "--poll", "200ms",
                          "--cancel-on-timeout"});
    EXPECT_EQ(canceled.code, 3) << canceled.out << canceled.err;
    EXPECT_NE(canceled.out.find("canceled by --cancel-on-timeout"), std::string::npos)
        << canceled.out << canceled.err;
    auto run = f.get("/v1/runs/" + id);
    EXPECT_EQ(run.at("status"), "canceled");
    EXPECT_TRUE(run.at("terminal").as_bool());
}

// Exit 4: bad flags, a bad target, a wrong key, a target runhub rejects, a vendor that cannot
// start runs. The key file wins over RUNHUB_API_KEY and may end with a newline.
TEST(Gate, UsageAuthAndConfigErrorsExitFour) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    const std::string url = f.url();
    const std::string target = f.zof_target();
    struct usage_case {
        std::vector<std::string> args;
        std::string says;
    };
    for (const auto& u : std::vector<usage_case>{
             {{"--url", url, "--bogus"}, "--bogus"},
             {{"--source", "zof", "--target", target}, "--url is required"},
             {{"--url", url, "--source", "zof", "--target", "{nope"}, "--target is not JSON"},
             {{"--url", url, "--source", "zof", "--target", "[1]"},
              "--target must be a JSON object"},
             {{"--url", url, "--source", "zof"}, "give --source and --target"},
             {{"--url", url, "--run", "zof:x", "--source", "zof", "--target", target}, "not both"},
             {{"--url", url, "--run", "zof:x", "--timeout", "5x"}, "--timeout must be a duration"},
             {{"--url", "ftp://x", "--run", "zof:x"}, "--url must be http(s)"},
             {{"--url", url, "--run", "zof:x", "--max-failures", "many"}, "--max-failures"},
         }) {
        auto g = gate(u.args);
        EXPECT_EQ(g.code, 4) << g.out << g.err;
        EXPECT_NE((g.out + g.err).find(u.says), std::string::npos) << u.says << ": " << g.err;
    }
    auto no_key = gate({"--url", url, "--run", "zof:x"}, "");
    EXPECT_EQ(no_key.code, 4) << no_key.err;
    EXPECT_NE(no_key.err.find("no API key"), std::string::npos) << no_key.err;

    auto wrong = gate({"--url", url, "--source", "zof", "--target", target}, "not-the-right-key");
    EXPECT_EQ(wrong.code, 4) << wrong.out << wrong.err;
    EXPECT_NE(wrong.err.find("refused the API key (HTTP 401"), std::string::npos) << wrong.err;

    auto invalid =
        gate({"--url", url, "--source", "zof", "--target", R"({"test_case_ids":["a"]})"});
    EXPECT_EQ(invalid.code, 4) << invalid.out << invalid.err;
    EXPECT_NE(invalid.err.find("HTTP 400"), std::string::npos) << invalid.err;
    EXPECT_NE(invalid.err.find("target.environment"), std::string::npos) << invalid.err;

    // The right key from a file (with the newline an editor leaves) beats a wrong one in the
    // environment; Buildkite Test Engine cannot start runs: 501.
    const std::string key_file = temp_path("key");
    std::ofstream(key_file) << gate_key << "\n";
    auto buildkite =
        gate({"--url", url, "--api-key-file", key_file, "--source", "buildkite", "--target", "{}"},
             "not-the-right-key");
    EXPECT_EQ(buildkite.code, 4) << buildkite.out << buildkite.err;
    EXPECT_NE(buildkite.err.find("HTTP 501"), std::string::npos) << buildkite.err;
    std::remove(key_file.c_str());

    auto unknown = gate({"--url", url, "--run", "zof:no-such-run"});
    EXPECT_EQ(unknown.code, 4) << unknown.out << unknown.err;
}

// Exit 5: nothing listens at --url (within --timeout, or within --retry-for under a long
// timeout), or runhub answers 502 because the vendor keeps failing.
TEST(Gate, UnreachableRunhubOrVendorExitsFive) {
    const std::string nowhere = "http://127.0.0.1:" + std::to_string(unused_port());
    auto begun = std::chrono::steady_clock::now();
    auto short_timeout =
        gate({"--url", nowhere, "--source", "zof", "--target", "{}", "--timeout", "2s"});
    EXPECT_EQ(short_timeout.code, 5) << short_timeout.out << short_timeout.err;
    EXPECT_NE(short_timeout.err.find("network"), std::string::npos) << short_timeout.err;
    EXPECT_LT(std::chrono::steady_clock::now() - begun, 15s);

    begun = std::chrono::steady_clock::now();
    auto budget = gate({"--url", nowhere, "--run", "zof:x", "--retry-for", "2s"});
    EXPECT_EQ(budget.code, 5) << budget.out << budget.err;
    EXPECT_LT(std::chrono::steady_clock::now() - begun, 15s);

    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    const std::string target = f.zof_target();
    test::set_faults(f, "zof", R"({"error_rate": 1.0})");
    auto vendor_down =
        gate({"--url", f.url(), "--source", "zof", "--target", target, "--retry-for", "3s"});
    EXPECT_EQ(vendor_down.code, 5) << vendor_down.out << vendor_down.err;
    EXPECT_NE(vendor_down.err.find("HTTP 502"), std::string::npos) << vendor_down.err;
}

// In a CI job the default Idempotency-Key comes from the job's id: the step run again starts no
// second run, while another attempt of the job starts its own.
TEST(Gate, DefaultIdempotencyKeyFromTheCiJobReplaysTheRun) {
    facade f;
    ASSERT_NE(f.port(), 0) << f.process().err();
    const std::vector<std::string> args{"--url",    f.url(),        "--source",  "zof",
                                        "--target", f.zof_target(), "--timeout", "3s",
                                        "--poll",   "200ms"};
    const std::vector<std::string> job{"GITHUB_RUN_ID=4242", "GITHUB_RUN_ATTEMPT=1",
                                       "GITHUB_JOB=e2e"};
    auto first = gate(args, gate_key, job);
    ASSERT_EQ(first.code, 3) << first.out << first.err;
    auto again = gate(args, gate_key, job);
    ASSERT_EQ(again.code, 3) << again.out << again.err;
    auto id_of = [](const std::string& out, const std::string& verb) {
        auto at = out.find(" " + verb + " ");
        if (at == std::string::npos) return std::string();
        auto id = out.substr(at + verb.size() + 2);
        return id.substr(0, id.find(' '));
    };
    const std::string id = id_of(first.out, "started");
    ASSERT_FALSE(id.empty()) << first.out;
    EXPECT_NE(first.out.find("Idempotency-Key gate:zof:github:4242:1:e2e:"), std::string::npos)
        << first.out;
    EXPECT_EQ(id_of(again.out, "resumed"), id) << again.out;

    auto other_attempt =
        gate(args, gate_key, {"GITHUB_RUN_ID=4242", "GITHUB_RUN_ATTEMPT=2", "GITHUB_JOB=e2e"});
    ASSERT_EQ(other_attempt.code, 3) << other_attempt.out << other_attempt.err;
    const std::string other = id_of(other_attempt.out, "started");
    EXPECT_FALSE(other.empty()) << other_attempt.out;
    EXPECT_NE(other, id);
}

// The facade restarts (same port) while the gate waits: the gate reports the outage, keeps
// trying with backoff, and ends with the run's outcome once runhub is back. The vendors are a
// separate `runhub sandbox`, so the run outlives the facade.
TEST(Gate, SurvivesTheFacadeRestartingWhileItWaits) {
    const std::string ca = temp_path("restart-ca.pem");
    test::child_process sandbox({RUNHUB_BINARY, "sandbox", "--port-base", "0", "--tls", "--ca-out",
                                 ca, "--log-level", "warn"});
    ASSERT_TRUE(sandbox.wait_for_output("ready", 30s)) << sandbox.err();
    std::string zof_base, zof_token;
    {
        std::istringstream in(sandbox.out());
        bool inside = false;
        for (std::string line; std::getline(in, line);) {
            if (line.rfind("  zof  ", 0) == 0) {
                zof_base = line.substr(7);
                inside = true;
            } else if (inside && line.find("Bearer ") != std::string::npos) {
                zof_token = line.substr(line.find("Bearer ") + 7);
                inside = false;
            }
        }
    }
    ASSERT_FALSE(zof_base.empty() || zof_token.empty()) << sandbox.out();
    auto info =
        boost::json::parse(test::sandbox_request(ca, "GET", zof_base + "/_sandbox/info").body);
    const std::string project(info.at("scope").at("project_id").as_string());
    ASSERT_EQ(
        test::sandbox_request(ca, "POST", zof_base + "/_sandbox/faults", R"({"outcome": "passed"})")
            .status,
        200);

    const std::string config = test::write_temp_config(
        R"({"api_keys": [{"name": "ci", "key": {"env": "T_KEY"},
                          "scopes": ["runs:read", "runs:write"]}],
            "sources": [{"name": "zof", "vendor": "zof", "base_url": ")" +
        zof_base + R"(", "credential": {"env": "T_ZOF_TOKEN"}, "ca_file": ")" + ca + R"("}],
            )" +
        test::no_cache_settings + "}");
    const std::string listen = "127.0.0.1:" + std::to_string(unused_port());
    const std::vector<std::string> serve_argv{RUNHUB_BINARY, "serve", "--config",  config,
                                              "--listen",    listen,  "--threads", "1"};
    const std::vector<std::string> serve_env{std::string("T_KEY=") + gate_key,
                                             "T_ZOF_TOKEN=" + zof_token};
    auto serve = std::make_unique<test::child_process>(serve_argv, serve_env);
    ASSERT_TRUE(serve->wait_for_output("listening on " + listen, 30s)) << serve->err();

    const std::string target =
        R"({"project_id":")" + project + R"(","environment":"staging","test_case_ids":["tc_a"]})";
    test::child_process p(
        gate_argv({"--url", "http://" + listen, "--source", "zof", "--target", target, "--poll",
                   "200ms", "--timeout", "3m", "--idempotency-key", "gate-test-restart"}),
        {std::string("RUNHUB_API_KEY=") + gate_key});
    const std::string id = started_id(p);
    ASSERT_FALSE(id.empty()) << p.out() << p.err();
    ASSERT_TRUE(p.wait_for_output(id + " queued", 30s)) << p.out();

    serve->signal(SIGTERM);
    ASSERT_EQ(serve->wait(30s), 0) << serve->err();
    serve.reset();
    // The gate notices, says so once, and keeps waiting.
    ASSERT_TRUE(p.wait_for_output("trying again", 30s)) << p.out() << p.err();
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(p.wait(0ms), std::nullopt) << "the gate gave up: " << p.out() << p.err();

    serve = std::make_unique<test::child_process>(serve_argv, serve_env);
    ASSERT_TRUE(serve->wait_for_output("listening on " + listen, 30s)) << serve->err();
    ASSERT_EQ(
        test::sandbox_request(ca, "POST", zof_base + "/_sandbox/clock", R"({"advance_ms": 60000})")
            .status,
        200);
    ASSERT_EQ(p.wait(60s), 0) << p.out() << p.err();
    EXPECT_NE(p.out().find("runhub answers again"), std::string::npos) << p.out();
    EXPECT_NE(p.out().find(id + " passed"), std::string::npos) << p.out();
    EXPECT_EQ(p.err().find("trying again"), p.err().rfind("trying again")) << p.err();

    serve->signal(SIGTERM);
    EXPECT_EQ(serve->wait(30s), 0) << serve->err();
    sandbox.signal(SIGTERM);
    EXPECT_EQ(sandbox.wait(20s), 0);
    std::remove(config.c_str());
    std::remove(ca.c_str());
}

// Against a runhub that does not long-poll (it answers at once, status unchanged) the gate asks
// at most once per --poll and prints no line for an unchanged status; it asks with ?wait= and
// the status it knows. Failure texts with markup, quotes, line breaks, a control character and
// a non-character come out of the JUnit file as well-formed XML that reads back as the
// text (the unrepresentable characters as U+FFFD).
TEST(Gate, PacesItsLooksWithoutLongPollAndEscapesTheJUnitFile) {
    struct fake_state {
        std::mutex mu;
        std::vector<std::chrono::steady_clock::time_point> at;
        std::vector<std::string> queries;
    };
    auto state = std::make_shared<fake_state>();
    auto routes = std::make_shared<http::router>();
    routes->add("GET", "/v1/runs/{id}",
                [state](http::request& req) -> boost::asio::awaitable<http::response> {
                    std::size_t n = 0;
                    {
                        std::lock_guard lock(state->mu);
                        state->at.push_back(std::chrono::steady_clock::now());
                        state->queries.push_back(req.query);
                        n = state->at.size();
                    }
                    std::string body = n < 6
                                           ? R"({"id":"fake:r1","source":"fake","status":"running",
                                    "terminal":false,"counts":null})"
                                           : R"({"id":"fake:r1","source":"fake","status":"failed",
                                    "terminal":true,"duration_ms":1234,
                                    "counts":{"total":3,"passed":1,"failed":2,"skipped":0,
                                              "untested":0}})";
                    co_return http::response::json(200, std::move(body));
                });
    routes->add("GET", "/v1/runs/{id}/failures",
                [](http::request&) -> boost::asio::awaitable<http::response> {
                    co_return http::response::json(
                        200,
                        "{\"data\":[{\"name\":\"a <b> & \\\"c\\\"\",\"message\":\"x < y && "
                        "'q' \\\"z\\\"\\nline2\\u0001\\tend\",\"suite\":\"s&s\","
                        "\"location\":\"t.js:1\",\"duration_ms\":5,\"web_url\":null},"
                        "{\"name\":\"caf\\u00e9 \\u2713\",\"message\":\"bad \\ufffe char\","
                        "\"suite\":null,\"location\":null,\"duration_ms\":null,"
                        "\"web_url\":null}]}");
                });
    test::server_harness fake(http::server_options{}, routes, 1);
    const std::string junit = temp_path("escaped.xml");
    auto g = gate({"--url", "http://127.0.0.1:" + std::to_string(fake.port()), "--run", "fake:r1",
                   "--poll", "300ms", "--junit", junit},
                  gate_key, {}, 30s);
    EXPECT_EQ(g.code, 1) << g.out << g.err;

    {
        std::lock_guard lock(state->mu);
        ASSERT_EQ(state->at.size(), 6u) << g.out;
        // The first look follows the first read at once (a long-poll would wait); then paced.
        for (std::size_t i = 2; i < state->at.size(); ++i)
            EXPECT_GE(state->at[i] - state->at[i - 1], 200ms) << "look " << i;
        for (std::size_t i = 1; i < state->queries.size(); ++i) {
            EXPECT_NE(state->queries[i].find("wait="), std::string::npos) << state->queries[i];
            EXPECT_NE(state->queries[i].find("status=running"), std::string::npos)
                << state->queries[i];
        }
    }
    std::istringstream lines(g.out);
    int running_lines = 0;
    for (std::string l; std::getline(lines, l);)
        if (l.find("fake:r1 running") != std::string::npos) ++running_lines;
    EXPECT_EQ(running_lines, 1) << g.out;

    auto x = read_junit(junit);
    EXPECT_EQ(attr(x, "tests"), 3);
    EXPECT_EQ(attr(x, "failures"), 2);
    ASSERT_EQ(x.at("cases").as_array().size(), 2u);
    EXPECT_EQ(x.at("cases").at(0).at("name"), boost::json::value("a <b> & \"c\""));
    EXPECT_EQ(x.at("cases").at(0).at("failure"),
              boost::json::value("x < y && 'q' \"z\"\nline2\xEF\xBF\xBD\tend"));
    EXPECT_EQ(x.at("cases").at(1).at("name"), boost::json::value("caf\xC3\xA9 \xE2\x9C\x93"));
    EXPECT_EQ(x.at("cases").at(1).at("failure"), boost::json::value("bad \xEF\xBF\xBD char"));
    std::remove(junit.c_str());
}
