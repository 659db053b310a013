#include "sandbox/testerarmy/testerarmy_data.hpp"

#include <algorithm>
#include <array>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox::testerarmy {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::vector<std::string>& step_titles() {
    static const std::vector<std::string> v{"Open the landing page",
                                            "Sign in with the test account",
                                            "Search for a product",
                                            "Add the first result to the cart",
                                            "Open the cart",
                                            "Proceed to checkout",
                                            "Fill in the shipping address",
                                            "Pay with the saved card",
                                            "Verify the confirmation",
                                            "Log out"};
    return v;
}

const std::vector<std::string>& error_codes() {
    static const std::vector<std::string> v{"STEP_DEADLINE_EXHAUSTED", "AUTH_CREDENTIAL_INVALID",
                                            "STEP_NO_CONCLUSION", "VERCEL_BYPASS_REQUIRED",
                                            "STEP_TOOL_LIMIT_EXHAUSTED"};
    return v;
}

std::string error_message_for(const std::string& code) {
    if (code == "STEP_DEADLINE_EXHAUSTED") return "Test execution exceeded time limit";
    if (code == "AUTH_CREDENTIAL_INVALID") return "The stored credential was rejected at sign-in";
    if (code == "VERCEL_BYPASS_REQUIRED")
        return "Preview deployment requires a Vercel bypass token";
    if (code == "STEP_TOOL_LIMIT_EXHAUSTED") return "Step used all of its tool calls";
    return "The agent could not reach a conclusion for a step";
}

