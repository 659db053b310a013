#include "cache/ttl_policy.hpp"

namespace runhub::cache {

ttl_policy::ttl_policy(ttl_options defaults,
                       std::map<std::string, ttl_overrides, std::less<>> per_source)
    : defaults_(defaults), per_source_(std::move(per_source)) {}

ttl_options ttl_policy::for_source(std::string_view source) const {
    ttl_options o = defaults_;
    auto it = per_source_.find(source);
    if (it == per_source_.end()) return o;
    const ttl_overrides& v = it->second;
    if (v.terminal_run) o.terminal_run = *v.terminal_run;
    if (v.active_run) o.active_run = *v.active_run;
    if (v.list_page) o.list_page = *v.list_page;
    if (v.stale_window) o.stale_window = *v.stale_window;
    return o;
}

milliseconds ttl_policy::run_ttl(std::string_view source, bool terminal) const {
    auto o = for_source(source);
    return terminal ? o.terminal_run : o.active_run;
}

milliseconds ttl_policy::page_ttl(std::string_view source) const {
    return for_source(source).list_page;
}

milliseconds ttl_policy::stale_window(std::string_view source) const {
    return for_source(source).stale_window;
}

freshness ttl_policy::stamp(std::string_view source, milliseconds ttl, time_point now) const {
    freshness f;
    f.stored_at = now;
    f.fresh_until = now + ttl;
    f.stale_until = f.fresh_until + stale_window(source);
    return f;
}

}  // namespace runhub::cache
