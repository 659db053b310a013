#include "model/failure.hpp"

#include <boost/json.hpp>

namespace runhub::model {

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const test_failure& f) {
    auto opt = [](const auto& o) -> boost::json::value {
        if (!o) return nullptr;
        return boost::json::value_from(*o);
    };
    v = {{"name", f.name},
         {"message", f.message},
         {"suite", opt(f.suite)},
         {"location", opt(f.location)},
         {"duration_ms", opt(f.duration_ms)},
         {"web_url", opt(f.web_url)}};
}

std::optional<test_failure> failure_from_json(const boost::json::value& v) {
    const auto* o = v.if_object();
    if (!o) return std::nullopt;
    test_failure f;
    bool ok = true;
    auto str = [&](const char* key, std::string& out) {
        const auto* m = o->if_contains(key);
        if (m && m->is_string())
            out = std::string(m->get_string());
        else
            ok = false;
    };
    auto opt_str = [&](const char* key, std::optional<std::string>& out) {
        const auto* m = o->if_contains(key);
        if (!m || m->is_null()) return;
        if (m->is_string())
            out = std::string(m->get_string());
        else
            ok = false;
    };
    str("name", f.name);
    str("message", f.message);
    opt_str("suite", f.suite);
    opt_str("location", f.location);
    opt_str("web_url", f.web_url);
    if (const auto* d = o->if_contains("duration_ms"); d && !d->is_null()) {
        if (d->is_int64())
            f.duration_ms = d->get_int64();
        else
            ok = false;
    }
    if (!ok) return std::nullopt;
    return f;
}

}  // namespace runhub::model
