#include "connectors/sofy/sofy_connector.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "connectors/common/json_access.hpp"
#include "connectors/sofy/sofy_mapping.hpp"
#include "connectors/sofy/sofy_paging.hpp"
#include "connectors/sofy/sofy_trigger.hpp"
#include "connectors/sofy/sofy_webhook.hpp"

namespace runhub::connectors::sofy {
namespace {

namespace asio = boost::asio;

connector_error malformed(int status, std::string detail) {
    connector_error e;
    e.kind = http::upstream_error_kind::malformed;
    e.http_status = status;
    e.detail = "sofy: " + std::move(detail);
    return e;
}

connector_error conflict(std::string message) {
    connector_error e;
    e.kind = http::upstream_error_kind::client;
    e.conflict = true;
    e.message = std::move(message);
    e.detail = "sofy: " + e.message;
    return e;
}

// How many pages of 100 records find_group reads at most.
constexpr int find_group_pages = 5;

class sofy_connector final : public connector {
  public:
    sofy_connector(source_config cfg, connector_deps deps)
        : cfg_(std::move(cfg)), deps_(std::move(deps)) {
        if (auto it = cfg_.scope.find("application_guid"); it != cfg_.scope.end())
            application_guid_ = it->second;
        if (auto it = cfg_.scope.find("schedule_guid"); it != cfg_.scope.end())
            schedule_guid_ = it->second;
        if (auto it = cfg_.scope.find("lookback_days"); it != cfg_.scope.end()) {
            int days = 0;
            auto [p, ec] =
                std::from_chars(it->second.data(), it->second.data() + it->second.size(), days);
            if (ec == std::errc() && days > 0) lookback_ = std::chrono::days(days);
        }
    }

    const source_config& source() const override { return cfg_; }

    asio::awaitable<outcome<run_page>> list(list_query q, std::string position, int limit,
                                            clock::time_point deadline) override {
        // Sofy runs carry no branch: nothing to ask for.
        if (q.branch) co_return outcome<run_page>::success(run_page{});
        std::optional<sofy_position> start;
        if (position.empty()) {
            auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(deps_.now());
            start = first_position(q, now, lookback_);
        } else {
            start = decode_position(position);
        }
        if (!start) {
            connector_error e;
            e.kind = http::upstream_error_kind::client;
            e.detail = "sofy: not a position of this connector";
            co_return outcome<run_page>::failure(std::move(e));
        }
        // GCC 12: locals that live across the co_await inside the loop stay at function scope.
        std::vector<sofy_record> records;
        std::string target;
        http::client_result r;
        vendor_page page;
        assembled a;
        // A page that starts at the offset when it can: no vendor page is read twice in a walk
        // for the head of a group deferred from its end.
        const int size = page_size_for(start->offset);
        // Whole groups only: when the first group runs past this vendor page, read the next.
        for (int extra = 0; extra < 50; ++extra) {
            target = list_target(*start, application_guid_, extra, size);
            r = co_await send_get(target, deadline);
            if (!r.ok()) co_return outcome<run_page>::failure(to_connector_error(r));
            page = parse_list(r.response->body);
            if (!page.problem.empty())
                co_return outcome<run_page>::failure(malformed(r.response->status, page.problem));
            std::int64_t first_index = (start->offset / size + extra) * size;
            std::size_t skip = extra == 0 ? static_cast<std::size_t>(start->offset % size) : 0;
            bool short_page = page.records.size() < static_cast<std::size_t>(size);
            bool at_end =
                short_page ||
                first_index + static_cast<std::int64_t>(page.records.size()) >= page.total;
            if (skip < page.records.size())
                records.insert(records.end(), std::make_move_iterator(page.records.begin() + skip),
                               std::make_move_iterator(page.records.end()));
            a = assemble(records, *start, at_end, limit, q, cfg_.name, schedule_guid_);
            if (!a.need_more) {
                run_page out;
                out.runs = std::move(a.runs);
                if (a.next) out.next = encode_position(*a.next);
                co_return outcome<run_page>::success(std::move(out));
            }
        }
        co_return outcome<run_page>::failure(malformed(200, "a group larger than 50 pages"));
    }

    // `native_id` is `<scheduledRunGuid>.<groupId>`, or a bare group id (a test_completion
    // webhook's test_id): its scheduled run is then looked up first (find_group).
    asio::awaitable<outcome<model::run>> get(std::string native_id,
                                             clock::time_point deadline) override {
        std::vector<sofy_record> records;
        connector_error err;
        std::optional<group_ref> ref = parse_group_native_id(native_id);
        std::optional<std::string> guid;
        if (!ref && is_group_id(native_id)) {
            guid = co_await find_group(native_id, deadline, err);
            if (!guid) co_return outcome<model::run>::failure(std::move(err));
            native_id = group_native_id(*guid, native_id);
            ref = parse_group_native_id(native_id);
        }
        bool found = co_await fetch_group(native_id, deadline, records, err);
        if (!found) co_return outcome<model::run>::failure(std::move(err));
        co_return outcome<model::run>::success(
            map_group(records, cfg_.name, ref->scheduled_run_guid));
    }