std::vector<step> make_steps(seeded_rng& rng, time_point start, time_point end, bool fail_last,
                             const std::string& error_code) {
    const int n = static_cast<int>(rng.uniform(3, 6));
    const auto first = static_cast<std::int64_t>(rng.uniform(0, 4));
    const std::int64_t t0 = unix_millis(start);
    const std::int64_t span = std::max<std::int64_t>(unix_millis(end) - t0, n);
    std::vector<step> out;
    for (int i = 0; i < n; ++i) {
        step s;
        s.index = i + 1;
        s.title = step_titles()[static_cast<std::size_t>(first + i) % step_titles().size()];
        s.type = i == n - 1 ? "assert" : (i == 0 ? "login" : "act");
        s.started_ms = t0 + span * i / n;
        s.completed_ms = t0 + span * (i + 1) / n;
        const bool failed = fail_last && i == n - 1;
        s.status = failed ? "failed" : "passed";
        s.summary = failed ? "The expected state was not reached" : "Done: " + s.title;
        if (failed) {
            s.error =
                error_code.empty() ? rng.pick(failure_messages()) : error_message_for(error_code);
            s.error_code = error_code;
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<issue> make_issues(seeded_rng& rng, const std::string& feature) {
    std::vector<issue> out;
    const int n = static_cast<int>(rng.uniform(1, 3));
    for (int i = 0; i < n; ++i) {
        issue is;
        is.type = "issue";
        is.name = feature + ": " + rng.pick(failure_messages()).substr(0, 40);
        is.description = rng.pick(failure_messages());
        is.url = "https://shop.example.com/" + std::string(i == 0 ? "checkout" : "cart");
        is.severity = static_cast<int>(rng.uniform(2, 5));
        is.reproduction_steps = {"Open the page", "Follow: " + feature, "Observe the result"};
        is.expected = "The flow completes";
        is.actual = is.description;
        is.screenshot_url = "https://cdn.tester.army/screenshots/" + rng.hex(16) + ".png";
        is.t_ms = rng.uniform(1000, 90000);
        out.push_back(std::move(is));
    }
    return out;
}

}  // namespace

const saved_test* catalog::find_test(const std::string& id) const {
    for (const auto& t : tests)
        if (t.id == id) return &t;
    return nullptr;
}

const test_group* catalog::find_group(const std::string& id) const {
    for (const auto& g : groups)
        if (g.id == id) return &g;
    return nullptr;
}

catalog make_catalog(std::uint64_t seed) {
    seeded_rng rng(seed, "testerarmy-catalog");
    static const std::array<std::pair<const char*, const char*>, 3> projects{
        {{"Storefront Web", "web"},
         {"Shop Mobile (Android)", "android"},
         {"Shop Mobile (iOS)", "ios"}}};
    catalog c;
    std::size_t name = static_cast<std::size_t>(rng.uniform(0, 19));
    for (const auto& [pname, platform] : projects) {
        project p{rng.uuid(), pname};
        std::vector<std::string> ids;
        for (int i = 0; i < 5; ++i) {
            saved_test t{rng.uuid(), p.id, test_case_names()[name++ % test_case_names().size()],
                         platform};
            ids.push_back(t.id);
            c.tests.push_back(std::move(t));
        }
        c.groups.push_back({rng.uuid(), p.id, "Smoke", {ids[0], ids[1]}});
        c.groups.push_back({rng.uuid(), p.id, "Regression", ids});
        c.projects.push_back(std::move(p));
    }
    return c;
}

void apply_outcome(run_record& r, const std::string& outcome, time_point ended_at,
                   seeded_rng& rng) {
    r.completed_at = ended_at;
    r.result.clear();
    r.error_code.clear();
    r.error_message.clear();
    r.issues.clear();
    r.steps.clear();
    const time_point start = r.started_at.value_or(ended_at);
    if (outcome == "canceled") {
        r.status = "cancelled";
        return;
    }
    if (outcome == "error") {
        r.status = "failed";
        r.error_code = rng.pick(error_codes());
        r.error_message = error_message_for(r.error_code);
        r.steps = make_steps(rng, start, ended_at, true, r.error_code);
        return;
    }
    r.status = "completed";
    if (outcome == "failed") {
        r.result = "FAILED";
        r.issues = make_issues(rng, r.feature_name);
        r.steps = make_steps(rng, start, ended_at, true, "");
    } else {
        r.result = "PASS";
        r.steps = make_steps(rng, start, ended_at, false, "");
    }
}

std::string seeded_outcome(std::uint64_t seed, std::uint64_t n) {
    seeded_rng rng(seed, "testerarmy-trigger-" + std::to_string(n));
    const auto roll = rng.uniform(0, 99);
    return roll < 65 ? "passed" : roll < 90 ? "failed" : "error";
}

std::vector<run_record> generate_runs(std::uint64_t seed, int count, time_point anchor,
                                      const catalog& cat) {
    seeded_rng rng(seed, "testerarmy-runs");
    // Vendor status (with the result of `completed`) of the first six runs, so that every value
    // appears; the rest are drawn with realistic weights.
    static const std::array<const char*, 6> cover{"queued", "running", "passed",
                                                  "failed", "error",   "canceled"};
    std::vector<run_record> runs;
    runs.reserve(static_cast<std::size_t>(std::max(count, 0)));
    for (int i = 0; i < count; ++i) {
        std::string what;
        if (i < static_cast<int>(cover.size())) {
            what = cover[static_cast<std::size_t>(i)];
        } else {
            const auto roll = rng.uniform(0, 99);
            what = roll < 55   ? "passed"
                   : roll < 75 ? "failed"
                   : roll < 85 ? "error"
                   : roll < 93 ? "canceled"
                   : roll < 97 ? "running"
                               : "queued";
        }
        run_record r;
        r.id = rng.uuid();
        const auto kind = rng.uniform(0, 9);
        const saved_test& t = cat.tests[static_cast<std::size_t>(
            rng.uniform(0, static_cast<std::int64_t>(cat.tests.size()) - 1))];
        r.project_id = t.project_id;
        r.platform = t.platform;
        r.execution_mode = rng.chance(0.7) ? "fast" : "deep";
        r.user_name = rng.pick(user_names());
        if (kind < 6) {
            r.type = "test";
            r.test_id = t.id;
            r.feature_name = t.name;
            r.source =
                rng.chance(0.5) ? "scheduled" : (rng.chance(0.5) ? "api" : "structured_test");
        } else if (kind < 9) {
            r.type = "ci";
            r.pr_number = static_cast<int>(rng.uniform(100, 2400));
            r.commit_sha = rng.hex(40);
            r.feature_name = "PR #" + std::to_string(r.pr_number) + " preview checks";
            r.source = rng.chance(0.6) ? "github_app" : "github_action";
        } else {
            r.type = "chat";
            r.feature_name = t.name;
            r.source = "api";
        }
        r.prompt = "On " + std::string(r.platform == "web" ? "the storefront" : "the app") +
                   ", check that: " + t.name;
        if (rng.chance(0.3)) {
            r.webhook_url = "https://hooks.example.com/testerarmy/" + rng.hex(8);
            r.webhook_status = rng.chance(0.9) ? "delivered" : "failed";
        }
        r.auto_retry_count = rng.chance(0.08) ? 1 : 0;
        const bool live = what == "queued" || what == "running";
        r.created_at = live ? anchor - milliseconds(rng.uniform(5'000, 20 * 60'000))
                            : anchor - milliseconds(rng.uniform(60'000, 30LL * 24 * 3600'000));
        if (what == "queued") {
            r.status = "queued";
        } else {
            r.started_at = r.created_at + milliseconds(rng.uniform(500, 30'000));
            if (what == "running") {
                r.status = "running";
                if (*r.started_at > anchor) r.started_at = anchor;
            } else {
                auto ended = *r.started_at + milliseconds(rng.uniform(20'000, 6 * 60'000));
                if (what == "canceled")
                    ended = *r.started_at + milliseconds(rng.uniform(1'000, 20'000));
                apply_outcome(r, what, ended, rng);
            }
        }
        if (live && !r.webhook_url.empty()) r.webhook_status = "pending";
        runs.push_back(std::move(r));
    }
    std::sort(runs.begin(), runs.end(), [](const run_record& a, const run_record& b) {
        return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
    });
    return runs;
}

}  // namespace runhub::sandbox::testerarmy
