#include "cache/ttl_policy.hpp"

#include <gtest/gtest.h>

namespace runhub::cache {
namespace {
using namespace std::chrono_literals;

model::run run_in(model::run_status s, bool terminal) {
    model::run r;
    r.source = "zof";
    r.status = s;
    r.terminal = terminal;
    return r;
}

TEST(TtlPolicy, DefaultsByRunState) {
    ttl_policy p;
    EXPECT_EQ(p.run_ttl("zof", run_in(model::run_status::passed, true)), 1h);
    EXPECT_EQ(p.run_ttl("zof", run_in(model::run_status::failed, true)), 1h);
    EXPECT_EQ(p.run_ttl("zof", run_in(model::run_status::queued, false)), 2s);
    EXPECT_EQ(p.run_ttl("zof", run_in(model::run_status::running, false)), 2s);
    EXPECT_EQ(p.failures_ttl("zof", true), 1h);
    EXPECT_EQ(p.failures_ttl("zof", false), 2s);
    EXPECT_EQ(p.page_ttl("zof"), 5s);
    EXPECT_EQ(p.stale_window("zof"), 10min);
}

TEST(TtlPolicy, PerSourceOverridesOnlyWhatTheySet) {
    ttl_overrides bk;
    bk.active_run = 10s;
    bk.stale_window = 30min;
    ttl_options defaults;
    defaults.list_page = 3s;
    ttl_policy p(defaults, {{"buildkite", bk}});
    EXPECT_EQ(p.run_ttl("buildkite", false), 10s);
    EXPECT_EQ(p.run_ttl("buildkite", true), 1h);  // not overridden: the default
    EXPECT_EQ(p.page_ttl("buildkite"), 3s);       // the configured default
    EXPECT_EQ(p.stale_window("buildkite"), 30min);
    EXPECT_EQ(p.run_ttl("zof", false), 2s);  // other sources untouched
    EXPECT_EQ(p.stale_window("zof"), 10min);
}

TEST(TtlPolicy, StampWithAControlledClock) {
    ttl_policy p;
    time_point now{std::chrono::seconds(1'700'000'000)};
    auto running = p.stamp("zof", p.run_ttl("zof", false), now);
    EXPECT_EQ(running.stored_at, now);
    EXPECT_EQ(running.fresh_until, now + 2s);
    EXPECT_EQ(running.stale_until, now + 2s + 10min);
    auto done = p.stamp("zof", p.run_ttl("zof", true), now);
    EXPECT_EQ(done.fresh_until, now + 1h);
    EXPECT_EQ(done.stale_until, now + 1h + 10min);
}

}  // namespace
}  // namespace runhub::cache
