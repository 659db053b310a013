#include "aggregate/list_runs.hpp"

#include <algorithm>

#include "aggregate/fan_out.hpp"
#include "aggregate/merge.hpp"
#include "aggregate/query_binding.hpp"

namespace runhub::aggregate {
namespace asio = boost::asio;

namespace {

std::vector<std::string> names_of(const list_request& req) {
    std::vector<std::string> names;
    for (const auto& s : req.sources) names.push_back(s->source().name);
    return names;
}

// The merge's starting points, in request order, from the cursor (or the first page).
boost::system::result<std::vector<merge::source_start>> starts_from(
    const std::vector<std::string>& names, const std::optional<cursor_state>& cursor) {
    std::vector<merge::source_start> starts;
    for (const auto& n : names) {
        merge::source_start st{n, "", false};
        if (cursor) {
            auto it = std::find_if(cursor->sources.begin(), cursor->sources.end(),
                                   [&](const auto& p) { return p.source == n; });
            if (it == cursor->sources.end()) return cursor_error::query_mismatch;
            st.position = it->position;
            st.exhausted = it->exhausted;
        }
        starts.push_back(std::move(st));
    }
    if (cursor && cursor->sources.size() != names.size()) return cursor_error::query_mismatch;
    return starts;
}

}  // namespace

asio::awaitable<boost::system::result<list_result>> list_runs(
    list_request req, std::shared_ptr<const cursor_codec> codec) {
    auto names = names_of(req);
    auto binding = bind_query(req.query, names, req.key_identity);

    std::optional<cursor_state> cursor;
    if (!req.cursor.empty()) {
        auto decoded = codec->decode(req.cursor, binding);
        if (!decoded) co_return decoded.error();
        cursor = std::move(*decoded);
    }
    auto starts = starts_from(names, cursor);
    if (!starts) co_return starts.error();

    std::optional<watermark> after;
    int page_hint = static_cast<int>(std::clamp<std::size_t>(req.limit, 1, 1000));
    if (cursor) {
        after = cursor->last;
        page_hint = static_cast<int>(std::clamp<std::uint32_t>(cursor->page_hint, 1, 1000));
    }
    merge m(std::move(*starts), after, req.limit, page_hint);
    using how = connectors::cache_note::kind;
    connectors::cache_note note;
    bool any_page = false, all_hits = true, any_miss = false, any_stale = false;
    bool all_fresh_known = true;  // every page said until when it is fresh

    for (auto want = m.advance(); !want.empty(); want = m.advance()) {
        std::vector<fetch_job> jobs;
        for (const auto& w : want) {
            jobs.push_back({req.sources[w.source], req.query, w.position, w.limit});
        }
        auto results = co_await fan_out(std::move(jobs), req.deadline);
        for (std::size_t i = 0; i < want.size(); ++i) {
            auto& r = results[i];
            if (r.page) {
                any_page = true;
                all_hits = all_hits && r.cache.how == how::hit;
                any_miss = any_miss || r.cache.how == how::miss;
                any_stale = any_stale || r.cache.how == how::stale;
                if (r.cache.how == how::hit || r.cache.how == how::stale)
                    note.age = std::max(note.age, r.cache.age);
                if (!r.cache.fresh_until)
                    all_fresh_known = false;
                else if (!note.fresh_until || *r.cache.fresh_until < *note.fresh_until)
                    note.fresh_until = r.cache.fresh_until;
            }
            if (r.status == source_status::ok) {
                m.supply(want[i].source, std::move(*r.page));
            } else if (r.status == source_status::stale) {
                m.supply(want[i].source, std::move(*r.page));
                m.mark_stale(want[i].source, std::move(r.error));
            } else {
                m.fail(want[i].source, r.status, std::move(r.error));
            }
        }
    }

    list_result out;
    if (!all_fresh_known || any_stale) note.fresh_until.reset();
    if (any_stale)
        note.how = how::stale;
    else if (any_page && all_hits)
        note.how = how::hit;
    else if (any_miss)
        note.how = how::miss;
    out.cache = note;
    out.data = m.take_runs();
    out.sources = m.reports();
    if (auto next = m.next_cursor()) out.next_cursor = codec->encode(*next, binding);
    co_return out;
}

}  // namespace runhub::aggregate
