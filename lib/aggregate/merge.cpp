#include "aggregate/merge.hpp"

#include <algorithm>
#include <stdexcept>

namespace runhub::aggregate {

merge::merge(std::vector<source_start> sources, std::optional<watermark> after, std::size_t limit,
             int page_hint, int max_empty_pages)
    : last_(std::move(after)),
      limit_(std::max<std::size_t>(limit, 1)),
      page_hint_(std::max(page_hint, 1)),
      max_empty_pages_(max_empty_pages) {
    // Every emitted run is moved in once, not again each time the vector grows.
    out_.reserve(std::min<std::size_t>(limit_, 512));
    for (auto& st : sources) {
        source s;
        s.name = std::move(st.name);
        s.position = std::move(st.position);
        s.state = st.exhausted ? phase::exhausted : phase::need_page;
        sources_.push_back(std::move(s));
    }
}

std::vector<page_request> merge::advance() {
    for (const auto& s : sources_) {
        if (s.state == phase::fetching) {
            throw std::logic_error("merge::advance with a page request unanswered");
        }
    }
    while (emitted_ < limit_) {
        // The next run cannot be chosen while a source that may hold a newer one has nothing
        // buffered: ask for the pages of exactly those sources.
        std::vector<page_request> want;
        for (std::size_t i = 0; i < sources_.size(); ++i) {
            auto& s = sources_[i];
            if (s.state != phase::need_page) continue;
            s.state = phase::fetching;
            want.push_back({i, s.position, page_hint_});
        }
        if (!want.empty()) return want;

        source* best = nullptr;
        for (auto& s : sources_) {
            if (s.state != phase::buffered) continue;
            if (!best || model::newer_first(s.buffer.front(), best->buffer.front())) best = &s;
        }
        if (!best) break;  // every source is exhausted or failed
        emit_one(*best);
    }
    return {};
}

void merge::emit_one(source& s) {
    auto r = std::move(s.buffer.front());
    s.buffer.pop_front();
    // A vendor repeating a run inside one page must not make us repeat it.
    if (!last_ || after_watermark(r, *last_)) {
        last_ = watermark_of(r);
        out_.push_back(std::move(r));
        ++emitted_;
    }
    if (!s.buffer.empty()) return;
    if (s.after_buffer) {
        s.position = std::move(*s.after_buffer);
        s.after_buffer.reset();
        s.state = phase::need_page;
    } else {
        s.state = phase::exhausted;
    }
}

void merge::supply(std::size_t index, connectors::run_page page) {
    auto& s = sources_.at(index);
    if (s.state != phase::fetching) throw std::logic_error("merge::supply of a page not asked");
    if (s.status != source_status::stale) s.status = source_status::ok;
    // The contract says newest first; sorting keeps a careless connector from breaking the
    // merge order. Checked first: std::stable_sort moves every run (twice or more) even when
    // they are in order already, as they are from every connector.
    if (!std::is_sorted(page.runs.begin(), page.runs.end(), model::newer_first))
        std::stable_sort(page.runs.begin(), page.runs.end(), model::newer_first);
    s.buffer.clear();
    for (auto& r : page.runs) {
        if (!last_ || after_watermark(r, *last_)) s.buffer.push_back(std::move(r));
    }
    if (!s.buffer.empty()) {
        s.empty_streak = 0;
        s.after_buffer = std::move(page.next);
        s.state = phase::buffered;
        return;
    }
    if (!page.next) {
        s.state = phase::exhausted;
        return;
    }
    if (++s.empty_streak > max_empty_pages_) {
        connectors::connector_error e;
        e.kind = http::upstream_error_kind::malformed;
        e.detail = "pages without new runs keep coming";
        fail(index, source_status::error, std::move(e));
        return;
    }
    s.position = std::move(*page.next);
    s.state = phase::need_page;
}

void merge::mark_stale(std::size_t index, connectors::connector_error why) {
    auto& s = sources_.at(index);
    if (s.status == source_status::error || s.status == source_status::timeout) return;
    s.status = source_status::stale;
    s.error = std::move(why);
}

void merge::fail(std::size_t index, source_status status, connectors::connector_error error) {
    auto& s = sources_.at(index);
    if (s.state != phase::fetching) throw std::logic_error("merge::fail of a page not asked");
    // position stays: it is the page holding the source's next unconsumed run.
    s.state = phase::failed;
    s.status = status;
    s.error = std::move(error);
    s.buffer.clear();
    s.after_buffer.reset();
}

std::optional<cursor_state> merge::next_cursor() const {
    if (emitted_ < limit_ || !last_) return std::nullopt;
    cursor_state c;
    c.last = *last_;
    c.page_hint = static_cast<std::uint32_t>(page_hint_);
    bool more = false;
    for (const auto& s : sources_) {
        source_position p;
        p.source = s.name;
        p.exhausted = s.state == phase::exhausted;
        if (!p.exhausted) p.position = s.position;
        more = more || !p.exhausted;
        c.sources.push_back(std::move(p));
    }
    if (!more) return std::nullopt;
    std::sort(c.sources.begin(), c.sources.end(),
              [](const auto& x, const auto& y) { return x.source < y.source; });
    return c;
}

std::vector<source_report> merge::reports() const {
    std::vector<source_report> out;
    for (const auto& s : sources_) out.push_back({s.name, s.status, s.error});
    return out;
}

}  // namespace runhub::aggregate