    outcome<webhook_event> read_webhook(const http::header_fields& h, std::string_view body,
                                        std::string_view secret) const override {
        return sofy::read_webhook(h, body, secret, cfg_.name);
    }

    asio::awaitable<outcome<std::vector<model::test_failure>>> failures(
        std::string native_id, clock::time_point deadline) override {
        using result_t = outcome<std::vector<model::test_failure>>;
        std::vector<sofy_record> records;
        connector_error err;
        bool found = co_await fetch_group(native_id, deadline, records, err);
        if (!found) co_return result_t::failure(std::move(err));
        co_return result_t::success(map_failures(records));
    }

    // Executes the schedule (vendor-notes §1.2): one POST, never retried (Sofy takes no
    // idempotency key, so a second POST could start a second group), then the new group read
    // back with get(). Sofy only queues: "Test runs are scheduled and in queue." (§1.3).
    asio::awaitable<outcome<trigger_result>> trigger(trigger_request req,
                                                     clock::time_point deadline) override {
        using result_t = outcome<trigger_result>;
        execute_check check = check_execute_target(req.target);
        if (!check.call) co_return result_t::failure(std::move(check.error));
        http::client_request post;
        post.method = "POST";
        post.url = join_url(cfg_.base_url, check.call->target);
        post.headers.set("x-sofy-auth-key", cfg_.credential);
        post.headers.set("Accept", "application/json");
        const auto d = std::min(deadline, clock::now() + cfg_.timeout);
        http::client_result r = co_await deps_.client->send(std::move(post), d);
        if (!r.ok()) {
            connector_error e = to_connector_error(r);
            if (r.response && r.response->status == 400) {
                // Sofy's validation answers (an unknown schedule is 400 too, §1.6).
                e.field = field_of_execute_refusal(r.response->body);
                if (!e.field.empty()) {
                    e.invalid = true;
                    e.message = "Sofy refused " + e.field;
                }
            }
            spdlog::debug("sofy {}: POST execute: {} {}", cfg_.name, http::to_string(r.error),
                          r.detail);
            co_return result_t::failure(std::move(e));
        }
        auto doc = parse_json(r.response->body);
        std::optional<std::string> group = doc ? get_id(*doc, "testGroupsRunId") : std::nullopt;
        if (!group || group->empty())
            co_return result_t::failure(
                malformed(r.response->status,
                          "execute answer without testGroupsRunId (a run may have "
                          "started)"));
        trigger_result out;
        out.queued_only = true;
        const std::string native = group_native_id(check.call->schedule_guid, *group);
        outcome<model::run> got = co_await get(native, deadline);
        if (got.ok()) {
            out.run = std::move(*got.value);
        } else {
            // Started but not readable yet: what the execute answer says, nothing more.
            spdlog::debug("sofy {}: started {} but could not read it back: {}", cfg_.name, native,
                          got.error.detail);
            out.run = queued_placeholder(native, *doc);
        }
        co_return result_t::success(std::move(out));
    }

    // Aborts one group (vendor-notes §1.2, `?testRunGroupId=`). Sofy answers 200 even when it
    // aborted nothing, so the group's state is read first: terminal is a conflict with no PUT.
    asio::awaitable<outcome<model::run>> cancel(std::string native_id,
                                                clock::time_point deadline) override {
        using result_t = outcome<model::run>;
        std::optional<group_ref> ref = parse_group_native_id(native_id);
        outcome<model::run> before = co_await get(native_id, deadline);
        if (!before.ok()) co_return before;
        if (before.value->terminal)
            co_return result_t::failure(conflict(
                "the run is already " + std::string(model::to_string(before.value->status))));
        std::string target = "/scheduler-microservice/public/test-run/abort/" +
                             encode_component(ref->scheduled_run_guid) +
                             "?testRunGroupId=" + encode_component(ref->group_id);
        http::client_request put;
        put.method = "PUT";
        put.url = join_url(cfg_.base_url, target);
        put.headers.set("x-sofy-auth-key", cfg_.credential);
        put.headers.set("Accept", "application/json");
        const auto d = std::min(deadline, clock::now() + cfg_.timeout);
        // PUT: idempotent, retried. A repeat that finds nothing left to abort is read below.
        http::client_result r =
            co_await deps_.client->send_with_retry(std::move(put), d, deps_.retry);
        if (!r.ok()) {
            connector_error e = to_connector_error(r);
            if (r.response && r.response->status == 400) e.not_found = true;  // §1.6
            co_return result_t::failure(std::move(e));
        }
        const abort_answer said = classify_abort(r.response->body);
        outcome<model::run> after = co_await get(native_id, deadline);
        const bool canceled = after.ok() && after.value->status == model::run_status::canceled;
        if (said == abort_answer::nothing_aborted && !canceled)
            co_return result_t::failure(conflict(
                "Sofy could abort none of the run's test runs: they have completed or cannot "
                "be aborted"));
        if (after.ok()) co_return after;
        co_return before;  // aborted, not readable yet: as it was
    }

