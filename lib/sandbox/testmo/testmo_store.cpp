#include "sandbox/testmo/testmo_store.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "sandbox/core/seeded_data.hpp"
#include "sandbox/testmo/testmo_data.hpp"
#include "sandbox/testmo/testmo_statuses.hpp"
#include "sandbox/testmo/testmo_wire.hpp"

namespace runhub::sandbox::testmo {

namespace {

api_error closed(std::string_view what) {
    return {422, "The " + std::string(what) + " is already completed and cannot be changed.", {}};
}

std::int64_t micros(std::chrono::system_clock::duration d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

std::string key_from_name(std::string_view name) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (auto& c : out) {
        c = digits[h & 0xF];
        h >>= 4;
    }
    return out;
}

}  // namespace

run_store::run_store(dataset d, std::uint64_t seed, lifecycle_timing timing)
    : d_(std::move(d)), seed_(seed), timing_(timing) {}

bool run_store::has_project(std::int64_t id) const {
    return std::find(d_.project_ids.begin(), d_.project_ids.end(), id) != d_.project_ids.end();
}

const run_record* run_store::find(std::int64_t run_id) const {
    for (const auto& r : d_.runs)
        if (r.id == run_id) return &r;
    return nullptr;
}

run_record* run_store::find_mut(std::int64_t run_id) {
    auto* r = const_cast<run_record*>(std::as_const(*this).find(run_id));
    if (r) r->list_json.reset();  // about to change
    return r;
}

const thread_record* run_store::find_thread(std::int64_t thread_id) const {
    for (const auto& r : d_.runs)
        for (const auto& t : r.threads)
            if (t.id == thread_id) return &t;
    return nullptr;
}

std::pair<run_record*, thread_record*> run_store::find_thread_mut(std::int64_t thread_id) {
    for (auto& r : d_.runs)
        for (auto& t : r.threads)
            if (t.id == thread_id) {
                r.list_json.reset();  // about to change
                return {&r, &t};
            }
    return {nullptr, nullptr};
}

void run_store::settle(time_point now, std::string_view forced_outcome) {
    for (auto& r : d_.runs) {
        if (!r.triggered || r.client_driven || r.settled ||
            !has_completed(r.created_at, now, timing_))
            continue;
        simulate_completion(r, resolve_outcome(forced_outcome, r.seeded_outcome), d_,
                            completes_at(r.created_at, timing_));
        r.settled = true;
        r.list_json.reset();
    }
}

std::string run_store::list_body(std::int64_t project_id, const run_list_query& q) const {
    std::vector<const run_record*> hits;
    for (const auto& r : d_.runs)
        if (r.project_id == project_id && matches(q, r)) hits.push_back(&r);
    if (q.ascending) std::reverse(hits.begin(), hits.end());
    auto w = window(static_cast<std::int64_t>(hits.size()), q.page, q.per_page);
    std::vector<const run_record*> shown(
        hits.begin() + static_cast<std::ptrdiff_t>(w.first),
        hits.begin() + static_cast<std::ptrdiff_t>(w.first + w.count));
    std::vector<std::shared_ptr<const std::string>> result;
    result.reserve(shown.size());
    for (const auto* r : shown) {
        if (!r->list_json)
            r->list_json =
                std::make_shared<const std::string>(boost::json::serialize(run_json(*r, false)));
        result.push_back(r->list_json);
    }
    if (q.expands.empty()) return joined_page_body(w, q.per_page, result, nullptr);
    auto ex = expands_json(q.expands, shown, d_);
    return joined_page_body(w, q.per_page, result, &ex);
}

std::string run_store::get_body(const run_record& r,
                                const std::vector<std::string>& expands) const {
    boost::json::object o{{"result", run_json(r, true)}};
    if (!expands.empty()) o["expands"] = expands_json(expands, {&r}, d_);
    return boost::json::serialize(o);
}

std::variant<std::int64_t, api_error> run_store::create_run(std::int64_t project_id,
                                                            const create_run_request& req,
                                                            time_point now) {
    run_record r;
    auto by_name = [](std::vector<named>& v, const std::string& name) -> const named* {
        for (const auto& n : v)
            if (n.name == name) return &n;
        return nullptr;
    };
    auto by_id = [](std::vector<named>& v, std::int64_t id) {
        return std::any_of(v.begin(), v.end(), [&](const named& n) { return n.id == id; });
    };
    if (req.config_id && !by_id(d_.configs, *req.config_id))
        return invalid_field("config_id", "The selected config id is invalid.");
    if (req.milestone_id && !by_id(d_.milestones, *req.milestone_id))
        return invalid_field("milestone_id", "The selected milestone id is invalid.");
    if (req.milestone && !by_name(d_.milestones, *req.milestone))
        return invalid_field("milestone", "The selected milestone is invalid.");
    // A new source or config name creates it, as Testmo's reporters expect.
    if (const auto* s = by_name(d_.sources, req.source)) {
        r.source_id = s->id;
    } else {
        r.source_id = static_cast<std::int64_t>(d_.sources.size()) + 1;
        d_.sources.push_back({r.source_id, req.source});
    }
    r.config_id = req.config_id;
    if (req.config) {
        if (const auto* c = by_name(d_.configs, *req.config)) {
            r.config_id = c->id;
        } else {
            r.config_id = static_cast<std::int64_t>(d_.configs.size()) + 1;
            d_.configs.push_back({*r.config_id, *req.config});
        }
    }
    r.milestone_id = req.milestone ? by_name(d_.milestones, *req.milestone)->id : req.milestone_id;
    r.id = d_.next_run_id++;
    r.project_id = project_id;
    r.name = req.name;
    r.status = run_running;
    r.tags = req.tags;
    r.artifacts_json = append_json_array("[]", req.extra.artifacts);
    r.fields_json = append_json_array("[]", req.extra.fields);
    r.links_json = append_json_array("[]", req.extra.links);
    r.created_at = std::chrono::time_point_cast<std::chrono::milliseconds>(now);
    r.created_by = api_user;
    r.triggered = true;
    r.seeded_outcome = triggered_outcome(seed_, r.id);
    r.detail_seed = seeded_rng(seed_, "testmo-run-" + std::to_string(r.id)).next();
    const auto id = r.id;
    d_.runs.insert(d_.runs.begin(), std::move(r));
    return id;
}

std::optional<api_error> run_store::append_run(std::int64_t run_id, const attachments& a,
                                               time_point now) {
    auto* r = find_mut(run_id);
    if (r->is_completed) return closed("automation run");
    r->client_driven = true;
    r->artifacts_json = append_json_array(r->artifacts_json, a.artifacts);
    r->fields_json = append_json_array(r->fields_json, a.fields);
    r->links_json = append_json_array(r->links_json, a.links);
    r->updated_at = now;
    r->updated_by = api_user;
    return std::nullopt;
}

std::optional<api_error> run_store::complete_run(std::int64_t run_id, bool measure_elapsed,
                                                 time_point now) {
    auto* r = find_mut(run_id);
    if (r->is_completed) return closed("automation run");
    r->client_driven = true;
    std::int64_t longest = 0;
    for (auto& t : r->threads) {
        if (!t.is_completed) {
            t.is_completed = true;
            t.completed_at = now;
            t.completed_by = api_user;
        }
        longest = std::max(longest, t.elapsed_us);
    }
    r->status = completed_status(counters_of(*r));
    r->elapsed_us = measure_elapsed ? micros(now - r->created_at) : longest;
    r->is_completed = true;
    r->completed_at = now;
    r->completed_by = api_user;
    r->updated_at = now;
    r->updated_by = api_user;
    return std::nullopt;
}

std::variant<std::int64_t, api_error> run_store::create_thread(std::int64_t run_id,
                                                               const thread_request& req,
                                                               time_point now) {
    auto* r = find_mut(run_id);
    if (r->is_completed) return closed("automation run");
    r->client_driven = true;
    thread_record t;
    t.id = d_.next_thread_id++;
    t.run_id = r->id;
    t.index = static_cast<int>(r->threads.size()) + 1;
    t.elapsed_us = req.elapsed_observed.value_or(req.elapsed_computed.value_or(0));
    t.artifacts_json = append_json_array("[]", req.extra.artifacts);
    t.fields_json = append_json_array("[]", req.extra.fields);
    t.created_at = now;
    t.created_by = api_user;
    r->threads.push_back(std::move(t));
    return r->threads.back().id;
}

std::optional<api_error> run_store::append_thread(std::int64_t thread_id, const thread_request& req,
                                                  time_point now) {
    auto [r, t] = find_thread_mut(thread_id);
    if (t->is_completed || r->is_completed) return closed("thread");
    r->client_driven = true;
    if (req.elapsed_observed || req.elapsed_computed)
        t->elapsed_us = req.elapsed_observed.value_or(req.elapsed_computed.value_or(0));
    t->artifacts_json = append_json_array(t->artifacts_json, req.extra.artifacts);
    t->fields_json = append_json_array(t->fields_json, req.extra.fields);
    for (const auto& s : req.tests) {
        test_record rec;
        rec.id = d_.next_test_id++;
        rec.thread_id = t->id;
        rec.key = s.key.empty() ? key_from_name(s.folder + "/" + s.name) : s.key;
        rec.name = s.name;
        rec.folder = s.folder;
        rec.status_id = s.status_id;
        rec.elapsed_us = s.elapsed_us;
        rec.file = s.file;
        rec.line = s.line;
        rec.created_at = now;
        ++t->c.counts[static_cast<std::size_t>(s.status_id)];
        r->tests.push_back(std::move(rec));
    }
    return std::nullopt;
}

std::optional<api_error> run_store::complete_thread(std::int64_t thread_id,
                                                    const thread_request& req, time_point now) {
    auto [r, t] = find_thread_mut(thread_id);
    if (t->is_completed || r->is_completed) return closed("thread");
    r->client_driven = true;
    if (req.elapsed_observed || req.elapsed_computed)
        t->elapsed_us = req.elapsed_observed.value_or(req.elapsed_computed.value_or(0));
    t->is_completed = true;
    t->completed_at = now;
    t->completed_by = api_user;
    return std::nullopt;
}

}  // namespace runhub::sandbox::testmo
