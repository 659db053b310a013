#include "aggregate/merge.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <utility>

#include "fake_connector.hpp"

namespace runhub::aggregate {
namespace {
using testing::make_run;

// A synchronous source for the pure merge: offset positions, newest first.
struct pager {
    std::string name;
    std::vector<model::run> runs;
    int max_page = 3;
    int calls = 0;
    std::function<bool(int call)> fails = [](int) { return false; };

    connectors::run_page page(const std::string& position, int limit) {
        std::sort(runs.begin(), runs.end(), model::newer_first);
        std::size_t start = position.empty() ? 0 : std::stoul(position);
        std::size_t end = std::min(runs.size(), start + std::min(limit, max_page));
        connectors::run_page p;
        if (start < end) p.runs.assign(runs.begin() + start, runs.begin() + end);
        if (end < runs.size()) p.next = std::to_string(end);
        return p;
    }
};

struct page_out {
    std::vector<model::run> runs;
    std::optional<cursor_state> next;
    std::vector<source_report> reports;
    std::vector<int> calls;  // per source, during this page
};

page_out one_page(std::vector<pager>& ps, const std::optional<cursor_state>& cursor,
                  std::size_t limit, int hint) {
    std::vector<merge::source_start> starts;
    for (const auto& p : ps) {
        merge::source_start st{p.name, "", false};
        if (cursor) {
            for (const auto& sp : cursor->sources) {
                if (sp.source == p.name) st = {p.name, sp.position, sp.exhausted};
            }
        }
        starts.push_back(st);
    }
    std::optional<watermark> after;
    if (cursor) after = cursor->last;
    merge m(starts, after, limit, hint);
    page_out out;
    out.calls.assign(ps.size(), 0);
    for (auto want = m.advance(); !want.empty(); want = m.advance()) {
        for (const auto& w : want) {
            auto& p = ps[w.source];
            ++p.calls;
            ++out.calls[w.source];
            if (p.fails(p.calls)) {
                connectors::connector_error e;
                e.kind = http::upstream_error_kind::server;
                m.fail(w.source, source_status::error, e);
            } else {
                m.supply(w.source, p.page(w.position, w.limit));
            }
        }
    }
    out.runs = m.take_runs();
    out.next = m.next_cursor();
    out.reports = m.reports();
    return out;
}

std::vector<std::string> ids(const std::vector<model::run>& runs) {
    std::vector<std::string> out;
    for (const auto& r : runs) out.push_back(r.id);
    return out;
}

std::vector<model::run> runs_of(const std::string& source, std::vector<std::int64_t> times) {
    std::vector<model::run> out;
    int n = 0;
    for (auto t : times) out.push_back(make_run(source, ++n, t));
    return out;
}

std::vector<pager> three_sources(int max_page) {
    return {{"a", runs_of("a", {100, 70, 40, 10}), max_page},
            {"b", runs_of("b", {90, 80, 30}), max_page},
            {"c", runs_of("c", {95, 60, 50, 20, 5}), max_page}};
}

TEST(Merge, EmitsOnePageInNewerFirstOrderAcrossSources) {
    auto ps = three_sources(2);
    auto out = one_page(ps, std::nullopt, 6, 2);
    EXPECT_EQ(ids(out.runs),
              (std::vector<std::string>{"a:r1", "c:r1", "b:r1", "b:r2", "a:r2", "c:r2"}));
    ASSERT_TRUE(out.next);
    EXPECT_EQ(out.next->last, watermark_of(out.runs.back()));
    for (const auto& r : out.reports) EXPECT_EQ(r.status, source_status::ok) << r.name;
}

TEST(Merge, BreaksCreatedAtTiesByIdDescending) {
    std::vector<pager> ps{{"a", runs_of("a", {50, 50}), 5}, {"b", runs_of("b", {50}), 5}};
    auto out = one_page(ps, std::nullopt, 10, 5);
    EXPECT_EQ(ids(out.runs), (std::vector<std::string>{"b:r1", "a:r2", "a:r1"}));
    EXPECT_FALSE(out.next);
}

TEST(Merge, RunsWithoutCreatedAtComeLastAndStillWalk) {
    auto a = runs_of("a", {10, 20});
    a.push_back(make_run("a", 3, 0));
    a.back().created_at.reset();
    std::vector<pager> ps{{"a", a, 1}, {"b", runs_of("b", {15}), 1}};
    std::vector<std::string> seen;
    std::optional<cursor_state> cursor;
    do {
        auto out = one_page(ps, cursor, 1, 1);
        for (auto& id : ids(out.runs)) seen.push_back(id);
        cursor = out.next;
    } while (cursor);
    EXPECT_EQ(seen, (std::vector<std::string>{"a:r2", "b:r1", "a:r1", "a:r3"}));
}

// Every pairing of facade limit and upstream page size walks the union once, in order.
TEST(Merge, FullWalksYieldEveryRunOnceInOrder) {
    for (std::size_t limit = 1; limit <= 8; ++limit) {
        for (int max_page = 1; max_page <= 5; ++max_page) {
            auto ps = three_sources(max_page);
            std::vector<model::run> expected;
            for (auto& p : ps) expected.insert(expected.end(), p.runs.begin(), p.runs.end());
            std::sort(expected.begin(), expected.end(), model::newer_first);

            std::vector<model::run> seen;
            std::optional<cursor_state> cursor;
            int pages = 0;
            do {
                auto out = one_page(ps, cursor, limit, static_cast<int>(limit));
                EXPECT_LE(out.runs.size(), limit);
                seen.insert(seen.end(), out.runs.begin(), out.runs.end());
                cursor = out.next;
                ASSERT_LT(++pages, 100);
            } while (cursor);
            EXPECT_EQ(ids(seen), ids(expected)) << "limit " << limit << " page " << max_page;
        }
    }
}

// For one facade page each source is asked for no more pages than could hold runs of that
// page, plus one.
TEST(Merge, AsksEachSourceForAtMostTheNeededPagesPlusOne) {
    for (std::size_t limit = 1; limit <= 8; ++limit) {
        for (int max_page = 1; max_page <= 4; ++max_page) {
            auto ps = three_sources(max_page);
            std::optional<cursor_state> cursor;
            do {
                auto out = one_page(ps, cursor, limit, static_cast<int>(limit));
                auto page = std::min<int>(max_page, static_cast<int>(limit));
                for (std::size_t i = 0; i < ps.size(); ++i) {
                    int from_it = 0;
                    for (const auto& r : out.runs) from_it += r.source == ps[i].name;
                    int bound = (from_it + page - 1) / page + 1;
                    EXPECT_LE(out.calls[i], bound) << ps[i].name << " limit " << limit;
                }
                cursor = out.next;
            } while (cursor);
        }
    }
}

TEST(Merge, DoesNotFetchASourceWhosePageEndedWithTheFacadePage) {
    std::vector<pager> ps{{"new", runs_of("new", {100, 99, 98, 97, 96, 95}), 3},
                          {"old", runs_of("old", {10, 9, 8, 7, 6, 5}), 3}};
    auto out = one_page(ps, std::nullopt, 3, 3);
    EXPECT_EQ(out.calls, (std::vector<int>{1, 1}));
    ASSERT_TRUE(out.next);
    EXPECT_EQ(out.next->sources[0].position, "3");  // "new": its next page, never asked yet
    EXPECT_EQ(out.next->sources[1].position, "");   // "old": its first page is still unread
}

TEST(Merge, NewRunsAtTheTopBetweenPagesAreNeitherRepeatedNorShown) {
    auto ps = three_sources(2);
    std::vector<model::run> expected;
    for (auto& p : ps) expected.insert(expected.end(), p.runs.begin(), p.runs.end());
    std::sort(expected.begin(), expected.end(), model::newer_first);
    std::vector<std::string> seen;
    std::optional<cursor_state> cursor;
    int n = 100;
    int pages = 0;
    do {
        ASSERT_LT(++pages, 100);
        auto out = one_page(ps, cursor, 2, 2);
        for (auto& id : ids(out.runs)) seen.push_back(id);
        cursor = out.next;
        // Offset paging shifts every position: the next page starts with runs already seen.
        for (auto& p : ps) {
            ++n;
            p.runs.push_back(make_run(p.name, n, 1000 + n));
        }
    } while (cursor);
    EXPECT_EQ(seen, ids(expected));
}

TEST(Merge, AFailedSourceIsLeftOutMarkedAndKeepsItsPosition) {
    auto ps = three_sources(2);
    ps[1].fails = [](int call) { return call == 1; };
    auto out = one_page(ps, std::nullopt, 4, 2);
    EXPECT_EQ(ids(out.runs), (std::vector<std::string>{"a:r1", "c:r1", "a:r2", "c:r2"}));
    EXPECT_EQ(out.reports[1].status, source_status::error);
    ASSERT_TRUE(out.reports[1].error);
    EXPECT_EQ(out.reports[1].error->kind, http::upstream_error_kind::server);
    ASSERT_TRUE(out.next);
    EXPECT_EQ(out.next->sources[1].source, "b");
    EXPECT_FALSE(out.next->sources[1].exhausted);
    EXPECT_EQ(out.next->sources[1].position, "");
}

TEST(Merge, ExhaustedSourcesAreSkippedAndNeverAsked) {
    auto ps = three_sources(2);
    cursor_state c;
    c.last = watermark_of(make_run("a", 1, 100));
    c.page_hint = 2;
    c.sources = {{"a", "1", false}, {"b", "", true}, {"c", "", false}};
    auto out = one_page(ps, c, 3, 2);
    EXPECT_EQ(out.calls[1], 0);
    EXPECT_EQ(out.reports[1].status, source_status::skipped);
    EXPECT_EQ(ids(out.runs), (std::vector<std::string>{"c:r1", "a:r2", "c:r2"}));
}

TEST(Merge, ARepeatedRunInsideOnePageIsEmittedOnce) {
    auto a = runs_of("a", {30, 20, 10});
    a.insert(a.begin() + 1, a[1]);
    std::vector<pager> ps{{"a", a, 10}};
    auto out = one_page(ps, std::nullopt, 10, 10);
    EXPECT_EQ(ids(out.runs), (std::vector<std::string>{"a:r1", "a:r2", "a:r3"}));
}

// A connector breaking the contract (a page out of order) still gives a merged page in order.
TEST(Merge, APageOutOfOrderIsSortedBeforeTheMerge) {
    merge m({{"a", "", false}, {"b", "", false}}, std::nullopt, 10, 10);
    std::vector<std::vector<model::run>> pages{runs_of("a", {10, 40, 20, 30}),
                                               runs_of("b", {15, 35})};
    for (auto want = m.advance(); !want.empty(); want = m.advance())
        for (const auto& w : want) {
            connectors::run_page p;
            p.runs = std::exchange(pages.at(w.source), {});
            m.supply(w.source, std::move(p));
        }
    EXPECT_EQ(ids(m.take_runs()),
              (std::vector<std::string>{"a:r2", "b:r2", "a:r4", "a:r3", "b:r1", "a:r1"}));
}

TEST(Merge, EndlessEmptyPagesFailTheSourceInsteadOfLooping) {
    merge m({{"a", "", false}}, watermark_of(make_run("a", 1, 10)), 5, 5, 3);
    int asked = 0;
    for (auto want = m.advance(); !want.empty(); want = m.advance()) {
        ASSERT_LT(++asked, 10);
        connectors::run_page p;
        p.runs.push_back(make_run("a", 9, 50));  // newer than the watermark: dropped
        p.next = "again";
        m.supply(want[0].source, std::move(p));
    }
    EXPECT_EQ(asked, 4);
    EXPECT_EQ(m.reports()[0].status, source_status::error);
    EXPECT_TRUE(m.runs().empty());
}

TEST(Merge, TheLastPageHasNoCursor) {
    auto ps = three_sources(5);
    auto out = one_page(ps, std::nullopt, 12, 12);
    EXPECT_EQ(out.runs.size(), 12u);
    EXPECT_FALSE(out.next);
    out = one_page(ps, std::nullopt, 20, 20);
    EXPECT_FALSE(out.next);
}

TEST(Merge, AnsweringWithoutBeingAskedIsALogicError) {
    merge m({{"a", "", false}}, std::nullopt, 5, 5);
    EXPECT_THROW(m.supply(0, {}), std::logic_error);
    auto want = m.advance();
    ASSERT_EQ(want.size(), 1u);
    EXPECT_EQ(want[0].limit, 5);
    EXPECT_THROW(m.advance(), std::logic_error);
}

}  // namespace
}  // namespace runhub::aggregate