  private:
    model::run queued_placeholder(const std::string& native, const boost::json::value& answer) {
        model::run r;
        r.source = cfg_.name;
        r.vendor = "sofy";
        r.native_id = native;
        r.id = model::make_run_id(cfg_.name, native);
        r.status = model::run_status::queued;
        r.vendor_status = "Queued";
        r.created_at = std::chrono::time_point_cast<std::chrono::milliseconds>(deps_.now());
        r.raw = std::make_shared<const boost::json::value>(answer);
        return r;
    }

    // The scheduledRunGuid of a bare test-run group id. Sofy has no route from a group id to
    // its scheduled run, so the newest records of fetch-scheduled-runs (the last 7 days, Sofy's
    // default window, at most find_group_pages pages of 100) are searched for it: a completion
    // webhook names a group that has just ended. Not among them: not_found.
    asio::awaitable<std::optional<std::string>> find_group(std::string group,
                                                           clock::time_point deadline,
                                                           connector_error& err) {
        auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(deps_.now());
        list_query q;
        q.since = now - std::chrono::days(7);
        sofy_position start = first_position(q, now, lookback_);
        std::string target;
        http::client_result r;
        vendor_page page;
        for (int extra = 0; extra < find_group_pages; ++extra) {
            target = list_target(start, application_guid_, extra, vendor_page_size);
            r = co_await send_get(target, deadline);
            if (!r.ok()) {
                err = to_connector_error(r);
                co_return std::nullopt;
            }
            page = parse_list(r.response->body);
            if (!page.problem.empty()) {
                err = malformed(r.response->status, page.problem);
                co_return std::nullopt;
            }
            for (const auto& rec : page.records) {
                if (rec.group_id != group) continue;
                std::string guid =
                    rec.scheduled_run_guid.empty() ? schedule_guid_ : rec.scheduled_run_guid;
                if (!guid.empty()) co_return guid;
            }
            if (page.records.size() < static_cast<std::size_t>(vendor_page_size) ||
                static_cast<std::int64_t>(extra + 1) * vendor_page_size >= page.total)
                break;
        }
        err = connector_error{};
        err.kind = http::upstream_error_kind::client;
        err.not_found = true;
        err.detail = "sofy: no test-run group " + group + " among the last 7 days' runs";
        co_return std::nullopt;
    }

    // The status route of one group: its test runs into `records`, else the error into `err`.
    asio::awaitable<bool> fetch_group(std::string native_id, clock::time_point deadline,
                                      std::vector<sofy_record>& records, connector_error& err) {
        std::optional<group_ref> ref = parse_group_native_id(native_id);
        if (!ref) {
            err.kind = http::upstream_error_kind::client;
            err.not_found = true;
            err.detail = "sofy: not a group id of this connector";
            co_return false;
        }
        std::string target = "/scheduler-microservice/scheduled-runs/" + ref->scheduled_run_guid +
                             "/status/" + ref->group_id;
        http::client_result r = co_await send_get(std::move(target), deadline);
        if (!r.ok()) {
            err = to_connector_error(r);
            // Sofy answers an unknown scheduled-run GUID or group id with 400 (vendor-notes
            // §1.6, "Scheduled run ID / Test run ID not found or invalid").
            if (r.response && r.response->status == 400) err.not_found = true;
            co_return false;
        }
        auto doc = parse_json_doc(r.response->body);
        const boost::json::value* data = doc ? member(*doc, "data") : nullptr;
        if (!data || !data->is_array()) {
            err = malformed(r.response->status, "status answer without a data array");
            co_return false;
        }
        for (const auto& v : data->get_array()) {
            auto p = parse_record(v, doc);
            if (!p.record) {
                err = malformed(r.response->status, p.problem);
                co_return false;
            }
            records.push_back(std::move(*p.record));
        }
        if (records.empty()) {
            err.kind = http::upstream_error_kind::client;
            err.http_status = r.response->status;
            err.not_found = true;
            err.detail = "sofy: the group has no test runs";
            co_return false;
        }
        co_return true;
    }

    asio::awaitable<http::client_result> send_get(std::string target, clock::time_point deadline) {
        http::client_request req;
        req.method = "GET";
        req.url = join_url(cfg_.base_url, target);
        req.headers.set("x-sofy-auth-key", cfg_.credential);
        req.headers.set("Accept", "application/json");
        auto d = std::min(deadline, clock::now() + cfg_.timeout);
        http::client_result r =
            co_await deps_.client->send_with_retry(std::move(req), d, deps_.retry);
        if (!r.ok())
            spdlog::debug("sofy {}: GET {}: {} {}", cfg_.name, target, http::to_string(r.error),
                          r.detail);
        co_return r;
    }

    source_config cfg_;
    connector_deps deps_;
    std::string application_guid_;
    std::string schedule_guid_;  // for records that do not name their scheduled run
    std::chrono::days lookback_ = default_lookback;
};

}  // namespace

std::unique_ptr<connector> make_sofy_connector(source_config cfg, connector_deps deps) {
    return std::make_unique<sofy_connector>(std::move(cfg), std::move(deps));
}

}  // namespace runhub::connectors::sofy
