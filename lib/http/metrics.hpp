#pragma once
// A small Prometheus registry: counters, gauges and histograms, each a family of series keyed
// by labels. Series are created on first use and live as long as the registry; the references
// handed out stay valid, so hot paths look a series up once and keep it. Thread-safe.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runhub::http {

using labels = std::vector<std::pair<std::string, std::string>>;

class counter {
  public:
    void inc(std::uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
    // For collectors that mirror a count kept elsewhere (itself monotonic).
    void set(std::uint64_t n) { v_.store(n, std::memory_order_relaxed); }
    std::uint64_t value() const { return v_.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::uint64_t> v_{0};
};

class gauge {
  public:
    void inc(std::int64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
    void dec(std::int64_t n = 1) { v_.fetch_sub(n, std::memory_order_relaxed); }
    void set(std::int64_t n) { v_.store(n, std::memory_order_relaxed); }
    std::int64_t value() const { return v_.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::int64_t> v_{0};
};

class histogram {
  public:
    explicit histogram(std::vector<double> upper_bounds);
    void observe(double v);
    const std::vector<double>& bounds() const { return bounds_; }
    std::uint64_t bucket_count(std::size_t i) const { return counts_[i].load(); }  // cumulative
    std::uint64_t count() const { return count_.load(); }
    double sum() const { return sum_.load(); }

  private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket, not cumulative
    std::atomic<std::uint64_t> count_{0};
    std::atomic<double> sum_{0};
};

class metrics_registry {
  public:
    counter& get_counter(std::string_view name, std::string_view help, const labels& l = {});
    gauge& get_gauge(std::string_view name, std::string_view help, const labels& l = {});
    histogram& get_histogram(std::string_view name, std::string_view help, const labels& l = {},
                             std::vector<double> bounds = default_latency_bounds());

    // A function run before every render, to copy counts kept elsewhere (the cache's, the
    // sources' budgets) into series. Start-up only.
    void add_collector(std::function<void(metrics_registry&)> collect);

    // The Prometheus text exposition format (version 0.0.4). Runs the collectors first.
    std::string render();

    static std::vector<double> default_latency_bounds();

  private:
    struct family {
        std::string type;
        std::string help;
        std::map<std::string, std::unique_ptr<counter>> counters;
        std::map<std::string, std::unique_ptr<gauge>> gauges;
        std::map<std::string, std::unique_ptr<histogram>> histograms;
    };
    family& family_for(std::string_view name, std::string_view help, std::string_view type);

    mutable std::mutex mutex_;
    std::map<std::string, family, std::less<>> families_;
    std::vector<std::function<void(metrics_registry&)>> collectors_;
};

// Renders labels as `a="x",b="y"` with Prometheus escaping.
std::string render_labels(const labels& l);

}  // namespace runhub::http
