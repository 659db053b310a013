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

}  // namespace runhub::model
