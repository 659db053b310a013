#pragma once
// Timestamps of the model: RFC 3339 UTC with milliseconds ("2026-11-23T12:00:00.000Z").
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace runhub::model {

using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

std::string format_timestamp(timestamp t);
// Appends format_timestamp(t) to `out`.
void append_timestamp(std::string& out, timestamp t);
// Parses RFC 3339 with any fraction (truncated to ms), 'Z' or a ±HH:MM offset.
std::optional<timestamp> parse_timestamp(std::string_view text);

}  // namespace runhub::model
