#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstring>

#include "model/failure.hpp"
#include "model/json_text.hpp"
#include "model/run.hpp"

using namespace runhub::model;
using namespace std::chrono;

TEST(Timestamp, FormatsWithMillisecondsUtc) {
    auto t = timestamp(sys_days(year{2026} / 11 / 23)) + hours(12) + minutes(3) + seconds(4) +
             milliseconds(5);
    EXPECT_EQ(format_timestamp(t), "2026-11-23T12:03:04.005Z");
    EXPECT_EQ(parse_timestamp("2026-11-23T12:03:04.005Z"), t);
    EXPECT_EQ(parse_timestamp("2026-11-23T12:03:04.005123Z"), t);  // truncated to ms
    EXPECT_EQ(parse_timestamp("2026-11-23T13:03:04.005+01:00"), t);
    EXPECT_EQ(parse_timestamp("2026-11-23T11:33:04.005-00:30"), t);
    EXPECT_EQ(parse_timestamp("2026-11-23T12:03:04Z"), t - milliseconds(5));
}

TEST(Timestamp, RejectsMalformed) {
    for (const char* bad :
         {"", "2026-11-23", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-23T24:00:00Z",
          "2026-11-23T12:00:00", "2026-11-23T12:00:00.Z", "2026-11-23T12:00:00Zjunk",
          "2026-11-23T12:00:00+0100", "abcd-11-23T12:00:00Z"})
        EXPECT_FALSE(parse_timestamp(bad)) << bad;
}

TEST(RunStatus, RoundTrips) {
    for (auto s : {run_status::queued, run_status::running, run_status::passed, run_status::failed,
                   run_status::error, run_status::canceled, run_status::stale})
        EXPECT_EQ(parse_run_status(to_string(s)), s);
    EXPECT_FALSE(parse_run_status("PASSED"));
    EXPECT_FALSE(parse_run_status(""));
}

// append_string tests eight bytes at a time: every byte that needs an escape, at every offset
// of strings around that width, next to plain ASCII and UTF-8, is escaped as Boost.JSON does.
TEST(RunJson, EscapesMatchBoostJsonAtEveryOffset) {
    std::string specials = "\"\\\b\f\n\r\t\x01\x1f";
    specials += '\0';
    for (char special : specials)
        for (std::size_t len = 1; len <= 27; ++len)
            for (std::size_t at = 0; at < len; ++at) {
                std::string s(len, 'a');
                for (std::size_t i = 0; i < len; i += 5) s[i] = '\x7f';  // plain, not control
                if (len > 3) s[len - 2] = '\xC3', s[len - 1] = '\xA9';   // plain UTF-8 bytes
                s[at] = special;
                std::string out;
                runhub::model::json_text::append_string(out, s);
                EXPECT_EQ(out, boost::json::serialize(boost::json::string(s)))
                    << int(special) << " at " << at << " of " << len;
            }
    std::string out;
    runhub::model::json_text::append_string(out, "");
    EXPECT_EQ(out, "\"\"");
    out.clear();
    runhub::model::json_text::append_string(out, "plain text of more than eight bytes");
    EXPECT_EQ(out, "\"plain text of more than eight bytes\"");
}

TEST(RunId, IsUrlSafeAndRoundTrips) {
    for (const std::string& native : std::vector<std::string>{
             "abc", "123", "a/b c:d%", "r_01HX~x.y-z", std::string("\xff\x00", 2)}) {
        auto id = make_run_id("testmo-mobile", native);
        for (char c : id.substr(id.find(':') + 1))
            EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || std::strchr("._~-%", c))
                << id;
        auto parts = parse_run_id(id);
        ASSERT_TRUE(parts) << id;
        EXPECT_EQ(parts->source, "testmo-mobile");
        EXPECT_EQ(parts->native_id, native);
    }
}

TEST(RunId, RejectsMalformed) {
    for (const char* bad : {"", "nocolon", ":x", "zof:", "zof:%2", "zof:%zz", "zo f:x", "zof:a b"})
        EXPECT_FALSE(parse_run_id(bad)) << bad;
}

TEST(Run, NewestFirstThenIdDescending) {
    run a, b, c, d;
    a.id = "a:1";
    a.created_at = timestamp(sys_days(year{2026} / 1 / 2));
    b.id = "b:1";
    b.created_at = timestamp(sys_days(year{2026} / 1 / 1));
    c.id = "c:1";
    c.created_at = a.created_at;
    d.id = "d:1";                    // no created_at: last
    EXPECT_TRUE(newer_first(c, a));  // same time: id descending
    EXPECT_TRUE(newer_first(a, b));
    EXPECT_TRUE(newer_first(b, d));
    EXPECT_FALSE(newer_first(d, b));
    EXPECT_FALSE(newer_first(a, a));
}

