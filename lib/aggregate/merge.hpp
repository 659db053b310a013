#pragma once
// The k-way merge of the sources' newest-first streams into one facade page, as a sans-I/O
// state machine that pulls upstream pages lazily (README.md, "The merge"). It does no I/O:
// advance() says which sources need their next page, the caller fetches them (concurrently)
// and hands each back with supply() or fail(), then calls advance() again.
//
//   merge m(sources, cursor_watermark, limit, page_hint);
//   for (auto want = m.advance(); !want.empty(); want = m.advance())
//       for (auto& w : want) fetch w.position of source w.source, then m.supply / m.fail
//   m.runs(), m.next_cursor(), m.reports()
//
// Not thread-safe; one merge per request.
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "aggregate/cursor_state.hpp"
#include "aggregate/source_status.hpp"
#include "connectors/common/connector.hpp"
#include "model/run.hpp"

namespace runhub::aggregate {

// A source's page the merge needs before it can emit another run.
struct page_request {
    std::size_t source = 0;  // index into the sources given to the merge
    std::string position;    // pass to connector::list
    int limit = 0;           // pass to connector::list (the walk's page hint)
};

class merge {
  public:
    struct source_start {
        std::string name;
        std::string position;  // "" = the newest page
        bool exhausted = false;
    };

    // `after`: the watermark of the previous page (nullopt on the first page); only runs
    // strictly after it are emitted. `limit` >= 1 runs per facade page; `page_hint` >= 1 is
    // passed to every connector call. A source whose pages keep coming back empty (after the
    // watermark filter) more than `max_empty_pages` times in a row is failed as malformed.
    merge(std::vector<source_start> sources, std::optional<watermark> after, std::size_t limit,
          int page_hint, int max_empty_pages = 8);

    // Emits runs as far as it can. Returns the pages it needs next (every one must be answered
    // with supply() or fail() before the next call); empty when the facade page is complete.
    std::vector<page_request> advance();

    // A page asked for by the last advance(). Runs not strictly after the watermark are dropped
    // (already returned, or new at the top since the walk began).
    void supply(std::size_t source, connectors::run_page page);
    // After supply(): that page came from a cache because the source failed (`why`). The source
    // reports `stale` for this facade page.
    void mark_stale(std::size_t source, connectors::connector_error why);
    // The source is left out of the rest of this page; `status` is error or timeout.
    void fail(std::size_t source, source_status status, connectors::connector_error error);

    // Once advance() returned empty:
    const std::vector<model::run>& runs() const { return out_; }
    std::vector<model::run> take_runs() { return std::move(out_); }
    // Where the next facade page starts; nullopt when the walk is over (the page is not full,
    // or no source can hold more runs).
    std::optional<cursor_state> next_cursor() const;
    std::vector<source_report> reports() const;

  private:
    enum class phase { need_page, fetching, buffered, exhausted, failed };
    struct source {
        std::string name;
        std::string position;  // the page of the buffered runs, or the page to fetch next
        std::deque<model::run> buffer;
        std::optional<std::string> after_buffer;  // the page after the buffered one
        phase state = phase::need_page;
        source_status status = source_status::skipped;
        std::optional<connectors::connector_error> error;
        int empty_streak = 0;
    };

    void emit_one(source& s);

    std::vector<source> sources_;
    std::optional<watermark> last_;
    std::size_t limit_;
    int page_hint_;
    int max_empty_pages_;
    std::vector<model::run> out_;
    std::size_t emitted_ = 0;  // out_.size() until take_runs() moves out_ away
};

}  // namespace runhub::aggregate
