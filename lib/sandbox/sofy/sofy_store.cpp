#include "sandbox/sofy/sofy_store.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "sandbox/sofy/sofy_wire.hpp"

namespace runhub::sandbox::sofy {

namespace {

bool newer(const test_run& a, const test_run& b) {
    return a.scheduled_at != b.scheduled_at ? a.scheduled_at > b.scheduled_at
                                            : a.test_run_id > b.test_run_id;
}

bool unfinished(const test_run& r) { return r.status == "Running"; }

// The run's record as a fetch sends it: kept in the run, made again when a field it shows
// has changed since (the others never change once the run exists).
std::shared_ptr<const std::string> record_json(const test_run& r, const catalog& cat) {
    auto& k = r.kept;
    if (!k.json || k.status != r.status || k.build != r.build || k.device != r.device ||
        k.scheduled_at != r.scheduled_at) {
        k.json = std::make_shared<const std::string>(boost::json::serialize(record_object(r, cat)));
        k.status = r.status;
        k.build = r.build;
        k.device = r.device;
        k.scheduled_at = r.scheduled_at;
    }
    return k.json;
}

}  // namespace

store::store(store_options o)
    : opts_(o),
      catalog_(make_catalog(o.seed)),
      runs_(generate_runs(o.seed, o.runs, o.anchor, catalog_)) {}

void store::reset() {
    std::lock_guard lock(mutex_);
    runs_ = generate_runs(opts_.seed, opts_.runs, opts_.anchor, catalog_);
    next_group_ = 0;
    completed_.clear();
}

void store::refresh_locked(time_point now, const std::string& forced) {
    for (auto& r : runs_) {
        if (r.settled || !r.life) continue;
        const auto v = lifecycle_at(*r.life, now);
        r.queued = v.at == phase::queued;
        if (v.at != phase::ended) {
            r.status = "Running";
            continue;
        }
        const std::string outcome =
            v.aborted ? "canceled" : (!forced.empty() ? forced : r.planned_outcome);
        r.status = status_for(outcome, static_cast<std::uint64_t>(r.test_run_id.back()));
        r.settled = true;
    }
}

store::fetch_page store::fetch(const fetch_query& q, time_point now, const std::string& forced) {
    std::lock_guard lock(mutex_);
    refresh_locked(now, forced);
    std::vector<const test_run*> matching;
    for (const auto& r : runs_) {
        if (r.scheduled_at < q.from || r.scheduled_at >= q.until) continue;
        if (!q.application_guid.empty()) {
            const auto* s = catalog_.find_schedule(r.schedule_guid);
            if (!s || s->application_guid != q.application_guid) continue;
        }
        matching.push_back(&r);
    }
    fetch_page page;
    page.total = matching.size();
    const auto s = slice_page(matching.size(), q.page_number, q.page_size);
    for (auto i = s.begin; i < s.end; ++i) page.json.push_back(record_json(*matching[i], catalog_));
    return page;
}

std::optional<std::vector<test_run>> store::group_runs(const std::string& schedule_guid,
                                                       const std::string& group_id, time_point now,
                                                       const std::string& forced) {
    std::lock_guard lock(mutex_);
    refresh_locked(now, forced);
    std::vector<test_run> out;
    for (const auto& r : runs_)
        if (r.group_id == group_id && r.schedule_guid == schedule_guid) out.push_back(r);
    if (out.empty()) return std::nullopt;
    return out;
}

std::vector<group_info> store::groups_of(const std::string& schedule_guid, time_point now,
                                         const std::string& forced) {
    std::lock_guard lock(mutex_);
    refresh_locked(now, forced);
    std::vector<std::string> order;  // newest first, as runs_ is
    std::map<std::string, std::vector<const test_run*>> by_group;
    for (const auto& r : runs_) {
        if (r.schedule_guid != schedule_guid) continue;
        auto& v = by_group[r.group_id];
        if (v.empty()) order.push_back(r.group_id);
        v.push_back(&r);
    }
    std::vector<group_info> out;
    for (const auto& id : order) {
        const auto& runs = by_group[id];
        int passed = 0, failed = 0;
        for (const auto* r : runs) {
            passed += r->status == "Passed";
            failed += r->status == "Failed";
        }
        const int other = static_cast<int>(runs.size()) - passed - failed;
        out.push_back({id, group_status(runs),
                       std::to_string(runs.size()) + " test run(s): " + std::to_string(passed) +
                           " passed, " + std::to_string(failed) + " failed, " +
                           std::to_string(other) + " other.",
                       runs.front()->scheduled_at});
    }
    return out;
}

std::string store::execute(const schedule& s, const std::string& build,
                           const std::vector<std::string>& devices, time_point now,
                           const std::string& forced) {
    std::lock_guard lock(mutex_);
    const std::string gid = std::to_string(900'000 + next_group_++);
    int k = 0;
    for (const auto& scenario : s.scenarios) {
        for (const auto& device : devices) {
            test_run r;
            r.test_run_id = gid + std::to_string(k++);
            r.group_id = gid;
            r.schedule_guid = s.guid;
            r.scenario = scenario;
            r.device = device;
            r.build = build;
            r.scheduled_at = now;
            r.status = "Running";
            r.queued = true;
            r.life = lifecycle_input{now, opts_.queued_for, opts_.running_for, std::nullopt};
            r.planned_outcome =
                !forced.empty() ? forced : seeded_outcome(opts_.seed, r.test_run_id);
            r.settled = false;
            runs_.insert(std::upper_bound(runs_.begin(), runs_.end(), r, newer), r);
        }
    }
    refresh_locked(now, forced);
    return gid;
}

std::vector<group_completion> store::due_completions(time_point now, const std::string& forced) {
    std::lock_guard lock(mutex_);
    refresh_locked(now, forced);
    std::vector<std::string> order;
    std::map<std::string, std::vector<const test_run*>> by_group;
    for (const auto& r : runs_) {
        if (!r.life) continue;  // only triggered groups end while the sandbox runs
        const std::string key = r.schedule_guid + "." + r.group_id;
        if (completed_.contains(key)) continue;
        auto& v = by_group[key];
        if (v.empty()) order.push_back(key);
        v.push_back(&r);
    }
    std::vector<group_completion> out;
    for (const auto& key : order) {
        const auto& runs = by_group[key];
        if (!std::all_of(runs.begin(), runs.end(), [](const test_run* r) { return r->settled; }))
            continue;
        completed_.insert(key);
        group_completion c;
        c.group_id = runs.front()->group_id;
        c.schedule_guid = runs.front()->schedule_guid;
        int passed = 0, failed = 0;
        bool stopped = false;
        for (const auto* r : runs) {
            passed += r->status == "Passed";
            failed += r->status == "Failed";
            stopped = stopped || r->status == "Stopped" || r->status == "Run Stopped";
            const auto& l = *r->life;
            auto ended = l.triggered_at + l.queued_for + l.running_for;
            if (l.aborted_at && *l.aborted_at < ended) ended = *l.aborted_at;
            c.ended_at = std::max(c.ended_at, ended);
        }
        const int n = static_cast<int>(runs.size());
        c.outcome = stopped ? "stopped" : passed == n ? "passed" : "failed";
        c.details = c.outcome == "passed"
                        ? "Test completed successfully with no errors."
                        : std::to_string(n) + " test run(s): " + std::to_string(passed) +
                              " passed, " + std::to_string(failed) + " failed, " +
                              std::to_string(n - passed - failed) + " other.";
        out.push_back(std::move(c));
    }
    return out;
}

store::abort_result store::abort(const std::string& schedule_guid,
                                 const std::optional<std::string>& group, time_point now,
                                 const std::string& forced) {
    std::lock_guard lock(mutex_);
    refresh_locked(now, forced);
    bool known = !group;
    bool aborted = false;
    for (auto& r : runs_) {
        if (r.schedule_guid != schedule_guid) continue;
        if (group && r.group_id != *group) continue;
        known = true;
        if (!unfinished(r)) continue;
        aborted = true;
        if (r.life) {
            r.life->aborted_at = now;
        } else {
            r.status = "Run Stopped";
        }
    }
    if (!known) return abort_result::unknown_group;
    refresh_locked(now, forced);
    return aborted ? abort_result::aborted : abort_result::nothing_to_abort;
}

}  // namespace runhub::sandbox::sofy
