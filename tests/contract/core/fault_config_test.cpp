// Pure parts of fault injection: parsing POST /_sandbox/faults and --fault, the per-request
// decision, and the malformed body. No sockets.
#include "sandbox/core/fault_config.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox {
namespace {

struct parse_case {
    const char* json;
    bool ok;
    const char* error_has;  // part of the message when !ok
};

TEST(FaultConfigParse, AcceptsAndRejectsAsDocumented) {
    const parse_case cases[] = {
        {"{}", true, ""},
        {R"({"latency_ms": 250, "jitter_ms": 50})", true, ""},
        {R"({"error_rate": 0.5, "rate_429": 1, "reset_rate": 0, "malformed_rate": 0.25,
             "truncate_rate": 0.1, "hang_rate": 0.01})",
         true, ""},
        {R"({"outcome": "failed", "rate_limit_per_min": 60})", true, ""},
        {R"({"outcome": ""})", true, ""},
        {R"({"latency_ms": 2.0})", true, ""},
        {R"({"bogus": 1})", false, "unknown fault key: bogus"},
        {R"({"error_rate": 1.5})", false, "error_rate must be a number from 0 to 1"},
        {R"({"hang_rate": -0.1})", false, "hang_rate"},
        {R"({"rate_429": "0.5"})", false, "rate_429"},
        {R"({"latency_ms": -1})", false, "latency_ms"},
        {R"({"latency_ms": 1.5})", false, "latency_ms"},
        {R"({"latency_ms": 600001})", false, "latency_ms"},
        {R"({"rate_limit_per_min": true})", false, "rate_limit_per_min"},
        {R"({"outcome": "cancelled"})", false, "outcome must be one of"},
        {R"({"outcome": 3})", false, "outcome"},
        {R"([1, 2])", false, "JSON object"},
        {R"({"latency_ms": )", false, "JSON object"},
        {"", false, "JSON object"},
    };
    for (const auto& c : cases) {
        fault_config out;
        out.latency_ms = 77;  // untouched on error
        auto err = parse_fault_config(std::string_view(c.json), out);
        EXPECT_EQ(err.empty(), c.ok) << c.json << " -> " << err;
        if (!c.ok) {
            EXPECT_NE(err.find(c.error_has), std::string::npos) << c.json << " -> " << err;
            EXPECT_EQ(out.latency_ms, 77) << c.json;
        }
    }
}

TEST(FaultConfigParse, FieldsLandWhereNamed) {
    fault_config c;
    ASSERT_EQ(parse_fault_config(
                  std::string_view(
                      R"({"latency_ms": 250, "jitter_ms": 50, "error_rate": 0.5, "rate_429": 0.25,
                      "reset_rate": 0.125, "malformed_rate": 0.0625, "truncate_rate": 0.03125,
                      "hang_rate": 0.015625, "outcome": "canceled", "rate_limit_per_min": 60})"),
                  c),
              "");
    EXPECT_EQ(c.latency_ms, 250);
    EXPECT_EQ(c.jitter_ms, 50);
    EXPECT_EQ(c.error_rate, 0.5);
    EXPECT_EQ(c.rate_429, 0.25);
    EXPECT_EQ(c.reset_rate, 0.125);
    EXPECT_EQ(c.malformed_rate, 0.0625);
    EXPECT_EQ(c.truncate_rate, 0.03125);
    EXPECT_EQ(c.hang_rate, 0.015625);
    EXPECT_EQ(c.outcome, "canceled");
    EXPECT_EQ(c.rate_limit_per_min, 60);
}

TEST(FaultConfigParse, EmptyObjectClearsEverything) {
    fault_config c;
    c.error_rate = 1;
    c.outcome = "failed";
    ASSERT_EQ(parse_fault_config(std::string_view("{}"), c), "");
    EXPECT_EQ(c, fault_config{});
}

TEST(FaultConfigParse, RoundTripsThroughJson) {
    fault_config c;
    c.latency_ms = 10;
    c.hang_rate = 0.5;
    c.outcome = "error";
    c.rate_limit_per_min = 5;
    auto text = boost::json::serialize(to_json(c));
    fault_config back;
    ASSERT_EQ(parse_fault_config(std::string_view(text), back), "");
    EXPECT_EQ(back, c);
    EXPECT_EQ(to_json(fault_config{}).size(), 10u);  // every key is shown
}

