#include "connectors/sofy/sofy_mapping.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <memory>
#include <set>

#include "connectors/common/json_access.hpp"
#include "connectors/sofy/sofy_status.hpp"

namespace runhub::connectors::sofy {
namespace json = boost::json;

namespace {

// An optional string member: absent or null is nothing, another type is a problem.
bool optional_string(const json::value& v, std::string_view key, std::optional<std::string>& out) {
    auto* m = member(v, key);
    if (!m || m->is_null()) return true;
    if (!m->is_string()) return false;
    out = std::string(m->get_string());
    return true;
}

std::string join(const std::vector<std::string>& parts) {
    std::string s;
    for (const auto& p : parts) s += (s.empty() ? "" : ", ") + p;
    return s;
}

// Distinct values in order of first appearance.
void add_distinct(std::vector<std::string>& list, const std::string& value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace

std::optional<model::timestamp> parse_sofy_time(std::string_view text) {
    if (auto t = model::parse_timestamp(text)) return t;
    // Legacy records: no zone designator. Only a plain date-time gets a 'Z'.
    if (text.size() >= 19 && text.size() <= 30 && text[10] == 'T' &&
        text.find_first_of("Zz+", 19) == std::string_view::npos &&
        text.find('-', 19) == std::string_view::npos)
        return model::parse_timestamp(std::string(text) + "Z");
    return std::nullopt;
}

parsed_record parse_record(const json::value& v, const shared_json& doc) {
    if (!v.is_object()) return {std::nullopt, "record is not an object"};
    sofy_record r;
    auto group = get_id(v, "testRunGroupId");
    if (!group || group->empty()) return {std::nullopt, "record without testRunGroupId"};
    r.group_id = *group;
    auto status = get_string(v, "status");
    if (!status) return {std::nullopt, "record " + r.group_id + " without a string status"};
    r.status = *status;
    std::optional<std::string> guid, name, scenario, at;
    bool ok = optional_string(v, "scheduledRunGuid", guid) &&
              optional_string(v, "scheduledRunName", name) &&
              optional_string(v, "scenarioName", scenario) &&
              optional_string(v, "scheduledAt", at) && optional_string(v, "build", r.build) &&
              optional_string(v, "device", r.device) &&
              optional_string(v, "applicationGuid", r.application_guid);
    if (!ok) return {std::nullopt, "record " + r.group_id + ": a field of the wrong type"};
    if (!at) return {std::nullopt, "record " + r.group_id + " without scheduledAt"};
    r.scheduled_at = parse_sofy_time(*at);
    if (!r.scheduled_at) return {std::nullopt, "record " + r.group_id + ": bad scheduledAt"};
    r.scheduled_run_guid = guid.value_or("");
    r.scheduled_run_name = name.value_or("");
    r.scenario_name = scenario.value_or("");
    r.raw = share_value(doc, v);
    return {std::move(r), {}};
}

std::string group_native_id(std::string_view guid, std::string_view group_id) {
    return std::string(guid) + "." + std::string(group_id);
}

std::optional<group_ref> parse_group_native_id(std::string_view native_id) {
    auto dot = native_id.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == native_id.size())
        return std::nullopt;
    group_ref g{std::string(native_id.substr(0, dot)), std::string(native_id.substr(dot + 1))};
    // Both go into a URL path: allow what GUIDs and numeric ids are made of.
    for (std::string_view part :
         {std::string_view(g.scheduled_run_guid), std::string_view(g.group_id)})
        for (char c : part)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return std::nullopt;
    return g;
}

model::run map_group(const std::vector<sofy_record>& records, std::string_view source_name,
                     std::string_view guid) {
    const sofy_record& first = records.front();
    std::string g = first.scheduled_run_guid.empty() ? std::string(guid) : first.scheduled_run_guid;
    model::run r;
    r.source = std::string(source_name);
    r.vendor = "sofy";
    r.native_id = group_native_id(g, first.group_id);
    r.id = model::make_run_id(source_name, r.native_id);
    r.name = first.scheduled_run_name.empty() ? first.scenario_name : first.scheduled_run_name;
    if (first.application_guid) r.project = model::project_ref{*first.application_guid, ""};

    std::vector<status_mapping> statuses;
    std::vector<std::string> texts, devices, builds;
    model::run_counts c;
    // The raw object is assembled from the records' own objects, copied: made in the arena of
    // the page they came from (doc_storage), the copies cost a bump allocation per node and
    // nothing to free, and the run's raw keeps that page alive like other vendors' raws do.
    shared_json doc;
    for (const auto& rec : records)
        if (rec.raw) {
            doc = rec.raw;
            break;
        }
    json::value raw_value(json::object_kind, doc_storage(doc));
    auto& raw = raw_value.get_object();
    raw.reserve(3);
    raw.emplace("scheduledRunGuid", g);
    raw.emplace("testRunGroupId", first.group_id);
    auto& kept = raw.emplace("records", json::array_kind).first->value().get_array();
    kept.reserve(records.size());
    for (const auto& rec : records) {
        auto m = map_status(rec.status);
        statuses.push_back(m);
        add_distinct(texts, rec.status);
        if (rec.device) add_distinct(devices, *rec.device);
        if (rec.build) add_distinct(builds, *rec.build);
        ++c.total;
        if (m.status == model::run_status::passed)
            ++c.passed;
        else if (m.status == model::run_status::failed)
            ++c.failed;
        else if (m.status == model::run_status::canceled)
            ++c.skipped;
        else
            ++c.untested;
        if (!r.created_at || (rec.scheduled_at && *rec.scheduled_at < *r.created_at))
            r.created_at = rec.scheduled_at;
        if (rec.raw)
            kept.push_back(*rec.raw);
        else
            kept.push_back(nullptr);
    }
    auto agg = aggregate(statuses);
    r.status = agg.status;
    r.terminal = agg.terminal;
    r.vendor_status = join(texts);
    r.counts = c;
    if (!devices.empty()) r.device = join(devices);
    if (!builds.empty()) r.build = join(builds);
    r.raw = keep_in_doc(doc, std::move(raw_value));
    return r;
}

std::vector<model::test_failure> map_failures(const std::vector<sofy_record>& records) {
    std::vector<model::test_failure> out;
    for (const auto& rec : records) {
        auto m = map_status(rec.status);
        if (!m.terminal || m.status == model::run_status::passed ||
            m.status == model::run_status::canceled)
            continue;
        model::test_failure f;
        f.name = rec.scenario_name.empty() ? "test run" : rec.scenario_name;
        if (rec.device) f.name += " on " + *rec.device;
        f.message = rec.status;
        if (!rec.scheduled_run_name.empty()) f.suite = rec.scheduled_run_name;
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace runhub::connectors::sofy
