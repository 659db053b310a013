#include "sandbox/testerarmy/testerarmy_store.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "sandbox/testerarmy/testerarmy_wire.hpp"

namespace runhub::sandbox::testerarmy {

namespace {

bool newer(const run_record& a, const run_record& b) {
    return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
}

bool is_terminal(const std::string& status) {
    return status == "completed" || status == "failed" || status == "cancelled";
}

}  // namespace

store::store(store_options o)
    : opts_(std::move(o)),
      catalog_(make_catalog(opts_.seed)),
      runs_(generate_runs(opts_.seed, opts_.runs, opts_.anchor, catalog_)),
      ids_(opts_.seed, "testerarmy-trigger-ids") {}

void store::reset() {
    std::lock_guard lock(mutex_);
    runs_ = generate_runs(opts_.seed, opts_.runs, opts_.anchor, catalog_);
    ids_ = seeded_rng(opts_.seed, "testerarmy-trigger-ids");
    triggered_ = 0;
}

void store::refresh_locked(time_point now, const std::string& forced) {
    for (auto& r : runs_) {
        if (r.settled || !r.life) continue;
        r.list_json.reset();
        const auto v = lifecycle_at(*r.life, now);
        r.started_at = v.started_at;
        if (v.at == phase::queued) {
            r.status = "queued";
        } else if (v.at == phase::running) {
            r.status = "running";
        } else {
            const std::string outcome =
                v.cancelled ? "canceled" : (!forced.empty() ? forced : r.planned_outcome);
            seeded_rng rng(opts_.seed, "testerarmy-settle-" + r.id);
            apply_outcome(r, outcome, *v.ended_at, rng);
            r.settled = true;
        }
    }
}

std::shared_ptr<const std::string> store::list_json_locked(run_record& r) {
    if (r.list_json) return r.list_json;
    auto json = std::make_shared<const std::string>(boost::json::serialize(run_object(r)));
    // Kept only once nothing but a store call can change the record (see run_record::list_json).
    if (r.settled && (!r.life || r.webhook_sent)) r.list_json = json;
    return json;
}

run_record* store::find_locked(const std::string& id) {
    for (auto& r : runs_)
        if (r.id == id) return &r;
    return nullptr;
}

store::list_page store::list(const list_query& q, time_point now, const std::string& forced) {
    std::lock_guard lock(mutex_);
    refresh_locked(now, forced);
    list_page page;
    std::optional<run_key> after;
    if (!q.cursor.empty()) {
        after = decode_cursor(q.cursor);
        if (!after) {
            page.bad_cursor = true;
            return page;
        }
    }
    std::vector<run_record*> matching;
    std::vector<run_key> keys;
    for (auto& r : runs_) {
        if (!q.status.empty() && r.status != q.status) continue;
        if (!q.project_id.empty() && r.project_id != q.project_id) continue;
        if (!q.test_id.empty() && r.test_id != q.test_id) continue;
        matching.push_back(&r);
        keys.push_back({unix_millis(r.created_at), r.id});
    }
    const auto s = slice_after(keys, after, q.limit);
    for (auto i = s.begin; i < s.end; ++i) page.runs.push_back(list_json_locked(*matching[i]));
    if (s.has_more && s.end > s.begin) page.next_cursor = encode_cursor(keys[s.end - 1]);
    return page;
}

std::optional<run_record> store::get(const std::string& id, time_point now,
                                     const std::string& forced) {
    std::lock_guard lock(mutex_);
    refresh_locked(now, forced);
    if (auto* r = find_locked(id)) return *r;
    return std::nullopt;
}

store::cancel_result store::cancel(const std::string& id, time_point now,
                                   const std::string& forced) {
    std::lock_guard lock(mutex_);
    refresh_locked(now, forced);
    auto* r = find_locked(id);
    if (!r) return cancel_result::not_found;
    if (is_terminal(r->status)) return cancel_result::terminal;
    if (r->life) {
        r->life->cancelled_at = now;
        refresh_locked(now, forced);
    } else {
        r->status = "cancelled";
        r->completed_at = now;
        r->list_json.reset();
    }
    return cancel_result::cancelled;
}

std::optional<store::batch_cancel_result> store::cancel_batch(const std::string& batch_id,
                                                              time_point now,
                                                              const std::string& forced) {
    std::lock_guard lock(mutex_);
    refresh_locked(now, forced);
    batch_cancel_result out;
    bool found = false;
    for (auto& r : runs_) {
        if (batch_id.empty() || r.batch_id != batch_id) continue;
        found = true;
        if (is_terminal(r.status)) {
            out.already_finished.push_back(r.id);
            continue;
        }
        out.cancelled.push_back(r.id);
        if (r.life) r.life->cancelled_at = now;
    }
    if (!found) return std::nullopt;
    refresh_locked(now, forced);
    return out;
}

std::string store::new_batch_id() {
    std::lock_guard lock(mutex_);
    return ids_.uuid();
}

run_record store::trigger(const trigger_spec& spec, time_point now, const std::string& forced) {
    std::lock_guard lock(mutex_);
    run_record r;
    r.id = ids_.uuid();
    r.type = spec.type;
    r.project_id = spec.project_id;
    r.test_id = spec.test_id;
    r.group_id = spec.group_id;
    r.batch_id = spec.batch_id;
    r.prompt = spec.prompt;
    r.feature_name = spec.feature_name;
    r.platform = spec.platform.empty() ? "web" : spec.platform;
    r.source = "api";
    r.execution_mode = "fast";
    r.user_name = "Sandbox API key";
    r.webhook_url = spec.webhook_url.empty() ? opts_.default_webhook_url : spec.webhook_url;
    if (!r.webhook_url.empty()) r.webhook_status = "pending";
    r.created_at = now;
    r.status = "queued";
    r.life = lifecycle_input{now, opts_.queued_for, opts_.running_for, std::nullopt};
    r.planned_outcome = !forced.empty() ? forced : seeded_outcome(opts_.seed, triggered_);
    ++triggered_;
    r.settled = false;
    const auto pos = std::upper_bound(runs_.begin(), runs_.end(), r, newer);
    runs_.insert(pos, r);
    refresh_locked(now, forced);
    return *find_locked(r.id);
}

std::vector<webhook_delivery> store::due_webhooks(time_point now, const std::string& forced) {
    std::lock_guard lock(mutex_);
    refresh_locked(now, forced);
    std::vector<webhook_delivery> out;
    for (auto& r : runs_) {
        if (!r.life || !r.settled || r.webhook_sent) continue;
        r.webhook_sent = true;
        r.list_json.reset();
        // Sent when a run completes or fails (vendor-notes §2.7), not when cancelled.
        if (r.webhook_url.empty()) continue;
        if (r.status == "cancelled") {
            r.webhook_status.clear();
            continue;
        }
        out.push_back({r.webhook_url, boost::json::serialize(run_object(r))});
        r.webhook_status = "delivered";
    }
    return out;
}

}  // namespace runhub::sandbox::testerarmy