TEST(FaultAssignment, CommandLineForm) {
    struct row {
        const char* text;
        bool ok;
    };
    const row rows[] = {
        {"latency_ms=100", true}, {"error_rate=0.5", true},
        {"outcome=failed", true}, {"rate_limit_per_min=30", true},
        {"error_rate=2", false},  {"error_rate=abc", false},
        {"latency_ms=", false},   {"=1", false},
        {"latency_ms", false},    {"nope=1", false},
        {"outcome=maybe", false}, {"jitter_ms=1.5", false},
    };
    for (const auto& r : rows) {
        fault_config c;
        auto err = apply_fault_assignment(r.text, c);
        EXPECT_EQ(err.empty(), r.ok) << r.text << " -> " << err;
    }
    fault_config c;
    ASSERT_EQ(apply_fault_assignment("latency_ms=100", c), "");
    ASSERT_EQ(apply_fault_assignment("error_rate=0.5", c), "");
    ASSERT_EQ(apply_fault_assignment("outcome=failed", c), "");
    EXPECT_EQ(c.latency_ms, 100);  // assignments accumulate
    EXPECT_EQ(c.error_rate, 0.5);
    EXPECT_EQ(c.outcome, "failed");
}

TEST(FaultDecision, BandsInDocumentedOrder) {
    fault_config all;
    all.hang_rate = 0.1;
    all.reset_rate = 0.1;
    all.error_rate = 0.1;
    all.rate_429 = 0.1;
    all.truncate_rate = 0.1;
    all.malformed_rate = 0.1;
    struct row {
        double draw;
        fault_kind want;
    };
    const row rows[] = {
        {0.0, fault_kind::hang},
        {0.099, fault_kind::hang},
        {0.1, fault_kind::reset},
        {0.25, fault_kind::server_error},
        {0.35, fault_kind::too_many_requests},
        {0.45, fault_kind::truncate},
        {0.55, fault_kind::malformed},
        {0.6, fault_kind::none},
        {0.999, fault_kind::none},
    };
    for (const auto& r : rows) EXPECT_EQ(decide_fault(all, r.draw, 0).kind, r.want) << r.draw;
}

TEST(FaultDecision, RateOneAlwaysAndRateZeroNever) {
    const double draws[] = {0.0, 0.3, 0.5, 0.999999};
    for (auto field :
         {&fault_config::error_rate, &fault_config::rate_429, &fault_config::reset_rate,
          &fault_config::malformed_rate, &fault_config::truncate_rate, &fault_config::hang_rate}) {
        fault_config c;
        c.*field = 1;
        for (double d : draws) EXPECT_NE(decide_fault(c, d, 0).kind, fault_kind::none);
    }
    for (double d : draws) EXPECT_EQ(decide_fault(fault_config{}, d, 0).kind, fault_kind::none);
    fault_config only_error;
    only_error.error_rate = 1;
    EXPECT_EQ(decide_fault(only_error, 0.7, 0).kind, fault_kind::server_error);
}

TEST(FaultDecision, LatencyPlusUniformJitter) {
    fault_config c;
    c.latency_ms = 100;
    c.jitter_ms = 50;
    EXPECT_EQ(decide_fault(c, 0.5, 0.0).delay.count(), 100);
    EXPECT_EQ(decide_fault(c, 0.5, 0.5).delay.count(), 125);
    EXPECT_EQ(decide_fault(c, 0.5, 0.999999).delay.count(), 150);
    c.jitter_ms = 0;
    EXPECT_EQ(decide_fault(c, 0.5, 0.999999).delay.count(), 100);
    EXPECT_EQ(decide_fault(fault_config{}, 0.5, 0.5).delay.count(), 0);
}

TEST(FaultDecision, SeededDrawsAreRepeatableAndNearTheRate) {
    fault_config c;
    c.error_rate = 0.3;
    c.jitter_ms = 100;
    seeded_rng a(7, "faults:x"), b(7, "faults:x");
    int errors = 0;
    std::int64_t min_delay = 1000, max_delay = -1;
    for (int i = 0; i < 10000; ++i) {
        auto x = decide_fault(c, a);
        auto y = decide_fault(c, b);
        ASSERT_EQ(x.kind, y.kind);
        ASSERT_EQ(x.delay, y.delay);
        if (x.kind == fault_kind::server_error) ++errors;
        min_delay = std::min<std::int64_t>(min_delay, x.delay.count());
        max_delay = std::max<std::int64_t>(max_delay, x.delay.count());
    }
    EXPECT_NEAR(errors, 3000, 200);
    EXPECT_EQ(min_delay, 0);
    EXPECT_EQ(max_delay, 100);
}

TEST(MalformBody, NeverParses) {
    const char* bodies[] = {
        "",
        "{}",
        "[]",
        R"({"a":1})",
        R"({"message":"a string with a } and a < inside"})",
        R"([{"id":1,"name":"x"},{"id":2,"name":"y"}])",
        "42",
        R"("just a string")",
    };
    for (const char* b : bodies) {
        auto bad = malform_body(b);
        boost::system::error_code ec;
        boost::json::parse(bad, ec);
        EXPECT_TRUE(ec) << b << " -> " << bad;
        EXPECT_LE(bad.size(), std::string_view(b).size() / 2 + 10);
    }
}

}  // namespace
}  // namespace runhub::sandbox
