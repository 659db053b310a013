#include "sandbox/buildkite/buildkite_store.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace runhub::sandbox::buildkite {

store::store(store_options o)
    : opts_(o),
      runs_(generate_runs(o.seed, o.runs, o.anchor)),
      ids_(o.seed, "buildkite-upload-ids") {}

void store::reset() {
    std::lock_guard lock(mutex_);
    runs_ = generate_runs(opts_.seed, opts_.runs, opts_.anchor);
    ids_ = seeded_rng(opts_.seed, "buildkite-upload-ids");
}

run_status store::status_locked(const run_record& r, time_point now) const {
    std::vector<upload_counts> counts;
    for (const auto& u : r.uploads) counts.push_back(u.counts);
    return status_at(r.base, counts, now, opts_.processing, opts_.finishing);
}

std::vector<run_view> store::list(const std::string& build_id, time_point now) const {
    std::lock_guard lock(mutex_);
    std::vector<run_view> out;
    for (const auto& r : runs_) {
        if (!build_id.empty() && r.build_id != build_id) continue;
        out.push_back({r, status_locked(r, now)});
    }
    return out;
}

store::json_window store::list_json_window(const std::string& build_id, time_point now,
                                           std::size_t first, std::size_t count,
                                           const run_urls& u) const {
    std::lock_guard lock(mutex_);
    json_window out;
    for (const auto& r : runs_) {
        if (!build_id.empty() && r.build_id != build_id) continue;
        if (out.total >= first && out.total - first < count) {
            auto st = status_locked(r, now);
            auto& k = r.kept;
            if (!k.json || k.status.state != st.state || k.status.result != st.result ||
                k.api_runs != u.api_runs) {
                k.json = std::make_shared<const std::string>(
                    boost::json::serialize(run_object(r, st, u)));
                k.status = std::move(st);
                k.api_runs = u.api_runs;
            }
            out.runs.push_back(k.json);
        }
        ++out.total;
    }
    return out;
}

std::optional<run_view> store::get(const std::string& id, time_point now) const {
    std::lock_guard lock(mutex_);
    for (const auto& r : runs_)
        if (r.id == id) return run_view{r, status_locked(r, now)};
    return std::nullopt;
}

std::vector<failed_execution> store::failures_of(const run_view& v, time_point now) const {
    std::vector<failed_execution> out = v.record.failures;
    for (const auto& u : v.record.uploads) {
        if (now < u.counts.at + opts_.processing) continue;
        out.insert(out.end(), u.failures.begin(), u.failures.end());
    }
    return out;
}

store::upload_answer store::upload(upload_spec spec, time_point now, const std::string& forced) {
    std::lock_guard lock(mutex_);
    upload_record u;
    u.id = ids_.uuid();
    u.counts.at = now;
    if (forced == "error" || forced == "canceled") spec.results.clear();
    for (auto& res : spec.results) {
        if (forced == "passed") res.result = "passed";
        if (res.result == "passed") ++u.counts.passed;
        if (res.result != "failed") continue;
        ++u.counts.failed;
        failed_execution f;
        f.execution_id = ids_.uuid();
        f.test_id = ids_.uuid();
        f.test_name = res.name;
        f.location = res.location;
        f.failure_reason = res.failure_reason;
        f.backtrace = {res.location};
        f.duration_s = res.duration_s;
        f.created_at = now + opts_.processing;
        u.failures.push_back(std::move(f));
    }
    if (forced == "failed" && u.counts.failed == 0) {
        ++u.counts.failed;
        u.failures.push_back({ids_.uuid(),
                              ids_.uuid(),
                              "forced failure",
                              "./spec/forced_spec.rb:1",
                              "Forced by the sandbox: outcome failed",
                              {},
                              0.5,
                              now + opts_.processing});
    }
    upload_answer answer{u.id, "", static_cast<int>(spec.results.size())};
    auto it = std::find_if(runs_.begin(), runs_.end(),
                           [&](const run_record& r) { return r.key == spec.key; });
    if (it == runs_.end()) {
        run_record r;
        r.id = ids_.uuid();
        r.build_id = ids_.uuid();
        r.key = spec.key;
        r.branch = spec.branch;
        r.commit_sha = spec.commit_sha;
        r.created_at = now;
        r.base = {"finished", "pending"};
        auto pos = std::upper_bound(
            runs_.begin(), runs_.end(), r, [](const run_record& a, const run_record& b) {
                return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
            });
        it = runs_.insert(pos, std::move(r));
    }
    it->uploads.push_back(std::move(u));
    answer.run_id = it->id;
    return answer;
}

}  // namespace runhub::sandbox::buildkite
