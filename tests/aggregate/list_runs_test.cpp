#include "aggregate/list_runs.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "fake_connector.hpp"
#include "run_async.hpp"

namespace runhub::aggregate {
namespace {
using namespace std::chrono_literals;
using connectors::clock;
using testing::fake_connector;
using testing::make_run;
using testing::run_async;

using fakes_t = std::vector<std::shared_ptr<fake_connector>>;

// Three sources with interleaved creation times: a every 3 ms, b every 5 ms, c every 7 ms.
fakes_t three_sources(int max_page, fake_connector::paging p = fake_connector::paging::keyset) {
    fakes_t out;
    const std::pair<const char*, int> shape[] = {{"a", 3}, {"b", 5}, {"c", 7}};
    for (auto [name, step] : shape) {
        std::vector<model::run> runs;
        for (int i = 1; i <= 9; ++i) runs.push_back(make_run(name, i, 1000 + step * i));
        out.push_back(std::make_shared<fake_connector>(name, runs, max_page, p));
    }
    return out;
}

std::vector<std::string> expected_ids(const fakes_t& fakes) {
    std::vector<model::run> all;
    for (const auto& f : fakes) {
        for (int i = 1; i <= 9; ++i) {
            int step = f->source().name == "a" ? 3 : f->source().name == "b" ? 5 : 7;
            all.push_back(make_run(f->source().name, i, 1000 + step * i));
        }
    }
    std::sort(all.begin(), all.end(), model::newer_first);
    std::vector<std::string> ids;
    for (const auto& r : all) ids.push_back(r.id);
    return ids;
}

struct api {
    boost::asio::io_context io;
    std::shared_ptr<const cursor_codec> codec =
        std::make_shared<cursor_codec>("a-server-key-of-enough-bytes");

    list_request request(const fakes_t& fakes, std::size_t limit, std::string cursor = "") {
        list_request req;
        for (const auto& f : fakes) req.sources.push_back(f);
        req.limit = limit;
        req.cursor = std::move(cursor);
        req.key_identity = "key-1";
        req.deadline = clock::now() + 30s;
        return req;
    }
    boost::system::result<list_result> call(list_request req) {
        return run_async(io, list_runs(std::move(req), codec)).value;
    }
    list_result page(const fakes_t& fakes, std::size_t limit, std::string cursor = "") {
        auto r = call(request(fakes, limit, std::move(cursor)));
        if (!r) throw std::runtime_error(r.error().message());
        return std::move(*r);
    }
};

std::vector<std::string> ids(const std::vector<model::run>& runs) {
    std::vector<std::string> out;
    for (const auto& r : runs) out.push_back(r.id);
    return out;
}

TEST(ListRuns, MergesThreeSourcesNewestFirst) {
    api t;
    auto fakes = three_sources(4);
    auto out = t.page(fakes, 6);
    auto all = expected_ids(fakes);
    EXPECT_EQ(ids(out.data), std::vector<std::string>(all.begin(), all.begin() + 6));
    EXPECT_EQ(ids(out.data),
              (std::vector<std::string>{"c:r9", "c:r8", "c:r7", "b:r9", "c:r6", "b:r8"}));
    ASSERT_TRUE(out.next_cursor);
    ASSERT_EQ(out.sources.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(out.sources[i].name, fakes[i]->source().name);
        EXPECT_EQ(out.sources[i].status, source_status::ok);
        for (int l : fakes[i]->limits) EXPECT_EQ(l, 6) << i;  // the facade limit as the hint
    }
}

// A full walk is the union of the sources, each run once and in order, and no page costs a
// source more upstream pages than could hold its runs of that page, plus one.
TEST(ListRuns, FullWalkYieldsTheUnionOnceInOrderWithLazyPaging) {
    for (std::size_t limit : {1u, 4u, 5u, 10u, 27u, 50u}) {
        for (auto mode : {fake_connector::paging::keyset, fake_connector::paging::offset}) {
            api t;
            auto fakes = three_sources(4, mode);
            std::vector<std::string> seen;
            std::string cursor;
            int pages = 0;
            do {
                std::vector<int> before;
                for (auto& f : fakes) before.push_back(f->calls);
                auto out = t.page(fakes, limit, cursor);
                ASSERT_LE(out.data.size(), limit);
                int page = static_cast<int>(std::min<std::size_t>(limit, 4));
                for (std::size_t i = 0; i < fakes.size(); ++i) {
                    int from_it = 0;
                    for (const auto& r : out.data) from_it += r.source == fakes[i]->source().name;
                    EXPECT_LE(fakes[i]->calls - before[i], (from_it + page - 1) / page + 1)
                        << "limit " << limit << " page " << pages << " source " << i;
                }
                for (auto& id : ids(out.data)) seen.push_back(id);
                cursor = out.next_cursor.value_or("");
                ASSERT_LT(++pages, 100);
            } while (!cursor.empty());
            EXPECT_EQ(seen, expected_ids(fakes)) << "limit " << limit;
            std::set<std::string> unique(seen.begin(), seen.end());
            EXPECT_EQ(unique.size(), 27u);
        }
    }
}

TEST(ListRuns, RunsAppearingAtTheTopDuringAWalkAreNeitherRepeatedNorLost) {
    for (auto mode : {fake_connector::paging::keyset, fake_connector::paging::offset}) {
        api t;
        auto fakes = three_sources(3, mode);
        auto expected = expected_ids(fakes);
        std::vector<std::string> seen;
        std::string cursor;
        int n = 100;
        int pages = 0;
        do {
            ASSERT_LT(++pages, 100);
            auto out = t.page(fakes, 4, cursor);
            for (auto& id : ids(out.data)) seen.push_back(id);
            cursor = out.next_cursor.value_or("");
            for (auto& f : fakes) {
                ++n;
                f->add(make_run(f->source().name, n, 5000 + n));
            }
        } while (!cursor.empty());
        EXPECT_EQ(seen, expected);
    }
}

TEST(ListRuns, AFailingSourceGivesAPartialAnswerMarkedAsSuch) {
    api t;
    auto fakes = three_sources(4);
    fakes[1]->fail_all = true;
    auto out = t.page(fakes, 5);
    ASSERT_EQ(out.data.size(), 5u);
    for (const auto& r : out.data) EXPECT_NE(r.source, "b");
    EXPECT_EQ(out.sources[0].status, source_status::ok);
    EXPECT_EQ(out.sources[1].status, source_status::error);
    ASSERT_TRUE(out.sources[1].error);
    EXPECT_EQ(out.sources[1].error->http_status, 503);
    EXPECT_EQ(out.sources[2].status, source_status::ok);
    EXPECT_TRUE(out.next_cursor);
}

TEST(ListRuns, AHangingSourceTimesOutWithoutHoldingTheAnswer) {
    api t;
    auto fakes = three_sources(4);
    fakes[2]->hang = true;
    auto req = t.request(fakes, 5);
    req.deadline = clock::now() + 250ms;
    auto deadline = req.deadline;
    auto [out, answered] = run_async(t.io, list_runs(std::move(req), t.codec));
    ASSERT_TRUE(out);
    EXPECT_LT(answered, deadline + 2s);  // slack for a loaded sanitizer build only
    EXPECT_EQ(out->sources[2].status, source_status::timeout);
    EXPECT_EQ(out->sources[0].status, source_status::ok);
    EXPECT_EQ(out->data.size(), 5u);
    for (const auto& r : out->data) EXPECT_NE(r.source, "c");
}

TEST(ListRuns, AnExhaustedSourceIsSkippedOnLaterPages) {
    api t;
    fakes_t fakes = three_sources(4);
    fakes.push_back(
        std::make_shared<fake_connector>("d", std::vector<model::run>{make_run("d", 1, 5000)}, 4));
    auto first = t.page(fakes, 2);
    EXPECT_EQ(first.data[0].id, "d:r1");
    ASSERT_TRUE(first.next_cursor);
    auto second = t.page(fakes, 2, *first.next_cursor);
    EXPECT_EQ(second.sources[3].status, source_status::skipped);
    EXPECT_EQ(fakes[3]->calls, 1);
}

TEST(ListRuns, ConnectorsKeepTheFirstPagesSizeForTheWholeWalk) {
    api t;
    auto fakes = three_sources(100);
    auto first = t.page(fakes, 3);
    auto second = t.page(fakes, 10, *first.next_cursor);
    EXPECT_EQ(second.data.size(), 10u);
    for (auto& f : fakes) {
        for (int l : f->limits) EXPECT_EQ(l, 3);
    }
}

TEST(ListRuns, RefusesCursorsThatAreForgedOrForAnotherQuery) {
    api t;
    auto fakes = three_sources(4);
    auto cursor = *t.page(fakes, 3).next_cursor;
    std::vector<int> calls_before;
    for (auto& f : fakes) calls_before.push_back(f->calls);

    auto forged = cursor;
    forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
    auto r = t.call(t.request(fakes, 3, forged));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), cursor_error::bad_signature);

