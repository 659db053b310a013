#include "http/metrics.hpp"

#include <gtest/gtest.h>

using namespace runhub::http;

TEST(Metrics, RendersPrometheusText) {
    metrics_registry m;
    m.get_counter("reqs_total", "Requests", {{"route", "/a"}, {"status", "200"}}).inc(3);
    m.get_counter("reqs_total", "Requests", {{"route", "/a"}, {"status", "200"}}).inc();
    m.get_gauge("open", "Open things").set(7);
    auto& h = m.get_histogram("lat_seconds", "Latency", {{"route", "/a"}}, {0.1, 1});
    h.observe(0.05);
    h.observe(0.5);
    h.observe(5);
    auto text = m.render();
    EXPECT_NE(text.find("# TYPE reqs_total counter\n"), std::string::npos);
    EXPECT_NE(text.find("reqs_total{route=\"/a\",status=\"200\"} 4\n"), std::string::npos);
    EXPECT_NE(text.find("open 7\n"), std::string::npos);
    EXPECT_NE(text.find("lat_seconds_bucket{route=\"/a\",le=\"0.1\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("lat_seconds_bucket{route=\"/a\",le=\"1\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("lat_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"), std::string::npos);
    EXPECT_NE(text.find("lat_seconds_count{route=\"/a\"} 3\n"), std::string::npos);
}

TEST(Metrics, EscapesLabelValues) {
    EXPECT_EQ(render_labels({{"p", "a\"b\\c\nd"}}), "p=\"a\\\"b\\\\c\\nd\"");
}

TEST(Metrics, OneNameOneType) {
    metrics_registry m;
    m.get_counter("x", "X");
    EXPECT_THROW(m.get_gauge("x", "X"), std::logic_error);
}
