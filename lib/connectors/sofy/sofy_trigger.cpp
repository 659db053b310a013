#include "connectors/sofy/sofy_trigger.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "connectors/common/json_access.hpp"

namespace runhub::connectors::sofy {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// A non-empty string member, else the error naming it.
std::optional<std::string> required_string(const boost::json::object& t, std::string_view name,
                                           connector_error& err) {
    const auto* v = t.if_contains(name);
    const std::string field = "target." + std::string(name);
    if (!v) {
        err = invalid_target("sofy", field, field + " is required");
        return std::nullopt;
    }
    if (!v->is_string() || v->get_string().empty()) {
        err = invalid_target("sofy", field, field + " must be a non-empty string");
        return std::nullopt;
    }
    return std::string(v->get_string());
}

}  // namespace

execute_check check_execute_target(const boost::json::object& target) {
    execute_check out;
    for (const auto& kv : target) {
        const std::string_view k = kv.key();
        if (k != "schedule_guid" && k != "app_hash" && k != "device_serials") {
            const std::string field = "target." + std::string(k);
            out.error = invalid_target("sofy", field,
                                       field +
                                           " is not a Sofy target member (schedule_guid, "
                                           "app_hash, device_serials)");
            return out;
        }
    }
    auto guid = required_string(target, "schedule_guid", out.error);
    if (!guid) return out;
    auto hash = required_string(target, "app_hash", out.error);
    if (!hash) return out;
    std::string serials;
    if (const auto* v = target.if_contains("device_serials")) {
        const char* what = "target.device_serials must be a non-empty array of device serials";
        if (!v->is_array() || v->get_array().empty()) {
            out.error = invalid_target("sofy", "target.device_serials", what);
            return out;
        }
        for (const auto& s : v->get_array()) {
            if (!s.is_string() || s.get_string().empty() ||
                std::string_view(s.get_string()).find(',') != std::string_view::npos) {
                out.error = invalid_target("sofy", "target.device_serials", what);
                return out;
            }
            if (!serials.empty()) serials += ',';
            serials += encode_component(s.get_string());
        }
    }
    execute_call call;
    call.schedule_guid = *guid;
    call.target = "/scheduler-microservice/scheduled-runs/" + encode_component(*guid) +
                  "/execute?appHash=" + encode_component(*hash);
    // The commas stay literal: Sofy documents deviceSerials as a comma-separated list.
    if (!serials.empty()) call.target += "&deviceSerials=" + serials;
    out.call = std::move(call);
    return out;
}

std::string field_of_execute_refusal(std::string_view body) {
    auto doc = parse_json(body);
    if (!doc) return "";
    const boost::json::value* err = member(*doc, "error");
    if (!err) return "";
    const std::string text = lower(get_string(*err, "message").value_or("") + " " +
                                   get_string(*err, "details").value_or(""));
    // "Scheduled run ID not found or invalid." (vendor-notes §1.6)
    if (text.find("scheduled run") != std::string::npos) return "target.schedule_guid";
    if (text.find("app hash") != std::string::npos || text.find("apphash") != std::string::npos)
        return "target.app_hash";
    if (text.find("device") != std::string::npos || text.find("serial") != std::string::npos)
        return "target.device_serials";
    return "";
}

abort_answer classify_abort(std::string_view body) {
    auto doc = parse_json(body);
    if (!doc) return abort_answer::unknown;
    const std::string text = lower(get_string(*doc, "message").value_or(""));
    // The two answers of vendor-notes §1.3 (both 200).
    if (text.starts_with("no test runs could be aborted")) return abort_answer::nothing_aborted;
    if (text.find("aborted") != std::string::npos && text.find("successfully") != std::string::npos)
        return abort_answer::aborted;
    return abort_answer::unknown;
}

}  // namespace runhub::connectors::sofy
