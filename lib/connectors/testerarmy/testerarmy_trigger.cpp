#include "connectors/testerarmy/testerarmy_trigger.hpp"

#include <boost/json.hpp>
#include <cctype>

#include "connectors/common/json_access.hpp"

namespace runhub::connectors::testerarmy {
namespace {

constexpr std::string_view members[] = {"test_id", "group_id", "prompt"};

}  // namespace

bool uuid_shaped(std::string_view id) {
    if (id.size() != 36) return false;
    for (std::size_t i = 0; i < id.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? id[i] != '-' : !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
    }
    return true;
}

trigger_check check_trigger_target(const boost::json::object& target) {
    trigger_check out;
    std::string_view chosen;
    for (const auto& kv : target) {
        const std::string_view k = kv.key();
        const std::string field = "target." + std::string(k);
        bool known = false;
        for (auto m : members) known = known || k == m;
        if (!known) {
            out.error = invalid_target("testerarmy", field,
                                       field +
                                           " is not a TesterArmy target member (exactly one of "
                                           "test_id, group_id, prompt)");
            return out;
        }
        if (!chosen.empty()) {
            out.error = invalid_target("testerarmy", field,
                                       "exactly one of target.test_id, target.group_id, "
                                       "target.prompt; target." +
                                           std::string(chosen) + " is given already");
            return out;
        }
        chosen = k;
    }
    if (chosen.empty()) {
        out.error = invalid_target("testerarmy", "target",
                                   "one of target.test_id, target.group_id, target.prompt "
                                   "is required");
        return out;
    }
    const std::string field = "target." + std::string(chosen);
    const auto& v = target.at(chosen);
    if (!v.is_string() || v.get_string().empty()) {
        out.error = invalid_target("testerarmy", field, field + " must be a non-empty string");
        return out;
    }
    const std::string_view text = v.get_string();
    trigger_call call;
    call.field = field;
    if (chosen == "test_id") {
        if (!uuid_shaped(text)) {
            out.error = invalid_target("testerarmy", field, field + " must be a UUID");
            return out;
        }
        call.form = trigger_form::test;
        call.target = "/api/v1/tests/" + std::string(text) + "/runs";
        call.body = "{}";
    } else if (chosen == "group_id") {
        call.form = trigger_form::group;
        call.target = "/api/v1/groups/" + encode_component(text) + "/runs";
        call.body = "{}";
    } else {
        call.form = trigger_form::prompt;
        call.target = "/api/v1/runs";
        call.body = boost::json::serialize(boost::json::object{{"prompt", text}});
    }
    out.call = std::move(call);
    return out;
}

std::string field_of_refusal(const trigger_call& call, int status, std::string_view body) {
    if (status == 404) return call.field;  // the test or group does not exist
    if (status != 400 && status != 422) return "";
    auto doc = parse_json(body);
    if (!doc) return "";
    // {"error":"ValidationError","message":"prompt: Required"} (vendor-notes §2.5)
    const std::string message = get_string(*doc, "message").value_or("");
    const std::string name = message.substr(0, message.find(':'));
    if (name == "testId" && call.form == trigger_form::test) return call.field;
    if (name == "groupId" && call.form == trigger_form::group) return call.field;
    if (name == "prompt" && call.form == trigger_form::prompt) return call.field;
    if (name == "id" && call.form != trigger_form::prompt) return call.field;
    return "";
}

std::optional<std::vector<std::string>> group_run_ids(std::string_view body) {
    auto doc = parse_json(body);
    const boost::json::value* ids = doc ? member(*doc, "runIds") : nullptr;
    if (!ids || !ids->is_array()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& v : ids->get_array()) {
        if (!v.is_string()) return std::nullopt;
        out.emplace_back(v.get_string());
    }
    return out;
}

}  // namespace runhub::connectors::testerarmy