TEST(Run, JsonHasEveryFieldOfTheModel) {
    run r;
    r.id = "zof:r1";
    r.source = "zof";
    r.vendor = "zof";
    r.native_id = "r1";
    r.name = "smoke";
    r.status = run_status::failed;
    r.terminal = true;
    r.vendor_status = "failed";
    r.counts = run_counts{10, 7, 2, 1, 0};
    r.created_at = timestamp(sys_days(year{2026} / 11 / 23));
    r.duration_ms = 1500;
    r.branch = "main";
    r.raw = std::make_shared<boost::json::value>(boost::json::parse(R"({"id":"r1"})"));
    auto v = boost::json::value_from(r);
    const auto& o = v.as_object();
    for (const char* k :
         {"id",           "source",      "vendor",        "native_id",  "name",       "project",
          "status",       "terminal",    "vendor_status", "counts",     "created_at", "started_at",
          "completed_at", "duration_ms", "branch",        "commit_sha", "build",      "device",
          "environment",  "platform",    "web_url"})
        EXPECT_TRUE(o.contains(k)) << k;
    EXPECT_FALSE(o.contains("raw"));
    EXPECT_EQ(o.at("status").as_string(), "failed");
    EXPECT_EQ(o.at("created_at").as_string(), "2026-11-23T00:00:00.000Z");
    EXPECT_TRUE(o.at("started_at").is_null());
    EXPECT_EQ(o.at("counts").at("failed").as_int64(), 2);
    EXPECT_TRUE(o.at("duration_ms").is_int64());
    EXPECT_EQ(to_json(r, true).at("raw").at("id").as_string(), "r1");
}

TEST(TestFailure, Json) {
    test_failure f{"login", "timeout", "auth", std::nullopt, 20, std::nullopt};
    auto v = boost::json::value_from(f);
    EXPECT_EQ(v.at("name").as_string(), "login");
    EXPECT_TRUE(v.at("location").is_null());
    EXPECT_EQ(v.at("duration_ms").as_int64(), 20);
}

TEST(Run, ReadsBackWhatToJsonWrote) {
    run r;
    r.id = "zof:r1";
    r.source = "zof";
    r.vendor = "zof";
    r.native_id = "r1";
    r.name = "smoke";
    r.project = project_ref{"p1", "Shop"};
    r.status = run_status::running;
    r.vendor_status = "running";
    r.counts = run_counts{10, 7, 2, 1, 0};
    r.created_at = timestamp(sys_days(year{2026} / 11 / 23)) + std::chrono::milliseconds(5);
    r.duration_ms = 1500;
    r.web_url = "https://zof.ai/r/1";
    r.raw = std::make_shared<boost::json::value>(boost::json::parse(R"({"id":"r1","x":[1]})"));
    auto json = to_json(r, true);
    auto back = run_from_json(json);
    ASSERT_TRUE(back);
    EXPECT_EQ(to_json(*back, true), json);
    EXPECT_FALSE(run_from_json(to_json(r, false))->raw);
    // Anything else is refused, never half-read.
    for (const char* key : {"id", "status", "terminal", "created_at", "counts", "project"}) {
        auto broken = json;
        broken.as_object()[key] = 42;
        EXPECT_FALSE(run_from_json(broken)) << key;
        broken.as_object().erase(key);
        EXPECT_FALSE(run_from_json(broken)) << key;
    }
    auto bad_status = json;
    bad_status.as_object()["status"] = "green";
    EXPECT_FALSE(run_from_json(bad_status));
    EXPECT_FALSE(run_from_json(boost::json::parse("[1]")));
}

TEST(TestFailure, ReadsBackWhatValueFromWrote) {
    test_failure f{"login", "timeout", "auth", "a.js:3", 20, std::nullopt};
    auto v = boost::json::value_from(f);
    auto back = failure_from_json(v);
    ASSERT_TRUE(back);
    EXPECT_EQ(boost::json::value_from(*back), v);
    v.as_object()["name"] = 1;
    EXPECT_FALSE(failure_from_json(v));
}

