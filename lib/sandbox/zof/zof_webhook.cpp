#include "sandbox/zof/zof_webhook.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>
#include <stdexcept>

#include "sandbox/core/seeded_data.hpp"

namespace runhub::sandbox::zof {

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len))
        throw std::runtime_error("HMAC-SHA256 failed");
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out += digits[mac[i] >> 4];
        out += digits[mac[i] & 0xF];
    }
    return out;
}

std::string event_body(std::string_view event_id, std::string_view type, const run_record& r,
                       std::string_view organization_id, time_point created) {
    namespace json = boost::json;
    json::object obj{{"id", r.id},
                     {"organization_id", organization_id},
                     {"run_id", r.id},
                     {"project_id", r.project_id},
                     {"status", r.status}};
    if (r.started_at && r.completed_at) {
        obj["duration_ms"] =
            std::chrono::duration_cast<std::chrono::milliseconds>(*r.completed_at - *r.started_at)
                .count();
    } else {
        obj["duration_ms"] = nullptr;
    }
    json::object ev{{"id", event_id},
                    {"type", type},
                    {"created", rfc3339_s(created)},
                    {"data", json::object{{"object", std::move(obj)}}}};
    return json::serialize(ev);
}

std::vector<std::string> events_for(std::string_view status) {
    std::vector<std::string> out{"run.completed"};
    if (status == "failed") out.emplace_back("run.failed");
    return out;
}

}  // namespace runhub::sandbox::zof
