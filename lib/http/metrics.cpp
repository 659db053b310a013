#include "http/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace runhub::http {

namespace {

std::string escape_label(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string format_double(double v) {
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

std::string series_name(std::string_view name, const std::string& lbl,
                        std::string_view extra = {}) {
    std::string out(name);
    if (lbl.empty() && extra.empty()) return out;
    out += '{';
    out += lbl;
    if (!lbl.empty() && !extra.empty()) out += ',';
    out += extra;
    out += '}';
    return out;
}

}  // namespace

std::string render_labels(const labels& l) {
    std::string out;
    for (const auto& [k, v] : l) {
        if (!out.empty()) out += ',';
        out += k;
        out += "=\"";
        out += escape_label(v);
        out += '"';
    }
    return out;
}

histogram::histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
    std::sort(bounds_.begin(), bounds_.end());
}

void histogram::observe(double v) {
    auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
    counts_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<double> metrics_registry::default_latency_bounds() {
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

metrics_registry::family& metrics_registry::family_for(std::string_view name, std::string_view help,
                                                       std::string_view type) {
    auto it = families_.find(name);
    if (it == families_.end()) {
        it = families_.emplace(std::string(name), family{}).first;
        it->second.type = type;
        it->second.help = help;
    } else if (it->second.type != type) {
        throw std::logic_error("metric registered with two types: " + std::string(name));
    }
    return it->second;
}

counter& metrics_registry::get_counter(std::string_view name, std::string_view help,
                                       const labels& l) {
    std::lock_guard lock(mutex_);
    auto& slot = family_for(name, help, "counter").counters[render_labels(l)];
    if (!slot) slot = std::make_unique<counter>();
    return *slot;
}

gauge& metrics_registry::get_gauge(std::string_view name, std::string_view help, const labels& l) {
    std::lock_guard lock(mutex_);
    auto& slot = family_for(name, help, "gauge").gauges[render_labels(l)];
    if (!slot) slot = std::make_unique<gauge>();
    return *slot;
}

histogram& metrics_registry::get_histogram(std::string_view name, std::string_view help,
                                           const labels& l, std::vector<double> bounds) {
    std::lock_guard lock(mutex_);
    auto& slot = family_for(name, help, "histogram").histograms[render_labels(l)];
    if (!slot) slot = std::make_unique<histogram>(std::move(bounds));
    return *slot;
}

void metrics_registry::add_collector(std::function<void(metrics_registry&)> collect) {
    collectors_.push_back(std::move(collect));
}

std::string metrics_registry::render() {
    for (const auto& collect : collectors_) collect(*this);
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, fam] : families_) {
        out += "# HELP " + name + " " + fam.help + "\n";
        out += "# TYPE " + name + " " + fam.type + "\n";
        for (const auto& [lbl, c] : fam.counters)
            out += series_name(name, lbl) + " " + std::to_string(c->value()) + "\n";
        for (const auto& [lbl, g] : fam.gauges)
            out += series_name(name, lbl) + " " + std::to_string(g->value()) + "\n";
        for (const auto& [lbl, h] : fam.histograms) {
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i <= h->bounds().size(); ++i) {
                cumulative += h->bucket_count(i);
                std::string le = i < h->bounds().size() ? format_double(h->bounds()[i]) : "+Inf";
                out += series_name(name + "_bucket", lbl, "le=\"" + le + "\"") + " " +
                       std::to_string(cumulative) + "\n";
            }
            out += series_name(name + "_sum", lbl) + " " + format_double(h->sum()) + "\n";
            out += series_name(name + "_count", lbl) + " " + std::to_string(h->count()) + "\n";
        }
    }
    return out;
}

}  // namespace runhub::http
