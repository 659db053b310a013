// The parts of `runhub gate` that need no network: durations, the default Idempotency-Key, the
// answers it reads, and the JUnit report (escaping included). The gate as a process is tested in
// tests/integration/gate_test.cpp.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>

#include "gate/gate_answers.hpp"
#include "gate/gate_settings.hpp"
#include "gate/junit_report.hpp"

using namespace runhub::service;
using namespace runhub::service::ci_gate;
using namespace std::chrono_literals;

TEST(GateParts, Durations) {
    EXPECT_EQ(parse_duration("90s"), ms(90'000));
    EXPECT_EQ(parse_duration("1h30m"), ms(5'400'000));
    EXPECT_EQ(parse_duration("500ms"), ms(500));
    for (const char* bad : {"", "10", "s", "1d", "-1s", "1.5s", "99999999999s"})
        EXPECT_FALSE(parse_duration(bad)) << bad;
    EXPECT_EQ(format_duration(ms(5'400'000)), "1h30m");
    EXPECT_EQ(format_duration(ms(500)), "500ms");
    EXPECT_EQ(format_duration(ms(60'000)), "1m");
    EXPECT_EQ(format_duration(ms(0)), "0ms");
}

TEST(GateParts, TheDefaultIdempotencyKeyFollowsTheCiJobAndTheTarget) {
    ::setenv("CI_JOB_ID", "4242", 1);
    boost::json::object a{{"name", "nightly"}}, b{{"name", "other"}};
    const auto k1 = default_idempotency_key("testmo", a);
    EXPECT_EQ(k1, default_idempotency_key("testmo", a));  // a retried step replays its run
    EXPECT_NE(k1, default_idempotency_key("testmo", b));
    EXPECT_NE(k1, default_idempotency_key("zof", a));
    EXPECT_NE(k1.find("gitlab:4242"), std::string::npos) << k1;
    ::unsetenv("CI_JOB_ID");
    EXPECT_NE(default_idempotency_key("testmo", a), default_idempotency_key("testmo", a))
        << "outside CI every process gets its own key";
}

TEST(GateParts, FlagsBecomeSettingsOrNamedProblems) {
    gate_flags f;
    f.url = "http://127.0.0.1:8080/";
    f.source = "zof";
    f.target = R"({"project_id":"p"})";
    f.idempotency_key = "";
    ::setenv("RUNHUB_API_KEY", "gate-parts-key-1", 1);
    gate_settings s;
    EXPECT_TRUE(to_settings(f, s).empty());
    EXPECT_EQ(s.base_url, "http://127.0.0.1:8080");
    EXPECT_EQ(s.api_key, "gate-parts-key-1");
    EXPECT_EQ(s.target.at("project_id"), "p");
    EXPECT_EQ(s.timeout, ms(30 * 60'000));
    f.url = "ftp://x";
    f.target = "[1]";
    f.timeout = "soon";
    f.run_id = "zof:r1";
    auto problems = to_settings(f, s);
    EXPECT_EQ(problems.size(), 4u);
    ::unsetenv("RUNHUB_API_KEY");
}

TEST(GateParts, ReadsRunsFailuresAndErrors) {
    auto r = run_of(R"({"id":"zof:r1","status":"failed","source":"zof","terminal":true,
                        "counts":{"total":9,"passed":7,"failed":2},"duration_ms":1500})");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->terminal);
    EXPECT_EQ(counts_text(*r), " (7/9 passed, 2 failed)");
    EXPECT_FALSE(run_of("{}"));
    EXPECT_FALSE(run_of("not json"));
    auto f = failures_of(R"({"data":[{"name":"login","message":"boom","duration_ms":12}]})");
    ASSERT_TRUE(f);
    ASSERT_EQ(f->size(), 1u);
    EXPECT_EQ((*f)[0].duration_ms, 12);
    EXPECT_EQ(encode("zof:run 1/2"), "zof:run%201%2F2");
}

TEST(GateParts, JUnitReportEscapesWhatXmlCannotCarry) {
    EXPECT_EQ(xml_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
    EXPECT_EQ(xml_escape("line\nnext\ttab"), "line&#10;next&#9;tab");
    EXPECT_EQ(xml_escape(std::string("nul\x01") + "\xff"), "nul\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(xml_escape("caf\xC3\xA9"), "caf\xC3\xA9");  // UTF-8 kept
    run_view run;
    run.id = "zof:r1";
    run.status = "failed";
    run.source = "zof";
    run.counts = counts_view{9, 7, 2, 0, 0};
    std::vector<failure_view> failures{{"login <fast>", "expected \"a\"", "", "spec.ts:3", "", 12}};
    auto xml = junit_xml(run, failures, {{"runhub", "could not read all failures"}});
    EXPECT_NE(xml.find(R"(<testsuite name="zof:r1" tests="9" failures="1" errors="1")"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("login &lt;fast&gt;"), std::string::npos) << xml;
    EXPECT_NE(xml.find(R"(classname="zof")"), std::string::npos) << xml;
    EXPECT_NE(xml.find("&#10;at spec.ts:3"), std::string::npos) << xml;
}
