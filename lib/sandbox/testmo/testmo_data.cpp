#include "sandbox/testmo/testmo_data.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "sandbox/core/seeded_data.hpp"
#include "sandbox/testmo/testmo_statuses.hpp"

namespace runhub::sandbox::testmo {

namespace {

using namespace std::chrono;

std::string fields_json(const std::string& branch, const std::string& sha,
                        const std::string& failure) {
    boost::json::array a{boost::json::object{{"name", "Branch"}, {"type", 1}, {"value", branch}},
                         boost::json::object{{"name", "Commit"}, {"type", 1}, {"value", sha}}};
    if (!failure.empty())
        a.emplace_back(
            boost::json::object{{"name", "Failure summary"}, {"type", 4}, {"value", failure}});
    return boost::json::serialize(a);
}

// Counters of one thread for a run heading to `outcome` (2 success, 3 failure).
counters thread_counts(seeded_rng& rng, int outcome, bool culprit) {
    counters c;
    c.counts[1] = rng.uniform(5, 60);
    if (rng.chance(0.3)) c.counts[5] = rng.uniform(1, 4);
    if (rng.chance(0.1)) c.counts[3] = rng.uniform(1, 2);
    if (outcome == run_failure && (culprit || rng.chance(0.3))) {
        c.counts[2] = rng.uniform(1, 6);
        if (rng.chance(0.25)) c.counts[4] = rng.uniform(1, 3);
    }
    return c;
}

void finish_thread(thread_record& t, time_point start, std::int64_t elapsed_s, std::int64_t by) {
    t.is_completed = true;
    t.elapsed_us = elapsed_s * 1000000;
    t.completed_at = start + seconds(elapsed_s);
    t.completed_by = by;
}

}  // namespace

dataset generate_dataset(std::uint64_t seed, int runs, time_point now) {
    seeded_rng rng(seed, "testmo-data");
    dataset d;
    d.token = "testmo_sandbox_" + rng.hex(40);
    d.project_ids = {1, 2};
    std::int64_t id = 1;
    for (const char* s : {"frontend", "backend-api", "mobile-e2e", "nightly-regression"})
        d.sources.push_back({id++, s});
    id = 1;
    for (const auto& dev : device_names()) d.configs.push_back({id++, dev});
    d.milestones = {{1, "Release 4.2"}, {2, "Release 4.3"}, {3, "Sprint 48"}};
    id = 1;
    for (const auto& n : user_names()) {
        std::string email;
        for (char ch : n.substr(0, n.find(' ')))
            email += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        d.users.push_back({id++, n, email + "@example.com"});
    }

    const auto anchor = floor<seconds>(now);
    std::vector<time_point> created;
    for (int i = 0; i < runs; ++i)
        created.push_back(anchor - seconds(rng.uniform(3600, 30LL * 86400)));
    std::sort(created.begin(), created.end());
    // The newest four are still running: created minutes ago.
    for (int k = 0; k < std::min(runs, 4); ++k)
        created[static_cast<std::size_t>(runs - 1 - k)] =
            anchor - seconds(60 + 240 * k + rng.uniform(0, 60));
    std::sort(created.begin(), created.end());

    for (int i = 0; i < runs; ++i) {
        run_record r;
        r.id = i + 1;
        r.created_at = created[static_cast<std::size_t>(i)];
        r.project_id = rng.chance(0.7) ? d.project_ids[0] : d.project_ids[1];
        r.source_id = rng.pick(d.sources).id;
        if (rng.chance(0.6)) r.config_id = rng.pick(d.configs).id;
        if (rng.chance(0.3)) r.milestone_id = rng.pick(d.milestones).id;
        const auto& suite = rng.pick(suite_names());
        r.name = suite + " #" + std::to_string(1000 + i * 3 + rng.uniform(0, 2));
        const auto& branch = rng.pick(branch_names());
        const auto sha = rng.hex(40);
        r.tags = {"ci", suite};
        if (branch != "main") r.tags.push_back(branch.substr(0, branch.find('/')));
        r.links_json = boost::json::serialize(boost::json::array{boost::json::object{
            {"name", "CI build"},
            {"url", "https://github.com/acme/shop/actions/runs/" + std::to_string(7000000 + i)}}});
        r.created_by = rng.pick(d.users).id;
        r.detail_seed = rng.next();

        const bool running = i >= runs - 4;
        const bool left_open = !running && rng.chance(0.02);
        const bool fail_roll = rng.chance(0.27);
        // Both endings exist whatever the dice said: the 5th and 6th newest runs.
        const int outcome = i == runs - 5   ? run_failure
                            : i == runs - 6 ? run_success
                                            : (fail_roll ? run_failure : run_success);
        const int n_threads = static_cast<int>(rng.uniform(1, 8));
        auto t_start = r.created_at + seconds(rng.uniform(1, 20));
        std::int64_t longest = 0;
        counters total;
        for (int k = 0; k < n_threads; ++k) {
            thread_record t;
            t.id = d.next_thread_id++;
            t.run_id = r.id;
            t.index = k + 1;
            t.created_at = t_start;
            t.created_by = r.created_by;
            t.c = thread_counts(rng, outcome, k == 0);
            const auto elapsed = rng.uniform(60, 1800);
            longest = std::max(longest, elapsed);
            const bool active = (running || left_open) && k >= n_threads / 2;
            if (active) {
                t.c.untested = rng.uniform(3, 40);
            } else {
                finish_thread(t, t_start, elapsed, r.created_by);
                if (rng.chance(0.05)) t.c.untested = rng.uniform(1, 3);
            }
            total += t.c;
            r.threads.push_back(std::move(t));
        }
        if (running) {
            r.status = run_running;
        } else {
            r.status = completed_status(total);
            r.elapsed_us = longest * 1000000;
            if (!left_open) {
                r.is_completed = true;
                r.completed_at = r.created_at + seconds(longest + rng.uniform(5, 60));
                r.completed_by =
                    rng.chance(0.5) ? std::optional<std::int64_t>(r.created_by) : std::nullopt;
                r.updated_at = r.completed_at;
                r.updated_by = r.completed_by;
            }
        }
        r.fields_json =
            fields_json(branch, sha, r.status == run_failure ? rng.pick(failure_messages()) : "");
        d.runs.push_back(std::move(r));
    }
    d.next_run_id = runs + 1;
    std::reverse(d.runs.begin(), d.runs.end());
    return d;
}

std::vector<test_record> generated_tests(const run_record& run, const thread_record& thread) {
    seeded_rng rng(run.detail_seed, "testmo-tests-" + std::to_string(thread.index));
    std::vector<test_record> out;
    std::int64_t n = 0;
    auto add = [&](std::optional<int> status) {
        test_record t;
        t.id = run.id * 100000 + thread.index * 10000 + (n++);
        t.thread_id = thread.id;
        const auto& base = rng.pick(test_case_names());
        t.name = base;
        t.folder = rng.pick(suite_names());
        t.key = rng.hex(16);
        t.status_id = status;
        t.elapsed_us = status ? rng.uniform(300, 60000) * 1000 : 0;
        t.file = "tests/e2e/" + t.folder + ".spec.ts";
        t.line = rng.uniform(10, 400);
        t.created_at = thread.created_at + milliseconds(n * 750);
        out.push_back(std::move(t));
    };
    for (int s = 1; s <= 24; ++s)
        for (std::int64_t k = 0; k < thread.c.counts[static_cast<std::size_t>(s)]; ++k) add(s);
    for (std::int64_t k = 0; k < thread.c.untested; ++k) add(std::nullopt);
    return out;
}

void simulate_completion(run_record& r, std::string_view outcome, dataset& d,
                         time_point completed_at) {
    seeded_rng rng(r.detail_seed, "testmo-simulated");
    thread_record t;
    t.id = d.next_thread_id++;
    t.run_id = r.id;
    t.index = 1;
    t.created_at = r.created_at;
    t.created_by = r.created_by;
    if (outcome == "canceled") {
        t.c.untested = rng.uniform(5, 30);
    } else {
        t.c = thread_counts(rng, outcome == "passed" ? run_success : run_failure, true);
    }
    const auto elapsed_ms = std::chrono::duration_cast<milliseconds>(completed_at - r.created_at);
    t.is_completed = true;
    t.elapsed_us = elapsed_ms.count() * 1000;
    t.completed_at = completed_at;
    t.completed_by = r.created_by;
    r.threads.push_back(std::move(t));
    counters total;
    for (const auto& th : r.threads) total += th.c;
    r.status = completed_status(total);
    r.elapsed_us = elapsed_ms.count() * 1000;
    r.is_completed = true;
    r.completed_at = completed_at;
    r.completed_by = r.created_by;
    r.updated_at = completed_at;
    r.updated_by = r.created_by;
}

std::string triggered_outcome(std::uint64_t seed, std::int64_t run_id) {
    seeded_rng rng(seed, "testmo-trigger-outcome-" + std::to_string(run_id));
    return rng.chance(0.7) ? "passed" : "failed";
}

}  // namespace runhub::sandbox::testmo