// serialize_run appends the raw object's own serialization instead of copying it into a tree:
// the bytes must be exactly serialize(to_json(...)), with and without raw, with odd contents.
TEST(RunJson, SerializeRunWritesExactlyWhatToJsonWould) {
    runhub::model::run r;
    r.id = "zof:run \"1\"";
    r.source = "zof";
    r.vendor = "zof";
    r.native_id = "run \"1\"";
    r.name = "caf\xC3\xA9 <b>\n";
    r.status = runhub::model::run_status::failed;
    r.terminal = true;
    r.vendor_status = "failed";
    r.branch = "main";
    for (bool with_raw_object : {false, true}) {
        if (with_raw_object)
            r.raw = std::make_shared<const boost::json::value>(
                boost::json::parse(R"({"id":"run \"1\"","nested":{"a":[1,2.5,null,"x"]}})"));
        for (bool include_raw : {false, true}) {
            EXPECT_EQ(runhub::model::serialize_run(r, include_raw),
                      boost::json::serialize(runhub::model::to_json(r, include_raw)))
                << with_raw_object << include_raw;
        }
        auto [without, with] = runhub::model::serialize_run_both(r);
        EXPECT_EQ(without, boost::json::serialize(runhub::model::to_json(r, false)));
        EXPECT_EQ(with, boost::json::serialize(runhub::model::to_json(r, true)));
    }
}

// The same with every member set, every character class a string can need escaped, and a raw
// object larger than one chunk of the serializer.
TEST(RunJson, EveryMemberAndEveryEscapeMatchBoostJson) {
    runhub::model::run r;
    r.id = "testmo:42";
    r.source = "testmo";
    r.vendor = "testmo";
    r.native_id = "42";
    r.name = std::string("ctl \x01\x1f\x7f tab\t bs\b ff\f cr\r lf\n q\" back\\ slash/ ") +
             std::string(1, '\0') + " end \xE2\x82\xAC";
    r.project = runhub::model::project_ref{"p\"1", ""};
    r.status = runhub::model::run_status::running;
    r.vendor_status = "";
    r.counts = runhub::model::run_counts{INT64_MAX, 0, -1, INT64_MIN, 7};
    r.created_at = timestamp(sys_days(year{1999} / 12 / 31)) + hours(23) + minutes(59) +
                   seconds(59) + milliseconds(999);
    r.started_at = timestamp(milliseconds(-1));  // 1969-12-31T23:59:59.999Z
    r.completed_at = timestamp(sys_days(year{9999} / 12 / 31));
    r.duration_ms = 0;
    r.branch = "feat/\xC3\xA9";
    r.commit_sha = "";
    r.build = "12";
    r.device = "Pixel \"8\"";
    r.environment = "staging";
    r.platform = "android";
    r.web_url = "https://example.test/r/42?a=1&b=<2>";
    boost::json::object big;
    for (int i = 0; i < 400; ++i) big["k" + std::to_string(i)] = "value \"" + std::to_string(i);
    r.raw = std::make_shared<const boost::json::value>(std::move(big));
    for (bool include_raw : {false, true})
        EXPECT_EQ(runhub::model::serialize_run(r, include_raw),
                  boost::json::serialize(runhub::model::to_json(r, include_raw)))
            << include_raw;
    auto [without, with] = runhub::model::serialize_run_both(r);
    EXPECT_EQ(without, boost::json::serialize(runhub::model::to_json(r, false)));
    EXPECT_EQ(with, boost::json::serialize(runhub::model::to_json(r, true)));
    std::string appended = "[";
    runhub::model::append_run_json(appended, r, false);
    EXPECT_EQ(appended, "[" + without);
}

TEST(Timestamp, FormatsEdgesOfTheFourDigitYears) {
    EXPECT_EQ(format_timestamp(timestamp(milliseconds(0))), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(format_timestamp(timestamp(milliseconds(-1))), "1969-12-31T23:59:59.999Z");
    EXPECT_EQ(format_timestamp(timestamp(sys_days(year{0} / 1 / 1))), "0000-01-01T00:00:00.000Z");
    EXPECT_EQ(format_timestamp(timestamp(sys_days(year{9999} / 12 / 31)) + hours(23) + minutes(59) +
                               seconds(59) + milliseconds(999)),
              "9999-12-31T23:59:59.999Z");
    EXPECT_EQ(format_timestamp(timestamp(sys_days(year{10000} / 1 / 1))),
              "10000-01-01T00:00:00.000Z");
    std::string out = "at ";
    append_timestamp(out, timestamp(sys_days(year{2026} / 2 / 28)) + milliseconds(86399999));
    EXPECT_EQ(out, "at 2026-02-28T23:59:59.999Z");
}
