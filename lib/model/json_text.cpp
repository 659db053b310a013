#include "model/json_text.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

namespace runhub::model::json_text {

namespace {

// Whether none of the 8 bytes at `p` needs escaping (a control character, '"' or '\\'), tested
// on all eight at once: a byte b < 0x20 makes (b - 0x20) borrow into its high bit while b's own
// high bit is clear, and so does a byte equal to '"' or '\\' after xor with it (then zero).
// Exact as to whether any byte matches, which is all the caller asks.
bool plain8(const char* p) {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t highs = 0x8080808080808080ull;
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    auto zero_byte = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
    const std::uint64_t control = (w - ones * 0x20) & ~w & highs;
    return (control | zero_byte(w ^ (ones * '"')) | zero_byte(w ^ (ones * '\\'))) == 0;
}

}  // namespace

void append_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t run_start = 0;
    for (std::size_t i = 0; i < s.size();) {
        if (i + 8 <= s.size() && plain8(s.data() + i)) {  // most text: eight bytes a step
            i += 8;
            continue;
        }
        const auto c = static_cast<unsigned char>(s[i++]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run_start, i - 1 - run_start);
        run_start = i;
        out += '\\';
        switch (c) {
            case '"':
                out += '"';
                break;
            case '\\':
                out += '\\';
                break;
            case '\b':
                out += 'b';
                break;
            case '\f':
                out += 'f';
                break;
            case '\n':
                out += 'n';
                break;
            case '\r':
                out += 'r';
                break;
            case '\t':
                out += 't';
                break;
            default:
                out += "u00";
                out += hex[c >> 4];
                out += hex[c & 15];
        }
    }
    out.append(s.data() + run_start, s.size() - run_start);
    out += '"';
}

void append_int(std::string& out, std::int64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    (void)ec;  // 24 characters hold every int64
    out.append(buf, end);
}

}  // namespace runhub::model::json_text
