#include "model/timestamp.hpp"

#include <cstdio>

namespace runhub::model {

void append_timestamp(std::string& out, timestamp t) {
    using namespace std::chrono;
    auto day = floor<days>(t);
    year_month_day ymd{day};
    hh_mm_ss<milliseconds> hms{t - day};
    const int y = int(ymd.year());
    if (y < 0 || y > 9999) {  // rare: printf's %04d for the sign and the fifth digit
        char buf[48];
        int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y,
                              unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                              int(hms.minutes().count()), int(hms.seconds().count()),
                              int(hms.subseconds().count()));
        out.append(buf, static_cast<std::size_t>(n));
        return;
    }
    char buf[25] = "0000-00-00T00:00:00.000Z";
    auto put = [&buf](int pos, int width, unsigned v) {
        for (int i = pos + width - 1; i >= pos; --i) {
            buf[i] = static_cast<char>('0' + v % 10);
            v /= 10;
        }
    };
    put(0, 4, unsigned(y));
    put(5, 2, unsigned(ymd.month()));
    put(8, 2, unsigned(ymd.day()));
    put(11, 2, unsigned(hms.hours().count()));
    put(14, 2, unsigned(hms.minutes().count()));
    put(17, 2, unsigned(hms.seconds().count()));
    put(20, 3, unsigned(hms.subseconds().count()));
    out.append(buf, 24);
}

std::string format_timestamp(timestamp t) {
    std::string out;
    append_timestamp(out, t);
    return out;
}

std::optional<timestamp> parse_timestamp(std::string_view s) {
    using namespace std::chrono;
    auto digits = [&](std::size_t pos, std::size_t len, int& v) {
        if (pos + len > s.size()) return false;
        v = 0;
        for (std::size_t i = pos; i < pos + len; ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
            v = v * 10 + (s[i] - '0');
        }
        return true;
    };
    int y, mo, d, h, mi, sec;
    if (!digits(0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' ||
        !digits(8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(11, 2, h) ||
        s[13] != ':' || !digits(14, 2, mi) || s[16] != ':' || !digits(17, 2, sec))
        return std::nullopt;
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
    if (!ymd.ok()) return std::nullopt;
    std::size_t pos = 19;
    int ms = 0, seen = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (seen < 3) ms = ms * 10 + (s[pos] - '0');
            ++seen;
            ++pos;
        }
        if (seen == 0) return std::nullopt;
        for (int i = seen; i < 3; ++i) ms *= 10;
    }
    int offset = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
        int oh, om;
        if (!digits(pos + 1, 2, oh) || !digits(pos + 4, 2, om) || oh > 23 || om > 59)
            return std::nullopt;
        offset = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    return timestamp(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(sec) + milliseconds(ms) -
           minutes(offset);
}

}  // namespace runhub::model
