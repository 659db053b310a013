#include "sandbox/zof/zof_data.hpp"

#include <algorithm>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox::zof {

namespace {

std::string slug(std::string_view name) {
    std::string out;
    for (char c : name) {
        if (out.size() >= 32) {
            // Cut at a word boundary rather than mid-word.
            if (auto us = out.rfind('_'); us != std::string::npos) out.resize(us);
            break;
        }
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out += c;
        } else if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
        } else if (!out.empty() && out.back() != '_') {
            out += '_';
        }
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    return out;
}

std::string seeded_terminal(seeded_rng& rng) {
    auto roll = rng.uniform(0, 99);
    if (roll < 64) return "passed";
    if (roll < 86) return "failed";
    if (roll < 93) return "error";
    return "canceled";
}

const std::vector<std::string>& triggers() {
    static const std::vector<std::string> v{"ci", "ci", "ci", "api", "schedule", "console"};
    return v;
}

}  // namespace

bool is_terminal(std::string_view s) {
    return s == "passed" || s == "failed" || s == "error" || s == "canceled";
}

dataset generate_dataset(std::uint64_t seed, int runs, time_point now) {
    using namespace std::chrono;
    seeded_rng rng(seed, "zof-data");
    dataset d;
    d.organization_id = "org_" + rng.hex(16);
    d.api_key = "zof_sk_sandbox_" + rng.hex(32);
    for (int i = 0; i < 3; ++i) d.project_ids.push_back("proj_" + rng.hex(12));

    const auto& names = test_case_names();
    for (std::size_t i = 0; i < names.size(); ++i) {
        char num[32];
        std::snprintf(num, sizeof num, "_%03zu", i + 1);
        d.cases.emplace_back("tc_" + slug(names[i]) + num, names[i]);
    }
    for (const auto& s : suite_names()) {
        suite su{"ts_" + slug(s) + "_" + rng.hex(6), s, {}};
        auto n = rng.uniform(3, 12);
        for (std::int64_t k = 0; k < n; ++k) su.case_ids.push_back(rng.pick(d.cases).first);
        std::sort(su.case_ids.begin(), su.case_ids.end());
        su.case_ids.erase(std::unique(su.case_ids.begin(), su.case_ids.end()), su.case_ids.end());
        d.suites.push_back(std::move(su));
    }

    const auto anchor = floor<seconds>(now);
    const std::int64_t window_s = 30LL * 24 * 3600;
    for (int i = 0; i < runs; ++i) {
        run_record r;
        r.id = "run_" + rng.hex(24);
        // Two thirds of the runs belong to the advertised project.
        r.project_id = rng.chance(0.66) ? d.project_ids[0] : d.project_ids[1 + rng.uniform(0, 1)];
        r.environment = rng.pick(environment_names());
        r.trigger = rng.pick(triggers());
        r.branch = rng.pick(branch_names());
        r.commit_sha = rng.hex(40);
        r.detail_seed = rng.next();
        if (rng.chance(0.7)) {
            const auto& su = rng.pick(d.suites);
            r.test_suite_id = su.id;
            r.name = su.name;
            r.case_ids = su.case_ids;
        } else {
            auto n = rng.uniform(1, 5);
            for (std::int64_t k = 0; k < n; ++k) r.case_ids.push_back(rng.pick(d.cases).first);
            std::sort(r.case_ids.begin(), r.case_ids.end());
            r.case_ids.erase(std::unique(r.case_ids.begin(), r.case_ids.end()), r.case_ids.end());
            r.name = std::to_string(r.case_ids.size()) + " test case" +
                     (r.case_ids.size() == 1 ? "" : "s");
        }
        const auto duration_s = rng.uniform(40, 1500);
        if (i < 2) {
            // The newest runs are still waiting or running.
            r.status = "queued";
            r.created_at = anchor - seconds(rng.uniform(5, 60) + i * 60);
        } else if (i < 5) {
            r.status = "running";
            r.created_at = anchor - seconds(rng.uniform(200, 400) + i * 300);
            r.started_at = r.created_at + seconds(rng.uniform(3, 30));
        } else {
            r.status = seeded_terminal(rng);
            r.created_at = anchor - seconds(rng.uniform(3600, window_s));
            r.started_at = r.created_at + seconds(rng.uniform(3, 90));
            r.completed_at = *r.started_at + seconds(duration_s);
            if (r.status == "canceled" && rng.chance(0.3)) {
                // Canceled while still queued: it never started.
                r.started_at.reset();
                r.completed_at = r.created_at + seconds(rng.uniform(10, 300));
            }
        }
        d.runs.push_back(std::move(r));
    }
    // Rare statuses must be present whatever the dice said.
    const char* must[] = {"passed", "failed", "error", "canceled"};
    std::size_t slot = 5;
    for (const char* s : must) {
        bool found = std::any_of(d.runs.begin(), d.runs.end(),
                                 [&](const run_record& r) { return r.status == s; });
        if (!found && slot < d.runs.size()) {
            d.runs[slot].status = s;
            if (!d.runs[slot].started_at) d.runs[slot].started_at = d.runs[slot].created_at;
            slot += 7;
        }
    }
    std::sort(d.runs.begin(), d.runs.end(), [](const run_record& a, const run_record& b) {
        return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
    });
    return d;
}

std::string triggered_run_id(std::uint64_t seed, std::uint64_t n) {
    seeded_rng rng(seed, "zof-trigger-id-" + std::to_string(n));
    return "run_" + rng.hex(24);
}

std::string triggered_outcome(std::uint64_t seed, std::uint64_t n) {
    seeded_rng rng(seed, "zof-trigger-outcome-" + std::to_string(n));
    auto roll = rng.uniform(0, 99);
    if (roll < 70) return "passed";
    if (roll < 90) return "failed";
    return "error";
}

std::uint64_t triggered_detail_seed(std::uint64_t seed, std::uint64_t n) {
    seeded_rng rng(seed, "zof-trigger-detail-" + std::to_string(n));
    return rng.next();
}

}  // namespace runhub::sandbox::zof
