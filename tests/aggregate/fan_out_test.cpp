#include "aggregate/fan_out.hpp"

#include <gtest/gtest.h>

#include "fake_connector.hpp"
#include "run_async.hpp"

namespace runhub::aggregate {
namespace {
using namespace std::chrono_literals;
using connectors::clock;
using testing::fake_connector;
using testing::make_run;
using testing::run_async;

std::vector<std::shared_ptr<fake_connector>> three_fakes() {
    std::vector<std::shared_ptr<fake_connector>> out;
    for (const char* name : {"a", "b", "c"}) {
        std::vector<model::run> runs;
        for (int i = 1; i <= 4; ++i) runs.push_back(make_run(name, i, 100 * i));
        out.push_back(std::make_shared<fake_connector>(name, runs, 2));
    }
    auto meter = out[0]->meter;
    for (auto& f : out) f->meter = meter;
    return out;
}

std::vector<fetch_job> jobs_for(const std::vector<std::shared_ptr<fake_connector>>& fakes) {
    std::vector<fetch_job> jobs;
    for (const auto& f : fakes) jobs.push_back({f, {}, "", 2});
    return jobs;
}

TEST(FanOut, AsksEverySourceAtOnceAndKeepsJobOrder) {
    boost::asio::io_context io;
    auto fakes = three_fakes();
    for (auto& f : fakes) f->latency = 30ms;
    auto out = run_async(io, fan_out(jobs_for(fakes), clock::now() + 30s)).value;
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(fakes[0]->meter->max, 3);  // all three were in flight together
    for (std::size_t i = 0; i < 3; ++i) {
        ASSERT_EQ(out[i].status, source_status::ok);
        ASSERT_EQ(out[i].page->runs.size(), 2u);
        EXPECT_EQ(out[i].page->runs[0].source, fakes[i]->source().name);
        EXPECT_EQ(fakes[i]->calls, 1);
    }
}

TEST(FanOut, OneFailingSourceIsAValueAndTheOthersStillAnswer) {
    boost::asio::io_context io;
    auto fakes = three_fakes();
    fakes[1]->fail_all = true;
    auto out = run_async(io, fan_out(jobs_for(fakes), clock::now() + 30s)).value;
    EXPECT_EQ(out[0].status, source_status::ok);
    EXPECT_EQ(out[1].status, source_status::error);
    EXPECT_EQ(out[1].error.kind, http::upstream_error_kind::server);
    EXPECT_EQ(out[1].error.http_status, 503);
    EXPECT_FALSE(out[1].page);
    EXPECT_EQ(out[2].status, source_status::ok);
}

TEST(FanOut, AConnectorTimeoutIsReportedAsTimeout) {
    boost::asio::io_context io;
    auto fakes = three_fakes();
    connectors::connector_error e;
    e.kind = http::upstream_error_kind::timeout;
    fakes[2]->fail_call[1] = e;
    auto out = run_async(io, fan_out(jobs_for(fakes), clock::now() + 30s)).value;
    EXPECT_EQ(out[2].status, source_status::timeout);
}

TEST(FanOut, AHangingSourceIsCutAtTheRequestDeadlineAndCanceled) {
    boost::asio::io_context io;
    auto fakes = three_fakes();
    fakes[1]->hang = true;
    auto start = clock::now();
    auto deadline = start + 200ms;
    auto [out, answered] = run_async(io, fan_out(jobs_for(fakes), deadline));
    EXPECT_GE(answered, deadline);
    EXPECT_LT(answered, deadline + 2s);  // slack for a loaded sanitizer build only
    EXPECT_EQ(out[0].status, source_status::ok);
    EXPECT_EQ(out[1].status, source_status::timeout);
    EXPECT_EQ(out[1].error.kind, http::upstream_error_kind::timeout);
    EXPECT_EQ(out[2].status, source_status::ok);
    EXPECT_EQ(fakes[1]->canceled, 1);  // the hanging call was told to stop
    EXPECT_EQ(fakes[1]->deadlines[0], deadline);
}

TEST(FanOut, ASourceIgnoringCancellationDoesNotHoldTheAnswer) {
    boost::asio::io_context io;
    auto fakes = three_fakes();
    fakes[0]->stubborn = 1500ms;
    auto start = clock::now();
    auto [out, answered] = run_async(io, fan_out(jobs_for(fakes), start + 100ms));
    EXPECT_LT(answered - start, 1200ms);
    EXPECT_GE(clock::now() - start, 1500ms);  // the call itself went on to its end
    EXPECT_EQ(out[0].status, source_status::timeout);
    EXPECT_EQ(out[1].status, source_status::ok);
}

TEST(FanOut, EachSourceHasItsOwnDeadlineInsideTheRequests) {
    boost::asio::io_context io;
    auto fakes = three_fakes();
    fakes[2]->hang = true;
    fakes[2]->config_.timeout = 100ms;
    auto start = clock::now();
    auto request_deadline = start + 60s;
    auto [out, answered] = run_async(io, fan_out(jobs_for(fakes), request_deadline));
    EXPECT_LT(answered - start, 5s);
    EXPECT_EQ(out[2].status, source_status::timeout);
    EXPECT_LE(fakes[2]->deadlines[0], clock::now());
    EXPECT_GE(fakes[2]->deadlines[0], start + 100ms);
    EXPECT_EQ(fakes[0]->deadlines[0], request_deadline);  // its 60 s timeout is not shorter
}

TEST(FanOut, NoTimeLeftMeansTimeoutsWithoutCalls) {
    boost::asio::io_context io;
    auto fakes = three_fakes();
    auto out = run_async(io, fan_out(jobs_for(fakes), clock::now() - 1ms)).value;
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(out[i].status, source_status::timeout);
        EXPECT_EQ(fakes[i]->calls, 0);
    }
}

TEST(FanOut, NoJobsAnswerAtOnce) {
    boost::asio::io_context io;
    auto out = run_async(io, fan_out({}, clock::now() + 1s)).value;
    EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace runhub::aggregate