    auto other_filter = t.request(fakes, 3, cursor);
    other_filter.query.statuses = {model::run_status::failed};
    r = t.call(other_filter);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), cursor_error::query_mismatch);

    auto other_key = t.request(fakes, 3, cursor);
    other_key.key_identity = "key-2";
    r = t.call(other_key);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), cursor_error::query_mismatch);

    r = t.call(t.request(fakes_t(fakes.begin(), fakes.begin() + 2), 3, cursor));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), cursor_error::query_mismatch);

    r = t.call(t.request(fakes, 3, cursor.substr(0, cursor.size() - 3)));
    ASSERT_FALSE(r);

    api other_server;
    other_server.codec = std::make_shared<cursor_codec>("another-server-key-entirely");
    r = other_server.call(other_server.request(fakes, 3, cursor));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), cursor_error::bad_signature);

    for (std::size_t i = 0; i < fakes.size(); ++i) EXPECT_EQ(fakes[i]->calls, calls_before[i]);
}

TEST(ListRuns, AsksTheSourcesConcurrently) {
    api t;
    auto fakes = three_sources(4);
    for (auto& f : fakes) {
        f->meter = fakes[0]->meter;
        f->latency = 20ms;
    }
    auto out = t.page(fakes, 6);
    EXPECT_EQ(out.data.size(), 6u);
    EXPECT_EQ(fakes[0]->meter->max, 3);
}

TEST(ListRuns, EverySourceFailingGivesAnEmptyAnswerWithEveryStatus) {
    api t;
    auto fakes = three_sources(4);
    fakes[0]->fail_all = true;
    fakes[1]->fail_all = true;
    fakes[2]->hang = true;
    auto req = t.request(fakes, 5);
    req.deadline = clock::now() + 100ms;
    auto out = t.call(std::move(req));
    ASSERT_TRUE(out);
    EXPECT_TRUE(out->data.empty());
    EXPECT_FALSE(out->next_cursor);
    EXPECT_EQ(out->sources[0].status, source_status::error);
    EXPECT_EQ(out->sources[1].status, source_status::error);
    EXPECT_EQ(out->sources[2].status, source_status::timeout);
}

TEST(ListRuns, TheLastPageHasNoCursor) {
    api t;
    auto fakes = three_sources(10);
    auto out = t.page(fakes, 50);
    EXPECT_EQ(out.data.size(), 27u);
    EXPECT_FALSE(out.next_cursor);
}

}  // namespace
}  // namespace runhub::aggregate
